# SPDX-License-Identifier: MIT
"""Description: port mirroring and capture from Python (issue 18, libvsw
2.2), on ports without a backend (no root): a capture of both directions
of a frame exchange yields the frames with their port, direction and
timestamp; an egress copy on an uplink shows the tag the switch pushed;
a VLAN filter; snap length truncation; a SPAN destination gets only
mirrored frames and counts the others as mirror_dst; write_pcapng()
writes a file that a small pcapng reader here parses block by block
(section header, an interface per port with if_name and nanosecond
resolution, packet blocks with the direction in epb_flags, statistics at
the end), and that tshark reads when it is installed."""

import errno
import os
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

import libvsw
from libvsw import _lib

MAC_A = "00:50:56:00:00:0a"
MAC_B = "00:50:56:00:00:0b"
MAC_C = "00:50:56:00:00:0c"
MAC_D = "00:50:56:00:00:0d"
BCAST = "ff:ff:ff:ff:ff:ff"


def eth(dst, src, payload=46, fill=0):
    return (bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", ""))
            + b"\x08\x00" + bytes([fill]) * payload)


def have_mirroring():
    return getattr(_lib.lib, "vsw_capture_open", None) is not None


# -- a small pcapng reader (the format's blocks and options, either byte order) --
SHB, IDB, EPB, ISB = 0x0A0D0D0A, 1, 6, 5


def _options(buf, end):
    """{code: [value bytes, ...]} of an option list, and checks it ends with opt_endofopt."""
    out = {}
    off = 0
    while off + 4 <= len(buf):
        code, length = struct.unpack_from(end + "HH", buf, off)
        off += 4
        if code == 0:
            return out
        out.setdefault(code, []).append(bytes(buf[off:off + length]))
        off += (length + 3) & ~3
    if off != len(buf):
        raise ValueError("an option list runs past its block")
    return out


def read_pcapng(data):
    """The blocks of a pcapng stream: a list of (type, dict)."""
    blocks, off, end = [], 0, "<"
    while off < len(data):
        if len(data) - off < 12:
            raise ValueError("a truncated block at %d" % off)
        btype = struct.unpack_from("<I", data, off)[0]
        if btype == SHB:
            magic = data[off + 8:off + 12]
            end = {b"\x4d\x3c\x2b\x1a": "<", b"\x1a\x2b\x3c\x4d": ">"}[bytes(magic)]
        btype, blen = struct.unpack_from(end + "II", data, off)
        if blen % 4 or blen < 12 or off + blen > len(data):
            raise ValueError("block at %d: bad length %d" % (off, blen))
        if struct.unpack_from(end + "I", data, off + blen - 4)[0] != blen:
            raise ValueError("block at %d: the trailing length differs" % off)
        body = data[off + 8:off + blen - 4]
        if btype == SHB:
            _, major, minor, _ = struct.unpack_from(end + "IHHq", body, 0)
            info = {"version": (major, minor), "options": _options(body[16:], end)}
        elif btype == IDB:
            link, _, snap = struct.unpack_from(end + "HHI", body, 0)
            info = {"linktype": link, "snaplen": snap, "options": _options(body[8:], end)}
        elif btype == EPB:
            ifid, hi, lo, cap, orig = struct.unpack_from(end + "IIIII", body, 0)
            pad = (cap + 3) & ~3
            info = {"if": ifid, "ts": hi << 32 | lo, "caplen": cap, "len": orig,
                    "data": bytes(body[20:20 + cap]), "options": _options(body[20 + pad:], end)}
            flags = info["options"].get(2)
            info["flags"] = struct.unpack(end + "I", flags[0])[0] if flags else 0
        elif btype == ISB:
            ifid, hi, lo = struct.unpack_from(end + "III", body, 0)
            info = {"if": ifid, "ts": hi << 32 | lo, "options": _options(body[12:], end)}
        else:
            info = {}
        info["end"] = end
        blocks.append((btype, info))
        off += blen
    return blocks


def u64(info, code):
    v = info["options"][code][0]
    return struct.unpack(info["end"] + "Q", v)[0]


