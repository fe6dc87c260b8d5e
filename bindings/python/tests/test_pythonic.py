# SPDX-License-Identifier: MIT
"""Description: the package as a Python user expects it (issue 17): policy
keys and counters by name, one bytes object sent as one frame, one uplink
name as a teaming order of one, VLAN IDs and MTUs checked with the valid
range in the error, run() returning on Ctrl-C (SIGINT to a child process),
repr() showing contents, help() explaining the constructors, and type
hints on the whole public API."""

import inspect
import os
import pydoc
import signal
import subprocess
import sys
import threading
import time
import typing
import unittest

import libvsw

MAC_A = "00:50:56:00:00:0a"
MAC_B = "00:50:56:00:00:0b"
P = libvsw.Policy
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def eth(dst, src, payload=46):
    return (bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", ""))
            + b"\x08\x00" + bytes(payload))


class TestNames(unittest.TestCase):
    def setUp(self):
        self.sw = libvsw.Switch("s")
        self.pg = self.sw.add_portgroup("pg", vlan=10)

    def tearDown(self):
        self.sw.close()

    def test_policy_keys_by_name(self):
        pg, sw = self.pg, self.sw
        self.assertIs(pg.policy["promiscuous"], False)
        pg.policy["promiscuous"] = True
        self.assertIs(pg.policy["promiscuous"], True)
        self.assertIs(pg.policy[P.PROMISCUOUS], True)
        self.assertIs(pg.policy["PROMISCUOUS"], True)
        self.assertFalse(pg.policy.inherited("promiscuous"))
        del pg.policy["promiscuous"]
        self.assertTrue(pg.policy.inherited("promiscuous"))
        for key in P:   # every key, by its name, reads what the enum reads
            self.assertEqual(pg.policy[key.name.lower()], pg.policy[key])
            self.assertEqual(sw.policy[key.name.lower()], sw.policy[key])
            self.assertIn(key.name.lower(), pg.policy)
        sw.policy["mac_aging_sec"] = 120
        self.assertEqual(pg.policy["mac_aging_sec"], 120)
        # enumerated values by name too, and read back as their enum
        pg.policy["load_balancing"] = "ip_hash"
        self.assertIs(pg.policy["load_balancing"], libvsw.LoadBalancing.IP_HASH)
        pg.policy[P.FAILURE_DETECTION] = "beacon"
        self.assertIs(pg.policy[P.FAILURE_DETECTION], libvsw.FailureDetection.BEACON)
        self.assertEqual(pg.policy[P.LOAD_BALANCING], 2)   # still an int
        self.assertEqual(dict(pg.policy.items())[P.LOAD_BALANCING], libvsw.LoadBalancing.IP_HASH)

    def test_unknown_policy_names_list_the_valid_ones(self):
        for bad in (lambda: self.pg.policy["promiscous"],
                    lambda: self.pg.policy.__setitem__("promiscous", 1),
                    lambda: self.pg.policy.__delitem__("promiscous"),
                    lambda: self.pg.policy.inherited("promiscous")):
            with self.assertRaises(KeyError) as cm:
                bad()
            self.assertIsInstance(cm.exception, ValueError)
            self.assertIn("'promiscous'", str(cm.exception))
            self.assertIn("promiscuous, mac_changes", str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            self.pg.policy["load_balancing"] = "iphash"
        self.assertIn("port_id, src_mac, ip_hash, explicit", str(cm.exception))
        self.assertNotIn("foo", self.pg.policy)

    def test_counter_by_name(self):
        a = self.pg.add_vnic("a", mac=MAC_A)
        self.pg.add_vnic("b", mac=MAC_B)
        a.send([eth(MAC_B, MAC_A)])
        self.assertEqual(a.counter("rx_packets"), 1)
        self.assertEqual(a.counter("RX_PACKETS"), a.counters["rx_packets"])
        self.assertEqual(a.counter(libvsw.Counter.RX_BYTES), a.counters["rx_bytes"])
        for c in libvsw.Counter:
            self.assertEqual(a.counter(c.name.lower()), a.counters[c.name.lower()])
        with self.assertRaises(KeyError) as cm:
            a.counter("rx_packet")
        self.assertIn("rx_packets, rx_bytes", str(cm.exception))


class TestSend(unittest.TestCase):
    def test_one_bytes_object_is_one_frame(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg")
            a = pg.add_vnic("a", mac=MAC_A)
            b = pg.add_vnic("b", mac=MAC_B)
            got = []
            b.on_receive = lambda port, frames: got.extend(frames)
            f = eth(MAC_B, MAC_A)
            for one in (f, bytearray(f), memoryview(f), libvsw.Frame(f)):
                got.clear()
                a.send(one)
                self.assertEqual(got, [f])
            self.assertEqual(a.counter("rx_packets"), 4)
            self.assertEqual(a.counter("runt"), 0)
            got.clear()
            a.send([f, f, f])   # a list is still a batch
            self.assertEqual(got, [f, f, f])
            with self.assertRaises(TypeError):
                a.send("text")

    def test_backend_send_one_frame(self):
        w = "pyone%d" % os.getpid()
        with libvsw.Backend("memory:" + w) as x, libvsw.Backend("memory:" + w) as y:
            f = eth(MAC_B, MAC_A)
            self.assertEqual(x.send(f), 1)
            got = y.recv()
            self.assertEqual(got, [f])


class TestTeaming(unittest.TestCase):
    def test_one_name_is_one_uplink(self):
        with libvsw.Switch("s") as sw:
            for n in ("vmnic0", "vmnic1", "vmnic2"):
                sw.add_uplink(n)
            sw.set_teaming("vmnic0", standby="vmnic1")
            self.assertEqual(sw.teaming, {"active": ["vmnic0"], "standby": ["vmnic1"],
                                          "unused": ["vmnic2"]})
            pg = sw.add_portgroup("pg")
            pg.set_teaming("vmnic2", "vmnic0")
            t = pg.teaming
            self.assertEqual((t["active"], t["standby"]), (["vmnic2"], ["vmnic0"]))
            sw.set_teaming(("vmnic1", "vmnic0"))   # any iterable of names
            self.assertEqual(sw.teaming["active"], ["vmnic1", "vmnic0"])
            with self.assertRaises(FileNotFoundError):
                sw.set_teaming("v")   # no such uplink: not "v" the letter of a name


class TestRanges(unittest.TestCase):
    def test_vlan(self):
        with libvsw.Switch("s") as sw:
            for bad in ("10", b"10", 10.0, True):
                with self.assertRaises(TypeError) as cm:
                    sw.add_portgroup("x", vlan=bad)
                self.assertIn("VLAN", str(cm.exception))
            with self.assertRaises(ValueError) as cm:
                sw.add_portgroup("x", vlan=5000)
            msg = str(cm.exception)
            self.assertIn("5000", msg)
            self.assertIn("0-4094", msg)
            self.assertIn("4095", msg)
            pg = sw.add_portgroup("pg", vlan=4094)
            with self.assertRaises(ValueError) as cm:
                pg.vlan = 4096
            self.assertIn("0-4094", str(cm.exception))
            with self.assertRaises(TypeError):
                pg.vlan = "10"
            pg.vlan = 4095
            self.assertEqual(pg.vlan, libvsw.VLAN_TRUNK)
            self.assertEqual([p.name for p in sw.portgroups], ["pg"])

    def test_mtu(self):
        with self.assertRaises(ValueError) as cm:
            libvsw.Switch("s", mtu=100)
        self.assertIn("1280-9000", str(cm.exception))
        with libvsw.Switch("s", mtu=9000) as sw:
            for bad in (1279, 9001):
                with self.assertRaises(ValueError) as cm:
                    sw.mtu = bad
                self.assertIn("1280-9000", str(cm.exception))
            sw.mtu = 1280
            self.assertEqual(sw.mtu, 1280)
            with self.assertRaises(ValueError) as cm:
                sw.beacon_interval = 50
            self.assertIn("100-60000", str(cm.exception))
            with self.assertRaises(ValueError) as cm:
                sw.lldp_interval = 0
            self.assertIn("1-3600", str(cm.exception))
            with self.assertRaises(TypeError):
                sw.mtu = "1500"


class TestRunInterrupted(unittest.TestCase):
    def run_child(self, before_run):
        """A child whose main thread runs sw.run() after 'before_run'; the
        SIGINT it gets must make run() return, the switch intact."""
        code = ("import libvsw, os, signal, threading, time\n"
                "with libvsw.Switch('s') as sw:\n"
                "    sw.add_portgroup('pg').add_vnic('a', mac='%s')\n"
                "    print('running', flush=True)\n"
                "%s"
                "    r = sw.run()\n"
                "    print('returned', r, sw.name, flush=True)\n"
                "print('closed', flush=True)\n" % (MAC_A, before_run))
        env = dict(os.environ, PYTHONPATH=HERE)
        child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        try:
            self.assertEqual(child.stdout.readline(), b"running\n")
            time.sleep(0.3)   # into the loop's wait
            if not before_run:
                child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        self.assertEqual(child.returncode, 0, err.decode())
        self.assertEqual(out, b"returned None s\nclosed\n")
        self.assertNotIn(b"Traceback", err)

    def test_sigint_makes_run_return(self):
        self.run_child("")

    def test_sigint_to_another_thread(self):
        # the kernel may hand a process's SIGINT to any thread: then the
        # main thread's wait is not interrupted, and only a bounded wait
        # lets Python run its handler
        self.run_child("    def other():\n"
                       "        time.sleep(0.5)\n"
                       "        signal.pthread_kill(threading.get_ident(), signal.SIGINT)\n"
                       "        time.sleep(5)\n"
                       "    threading.Thread(target=other, daemon=True).start()\n")

    def test_stop_still_ends_run(self):
        with libvsw.Switch("s") as sw:
            sw.stop()          # a stop before run() makes it return at once
            sw.run()
            t = threading.Timer(0.2, sw.stop)
            t.start()
            t0 = time.monotonic()
            sw.run()
            t.join()
            self.assertLess(time.monotonic() - t0, 5)


class TestRepr(unittest.TestCase):
    def test_policy(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg")
            pg.policy["promiscuous"] = True
            r = repr(pg.policy)
            self.assertTrue(r.startswith("Policy(promiscuous=True, mac_changes="), r)
            self.assertIn("load_balancing=LoadBalancing.PORT_ID", r)
            self.assertIn("mac_aging_sec=", r)
            self.assertIn("overridden=['promiscuous']", r)
            self.assertEqual(str(pg.policy), r)
            r = repr(sw.policy)
            self.assertTrue(r.startswith("Policy(promiscuous=False, "), r)
            self.assertNotIn("overridden", r)
            pol = pg.policy
        self.assertIn("closed", repr(pol))   # no exception from repr()

    def test_repr_never_waits_for_run(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg")
            v = pg.add_vnic("v", mac=MAC_A)
            pol = pg.policy
            t = threading.Thread(target=sw.run)
            t.start()
            try:
                time.sleep(0.2)   # run() holds the switch's lock
                for obj in (sw, pg, v, pol):
                    self.assertIn("busy", repr(obj))
            finally:
                sw.stop()
                t.join()

    def test_objects(self):
        with libvsw.Switch("vSwitch0") as sw:
            up = sw.add_uplink("vmnic0")
            pg = sw.add_portgroup("Prod", vlan=10)
            v = pg.add_vnic("vm1", mac=MAC_A)
            r = repr(sw)
            for part in ("Switch('vSwitch0'", "mtu=1500", "portgroups=['Prod']",
                         "uplinks=['vmnic0']", "ports=2"):
                self.assertIn(part, r)
            self.assertEqual(repr(pg), "PortGroup('Prod', switch='vSwitch0', vlan=10, "
                             "ports=['vm1'])")
            self.assertEqual(repr(v), "VNic('vm1', switch='vSwitch0', portgroup='Prod', "
                             "mac='%s', link=True, backend=None)" % MAC_A)
            self.assertEqual(repr(up), "Uplink('vmnic0', switch='vSwitch0', link=True, "
                             "backend=None)")
            self.assertEqual(str(v), repr(v))
            v.remove()
            self.assertIn("removed", repr(v))
        self.assertIn("closed", repr(sw))
        self.assertIn("closed", repr(pg))


class TestHelp(unittest.TestCase):
    def test_constructors_are_explained(self):
        doc = pydoc.render_doc(libvsw.Switch, renderer=pydoc.plaintext)
        for word in ("Switch(name", "mtu", "max_macs", "1280", "9000", "MAC table"):
            self.assertIn(word, doc)
        init = inspect.getdoc(libvsw.Switch.__init__)
        for p in ("name", "mtu", "max_macs"):
            self.assertIn(p + ":", init)
        init = inspect.getdoc(libvsw.Backend.__init__)
        for p in ("spec", "options"):
            self.assertIn(p + ":", init)
        for cls in (libvsw.PortGroup, libvsw.Port, libvsw.VNic, libvsw.Uplink, libvsw.Vmk):
            # made by the switch, and the docs say by what
            self.assertRegex(inspect.getdoc(cls), r"add_\w+\(", cls)


def public_functions():
    """(qualified name, function) of every public function, method and
    property getter/setter of the package's public classes."""
    out = []
    for name in libvsw.__all__:
        obj = getattr(libvsw, name)
        if inspect.isfunction(obj):
            out.append((name, obj))
        elif inspect.isclass(obj) and obj.__module__.startswith("libvsw") \
                and not issubclass(obj, (BaseException, int)):
            for attr, v in vars(obj).items():
                if attr.startswith("_") and attr != "__init__":
                    continue
                if isinstance(v, property):
                    for f in (v.fget, v.fset):
                        if f is not None:
                            out.append(("%s.%s" % (name, attr), f))
                elif inspect.isfunction(v):
                    out.append(("%s.%s" % (name, attr), v))
    return out


class TestTypeHints(unittest.TestCase):
    def test_every_public_function_is_annotated(self):
        missing = []
        funcs = public_functions()
        self.assertGreater(len(funcs), 80)
        for qual, f in funcs:
            # they resolve, too, with the package's public names
            hints = typing.get_type_hints(f, {**vars(sys.modules[f.__module__]), **vars(libvsw)})
            for p in list(inspect.signature(f).parameters.values())[1:] \
                    if "." in qual else inspect.signature(f).parameters.values():
                if p.name not in hints:
                    missing.append("%s(%s)" % (qual, p.name))
            if "return" not in hints:
                missing.append("%s -> ?" % qual)
        self.assertEqual(missing, [])

    def test_py_typed(self):
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(libvsw.__file__),
                                                    "py.typed")))
        self.assertIs(typing.get_type_hints(libvsw.Switch.add_portgroup)["return"],
                      libvsw.PortGroup)


if __name__ == "__main__":
    unittest.main()
