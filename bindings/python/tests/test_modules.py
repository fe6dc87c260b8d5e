# SPDX-License-Identifier: MIT
"""Description: the package's layout: its modules import one another
without a cycle (a module imports only lower ones), every C walk
(*_foreach) goes through the one walk helper, which stops the walk at a
visitor's exception and re-raises it once, and the public names stay where
they were."""

import ast
import os
import unittest
from unittest import mock

import libvsw

PKG = os.path.dirname(os.path.abspath(libvsw.__file__))
MAC_A = "00:50:56:00:00:0a"
MAC_B = "00:50:56:00:00:0b"


def modules():
    """{module name: parsed source} of the package."""
    out = {}
    for f in sorted(os.listdir(PKG)):
        if f.endswith(".py"):
            with open(os.path.join(PKG, f)) as fh:
                out[f[:-3]] = ast.parse(fh.read(), f)
    return out


def typing_only(tree):
    """The nodes under an "if TYPE_CHECKING:": imports for type hints alone,
    which never run."""
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.If) and getattr(n.test, "id", None) == "TYPE_CHECKING":
            out.update(id(m) for b in n.body for m in ast.walk(b))
    return out


def imports(tree):
    """The package modules a module imports, anywhere in it (functions too),
    but for type hints alone."""
    out = set()
    skip = typing_only(tree)
    for n in ast.walk(tree):
        if id(n) in skip:
            continue
        if isinstance(n, ast.ImportFrom) and n.level == 1:
            if n.module:
                out.add(n.module.split(".")[0])
            else:
                out.update(a.name for a in n.names)
        elif isinstance(n, ast.ImportFrom) and n.module and n.module.split(".")[0] == "libvsw":
            out.add(n.module.split(".")[1] if "." in n.module else "__init__")
        elif isinstance(n, ast.Import):
            out.update(a.name.split(".")[1] for a in n.names if a.name.startswith("libvsw."))
    return out


class TestImportGraph(unittest.TestCase):
    def test_no_cycle(self):
        mods = modules()
        graph = {m: imports(t) - {m} for m, t in mods.items() if m != "__init__"}
        self.assertNotIn("__init__", set().union(*graph.values()),
                         "a module imports the package itself")
        # peel off the modules that import nothing left: a cycle never peels
        order, left = [], dict(graph)
        while left:
            ready = sorted(m for m, deps in left.items() if not deps & set(left))
            self.assertTrue(ready, "import cycle among %s" % sorted(left))
            order += ready
            for m in ready:
                del left[m]
        self.assertEqual(len(order), len(graph))

    def test_every_walk_goes_through_the_helper(self):
        # lib.vsw_*_foreach is named only as walk()'s second argument
        loose = []
        for m, tree in modules().items():
            helper_args = set()
            for n in ast.walk(tree):
                if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "walk":
                    helper_args.add(id(n.args[1]))
            for n in ast.walk(tree):
                if (isinstance(n, ast.Attribute) and n.attr.endswith("_foreach")
                        and id(n) not in helper_args):
                    loose.append("%s.py:%d %s" % (m, n.lineno, n.attr))
        self.assertEqual(loose, [])

    def test_public_names(self):
        self.assertEqual(sorted(libvsw.__all__), sorted([
            "Backend", "Capture", "CapturedFrame", "Frame", "Mirror", "MirrorDirection", "Port",
            "PortGroup", "Switch", "Uplink", "Vmk", "VNic", "BATCH_MAX", "VLAN_NONE", "VLAN_TRUNK", "BeaconState", "Counter", "CounterKind",
            "FailureDetection", "FrameFlag", "GsoType", "LldpMode", "LoadBalancing", "LogLevel",
            "Offload", "Policy", "PortKind", "Service", "UplinkRole", "VswError", "VswExistsError",
            "VswNotFoundError", "VswPermissionError", "VswRangeError", "version", "library_version",
            "netstack_add", "netstack_remove"]))
        for name in libvsw.__all__:
            self.assertTrue(hasattr(libvsw, name), name)


class TestVersion(unittest.TestCase):
    def test_one_version_everywhere(self):
        # the package, its build backend and pyproject.toml state one
        # version, whose major is the library's ABI the package speaks
        import re
        from libvsw import _lib
        root = os.path.dirname(PKG)
        with open(os.path.join(root, "pyproject.toml")) as f:
            pyproject = re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)
        with open(os.path.join(root, "_build", "vsw_build.py")) as f:
            backend = re.search(r'^VERSION = "([^"]+)"', f.read(), re.M).group(1)
        self.assertEqual({libvsw.__version__, pyproject, backend}, {libvsw.__version__})
        self.assertEqual(_lib.KNOWN_MAJORS, (int(libvsw.__version__.split(".")[0]),))
        self.assertEqual(libvsw.library_version().split(".")[0], libvsw.__version__.split(".")[0])


class TestWalk(unittest.TestCase):
    def setUp(self):
        self.sw = libvsw.Switch("walk")
        pg = self.sw.add_portgroup("pg")
        pg.add_vnic("a", mac=MAC_A)
        pg.add_vnic("b", mac=MAC_B)

    def tearDown(self):
        self.sw.close()

    def test_a_visitor_exception_stops_the_walk_and_is_raised_once(self):
        seen = []

        def boom(ptr):
            seen.append(ptr)
            raise KeyError("visitor")
        with mock.patch.object(libvsw.Switch, "_port", side_effect=boom):
            with self.assertRaisesRegex(KeyError, "visitor"):
                self.sw.fdb()
        self.assertEqual(len(seen), 1)          # two entries; the walk stopped at the first
        self.assertEqual(len(self.sw.fdb()), 2)  # nothing left pending
        self.assertEqual(self.sw.flush_fdb(), 0)

    def test_an_interrupt_in_a_visitor_is_raised_too(self):
        with mock.patch.object(libvsw.Switch, "_port", side_effect=KeyboardInterrupt):
            with self.assertRaises(KeyboardInterrupt):
                self.sw.fdb()
        self.assertEqual(len(self.sw.fdb()), 2)


if __name__ == "__main__":
    unittest.main()
