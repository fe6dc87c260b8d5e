# SPDX-License-Identifier: MIT
"""Description: the vhostuser backend through the bindings: a vNIC
attached to "vhostuser:PATH" listens there with its link down until a
front-end sets up both queues, shows no offloads until then, takes the
",client" and ",server" suffixes and options, refuses bad specs with
OSError(EINVAL), removes its socket file when detached,
and has the guest-fault counters by name."""

import errno
import os
import socket
import stat
import tempfile
import unittest

import libvsw

MAC = "52:54:00:00:00:01"


class VhostUserTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vswvu")
        self.sw = libvsw.Switch("vSwitch0")
        self.vm = self.sw.add_portgroup("VM").add_vnic("vm1", mac=MAC)

    def tearDown(self):
        self.sw.close()
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        os.rmdir(self.dir)

    def test_server_listens_link_down_until_set_up(self):
        path = os.path.join(self.dir, "vm1.sock")
        self.vm.attach("vhostuser:" + path, "mode=0660")
        self.assertTrue(stat.S_ISSOCK(os.stat(path).st_mode))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o660)
        self.assertFalse(self.vm.link)
        self.assertEqual(self.vm.offloads, 0)
        # a front-end that connects and says nothing: still down
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(path)
            for _ in range(5):
                self.sw.poll(0)
            self.assertFalse(self.vm.link)
        self.vm.detach()
        self.assertFalse(os.path.exists(path))

    def test_client_suffix_and_options(self):
        path = os.path.join(self.dir, "qemu.sock")
        self.vm.attach("vhostuser:%s,client" % path, "reconnect_ms=50")
        self.assertFalse(self.vm.link)
        self.assertFalse(os.path.exists(path))  # a client makes no file
        self.vm.detach()
        self.vm.attach("vhostuser:%s,server" % path)
        self.assertTrue(os.path.exists(path))

    def test_bad_specs(self):
        for spec, opts in (("vhostuser:", None), ("vhostuser:/x", "nonsense"),
                           ("vhostuser:/x,client", "reconnect_ms=1"),
                           ("vhostuser:/" + "a" * 120, None)):
            with self.assertRaises(OSError) as cm:
                self.vm.attach(spec, opts)
            self.assertEqual(cm.exception.errno, errno.EINVAL, spec)

    def test_guest_fault_counters(self):
        c = self.vm.counters
        for name in ("bad_desc", "bad_vnet_hdr", "bad_ring"):
            self.assertEqual(c[name], 0)
            self.assertEqual(libvsw.Counter[name.upper()].name.lower(), name)


if __name__ == "__main__":
    unittest.main()
