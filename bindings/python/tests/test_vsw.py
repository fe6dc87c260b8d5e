# SPDX-License-Identifier: MIT
"""Description: the libvsw Python package over the built libvsw: every class,
error mapping, a forwarding round trip with VLAN tags checked byte for byte,
LLDP neighbors and advertising over a memory wire, callbacks under
garbage-collection pressure, the event loop from selectors and asyncio,
interpreter exit with a switch alive, and the library check."""

import asyncio
import errno
import gc
import os
import selectors
import subprocess
import sys
import unittest

import libvsw

MAC_A = "00:50:56:00:00:0a"
MAC_B = "00:50:56:00:00:0b"
EXT = bytes.fromhex("001122334455")


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def eth(dst, src, ethertype=0x0800, payload=46, tags=()):
    head = mac(dst) if isinstance(dst, str) else dst
    head += mac(src) if isinstance(src, str) else src
    for tpid, tci in tags:
        head += tpid.to_bytes(2, "big") + tci.to_bytes(2, "big")
    return head + ethertype.to_bytes(2, "big") + bytes(i & 0xff for i in range(payload))


def wire_name(test):
    return "py%d-%s" % (os.getpid(), test.id().rsplit(".", 1)[-1])


class TestSwitch(unittest.TestCase):
    def test_create_and_properties(self):
        with libvsw.Switch("vSwitch0", mtu=9000) as sw:
            self.assertEqual(sw.name, "vSwitch0")
            self.assertEqual(sw.mtu, 9000)
            sw.mtu = 1500
            self.assertEqual(sw.mtu, 1500)
            self.assertIn("vSwitch0", repr(sw))
        self.assertIn("closed", repr(sw))
        with self.assertRaises(ValueError):
            sw.name

    def test_errors_map_to_oserror(self):
        with libvsw.Switch("s") as sw:
            with self.assertRaises(libvsw.VswError) as cm:
                sw.mtu = 100
            self.assertEqual(cm.exception.errno, errno.EINVAL)
            self.assertIsInstance(cm.exception, OSError)
            self.assertIn("vsw_switch_set_mtu('s', 100)", str(cm.exception))
            sw.add_portgroup("pg")
            with self.assertRaises(FileExistsError) as cm:
                sw.add_portgroup("pg", 5)
            self.assertIsInstance(cm.exception, libvsw.VswError)
            self.assertEqual(cm.exception.errno, errno.EEXIST)
            self.assertIn("'pg'", str(cm.exception))
            with self.assertRaises(FileNotFoundError):
                sw.portgroup("nope")
            with self.assertRaises(libvsw.VswNotFoundError):
                sw.port("nope")
            with self.assertRaises(libvsw.VswError) as cm:
                sw.add_portgroup("bad", vlan=4096)
            self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(libvsw.VswError) as cm:
            libvsw.Switch("")
        self.assertEqual(cm.exception.errno, errno.EINVAL)

    def test_policies_inherit_live(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg")
            P = libvsw.Policy
            self.assertEqual(sw.policy[P.FORGED_TRANSMITS], 1)
            sw.policy[P.FORGED_TRANSMITS] = 0
            self.assertEqual(pg.policy[P.FORGED_TRANSMITS], 0)
            self.assertTrue(pg.policy.inherited(P.FORGED_TRANSMITS))
            pg.policy[P.FORGED_TRANSMITS] = 1
            self.assertFalse(pg.policy.inherited(P.FORGED_TRANSMITS))
            sw.policy[P.FORGED_TRANSMITS] = 0
            self.assertEqual(pg.policy[P.FORGED_TRANSMITS], 1)
            del pg.policy[P.FORGED_TRANSMITS]
            self.assertEqual(pg.policy[P.FORGED_TRANSMITS], 0)
            pg.policy[P.LOAD_BALANCING] = libvsw.LoadBalancing.IP_HASH
            self.assertEqual(pg.policy[P.LOAD_BALANCING], libvsw.LoadBalancing.IP_HASH)
            self.assertEqual(len(dict(pg.policy.items())), len(libvsw.Policy))
            with self.assertRaises(libvsw.VswError):
                pg.policy[P.PROMISCUOUS] = 7
            with self.assertRaises(TypeError):
                del sw.policy[P.PROMISCUOUS]

    def test_teaming(self):
        with libvsw.Switch("s") as sw:
            for i in range(3):
                sw.add_uplink("vmnic%d" % i)
            pg = sw.add_portgroup("pg")
            self.assertEqual(sw.teaming["active"], ["vmnic0", "vmnic1", "vmnic2"])
            pg.set_teaming(["vmnic2"], ["vmnic0"])
            t = pg.teaming
            self.assertEqual((t["active"], t["standby"], t["unused"], t["inherited"]),
                             (["vmnic2"], ["vmnic0"], ["vmnic1"], False))
            with self.assertRaises(FileNotFoundError):
                pg.set_teaming(["vmnic9"])
            pg.clear_teaming()
            self.assertTrue(pg.teaming["inherited"])
            sw.set_teaming(["vmnic1"])
            self.assertEqual(pg.teaming["active"], ["vmnic1"])
            self.assertEqual([u.name for u in sw.uplinks], ["vmnic0", "vmnic1", "vmnic2"])
            sw.uplink("vmnic0").remove()
            self.assertEqual(len(sw.uplinks), 2)


class TestPorts(unittest.TestCase):
    def test_vnic_vmk_and_identity(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("Management", vlan=10)
            self.assertEqual(pg.vlan, 10)
            pg.vlan = 20
            self.assertEqual(pg.vlan, 20)
            v = pg.add_vnic("vm1", mac=MAC_A)
            k = pg.add_vmk("vmk0", mac=MAC_B, services=libvsw.Service.MANAGEMENT | libvsw.Service.VMOTION)
            self.assertIs(sw.port("vm1"), v)
            self.assertIs(v.portgroup, pg)
            self.assertEqual(v.kind, libvsw.PortKind.VNIC)
            self.assertEqual(k.kind, libvsw.PortKind.VMK)
            self.assertEqual(k.services, libvsw.Service.MANAGEMENT | libvsw.Service.VMOTION)
            k.services = libvsw.Service.VSAN
            self.assertEqual(k.services, libvsw.Service.VSAN)
            self.assertEqual(v.mac, MAC_A)
            v.mac = "00:50:56:00:00:99"
            self.assertEqual((v.mac, v.initial_mac), ("00:50:56:00:00:99", MAC_A))
            with self.assertRaises(libvsw.VswError) as cm:
                pg.add_vnic("vm2", mac=MAC_B)
            self.assertEqual(cm.exception.errno, errno.EADDRINUSE)
            with self.assertRaises(ValueError):
                pg.add_vnic("vm3", mac="not a mac")
            self.assertEqual(pg.port_count, 2)
            self.assertEqual([p.name for p in pg.ports], ["vm1", "vmk0"])
            with self.assertRaises(libvsw.VswError) as cm:
                pg.remove()
            self.assertEqual(cm.exception.errno, errno.EBUSY)
            v.link = False
            self.assertFalse(v.link)
            v.remove()
            with self.assertRaises(ValueError):
                v.name
            k.remove()
            pg.remove()
            self.assertEqual(sw.portgroups, [])

    def test_counters(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg")
            a = pg.add_vnic("a", mac=MAC_A)
            a.send([b"short"])
            self.assertEqual(a.counters["runt"], 1)
            self.assertEqual(a.counter(libvsw.Counter.RX_PACKETS), 1)
            self.assertEqual(set(a.counters), {c.name.lower() for c in libvsw.Counter})
            a.clear_counters()
            self.assertEqual(sum(a.counters.values()), 0)


class TestForwarding(unittest.TestCase):
    def setUp(self):
        self.sw = libvsw.Switch("vSwitch0")
        self.wire = wire_name(self)
        self.up = self.sw.add_uplink("vmnic0", backend="memory:" + self.wire)
        self.phys = libvsw.Backend("memory:" + self.wire)
        self.pg10 = self.sw.add_portgroup("VLAN10", vlan=10)
        self.trunk = self.sw.add_portgroup("Trunk", vlan=libvsw.VLAN_TRUNK)
        self.a = self.pg10.add_vnic("a", mac=MAC_A)
        self.t = self.trunk.add_vnic("t", mac=MAC_B)
        self.got_a, self.got_t = [], []
        self.a.on_receive = lambda port, frames: self.got_a.extend(frames)
        self.t.on_receive = lambda port, frames: self.got_t.extend(frames)
        for _ in range(20):
            self.sw.poll(10)
            if self.up.link:
                break
        self.phys.recv()  # the RARPs that announced a and t

    def tearDown(self):
        self.sw.close()
        self.phys.close()

    def pump(self):
        for _ in range(20):
            if self.sw.poll(10) == 0 and not self.phys.link is None:
                break

    def test_vst_push_and_pop_byte_for_byte(self):
        out = eth(EXT, MAC_A)
        self.a.send([out])
        wire = self.phys.recv()
        self.assertEqual(wire, [out[:12] + b"\x81\x00\x00\x0a" + out[12:]])
        # to the trunk port (its MAC is known on every VLAN): tagged with 10
        to_t = eth(MAC_B, MAC_A)
        self.a.send([to_t])
        self.assertEqual(self.got_t, [to_t[:12] + b"\x81\x00\x00\x0a" + to_t[12:]])
        back = eth(MAC_A, EXT, tags=[(0x8100, 0x600a)])  # PCP 3, VID 10
        self.assertEqual(self.phys.send([back]), 1)
        self.pump()
        self.assertEqual(self.got_a, [back[:12] + back[16:]])

    def test_stripped_tag_and_trunk(self):
        frame = eth(MAC_B, EXT)
        self.phys.send([(frame, 0x2014)])   # VID 20 in the descriptor, PCP 1
        self.pump()
        self.assertEqual(self.got_t, [frame[:12] + b"\x81\x00\x20\x14" + frame[12:]])
        self.assertEqual(self.got_a, [])
        self.assertEqual(self.up.counters["rx_packets"], 1)

    def test_large_send_is_batched(self):
        frames = [eth(MAC_B, MAC_A)] * 600
        self.a.send(frames)
        self.assertEqual(len(self.got_t), 600)

    def test_callback_exception_is_reraised(self):
        def boom(port, frames):
            raise RuntimeError("from the callback")
        self.t.on_receive = boom
        with self.assertRaises(RuntimeError):
            self.a.send([eth(MAC_B, MAC_A)])
        self.t.on_receive = None
        self.a.send([eth(MAC_B, MAC_A)])  # no receiver now: fine


class TestCallbacksAndLoop(unittest.TestCase):
    def test_callbacks_under_gc_pressure(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg")
            a = pg.add_vnic("a", mac=MAC_A)
            b = pg.add_vnic("b", mac=MAC_B)
            seen = {"n": 0}

            def make():
                junk = [object() for _ in range(100)]

                def cb(port, frames):
                    seen["n"] += len(frames) + 0 * len(junk)
                    gc.collect()
                return cb
            b.on_receive = make()
            gc.collect()
            for i in range(200):
                a.send([eth(MAC_B, MAC_A)] * 3)
                if i % 20 == 0:
                    b.on_receive = make()   # the old callback may be freed now
                    gc.collect()
            self.assertEqual(seen["n"], 600)
            del b
            gc.collect()
            a.send([eth(MAC_B, MAC_A)])
            self.assertEqual(seen["n"], 601)  # the port keeps its callback alive

    def test_selectors(self):
        wire = wire_name(self)
        with libvsw.Switch("s") as sw, libvsw.Backend("memory:" + wire) as phys:
            up = sw.add_uplink("vmnic0", backend="memory:" + wire)
            a = sw.add_portgroup("pg").add_vnic("a", mac=MAC_A)
            got = []
            a.on_receive = lambda port, frames: got.extend(frames)
            sel = selectors.DefaultSelector()
            sel.register(sw, selectors.EVENT_READ)
            phys.send([eth(MAC_A, EXT)])
            for _ in range(50):
                if got:
                    break
                for key, _ in sel.select(0.1):
                    key.fileobj.poll(0)
            sel.close()
            self.assertEqual(len(got), 1)
            self.assertTrue(up.link)

    def test_asyncio(self):
        wire = wire_name(self)

        async def main():
            with libvsw.Switch("s") as sw, libvsw.Backend("memory:" + wire) as phys:
                sw.add_uplink("vmnic0", backend="memory:" + wire)
                a = sw.add_portgroup("pg").add_vnic("a", mac=MAC_A)
                done = asyncio.get_running_loop().create_future()
                a.on_receive = lambda port, frames: done.done() or done.set_result(frames)
                asyncio.get_running_loop().add_reader(sw.fileno(), sw.poll, 0)
                phys.send([eth(MAC_A, EXT)])
                frames = await asyncio.wait_for(done, 5)
                asyncio.get_running_loop().remove_reader(sw.fileno())
                return frames
        self.assertEqual(len(asyncio.run(main())), 1)

    def test_run_and_stop(self):
        wire = wire_name(self)
        with libvsw.Switch("s") as sw, libvsw.Backend("memory:" + wire) as phys:
            sw.add_uplink("vmnic0", backend="memory:" + wire)
            a = sw.add_portgroup("pg").add_vnic("a", mac=MAC_A)
            a.on_receive = lambda port, frames: port.switch.stop()
            phys.send([eth(MAC_A, EXT)])
            sw.run()
            self.assertEqual(a.counters["tx_packets"], 1)

    def test_clock(self):
        with libvsw.Switch("s") as sw:
            now = [10**9]
            sw.set_clock(lambda: now[0])
            pg = sw.add_portgroup("pg")
            a, b = pg.add_vnic("a", mac=MAC_A), pg.add_vnic("b", mac=MAC_B)
            P = libvsw.Policy
            pg.policy[P.SHAPING_AVERAGE_BPS] = 8000
            pg.policy[P.SHAPING_BURST_BYTES] = 1000
            pg.policy[P.SHAPING_ENABLED] = 1
            f = eth(MAC_B, MAC_A, payload=1000 - 14)
            a.send([f, f])
            self.assertEqual(a.counters["shaped"], 1)
            now[0] += 2 * 10**9
            a.send([f])
            self.assertEqual(a.counters["shaped"], 1)
            sw.set_clock(None)

    def test_beacon_probing(self):
        with libvsw.Switch("s") as sw:
            now = [10**9]
            sw.set_clock(lambda: now[0])
            self.assertEqual(sw.beacon_interval, 1000)
            with self.assertRaises(libvsw.VswError) as cm:
                sw.beacon_interval = 50
            self.assertEqual(cm.exception.errno, errno.EINVAL)
            sw.beacon_interval = 500
            ups = [sw.add_uplink("vmnic%d" % i) for i in range(3)]
            heard = {u.name: [] for u in ups}
            for u in ups:
                u.on_receive = lambda port, frames: heard[port.name].extend(frames)
            pg = sw.add_portgroup("pg", vlan=10)
            pg.policy[libvsw.Policy.FAILURE_DETECTION] = libvsw.FailureDetection.BEACON
            # the physical switch: vmnic2 is cut off from the other two
            for _ in range(5):
                for h in heard.values():
                    h.clear()
                sw.poll(0)
                for src in ups[:2]:
                    for f in heard[src.name]:
                        self.assertEqual(f[12:18], bytes.fromhex("8100000a05ff"))
                        for dst in ups[:2]:
                            if dst is not src:
                                dst.send([f])
                now[0] += 500 * 10**6
            self.assertEqual(ups[0].beacon_state, libvsw.BeaconState.OK)
            self.assertEqual(ups[2].beacon_state, libvsw.BeaconState.FAILED)
            self.assertEqual(ups[2].beacon_vlan_state(10), libvsw.BeaconState.FAILED)
            self.assertEqual(ups[2].beacon_vlan_state(20), libvsw.BeaconState.OFF)
            self.assertEqual(ups[0].counters["beacon_sent"], 5)
            self.assertEqual(ups[0].counters["beacon_rx"], 5)
            self.assertEqual(ups[2].counters["beacon_missed"], 4)  # rounds 1 to 4

    def test_fdb(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg")
            pg.policy[libvsw.Policy.MAC_LEARNING] = 1
            a = pg.add_vnic("a", mac=MAC_A)
            a.send([eth(EXT, "00:0c:29:00:00:01")])
            entries = sw.fdb()
            learned = [e for e in entries if e["learned"]]
            self.assertEqual(learned[0]["mac"], "00:0c:29:00:00:01")
            self.assertEqual(learned[0]["port"], "a")
            self.assertEqual(sw.flush_fdb(), 1)


class TestVmkInterface(unittest.TestCase):
    def test_without_interface(self):
        with libvsw.Switch("s") as sw:
            k = sw.add_portgroup("pg").add_vmk("vmk0", mac=MAC_B)
            self.assertIsNone(k.netstack)
            with self.assertRaises(libvsw.VswNotFoundError):
                k.ips
            with self.assertRaises(libvsw.VswError) as cm:
                k.add_ip("192.0.2.1")
            self.assertEqual(cm.exception.errno, errno.EINVAL)
            k.services = libvsw.Service.FT_LOGGING
            other = sw.add_portgroup("pg2").add_vmk("vmk1", mac=MAC_A)
            with self.assertRaises(libvsw.VswExistsError):
                other.services = libvsw.Service.FT_LOGGING | libvsw.Service.VMOTION

    @unittest.skipUnless(os.geteuid() == 0, "needs root")
    def test_interface_in_its_own_stack(self):
        stack = "py%d" % os.getpid()
        libvsw.netstack_add(stack)
        try:
            self.assertTrue(os.path.exists("/run/netns/" + stack))
            with self.assertRaises(libvsw.VswExistsError):
                libvsw.netstack_add(stack)
            with libvsw.Switch("s", mtu=9000) as sw:
                k = sw.add_portgroup("pg").add_vmk("vmk%d" % (os.getpid() % 100000), mac=MAC_B)
                k.create_interface(netstack=stack, mtu=9000)
                self.assertEqual((k.netstack, k.mtu), (stack, 9000))
                k.add_ip("192.0.2.1/24")
                k.add_ip("2001:db8::1/64")
                self.assertIn("192.0.2.1/24", k.ips)
                self.assertIn("2001:db8::1/64", k.ips)
                k.add_route("default", "192.0.2.254")
                k.add_route("198.51.100.0/24")
                self.assertEqual(sorted(k.routes, key=str),
                                 sorted([("default", "192.0.2.254"), ("198.51.100.0/24", None)], key=str))
                with self.assertRaises(libvsw.VswExistsError):
                    k.add_route("default", "192.0.2.253")
                k.remove_route("default")
                self.assertEqual(k.routes, [("198.51.100.0/24", None)])
                k.remove_ip("192.0.2.1/24")
                self.assertNotIn("192.0.2.1/24", k.ips)
                k.mtu = 1500
                out = subprocess.run(["ip", "-n", stack, "link", "show", k.name],
                                     capture_output=True, text=True)
                self.assertIn("mtu 1500", out.stdout)
                k.remove()
                out = subprocess.run(["ip", "-n", stack, "link", "show"],
                                     capture_output=True, text=True)
                self.assertNotIn("vmk", out.stdout)
        finally:
            libvsw.netstack_remove(stack)
        self.assertFalse(os.path.exists("/run/netns/" + stack))


def tlv(kind, value):
    return ((kind << 9) | len(value)).to_bytes(2, "big") + value


class TestLldp(unittest.TestCase):
    """LLDP through a memory wire: what the switch hears, and what it says."""

    NEAREST = bytes.fromhex("0180c200000e")

    def lldpdu(self, ttl=120):
        return (self.NEAREST + EXT + b"\x88\xcc" +
                tlv(1, b"\x04" + bytes.fromhex("001c73aabbcc")) +
                tlv(2, b"\x05Ethernet7") + tlv(3, ttl.to_bytes(2, "big")) +
                tlv(5, b"tor-1") + tlv(6, b"EOS\x01") +
                tlv(8, bytes([5, 1, 192, 0, 2, 7, 2, 0, 0, 0, 3, 0])) +
                tlv(127, bytes.fromhex("0080c201000a")) + tlv(0, b""))

    def test_neighbors_and_advertising(self):
        wire = wire_name(self)
        with libvsw.Switch("vSwitch0") as sw, libvsw.Backend("memory:" + wire) as phys:
            now = [10**12]
            sw.set_clock(lambda: now[0])
            up = sw.add_uplink("vmnic0", backend="memory:" + wire)
            vm = sw.add_portgroup("pg").add_vnic("vm", mac=MAC_A)
            got = []
            vm.on_receive = lambda port, frames: got.extend(frames)
            self.assertEqual(sw.lldp_mode, libvsw.LldpMode.LISTEN)
            self.assertEqual(sw.lldp_interval, 30)
            self.assertEqual(phys.send([self.lldpdu()]), 1)
            for _ in range(20):
                if sw.poll(10) > 0:
                    break
            n = up.lldp_neighbors()
            self.assertEqual(len(n), 1)
            n = n[0]
            self.assertEqual(n["chassis_id"], "00:1c:73:aa:bb:cc")
            self.assertEqual(n["chassis_id_subtype"], 4)
            self.assertEqual(n["chassis_id_raw"], bytes.fromhex("001c73aabbcc"))
            self.assertEqual((n["port_id"], n["port_id_subtype"]), ("Ethernet7", 5))
            self.assertEqual((n["ttl"], n["expires_sec"]), (120, 120))
            self.assertEqual(n["system_name"], "tor-1")
            self.assertEqual(n["system_description"], "EOS\\x01")
            self.assertIsNone(n["port_description"])
            self.assertEqual((n["mgmt_ipv4"], n["mgmt_ipv6"]), ("192.0.2.7", None))
            self.assertEqual(n["port_vlan_id"], 10)
            self.assertEqual(n["src_mac"], "00:11:22:33:44:55")
            self.assertEqual(got, [])  # never forwarded
            self.assertEqual(up.counters["lldp_rx"], 1)
            now[0] += 121 * 10**9
            self.assertEqual(up.lldp_neighbors(), [])

            phys.recv()  # the RARP that announced vm
            sw.lldp_interval = 5
            sw.lldp_mode = libvsw.LldpMode.BOTH
            said = phys.recv()
            self.assertEqual(len(said), 1)
            self.assertEqual(said[0][:6], self.NEAREST)
            self.assertIn(b"\x02\x09\x07vSwitch0\x04\x07\x05vmnic0\x06\x02\x00\x14", said[0])
            self.assertEqual(up.counters["lldp_tx"], 1)
            with self.assertRaises(libvsw.VswError) as e:
                sw.lldp_interval = 0
            self.assertEqual(e.exception.errno, errno.EINVAL)
            with self.assertRaises(libvsw.VswError):
                sw.lldp_mode = 7
            self.assertEqual(sw.lldp_mode, libvsw.LldpMode.BOTH)
            sw.set_clock(None)


class TestBackend(unittest.TestCase):
    def test_memory_wire(self):
        w = wire_name(self)
        with libvsw.Backend("memory:" + w) as x, libvsw.Backend("memory:" + w, "ring=8") as y:
            self.assertEqual(x.type, "memory")
            self.assertTrue(x.link)
            self.assertEqual(x.send([b"\x01" * 60, b"\x02" * 61]), 2)
            self.assertEqual([len(f) for f in y.recv()], [60, 61])
            x.link = False
            self.assertFalse(y.link)
            self.assertGreaterEqual(x.fileno(), 0)
            with self.assertRaises(libvsw.VswError) as cm:
                x.mac
            self.assertEqual(cm.exception.errno, errno.EOPNOTSUPP)
        with self.assertRaises(FileNotFoundError):
            libvsw.Backend("nosuch:x")
        with self.assertRaises(libvsw.VswError):
            libvsw.Backend("memory:" + w, "ring=3")


class TestDocs(unittest.TestCase):
    def test_every_public_name_has_a_docstring(self):
        missing = []
        for name in libvsw.__all__:
            obj = getattr(libvsw, name)
            if isinstance(obj, (int, str)):
                continue
            if not (obj.__doc__ or "").strip():
                missing.append(name)
            if isinstance(obj, type) and not issubclass(obj, int):
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    doc = member.__doc__ if not isinstance(member, property) else (
                        member.fget.__doc__ or (member.fset and member.fset.__doc__))
                    if not (doc or "").strip():
                        missing.append("%s.%s" % (name, attr))
        self.assertEqual(missing, [])


class TestProcess(unittest.TestCase):
    def run_py(self, code, env=None):
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.run([sys.executable, "-c", code], env=e, capture_output=True,
                              text=True, timeout=60)

    def test_exit_with_a_switch_alive(self):
        r = self.run_py(
            "import libvsw\n"
            "sw = libvsw.Switch('s')\n"
            "pg = sw.add_portgroup('pg')\n"
            "a = pg.add_vnic('a', mac='00:50:56:00:00:01')\n"
            "b = pg.add_vnic('b', mac='00:50:56:00:00:02')\n"
            "b.on_receive = lambda p, f: None\n"
            "a.send([bytes.fromhex('005056000002005056000001') + bytes(50)])\n"
            "print('ok')\n")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "ok"), r.stderr)

    def test_missing_library(self):
        r = self.run_py("import libvsw", {"LIBVSW_PATH": "/nonexistent/libvsw.so"})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cannot load libvsw", r.stderr)

    def test_unknown_major_refused(self):
        import libvsw._lib as m
        with open(m.__file__) as fh:
            src = fh.read()
        self.assertIn("KNOWN_MAJORS = (2,)", src)
        src = src.replace("KNOWN_MAJORS = (2,)", "KNOWN_MAJORS = (3,)")
        r = self.run_py("src = %r\nexec(compile(src, 'lib', 'exec'))" % src)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("speaks the ABI of libvsw 3", r.stderr)


if __name__ == "__main__":
    unittest.main()
