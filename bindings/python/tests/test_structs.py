# SPDX-License-Identifier: MIT
"""Description: every ctypes Structure of the package has the fields of
the C struct it mirrors, in order (as the header declares them), and their
offsets and sizes and the struct's size, as a C program compiled against
the headers (include/ and the build's vsw_version.h) prints them. Skipped
without a C compiler or headers."""

import ctypes
import glob
import importlib
import os
import pkgutil
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

import libvsw

HERE = os.path.dirname(os.path.abspath(__file__))


def mirrored_structs():
    """{C struct name: ctypes class} for every Structure a libvsw module defines;
    its docstring names the C struct ("struct vsw_frame...")."""
    out = {}
    for m in pkgutil.iter_modules(libvsw.__path__):
        mod = importlib.import_module("libvsw." + m.name)
        for obj in vars(mod).values():
            if (isinstance(obj, type) and issubclass(obj, ctypes.Structure)
                    and obj.__module__ == mod.__name__):
                found = re.match(r"struct (vsw_\w+)", obj.__doc__ or "")
                if not found:
                    raise AssertionError("%s.%s: the docstring must start with the C struct "
                                         "it mirrors" % (mod.__name__, obj.__name__))
                out[found.group(1)] = obj
    return out


def header_dirs():
    """The public headers and the directory of the generated vsw_version.h."""
    src = os.environ.get("top_srcdir") or os.path.join(HERE, "..", "..", "..")
    build = os.environ.get("top_builddir")
    if not build and os.environ.get("LIBVSW_PATH"):
        # a build tree's libvsw/.libs/libvsw.so*
        build = os.path.join(os.path.dirname(os.environ["LIBVSW_PATH"]), "..", "..")
    inc = os.path.join(src, "include")
    if not os.path.exists(os.path.join(inc, "vsw.h")):
        return None
    for d in (os.path.join(build, "include") if build else None, inc):
        if d and os.path.exists(os.path.join(d, "vsw_version.h")):
            return inc, d
    return None


def compiler():
    cc = shlex.split(os.environ.get("CC") or "") or ["cc"]
    return cc if shutil.which(cc[0]) else None


def c_program(structs, inc):
    lines = ["#include <stddef.h>", "#include <stdio.h>"]
    # every public header, so that a struct moved between them is still found
    lines += ['#include "%s"' % os.path.basename(h)
              for h in sorted(glob.glob(os.path.join(inc, "vsw*.h")))]
    lines += ["#define F(s, f) printf(#s \" \" #f \" %zu %zu\\n\", offsetof(struct s, f), "
              "sizeof(((struct s *)0)->f))",
              "int main(void)", "{"]
    for name, cls in sorted(structs.items()):
        lines.append('\tprintf("%s sizeof %%zu\\n", sizeof(struct %s));' % (name, name))
        lines += ["\tF(%s, %s);" % (name, f[0]) for f in cls._fields_]
    lines += ["\treturn 0;", "}"]
    return "\n".join(lines) + "\n"


def c_fields(inc, name):
    """The field names of struct 'name' as the public headers declare it."""
    text = ""
    for h in sorted(glob.glob(os.path.join(inc, "vsw*.h"))):
        with open(h) as f:
            text += f.read()
    m = re.search(r"^struct %s \{(.*?)^\};" % name, text, re.S | re.M)
    if m is None:
        return None
    body = re.sub(r"/\*.*?\*/|//[^\n]*", "", m.group(1), flags=re.S)
    out = []
    for decl in filter(None, (d.strip() for d in body.split(";"))):
        fp = re.search(r"\(\s*\*\s*(\w+)\s*\)", decl)   # a function pointer
        out.append(fp.group(1) if fp else re.search(r"(\w+)\s*(\[[^]]*\]\s*)*$", decl).group(1))
    return out


def ctypes_layout(structs):
    out = set()
    for name, cls in structs.items():
        out.add("%s sizeof %d" % (name, ctypes.sizeof(cls)))
        for f in cls._fields_:
            d = getattr(cls, f[0])
            out.add("%s %s %d %d" % (name, f[0], d.offset, d.size))
    return out


class TestStructLayout(unittest.TestCase):
    def c_layout(self, structs):
        cc = compiler()
        if cc is None:
            raise unittest.SkipTest("no C compiler (cc or $CC)")
        dirs = header_dirs()
        if dirs is None:
            raise unittest.SkipTest("no libvsw headers with a generated vsw_version.h "
                                    "(set top_srcdir and top_builddir)")
        with tempfile.TemporaryDirectory() as tmp:
            src, exe = os.path.join(tmp, "layout.c"), os.path.join(tmp, "layout")
            with open(src, "w") as f:
                f.write(c_program(structs, dirs[0]))
            r = subprocess.run(cc + ["-std=c11", "-I", dirs[0], "-I", dirs[1], "-o", exe, src],
                               capture_output=True, text=True, timeout=120)
            # a field the C struct does not have fails here, by name
            self.assertEqual(r.returncode, 0, "the layout program did not compile:\n" + r.stderr)
            r = subprocess.run([exe], capture_output=True, text=True, timeout=60, check=True)
        return set(r.stdout.splitlines())

    def test_every_structure_matches_its_c_struct(self):
        structs = mirrored_structs()
        # the structs libvsw hands over or takes, at the least
        self.assertLessEqual({"vsw_frame", "vsw_switch_opts", "vsw_fdb_entry_info",
                              "vsw_vmk_iface_opts", "vsw_lldp_neighbor"}, set(structs))
        c, py = self.c_layout(structs), ctypes_layout(structs)
        self.assertEqual(sorted(py - c), [], "ctypes (name field offset size) differs from C: "
                         "C says %s" % sorted(c - py))
        self.assertEqual(c, py)

    def test_every_field_is_mirrored_in_order(self):
        # a field left out where padding hides it keeps every offset and size
        dirs = header_dirs()
        if dirs is None:
            raise unittest.SkipTest("no libvsw headers")
        for name, cls in sorted(mirrored_structs().items()):
            self.assertEqual([f[0] for f in cls._fields_], c_fields(dirs[0], name), name)

    def test_a_drifted_structure_is_caught(self):
        # the check itself: a ctypes field of the wrong width must show
        class Drifted(ctypes.Structure):
            """struct vsw_switch_opts, with mtu one size too wide."""
            _fields_ = [("size", ctypes.c_size_t), ("mtu", ctypes.c_uint64),
                        ("max_macs", ctypes.c_uint)]
        structs = {"vsw_switch_opts": Drifted}
        self.assertNotEqual(self.c_layout(structs), ctypes_layout(structs))


if __name__ == "__main__":
    unittest.main()
