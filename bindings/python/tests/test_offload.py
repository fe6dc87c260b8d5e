# SPDX-License-Identifier: MIT
"""Description: offload metadata through the bindings (libvsw 2.0): the
Frame class, struct vsw_frame's 32-byte layout, a TSO super-frame passed
as it is to a port that takes it (offsets moved by 4 where the switch pops
or pushes a tag), segmented or checksummed in software for one that does
not (every segment checked: lengths, sequence numbers, IP and TCP/UDP
checksums), metadata that lies dropped as bad_offload, the oversize rule
of super-frames, Port.offloads, receive callbacks that take fewer frames
(tx_full), and input from a callback queued instead of refused."""

import ctypes
import errno
import os
import pickle
import struct
import unittest

import libvsw
from libvsw._lib import CFrame

MAC_A = "00:50:56:00:00:0a"
MAC_B = "00:50:56:00:00:0b"
MAC_T = "00:50:56:00:00:0c"
EXT = "00:11:22:33:44:55"
IP4 = (bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
IP6 = (bytes.fromhex("20010db8000000000000000000000001"),
       bytes.fromhex("20010db8000000000000000000000002"))
TCP, UDP = 6, 17
F = libvsw.FrameFlag


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def fold(data, s=0):
    """The one's complement sum of data (16-bit words), folded, not inverted."""
    if len(data) % 2:
        data += b"\0"
    s += sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def pseudo(ipv, src, dst, proto, length):
    if ipv == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!I3xB", length, proto)


def super_frame(dst, src, payload_len, mss, ipv=4, proto=TCP, tags=(), seq=1000, ecn=False):
    """A TSO/USO super-frame as a stack hands it over: one IP packet of
    payload_len bytes of payload, its L4 checksum partial (the field holds
    the pseudo-header's sum), with the metadata that says so."""
    eth = mac(dst) + mac(src)
    for tci in tags:
        eth += struct.pack("!HH", 0x8100, tci)
    payload = bytes(i * 7 & 0xFF for i in range(payload_len))
    l4len = (20 if proto == TCP else 8) + payload_len
    s, d = IP4 if ipv == 4 else IP6
    if proto == TCP:
        l4 = struct.pack("!HHIIBBHHH", 40000, 5201, seq, 1, 5 << 4, 0x18 | (0x80 if ecn else 0),
                         65535, 0, 0)
    else:
        l4 = struct.pack("!HHHH", 40000, 5201, l4len, 0)
    if ipv == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + l4len, 0x1234, 0x4000, 64, proto, 0, s, d)
        ip = ip[:10] + struct.pack("!H", 0xFFFF - fold(ip)) + ip[12:]
        eth += b"\x08\x00"
    else:
        ip = struct.pack("!IHBB16s16s", 0x60000000, l4len, proto, 64, s, d)
        eth += b"\x86\xdd"
    start = len(eth) + len(ip)
    coff = 16 if proto == TCP else 6
    part = fold(pseudo(ipv, s, d, proto, l4len))
    l4 = l4[:coff] + struct.pack("!H", part) + l4[coff + 2:]
    gso = {(4, TCP): libvsw.GsoType.TCPV4, (6, TCP): libvsw.GsoType.TCPV6}.get((ipv, proto),
                                                                         libvsw.GsoType.UDP_L4)
    return libvsw.Frame(eth + ip + l4 + payload, flags=F.CSUM_PARTIAL | (F.GSO_ECN if ecn else 0),
                     csum_start=start, csum_offset=coff, hdr_len=start + len(l4),
                     gso_size=mss, gso_type=gso)


