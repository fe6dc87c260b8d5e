# SPDX-License-Identifier: MIT
"""Description: misuse of the libvsw package raises a Python exception instead
of crashing or corrupting the interpreter: close() from a callback (deferred
to the end of the call that ran it, and freeing the switch), exceptions in
every kind of callback (re-raised once by the call that ran them), objects
used after their switch closed or their port went, close() from another
thread during a send, and integers and strings that ctypes would wrap or
cut. Cases that crashed the interpreter run in a child process."""

import os
import subprocess
import sys
import textwrap
import threading
import time
import unittest
from unittest import mock

import libvsw

MAC_A = "00:50:56:00:00:0a"
MAC_B = "00:50:56:00:00:0b"
MAC_C = "00:50:56:00:00:0c"
BCAST = "ff:ff:ff:ff:ff:ff"


def eth(dst, src, payload=46):
    return bytes.fromhex(dst.replace(":", "") + src.replace(":", "")) + b"\x08\x00" + bytes(payload)


def wire_name(test):
    return "pym%d-%s" % (os.getpid(), test.id().rsplit(".", 1)[-1][-20:])


PRELUDE = textwrap.dedent("""
    import ctypes, os, sys, threading, time
    import libvsw
    def eth(dst, src, payload=46):
        return (bytes.fromhex(dst.replace(":", "") + src.replace(":", "")) + b"\\x08\\x00"
                + bytes(payload))
    A, B, C = "00:50:56:00:00:0a", "00:50:56:00:00:0b", "00:50:56:00:00:0c"
    def three():
        sw = libvsw.Switch("s")
        pg = sw.add_portgroup("pg")
        return sw, pg, [pg.add_vnic(n, mac=m) for n, m in (("a", A), ("b", B), ("c", C))]
""")


def run_child(test, body, timeout=120):
    """Run PRELUDE + body in a fresh interpreter; fail unless it exits 0
    (a crash shows as a negative return code) and print "ok" last."""
    r = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(body)],
                       capture_output=True, text=True, timeout=timeout)
    test.assertEqual((r.returncode, r.stdout.strip().splitlines()[-1:]), (0, ["ok"]),
                     "child failed:\n" + r.stdout + r.stderr)
    return r


class TestCloseInCallback(unittest.TestCase):
    """Issue 13 defect 8: vsw_switch_free() does nothing from a receive
    callback, while the bindings dropped the callbacks' thunks anyway."""

    def test_close_in_receive_callback_is_deferred(self):
        run_child(self, """
            sw, pg, (a, b, c) = three()
            calls = []
            def rx(port, frames):
                calls.append(port.name)
                sw.close()
                try:
                    port.name
                except ValueError:
                    calls.append("refused")
            b.on_receive = rx
            c.on_receive = rx
            a.send([eth("ff:ff:ff:ff:ff:ff", A)] * 3 + [eth(B, A)] * 600)
            assert calls in (["b", "refused"], ["c", "refused"]), calls
            assert "closed" in repr(sw), repr(sw)
            for obj in (sw, pg, a, b):
                try:
                    obj.name
                except ValueError:
                    pass
                else:
                    raise AssertionError("%r still usable" % obj)
            sw.close()
            print("ok")
        """)

    def test_close_in_poll_and_clock_callbacks(self):
        run_child(self, """
            w = "pyc%d" % os.getpid()
            sw = libvsw.Switch("s")
            phys = libvsw.Backend("memory:" + w)
            sw.add_uplink("vmnic0", backend="memory:" + w)
            a = sw.add_portgroup("pg").add_vnic("a", mac=A)
            a.on_receive = lambda port, frames: sw.close()
            phys.send([eth(A, "00:11:22:33:44:55")] * 5)
            for _ in range(50):
                if "closed" in repr(sw):
                    break
                sw.poll(10)
            assert "closed" in repr(sw)
            # from a callback of run(): run() returns, then the switch goes
            sw = libvsw.Switch("s")
            sw.add_uplink("vmnic0", backend="memory:" + w)
            a = sw.add_portgroup("pg").add_vnic("a", mac=A)
            a.on_receive = lambda port, frames: sw.close()
            phys.send([eth(A, "00:11:22:33:44:55")])
            watchdog = threading.Timer(30, os._exit, (3,))   # a run() that never returns
            watchdog.daemon = True
            watchdog.start()
            sw.run()
            watchdog.cancel()
            assert "closed" in repr(sw)
            phys.close()
            # the clock is read inside the MAC table walk and inside a send
            for call in ("fdb", "send"):
                sw, pg, (a, b, c) = three()
                pg.policy[libvsw.Policy.MAC_LEARNING] = 1
                armed = []
                sw.set_clock(lambda: armed and sw.close() or 10**9)
                armed.append(1)
                r = sw.fdb() if call == "fdb" else a.send([eth(B, A)])
                assert "closed" in repr(sw), call
            print("ok")
        """)

    def test_close_in_callback_frees_the_switch(self):
        # issue 13 defect 14: the refused free leaked the switch (478,776 bytes)
        run_child(self, """
            def rss_kib():
                with open("/proc/self/statm") as f:
                    return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
            def once():
                sw, pg, (a, b, c) = three()
                b.on_receive = lambda port, frames: sw.close()
                try:
                    a.send([eth(B, A)])
                except ValueError:
                    pass   # what the old bindings raised; the leak is what counts here
                assert "closed" in repr(sw)
            for _ in range(20):
                once()
            before = rss_kib()
            for _ in range(300):
                once()
            grown = rss_kib() - before
            assert grown < 20 * 1024, "RSS grew by %d KiB over 300 switches" % grown
            print("ok")
        """)

    def test_close_from_a_log_handler(self):
        with libvsw.Switch("s") as sw:
            seen = []

            def log(s, level, msg):
                seen.append((level, msg))
                s.close()
            sw.set_log(log, libvsw.LogLevel.DEBUG)
            sw.add_portgroup("pg")
            self.assertTrue(seen)
            self.assertIsInstance(seen[0][0], libvsw.LogLevel)
            self.assertIn("closed", repr(sw))