class TestReader(unittest.TestCase):
    def test_the_reader_reads_a_hand_made_stream(self):
        # the reader itself, on bytes laid out by hand (big-endian, to try both orders)
        def block(btype, body):
            n = 12 + len(body)
            return struct.pack(">II", btype, n) + body + struct.pack(">I", n)
        name = b"vm1\0"
        shb = block(SHB, struct.pack(">IHHq", 0x1A2B3C4D, 1, 0, -1) + struct.pack(">HH", 0, 0))
        idb = block(IDB, struct.pack(">HHI", 1, 0, 0) + struct.pack(">HH", 2, 3) + name
                    + struct.pack(">HHb3x", 9, 1, 9) + struct.pack(">HH", 0, 0))
        frame = b"\x01" * 61
        epb = block(EPB, struct.pack(">IIIII", 0, 1, 2, 61, 64) + frame + b"\0\0\0"
                    + struct.pack(">HHI", 2, 4, 2) + struct.pack(">HH", 0, 0))
        blocks = read_pcapng(shb + idb + epb)
        self.assertEqual([b[0] for b in blocks], [SHB, IDB, EPB])
        self.assertEqual(blocks[1][1]["options"][2], [b"vm1"])
        self.assertEqual(blocks[2][1]["data"], frame)
        self.assertEqual((blocks[2][1]["ts"], blocks[2][1]["len"], blocks[2][1]["flags"]),
                         (1 << 32 | 2, 64, 2))
        with self.assertRaises(ValueError):
            read_pcapng(shb + idb[:-4] + b"\0\0\0\1")


@unittest.skipUnless(have_mirroring(), "the libvsw loaded has no port mirroring (before 2.2)")
class MirrorCase(unittest.TestCase):
    def setUp(self):
        self.sw = libvsw.Switch("mir")
        self.pg = self.sw.add_portgroup("pg")
        self.got = {}
        self.a = self.vnic(self.pg, "a", MAC_A)
        self.b = self.vnic(self.pg, "b", MAC_B)

    def tearDown(self):
        self.sw.close()

    def vnic(self, pg, name, mac):
        port = pg.add_vnic(name, mac=mac)
        self.got[name] = []
        port.on_receive = lambda p, frames: self.got[p.name].extend(bytes(f) for f in frames)
        return port