def check_segments(test, segs, sup, limit):
    """Each segment a complete frame of at most 'limit' bytes with correct
    lengths and checksums, their payloads together the super-frame's."""
    hl = sup.hdr_len
    et_off = 12
    while struct.unpack("!H", sup[et_off:et_off + 2])[0] == 0x8100:
        et_off += 4
    l3 = et_off + 2
    ipv = sup[l3] >> 4
    l4 = sup.csum_start
    proto = TCP if sup.gso_type in (libvsw.GsoType.TCPV4, libvsw.GsoType.TCPV6) else UDP
    got = b""
    seq = None
    for i, seg in enumerate(segs):
        test.assertLessEqual(len(seg), limit)
        test.assertFalse(getattr(seg, "offloaded", False),
                         "a finished segment carries no offload metadata")
        if ipv == 4:
            test.assertEqual(struct.unpack("!H", seg[l3 + 2:l3 + 4])[0], len(seg) - l3)
            test.assertEqual(fold(seg[l3:l4]), 0xFFFF, "IPv4 header checksum of segment %d" % i)
            s, d = seg[l3 + 12:l3 + 16], seg[l3 + 16:l3 + 20]
        else:
            test.assertEqual(struct.unpack("!H", seg[l3 + 4:l3 + 6])[0], len(seg) - l3 - 40)
            s, d = seg[l3 + 8:l3 + 24], seg[l3 + 24:l3 + 40]
        l4len = len(seg) - l4
        test.assertEqual(fold(seg[l4:], fold(pseudo(ipv, s, d, proto, l4len))), 0xFFFF,
                         "L4 checksum of segment %d" % i)
        if proto == TCP:
            sq = struct.unpack("!I", seg[l4 + 4:l4 + 8])[0]
            if seq is not None:
                test.assertEqual(sq, seq, "sequence number of segment %d" % i)
            seq = sq + len(seg) - hl
        else:
            test.assertEqual(struct.unpack("!H", seg[l4 + 4:l4 + 6])[0], l4len)
        got += seg[hl:]
    test.assertEqual(got, sup[hl:])


def wire_name(test):
    # a memory wire's name is short: the test's own name may not fit
    return "pyo%d-%x" % (os.getpid(), id(test))


class TestFrame(unittest.TestCase):
    def test_layout_of_struct_vsw_frame(self):
        # test_structs compares with a compiled C program; these are the 2.0 ABI's
        self.assertEqual(ctypes.sizeof(CFrame), 32)
        self.assertEqual([getattr(CFrame, f[0]).offset for f in CFrame._fields_],
                         [0, 8, 12, 14, 16, 18, 20, 22, 24, 25])
        self.assertEqual(CFrame.reserved.size, 7)

    def test_bytes_with_metadata(self):
        f = libvsw.Frame(b"\x01" * 60, flags=F.CSUM_PARTIAL, csum_start=34, csum_offset=16)
        self.assertEqual(f, b"\x01" * 60)
        self.assertIsInstance(f, bytes)
        self.assertEqual((f.csum_start, f.csum_offset, f.hdr_len, f.gso_size), (34, 16, 0, 0))
        self.assertIs(f.gso_type, libvsw.GsoType.NONE)
        self.assertEqual(f.flags, F.CSUM_PARTIAL)
        self.assertIsNone(f.vlan_tci)
        self.assertTrue(f.offloaded)
        self.assertFalse(libvsw.Frame(b"x").offloaded)
        self.assertIs(type(f[:10]), bytes)
        self.assertIn("csum_start=34", repr(f))
        with self.assertRaises(AttributeError):
            f.csum_start = 1
        g = f.replace(csum_start=38, vlan_tci=10)
        self.assertEqual((g.csum_start, g.csum_offset, g.vlan_tci, bytes(g)),
                         (38, 16, 10, bytes(f)))
        self.assertEqual(f.csum_start, 34)
        h = pickle.loads(pickle.dumps(g))
        self.assertEqual((h, h.csum_start, h.vlan_tci, type(h)), (g, 38, 10, libvsw.Frame))
        with self.assertRaises(TypeError):
            f.replace(nosuch=1)

    def test_values_are_refused_not_wrapped(self):
        with self.assertRaises(OverflowError):
            libvsw.Frame(b"", csum_start=1 << 16)
        with self.assertRaises(OverflowError):
            libvsw.Frame(b"", gso_type=256)
        with self.assertRaises(OverflowError):
            libvsw.Frame(b"", vlan_tci=-1)
        with self.assertRaises(ValueError):
            libvsw.Frame(b"", flags=F.VLAN_TCI)
        with self.assertRaises(TypeError):
            libvsw.Frame("text")
        self.assertEqual(libvsw.Frame(b"", gso_type=9).gso_type, 9)   # for the switch to judge

    def test_constants(self):
        self.assertEqual(int(libvsw.Offload.ALL), 0x1F)
        self.assertEqual((libvsw.Offload.CSUM, libvsw.Offload.TSO4, libvsw.Offload.TSO6,
                          libvsw.Offload.TSO_ECN, libvsw.Offload.USO), (1, 2, 4, 8, 16))
        self.assertEqual([int(g) for g in libvsw.GsoType], [0, 1, 2, 3])
        self.assertEqual([int(f) for f in libvsw.FrameFlag], [1, 2, 4, 8])
        self.assertEqual(len(libvsw.Counter), 46)  # 2.1: bad_desc...bad_ring; 2.2: mirror_dst, vxlan_*
        with libvsw.Switch("s") as sw:
            p = sw.add_portgroup("pg").add_vnic("a", mac=MAC_A)
            for c in libvsw.Counter:   # the names are the library's
                self.assertIn(c.name.lower(), p.counters)
            self.assertEqual(p.counter(libvsw.Counter.QUEUE_FULL), 0)

    def test_memory_wire_carries_metadata(self):
        w = wire_name(self)
        with libvsw.Backend("memory:" + w) as x, libvsw.Backend("memory:" + w) as y:
            sup = super_frame(EXT, MAC_A, 4000, 1000)
            self.assertEqual(x.send([sup, b"\x02" * 60]), 2)
            got = y.recv()
            self.assertEqual(got, [sup, b"\x02" * 60])
            for k in ("flags", "csum_start", "csum_offset", "hdr_len", "gso_size", "gso_type"):
                self.assertEqual(getattr(got[0], k), getattr(sup, k), k)
            self.assertFalse(got[1].offloaded)
            # a stripped tag goes back into the bytes, and the offsets move with it
            x.send([sup.replace(vlan_tci=0x200a)])
            tagged = y.recv()[0]
            self.assertEqual(tagged, sup[:12] + b"\x81\x00\x20\x0a" + sup[12:])
            self.assertEqual((tagged.csum_start, tagged.hdr_len, tagged.vlan_tci),
                             (sup.csum_start + 4, sup.hdr_len + 4, None))