class TestCallbackExceptions(unittest.TestCase):
    """Every callback's exception is re-raised by the call that ran it, once."""

    def setUp(self):
        self.sw = libvsw.Switch("s")
        pg = self.sw.add_portgroup("pg")
        pg.policy[libvsw.Policy.MAC_LEARNING] = 1
        self.a = pg.add_vnic("a", mac=MAC_A)
        self.b = pg.add_vnic("b", mac=MAC_B)
        self.a.send([eth(BCAST, "00:0c:29:00:00:01")])

    def tearDown(self):
        self.sw.close()

    def assert_clean_after(self):
        # no exception left behind for the next calls
        self.sw.poll(0)
        self.assertEqual(self.sw.mtu, 1500)
        self.assertEqual(len([e for e in self.sw.fdb() if not e["learned"]]), 2)

    def test_fdb_visitor(self):
        # the old visitor's exception was swallowed: [] once, then a garbage errno
        with mock.patch.object(libvsw.Switch, "_port", side_effect=RuntimeError("in the visitor")):
            with self.assertRaisesRegex(RuntimeError, "in the visitor"):
                self.sw.fdb()
            with self.assertRaisesRegex(RuntimeError, "in the visitor"):
                self.sw.fdb()
        self.assert_clean_after()

    def test_clock(self):
        def clock():
            if armed:
                raise KeyError("clock")
            return 10**12
        armed = []
        self.sw.set_clock(clock)
        armed.append(1)
        with self.assertRaises(KeyError):
            self.sw.fdb()
        with self.assertRaises(KeyError):
            self.a.send([eth(MAC_B, MAC_A)])
        self.sw.set_clock(lambda: 10**12)
        self.assert_clean_after()

    def test_receive(self):
        n = []

        def rx(port, frames):
            n.append(len(frames))
            raise ValueError("rx %d" % len(n))
        self.b.on_receive = rx
        with self.assertRaisesRegex(ValueError, "rx 1"):
            self.a.send([eth(MAC_B, MAC_A)] * 600)   # three batches: stops at the first
        self.assertEqual(len(n), 1)
        self.b.on_receive = None
        self.assert_clean_after()

    def test_receive_in_run(self):
        # run() holds the exception until it returns: it must return
        run_child(self, """
            w = "pyx%d" % os.getpid()
            phys = libvsw.Backend("memory:" + w)
            sw = libvsw.Switch("s")
            sw.add_uplink("vmnic0", backend="memory:" + w)
            a = sw.add_portgroup("pg").add_vnic("a", mac=A)
            def rx(port, frames):
                raise LookupError("in run")
            a.on_receive = rx
            phys.send([eth(A, "00:11:22:33:44:55")])
            watchdog = threading.Timer(30, os._exit, (3,))
            watchdog.daemon = True
            watchdog.start()
            try:
                sw.run()
            except LookupError:
                pass
            else:
                raise AssertionError("run() returned without the exception")
            watchdog.cancel()
            a.on_receive = None
            sw.poll(0)
            print("ok")
        """)

    def test_log(self):
        def log(sw, level, msg):
            raise OSError("log: " + msg)
        self.sw.set_log(log, libvsw.LogLevel.DEBUG)
        with self.assertRaisesRegex(OSError, "log: "):
            self.sw.add_portgroup("pg2")
        self.assertIsNotNone(self.sw.portgroup("pg2"))   # the call itself was done
        self.sw.set_log(None)
        self.assert_clean_after()

    def test_lldp_visitor(self):
        w = wire_name(self)
        with libvsw.Backend("memory:" + w) as phys:
            up = self.sw.add_uplink("vmnic0", backend="memory:" + w)
            tlv = lambda t, v: ((t << 9) | len(v)).to_bytes(2, "big") + v
            phys.send([bytes.fromhex("0180c200000e001122334455") + b"\x88\xcc" +
                       tlv(1, b"\x04" + bytes(6)) + tlv(2, b"\x05p1") + tlv(3, b"\x00\x78") +
                       tlv(0, b"")])
            for _ in range(20):
                if self.sw.poll(10) > 0:
                    break
            with mock.patch("libvsw.port._lldp_neighbor", side_effect=RuntimeError("lldp")):
                with self.assertRaisesRegex(RuntimeError, "lldp"):
                    up.lldp_neighbors()
            self.assertEqual(len(up.lldp_neighbors()), 1)
            up.remove()
        self.assert_clean_after()

    def test_nested_calls_keep_their_own_exception(self):
        # a receive callback that calls fdb(), whose clock raises: fdb() raises
        # in the callback, which catches it; the send then raises nothing
        caught = []

        def rx(port, frames):
            try:
                port.switch.fdb()
            except KeyError as e:
                caught.append(e)
        self.b.on_receive = rx
        with self.assertRaises(KeyError):
            self.sw.set_clock(lambda: {}["x"])   # set_clock() reads it first
        try:
            self.a.send([eth(MAC_B, MAC_A)])
        except KeyError:
            pass   # the send's own clock read
        self.sw.set_clock(None)
        self.assertEqual(len(caught), 1)
        self.b.on_receive = None
        self.assert_clean_after()