class TestCapture(MirrorCase):
    def test_both_directions_of_an_exchange(self):
        ask, answer = eth(MAC_B, MAC_A, fill=1), eth(MAC_A, MAC_B, fill=2)
        before = time.time_ns()
        with self.a.capture() as cap:
            self.assertEqual(self.sw.mirrors, [cap.session])
            self.a.send(ask)
            self.b.send(answer)
            frames = list(cap)
        after = time.time_ns()
        self.assertEqual([(f.port, f.direction, f.data, f.length) for f in frames],
                         [(self.a, "in", ask, 60), (self.a, "out", answer, 60)])
        for f in frames:
            self.assertTrue(before <= f.timestamp <= after, (before, f.timestamp, after))
            self.assertAlmostEqual(f.time, f.timestamp / 1e9)
            self.assertFalse(f.truncated)
            self.assertIn("a in" if f.direction == "in" else "a out", repr(f))
        self.assertLessEqual(frames[0].timestamp, frames[1].timestamp)
        self.assertEqual(self.got["b"], [ask])      # forwarding unchanged
        self.assertEqual(self.got["a"], [answer])
        self.assertEqual(self.sw.mirrors, [])       # close() removed the session
        self.assertEqual(cap.stats, {"frames": 2, "dropped": 0, "bytes": 0})
        self.assertTrue(cap.done)

    def test_one_direction_and_count(self):
        cap = self.b.capture("in", count=2)
        self.a.send(eth(MAC_B, MAC_A))            # b receives it: not "in"
        for i in range(3):
            self.b.send(eth(MAC_A, MAC_B, fill=i))
        self.assertTrue(cap.done)
        frames = list(cap)
        self.assertEqual([f.data[14] for f in frames], [0, 1])
        self.assertEqual({f.direction for f in frames}, {"in"})
        self.assertEqual(cap.stats["dropped"], 0)   # beyond count is no drop of the queue's
        cap.close()
        cap.close()

    def test_snaplen_cuts_copies(self):
        with self.a.capture(snaplen=20) as cap:
            self.assertEqual(cap.session.snaplen, 20)
            big = eth(MAC_B, MAC_A, payload=500, fill=7)
            self.a.send(big)
            (f,) = list(cap)
        self.assertEqual((f.data, f.length, f.truncated), (big[:20], len(big), True))
        self.assertEqual(self.got["b"], [big])      # the frame itself went whole
        with self.assertRaises(ValueError):
            self.a.capture(snaplen=13)
        self.assertEqual(self.sw.mirrors, [])       # the refused one left nothing behind

    def test_a_full_queue_drops_and_counts(self):
        with self.a.capture("in", max_queue=3) as cap:
            self.a.send([eth(MAC_B, MAC_A, fill=i) for i in range(5)])
            self.assertEqual(cap.session.stats, {"mirrored": 3, "dropped": 2})
            self.assertEqual(len(list(cap)), 3)
            self.assertEqual(cap.stats["dropped"], 2)
            self.a.send(eth(MAC_B, MAC_A))        # room again
            self.assertEqual(len(list(cap)), 1)

    def test_egress_copies_show_the_tag_the_switch_pushed(self):
        pg10 = self.sw.add_portgroup("vlan10", vlan=10)
        c = self.vnic(pg10, "c", MAC_C)
        up = self.sw.add_uplink("vmnic0")
        on_wire = []
        up.on_receive = lambda p, frames: on_wire.extend(bytes(f) for f in frames)
        frame = eth(BCAST, MAC_C, fill=3)
        with self.sw.capture([c, up]) as cap:
            c.send(frame)
            frames = list(cap)
        tagged = frame[:12] + b"\x81\x00\x00\x0a" + frame[12:]
        self.assertEqual(on_wire, [tagged])
        self.assertEqual([(f.port.name, f.direction, f.data) for f in frames],
                         [("c", "in", frame), ("vmnic0", "out", tagged)])

    def test_iteration_with_a_timeout_runs_the_switch(self):
        cap = self.a.capture(count=1, timeout=0.3)
        t0 = time.monotonic()
        self.assertEqual(list(cap), [])           # nothing came: ends after the timeout
        self.assertGreaterEqual(time.monotonic() - t0, 0.25)
        self.a.send(eth(MAC_B, MAC_A))
        self.assertEqual(len(list(cap)), 1)
        self.assertTrue(cap.wait(0))
        cap.close()

    def test_close_from_a_callback_is_refused(self):
        cap = self.a.capture()
        errs = []

        def close_it(port, frames):
            try:
                cap.close()
            except libvsw.VswError as e:
                errs.append(e.errno)
        self.b.on_receive = close_it
        self.a.send(eth(MAC_B, MAC_A))
        self.assertEqual(errs, [errno.EBUSY])
        self.assertFalse(cap.done)
        cap.close()                                 # from outside: fine
        self.assertEqual(self.sw.mirrors, [])

    def test_a_closed_switch_ends_the_capture(self):
        cap = self.a.capture()
        self.a.send(eth(MAC_B, MAC_A))
        self.sw.close()
        self.assertTrue(cap.done)
        self.assertEqual(len(list(cap)), 1)       # what was captured stays
        cap.close()
        self.assertEqual(cap.stats["frames"], 1)