class TestOffloadForwarding(unittest.TestCase):
    def setUp(self):
        self.sw = libvsw.Switch("vSwitch0")
        self.wire = wire_name(self)
        self.up = self.sw.add_uplink("vmnic0", backend="memory:" + self.wire)
        self.phys = libvsw.Backend("memory:" + self.wire)
        pg10 = self.sw.add_portgroup("VLAN10", vlan=10)
        trunk = self.sw.add_portgroup("Trunk", vlan=libvsw.VLAN_TRUNK)
        self.a = pg10.add_vnic("a", mac=MAC_A)
        self.b = pg10.add_vnic("b", mac=MAC_B)
        self.t = trunk.add_vnic("t", mac=MAC_T)
        self.got = {"a": [], "b": [], "t": []}
        for p in (self.a, self.b, self.t):
            p.on_receive = lambda port, frames: self.got[port.name].extend(frames)
        for _ in range(20):
            self.sw.poll(10)
            if self.up.link:
                break
        self.phys.recv()  # the RARPs

    def tearDown(self):
        self.sw.close()
        self.phys.close()

    def pump(self):
        for _ in range(20):
            if self.sw.poll(10) == 0:
                break

    def test_port_offloads(self):
        self.assertEqual(self.a.offloads, libvsw.Offload(0))   # a callback takes nothing until told
        self.a.offloads = libvsw.Offload.CSUM | libvsw.Offload.TSO4
        self.assertEqual(self.a.offloads, libvsw.Offload.CSUM | libvsw.Offload.TSO4)
        self.a.offloads = libvsw.Offload.ALL
        self.assertEqual(self.a.offloads, libvsw.Offload.ALL)
        with self.assertRaises(libvsw.VswError) as cm:
            self.a.offloads = 1 << 5
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(OverflowError):
            self.a.offloads = -1
        self.assertEqual(self.a.offloads, libvsw.Offload.ALL)
        # a memory wire takes no offloads: a port never takes more than its backend
        self.assertEqual(self.up.offloads, libvsw.Offload(0))
        self.up.offloads = libvsw.Offload.ALL
        self.assertEqual(self.up.offloads, libvsw.Offload(0))

    def test_passes_as_it_is_with_the_tag_popped(self):
        self.a.offloads = libvsw.Offload.ALL
        plain = super_frame(MAC_A, EXT, 10 * 1448, 1448)
        tagged = super_frame(MAC_A, EXT, 10 * 1448, 1448, tags=(0x600a,))   # PCP 3, VID 10
        self.assertEqual((tagged.csum_start, tagged.hdr_len), (38, 58))
        self.assertEqual(self.phys.send([tagged]), 1)
        self.pump()
        got = self.got["a"]
        self.assertEqual(got, [plain])
        self.assertEqual((got[0].csum_start, got[0].csum_offset, got[0].hdr_len, got[0].gso_size,
                          got[0].gso_type, got[0].flags),
                         (34, 16, 54, 1448, libvsw.GsoType.TCPV4, F.CSUM_PARTIAL))
        # the tag stripped out of band (VSW_FRAME_VLAN_TCI): offsets count from the bytes
        self.phys.send([plain.replace(vlan_tci=0x000a)])
        self.pump()
        self.assertEqual(got[1], plain)
        self.assertEqual((got[1].csum_start, got[1].hdr_len), (34, 54))
        c = self.a.counters
        self.assertEqual((c["tx_packets"], c["sw_segmented"], c["sw_csum"]), (2, 0, 0))
        self.assertEqual(self.up.counters["bad_offload"], 0)

    def test_passes_as_it_is_with_a_tag_pushed(self):
        self.t.offloads = libvsw.Offload.ALL
        sup = super_frame(MAC_T, MAC_A, 20000, 1400, ecn=True)
        self.a.send([sup])
        got = self.got["t"]
        self.assertEqual(got, [sup[:12] + b"\x81\x00\x00\x0a" + sup[12:]])
        self.assertEqual((got[0].csum_start, got[0].hdr_len, got[0].gso_size, got[0].flags),
                         (sup.csum_start + 4, sup.hdr_len + 4, 1400, F.CSUM_PARTIAL | F.GSO_ECN))
        self.assertEqual(self.t.counters["sw_segmented"], 0)

    def test_segmented_for_a_port_that_does_not_take_it(self):
        for ipv, proto in ((4, TCP), (6, TCP), (4, UDP), (6, UDP)):
            with self.subTest(ipv=ipv, proto=proto):
                self.b.clear_counters()
                del self.got["b"][:]
                sup = super_frame(MAC_B, MAC_A, 10000, 1000 + ipv, ipv=ipv, proto=proto)
                self.a.send([sup])
                segs = self.got["b"]
                n = -(-10000 // (1000 + ipv))
                self.assertEqual(len(segs), n)
                check_segments(self, segs, sup, sup.hdr_len + sup.gso_size)
                c = self.b.counters
                self.assertEqual((c["sw_segmented"], c["tx_packets"], c["offload_failed"]),
                                 (1, n, 0))

    def test_each_destination_gets_what_it_takes(self):
        # one super-frame flooded: a port that takes TSO gets it whole, the
        # other vNIC and the uplink (a memory wire: no offloads) get segments
        self.a.offloads = libvsw.Offload.ALL
        sup = super_frame("ff:ff:ff:ff:ff:ff", MAC_B, 5000, 1448)
        self.b.send([sup])
        self.assertEqual(self.got["a"], [sup])
        self.assertTrue(self.got["a"][0].offloaded)
        self.assertEqual(len(self.got["t"]), 4)
        check_segments(self, [s[:12] + s[16:] for s in self.got["t"]], sup, sup.hdr_len + 1448)
        wire = self.phys.recv()
        self.assertEqual(len(wire), 4)
        self.assertTrue(all(s[12:16] == b"\x81\x00\x00\x0a" for s in wire))
        check_segments(self, [s[:12] + s[16:] for s in wire], sup, sup.hdr_len + 1448)
        self.assertEqual((self.a.counters["sw_segmented"], self.t.counters["sw_segmented"],
                          self.up.counters["sw_segmented"]), (0, 1, 1))

    def test_checksum_completed_for_a_port_that_does_not_take_it(self):
        sup = super_frame(MAC_B, MAC_A, 500, 1448)
        part = sup.replace(gso_type=libvsw.GsoType.NONE, gso_size=0, hdr_len=0)
        self.a.send([part])
        got = self.got["b"]
        self.assertEqual(len(got), 1)
        self.assertFalse(got[0].offloaded)
        check_segments(self, got, sup, len(sup))
        self.assertEqual(self.b.counters["sw_csum"], 1)
        # a hint that the checksums were verified is dropped for such a port, and kept
        # for one that takes checksum offload
        self.b.offloads = libvsw.Offload.CSUM
        valid = libvsw.Frame(got[0], flags=F.CSUM_VALID)
        self.a.send([valid])
        self.assertEqual(got[1].flags, F.CSUM_VALID)
        self.b.offloads = 0
        self.a.send([valid])
        self.assertEqual(got[2].flags, 0)
        self.assertEqual(self.b.counters["sw_csum"], 1)

    def test_metadata_that_lies_is_dropped(self):
        self.b.offloads = libvsw.Offload.ALL   # it would take any of these as they are
        sup = super_frame(MAC_B, MAC_A, 4000, 1000)
        lies = [
            sup.replace(gso_size=0),
            sup.replace(csum_start=len(sup) + 10),         # past the end
            sup.replace(csum_offset=6),                    # not TCP's checksum field
            sup.replace(gso_type=libvsw.GsoType.TCPV6),       # not the frame's IP version
            sup.replace(hdr_len=sup.hdr_len - 4),          # not the real headers
            sup.replace(data=sup[:12] + b"\x88\xb5" + sup[14:]),   # GSO on a frame not IP
            sup.replace(gso_type=7),                       # an unknown GSO type
            libvsw.Frame(sup, flags=0x40),                    # an unknown flag
        ]
        self.a.send(lies)
        self.assertEqual(self.got["b"], [])
        self.assertEqual(self.a.counters["bad_offload"], len(lies))
        self.assertEqual(self.a.counters["rx_packets"], len(lies))
        self.a.send([sup])   # the same frame, true
        self.assertEqual(self.got["b"], [sup])

    def test_a_super_frame_is_as_long_as_its_segments(self):
        # 64000 bytes pass an MTU of 1500 when each segment does; a gso_size
        # that makes segments longer than the MTU is oversize
        self.b.offloads = libvsw.Offload.ALL
        ok = super_frame(MAC_B, MAC_A, 64000, 1460)
        big = super_frame(MAC_B, MAC_A, 64000, 1461)
        self.a.send([ok, big])
        self.assertEqual(self.got["b"], [ok])
        self.assertEqual(self.a.counters["oversize"], 1)

    def test_callback_returns_how_many_it_took(self):
        f = super_frame(MAC_B, MAC_A, 10, 1448).replace(flags=0, gso_type=0, gso_size=0,
                                                      csum_start=0, csum_offset=0, hdr_len=0)
        self.b.on_receive = lambda port, frames: 1
        self.a.send([f] * 3)
        c = self.b.counters
        self.assertEqual((c["tx_packets"], c["tx_full"]), (1, 2))
        self.b.on_receive = lambda port, frames: None   # None: all of them
        self.a.send([f] * 3)
        c = self.b.counters
        self.assertEqual((c["tx_packets"], c["tx_full"]), (4, 2))
        self.b.on_receive = lambda port, frames: 0
        self.a.send([f] * 2)
        self.assertEqual(self.b.counters["tx_full"], 4)
        # a count it cannot have taken: raised by the send, and none taken
        for bad, exc in ((5, ValueError), (-1, ValueError), (True, TypeError), ("2", TypeError)):
            self.b.on_receive = lambda port, frames, bad=bad: bad
            with self.assertRaises(exc):
                self.a.send([f] * 3)
        c = self.b.counters
        self.assertEqual((c["tx_packets"], c["tx_full"]), (4, 16))

    def test_a_callback_answers_at_once(self):
        # 1.x refused input from a receive callback (-EBUSY); 2.0 queues it
        # and forwards it when the delivery ends
        ping = super_frame(MAC_B, MAC_A, 10, 1448).replace(flags=0, gso_type=0, gso_size=0,
                                                         csum_start=0, csum_offset=0,
                                                         hdr_len=0)
        pong = ping[6:12] + ping[:6] + ping[12:]

        def answer(port, frames):
            self.assertEqual(self.got["a"], [])   # not before this delivery ends
            port.send([pong] * len(frames))
        self.b.on_receive = answer
        self.a.send([ping, ping])
        self.assertEqual(self.got["a"], [pong, pong])
        c = self.b.counters
        self.assertEqual((c["tx_packets"], c["rx_packets"], c["queue_full"]), (2, 2, 0))


if __name__ == "__main__":
    unittest.main()