class TestLiveness(unittest.TestCase):
    """Issue 13 defect 14: objects used after their C object went."""

    def test_backend_after_its_vnic_was_removed(self):
        # used to segfault (be.type, be.send)
        run_child(self, """
            w = "pyl%d" % os.getpid()
            sw, pg, _ = three()
            be = libvsw.Backend("memory:" + w)
            v = pg.add_vnic("v", mac="00:50:56:00:00:99", backend=be)
            assert be.type == "memory"
            v.remove()
            for use in (lambda: be.type, lambda: be.send([bytes(60)]), lambda: be.mtu,
                        lambda: be.link, lambda: be.recv(), lambda: be.fileno()):
                try:
                    use()
                except ValueError as e:
                    assert "removed" in str(e), e
                else:
                    raise AssertionError("a backend of a removed port still usable")
            be.close()
            print("ok")
        """)

    def test_backend_after_detach_and_after_close(self):
        run_child(self, """
            w = "pyd%d" % os.getpid()
            sw, pg, (a, b, c) = three()
            be = libvsw.Backend("memory:" + w)
            a.attach_backend(be)
            a.detach()
            try:
                be.type
            except ValueError as e:
                assert "detached" in str(e), e
            else:
                raise AssertionError("a detached backend still usable")
            be = libvsw.Backend("memory:" + w)
            b.attach_backend(be)
            sw.close()
            for use in (lambda: be.mac, lambda: be.type):
                try:
                    use()
                except ValueError:
                    pass
                else:
                    raise AssertionError("a backend of a closed switch still usable")
            try:
                b.attach_backend(be)
            except ValueError:
                pass
            else:
                raise AssertionError("attached to a closed switch")
            print("ok")
        """)

    def test_objects_after_close(self):
        sw = libvsw.Switch("s")
        pg = sw.add_portgroup("pg")
        v = pg.add_vnic("v", mac=MAC_A)
        up = sw.add_uplink("vmnic0")
        sw.close()
        for use in (lambda: pg.vlan, lambda: v.mac, lambda: v.send([bytes(60)]),
                    lambda: up.lldp_neighbors(), lambda: sw.poll(0), lambda: sw.stop(),
                    lambda: pg.add_vnic("w", mac=MAC_B), lambda: v.counters):
            with self.assertRaises(ValueError):
                use()
        self.assertIn("removed", repr(v))