class TestMirror(MirrorCase):
    def test_session_object(self):
        m = self.sw.add_mirror("m1", snaplen=64, enabled=False)
        self.assertIs(self.sw.mirror("m1"), m)
        self.assertEqual(self.sw.mirrors, [m])
        self.assertEqual((m.name, m.enabled, m.snaplen, m.dest, m.sources), ("m1", False, 64,
                                                                             None, {}))
        m.add_source(self.a, "in")
        m.add_source(self.a, libvsw.MirrorDirection.BOTH)      # a change of direction
        m.add_source(self.b, "egress", vlans=[5, 0, 5])
        self.assertEqual(m.sources, {self.a: "both", self.b: "out"})
        self.assertEqual(m.source_vlans(self.b), [0, 5])
        self.assertEqual(m.source_vlans(self.a), [])
        m.set_source_vlans(self.b, None)
        self.assertEqual(m.source_vlans(self.b), [])
        m.enabled = True
        m.snaplen = 0
        self.assertTrue(m.enabled)
        self.assertEqual(m.snaplen, 0)
        self.assertIn("Mirror('m1', switch='mir', enabled=True, snaplen=0, "
                      "sources={'a': 'both', 'b': 'out'}, dest=None)", repr(m))
        with self.assertRaises(FileExistsError):
            self.sw.add_mirror("m1")
        with self.assertRaises(FileNotFoundError):
            self.sw.mirror("m2")
        with self.assertRaises(ValueError):
            m.add_source(self.a, "sideways")
        with self.assertRaises(ValueError):
            m.snaplen = 5
        with self.assertRaises(ValueError):
            m.set_source_vlans(self.a, [4095])
        with self.assertRaises(TypeError):
            m.add_source(self.pg)
        with self.assertRaises(libvsw.VswError):   # a source cannot be the destination
            m.dest = self.a
        m.remove_source(self.b)
        with self.assertRaises(FileNotFoundError):
            m.remove_source(self.b)
        m.remove()
        self.assertEqual(self.sw.mirrors, [])
        with self.assertRaises(ValueError):
            m.enabled
        self.assertIn("removed", repr(m))

    def test_callback_destination_and_vlan_filter(self):
        pg10 = self.sw.add_portgroup("vlan10", vlan=10)
        pg20 = self.sw.add_portgroup("vlan20", vlan=20)
        c10 = self.vnic(pg10, "c10", MAC_C)
        c20 = self.vnic(pg20, "c20", MAC_D)
        up = self.sw.add_uplink("vmnic0")
        up.on_receive = lambda p, frames: None
        seen = []
        m = self.sw.add_mirror("vlan20-only")
        m.add_source(up, "out", vlans=[20])
        m.dest = lambda mirror, frames: seen.extend((mirror, f) for f in frames)
        self.assertTrue(callable(m.dest))
        c10.send(eth(BCAST, MAC_C, fill=10))
        c20.send(eth(BCAST, MAC_D, fill=20))
        self.assertEqual(len(seen), 1)
        mirror, f = seen[0]
        self.assertIs(mirror, m)
        self.assertEqual((f.port, f.direction, f.data[12:16]), (up, "out", b"\x81\x00\x00\x14"))
        self.assertEqual(m.stats, {"mirrored": 1, "dropped": 0})
        m.clear_stats()
        self.assertEqual(m.stats, {"mirrored": 0, "dropped": 0})

    def test_a_callback_that_takes_less_and_one_that_raises(self):
        m = self.sw.add_mirror("m")
        m.add_source(self.a, "in")
        m.dest = lambda mirror, frames: 1
        self.a.send([eth(MAC_B, MAC_A), eth(MAC_B, MAC_A)])
        self.assertEqual(m.stats, {"mirrored": 1, "dropped": 1})

        def boom(mirror, frames):
            raise KeyError("boom")
        m.dest = boom
        with self.assertRaisesRegex(KeyError, "boom"):
            self.a.send(eth(MAC_B, MAC_A))
        self.assertEqual(self.got["b"][-1], eth(MAC_B, MAC_A))   # forwarded all the same
        self.assertEqual(m.stats["dropped"], 2)

    def test_span_destination_gets_only_mirrored_frames(self):
        mon = self.vnic(self.pg, "monitor", MAC_D)
        mon.send(eth(MAC_B, MAC_D))                 # the switch learns the monitor's MAC
        self.got["b"].clear()
        m = self.sw.add_mirror("span")
        m.add_source(self.a, "both")
        m.dest = mon
        self.assertIs(m.dest, mon)
        flood = eth(BCAST, MAC_A, fill=1)
        self.a.send(flood)                          # to b and, but for SPAN, the monitor
        self.b.send(eth(MAC_A, MAC_B, fill=2))      # delivered to a: an egress copy
        self.b.send(eth(MAC_D, MAC_B, fill=3))      # to the monitor itself: mirror_dst
        self.assertEqual(self.got["monitor"], [flood, eth(MAC_A, MAC_B, fill=2)])
        self.assertEqual(self.got["b"], [flood])
        self.assertEqual(mon.counter("mirror_dst"), 2)    # the flood and the unicast
        self.assertEqual(mon.counters["mirror_dst"], 2)
        self.assertEqual(mon.counter(libvsw.Counter.MIRROR_DST), 2)
        self.assertEqual(mon.counter("tx_packets"), 2)    # the copies
        self.assertEqual(m.stats, {"mirrored": 2, "dropped": 0})
        mon.send(eth(MAC_B, MAC_D, fill=4))          # what the destination sends goes on
        self.assertEqual(self.got["b"][-1], eth(MAC_B, MAC_D, fill=4))
        m.enabled = False                            # normal forwarding again
        self.b.send(eth(MAC_D, MAC_B, fill=5))
        self.assertEqual(self.got["monitor"][-1], eth(MAC_D, MAC_B, fill=5))
        self.assertEqual(mon.counter("mirror_dst"), 2)

    def test_rspan_destination_is_an_uplink_and_a_vlan(self):
        up = self.sw.add_uplink("vmnic1")
        wire = []
        up.on_receive = lambda p, frames: wire.extend(bytes(f) for f in frames)
        self.b.send(eth(MAC_A, MAC_B))              # learned: a's frame to b is no flood
        wire.clear()
        m = self.sw.add_mirror("rspan")
        m.add_source(self.a, "in")
        m.dest = (up, 999)
        self.assertEqual(m.dest, (up, 999))
        frame = eth(MAC_B, MAC_A, fill=9)
        self.a.send(frame)
        self.assertEqual(wire, [frame[:12] + b"\x81\x00\x03\xe7" + frame[12:]])
        with self.assertRaises(ValueError):
            m.dest = (up, 4095)
        m.dest = None
        self.assertIsNone(m.dest)