class TestThreads(unittest.TestCase):
    def test_close_from_another_thread_waits_for_send(self):
        # used to segfault 5 times out of 5
        run_child(self, """
            for round in range(5):
                sw, pg, (a, b, c) = three()
                inside, order = threading.Event(), []
                def rx(port, frames):
                    inside.set()
                    time.sleep(0.02)
                    order.append("rx")
                b.on_receive = rx
                def closer():
                    inside.wait(10)
                    sw.close()
                    order.append("closed")
                t = threading.Thread(target=closer)
                t.start()
                try:
                    for _ in range(20):
                        a.send([eth(B, A)] * 3)
                except ValueError:
                    pass    # the switch closed between two sends
                t.join(10)
                assert order[-1] == "closed" and "rx" in order, order
                assert "closed" in repr(sw)
            print("ok")
        """)

    def test_close_from_another_thread_stops_run(self):
        run_child(self, """
            w = "pyr%d" % os.getpid()
            phys = libvsw.Backend("memory:" + w)
            sw = libvsw.Switch("s")
            sw.add_uplink("vmnic0", backend="memory:" + w)
            a = sw.add_portgroup("pg").add_vnic("a", mac=A)
            got = []
            a.on_receive = lambda port, frames: got.extend(frames)
            t = threading.Thread(target=sw.run)
            t.start()
            phys.send([eth(A, "00:11:22:33:44:55")])
            for _ in range(100):
                if got:
                    break
                time.sleep(0.05)
            watchdog = threading.Timer(30, os._exit, (3,))
            watchdog.daemon = True
            watchdog.start()
            sw.close()
            t.join()
            watchdog.cancel()
            assert got and "closed" in repr(sw), (got, sw)
            print("ok")
        """)

    def test_stop_from_another_thread_does_not_wait(self):
        w = wire_name(self)
        with libvsw.Switch("s") as sw, libvsw.Backend("memory:" + w):
            sw.add_uplink("vmnic0", backend="memory:" + w)
            t = threading.Timer(0.2, sw.stop)
            t.start()
            start = time.monotonic()
            sw.run()
            t.join()
            self.assertLess(time.monotonic() - start, 10)

    def test_calls_from_two_threads_are_serialised(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg")
            a, b = pg.add_vnic("a", mac=MAC_A), pg.add_vnic("b", mac=MAC_B)
            got = []

            def rx(port, frames):
                got.append(len(frames))
                time.sleep(0.001)   # the switch delivers: a change now is EBUSY
            b.on_receive = rx
            errors = []

            def hammer():
                try:
                    for i in range(200):
                        pg.vlan = i % 4000
                        a.counters
                except Exception as e:  # reported below
                    errors.append(e)
            t = threading.Thread(target=hammer)
            t.start()
            for _ in range(200):
                a.send([eth(MAC_B, MAC_A)])   # the other thread waits for it
            t.join()
            self.assertEqual((errors, sum(got)), ([], 200))


class TestValues(unittest.TestCase):
    """Issue 13 defect 14: values ctypes would wrap or cut are refused."""

    def test_integers_out_of_range(self):
        with libvsw.Switch("s") as sw:
            pg = sw.add_portgroup("pg", vlan=5)
            v = pg.add_vnic("v", mac=MAC_A)
            for bad in (lambda: sw.add_portgroup("x", vlan=2**32 + 10),
                        lambda: setattr(pg, "vlan", 2**32 + 10),
                        lambda: setattr(pg, "vlan", -1),
                        lambda: setattr(sw, "mtu", 2**32 + 1500),
                        lambda: pg.policy.__setitem__(libvsw.Policy.MAC_LIMIT, -1),
                        lambda: pg.policy.__setitem__(libvsw.Policy.MAC_LIMIT, 2**64),
                        lambda: pg.policy.__getitem__(2**32),
                        lambda: sw.poll(2**31),
                        lambda: v.send([(eth(MAC_B, MAC_A), 2**16 + 10)]),
                        lambda: v.counter(2**32),
                        lambda: libvsw.Switch("t", mtu=2**32 + 1500),
                        lambda: setattr(sw, "lldp_interval", 2**32 + 5)):
                with self.assertRaises(OverflowError):
                    bad()
            self.assertEqual(pg.vlan, 5)
            self.assertEqual(sw.mtu, 1500)
            self.assertEqual(v.counters["rx_packets"], 0)
            with self.assertRaises(TypeError):
                pg.vlan = 10.5

    def test_embedded_nul(self):
        with libvsw.Switch("s") as sw:
            for bad in (lambda: sw.add_portgroup("ab\x00cd"),
                        lambda: sw.add_uplink(b"ab\x00cd"),
                        lambda: sw.portgroup("ab\x00cd"),
                        lambda: sw.set_teaming(["vmnic0\x00x"]),
                        lambda: libvsw.Backend("memory:ab\x00cd"),
                        lambda: libvsw.Switch("ab\x00cd")):
                with self.assertRaises(ValueError):
                    bad()
            self.assertEqual(sw.portgroups, [])
            self.assertEqual(sw.ports, [])

    def test_one_frame_is_one_frame(self):
        # issue 17: one bytes object is one frame, not a list of its bytes
        with libvsw.Switch("s") as sw:
            v = sw.add_portgroup("pg").add_vnic("v", mac=MAC_A)
            v.send(eth(MAC_B, MAC_A))
            with self.assertRaises(TypeError):
                v.send([60])
            with self.assertRaises(TypeError):
                v.send("a frame")
            self.assertEqual(v.counters["rx_packets"], 1)
            self.assertEqual(v.counters["runt"], 0)

    def test_recv_count(self):
        with libvsw.Backend("memory:" + wire_name(self)) as be:
            with self.assertRaises(OverflowError):
                be.recv(-1)   # as an unsigned count: far past the 256 buffers

    def test_frame_longer_than_4_gib(self):
        # a 2**32+60-byte frame went out as 60 bytes; the length is checked
        # before anything is copied (the buffer below is a view of 64 bytes)
        run_child(self, """
            small = ctypes.create_string_buffer(64)
            huge = (ctypes.c_char * (2**32 + 60)).from_address(ctypes.addressof(small))
            sw, pg, (a, b, c) = three()
            got = []
            b.on_receive = lambda port, frames: got.extend(frames)
            try:
                a.send([huge])
            except OverflowError:
                pass
            else:
                raise AssertionError("sent")
            be = libvsw.Backend("memory:pyh%d" % os.getpid())
            try:
                be.send([huge])
            except OverflowError:
                pass
            else:
                raise AssertionError("sent")
            assert got == [] and a.counters["rx_packets"] == 0
            print("ok")
        """)


class TestDocumentedThreadRule(unittest.TestCase):
    def test_readme_and_docstrings_state_it(self):
        readme = os.path.join(os.path.dirname(__file__), "..", "README.md")
        with open(readme) as f:
            text = f.read()
        self.assertIn("## Threads", text)
        self.assertIn("lock", libvsw.Switch.__doc__)
        self.assertIn("thread", libvsw.Switch.stop.__doc__)
        self.assertIn("callback", libvsw.Switch.close.__doc__)


if __name__ == "__main__":
    unittest.main()