class TestPcapng(MirrorCase):
    def exchange(self, cap):
        self.a.send(eth(MAC_B, MAC_A, fill=1))
        self.b.send(eth(MAC_A, MAC_B, fill=2))
        self.b.send(eth(MAC_A, MAC_B, payload=300, fill=3))

    def test_write_pcapng_writes_what_a_reader_parses(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "a.pcapng")
            before = time.time_ns()
            with self.sw.capture(["a", "b"], snaplen=100) as cap:
                self.assertIs(cap.write_pcapng(path), cap)
                self.assertIs(cap.session.dest, cap)
                self.exchange(cap)
                self.assertEqual(list(cap), [])   # the frames went to the file
            after = time.time_ns()
            self.assertEqual(cap.stats["frames"], 6)
            self.assertEqual(cap.stats["dropped"], 0)
            with open(path, "rb") as f:
                data = f.read()
            self.assertEqual(cap.stats["bytes"], len(data))
            blocks = read_pcapng(data)
            self.assertEqual(blocks[0][0], SHB)
            self.assertEqual(blocks[0][1]["version"], (1, 0))
            idbs = [b for t, b in blocks if t == IDB]
            names = [b["options"][2][0].rstrip(b"\0").decode() for b in idbs]
            self.assertEqual(sorted(names), ["a", "b"])
            for b in idbs:
                self.assertEqual((b["linktype"], b["snaplen"]), (1, 100))
                self.assertEqual(b["options"][9], [b"\x09"])   # if_tsresol: ns
            pkts = [b for t, b in blocks if t == EPB]
            got = [(names[p["if"]], p["flags"] & 3, p["data"][14], p["caplen"], p["len"])
                   for p in pkts]
            self.assertEqual(got, [("a", 1, 1, 60, 60), ("b", 2, 1, 60, 60),
                                   ("b", 1, 2, 60, 60), ("a", 2, 2, 60, 60),
                                   ("b", 1, 3, 100, 314), ("a", 2, 3, 100, 314)])
            for p in pkts:
                self.assertTrue(before <= p["ts"] <= after)
            isbs = [b for t, b in blocks if t == ISB]
            self.assertEqual(blocks[-1][0], ISB)
            self.assertEqual(sorted(b["if"] for b in isbs), [0, 1])
            for b in isbs:
                self.assertEqual(u64(b, 4), 3)       # isb_ifrecv: 3 frames per port
                self.assertEqual(u64(b, 7), 0)       # isb_osdrop: none
                self.assertLessEqual(u64(b, 2), u64(b, 3))
            self.tshark(path, [(names[p["if"]], p["flags"] & 3) for p in pkts])

    def tshark(self, path, expect):
        if not shutil.which("tshark"):
            return   # the reader above checked the file; tshark is optional here
        r = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.interface_name",
                            "-e", "eth.src"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual([ln.split("\t")[0] for ln in lines], [e[0] for e in expect])

    def test_write_pcapng_to_a_file_object_and_count(self):
        with tempfile.TemporaryFile() as f:
            cap = self.a.capture(count=2)
            cap.write_pcapng(f)
            self.exchange(cap)
            self.assertTrue(cap.wait(1))
            cap.close()
            self.assertFalse(f.closed)               # the caller's file stays open
            f.seek(0)
            blocks = read_pcapng(f.read())
        self.assertEqual(len([b for t, b in blocks if t == EPB]), 2)
        self.assertEqual(blocks[-1][0], ISB)


if __name__ == "__main__":
    unittest.main()
