# SPDX-License-Identifier: MIT
"""Description: the distribution the build backend makes: named libvsw
(not vsw, an unrelated project on the public index), its metadata (licence,
licence file, project URLs, keywords) in the wheel and the sdist, the
py.typed marker shipped, and a PEP 660 editable install into a throw-away
virtual environment, offline, that imports the working copy."""

import email.parser
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "_build"))
import vsw_build  # noqa: E402

URL = "https://github.com/libvsw/libvsw"


def parse(text):
    return email.parser.Parser().parsestr(text)


class TestMetadata(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        name = vsw_build.build_wheel(cls.tmp.name)
        cls.wheel_name = name
        cls.wheel = zipfile.ZipFile(os.path.join(cls.tmp.name, name))
        cls.names = cls.wheel.namelist()
        cls.meta = parse(cls.wheel.read("libvsw-2.0.0.dist-info/METADATA").decode())

    @classmethod
    def tearDownClass(cls):
        cls.wheel.close()
        cls.tmp.cleanup()

    def test_distribution_and_package_are_libvsw(self):
        self.assertEqual(self.wheel_name, "libvsw-2.0.0-py3-none-any.whl")
        self.assertEqual(self.meta["Name"], "libvsw")
        self.assertIn("libvsw/__init__.py", self.names)
        self.assertFalse([n for n in self.names if n.startswith("vsw/")])

    def test_licence_urls_keywords(self):
        m = self.meta
        self.assertEqual(m["License"], "MIT")
        self.assertIn("License :: OSI Approved :: MIT License", m.get_all("Classifier"))
        self.assertEqual(m["License-File"], "LICENSE")
        lic = self.wheel.read("libvsw-2.0.0.dist-info/LICENSE").decode()
        self.assertIn("MIT License", lic)
        self.assertIn("Permission is hereby granted", lic)
        urls = dict(u.split(", ", 1) for u in m.get_all("Project-URL"))
        self.assertEqual(urls["Homepage"], URL)
        self.assertEqual(urls["Source"], URL)
        self.assertEqual(m["Home-page"], URL)
        self.assertIn("vswitch", m["Keywords"].split(","))
        self.assertIn("Typing :: Typed", m.get_all("Classifier"))
        self.assertIn("libvsw", m.get_payload())   # the README as the description

    def test_record_lists_everything(self):
        record = self.wheel.read("libvsw-2.0.0.dist-info/RECORD").decode().split()
        self.assertEqual(sorted(r.split(",")[0] for r in record), sorted(self.names))

    def test_py_typed_is_shipped(self):
        self.assertTrue(os.path.exists(os.path.join(HERE, "libvsw", "py.typed")))
        self.assertIn("libvsw/py.typed", self.names)

    def test_pyproject_says_the_same(self):
        try:
            import tomllib
        except ImportError:
            self.skipTest("no tomllib (Python < 3.11)")
        with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
            proj = tomllib.load(f)["project"]
        m = self.meta
        self.assertEqual(proj["name"], m["Name"])
        self.assertEqual(proj["version"], m["Version"])
        self.assertEqual(proj["description"], m["Summary"])
        self.assertEqual(proj["license"], {"text": m["License"]})
        self.assertEqual(",".join(proj["keywords"]), m["Keywords"])
        self.assertEqual(proj["classifiers"], m.get_all("Classifier"))
        self.assertEqual(proj["urls"], dict(u.split(", ", 1) for u in m.get_all("Project-URL")))

    def test_sdist(self):
        with tempfile.TemporaryDirectory() as d:
            name = vsw_build.build_sdist(d)
            self.assertEqual(name, "libvsw-2.0.0.tar.gz")
            with tarfile.open(os.path.join(d, name)) as t:
                names = t.getnames()
                info = parse(t.extractfile("libvsw-2.0.0/PKG-INFO").read().decode())
            self.assertIn("libvsw-2.0.0/LICENSE", names)
            self.assertIn("libvsw-2.0.0/libvsw/py.typed", names)
            self.assertEqual(info["Name"], "libvsw")
            self.assertEqual(info["License-File"], "LICENSE")

    def test_prepare_metadata(self):
        for hook in (vsw_build.prepare_metadata_for_build_wheel,
                     vsw_build.prepare_metadata_for_build_editable):
            with tempfile.TemporaryDirectory() as d:
                di = hook(d)
                self.assertEqual(di, "libvsw-2.0.0.dist-info")
                with open(os.path.join(d, di, "METADATA")) as f:
                    self.assertEqual(parse(f.read())["Name"], "libvsw")


class TestEditable(unittest.TestCase):
    def test_pep660_hooks(self):
        self.assertEqual(vsw_build.get_requires_for_build_editable(), [])
        with tempfile.TemporaryDirectory() as d:
            name = vsw_build.build_editable(d)
            with zipfile.ZipFile(os.path.join(d, name)) as z:
                pth = [n for n in z.namelist() if n.endswith(".pth")]
                self.assertEqual(len(pth), 1)
                self.assertEqual(z.read(pth[0]).decode().strip(), HERE)
                self.assertFalse([n for n in z.namelist() if n.startswith("libvsw/")])

    def test_pip_install_editable(self):
        # offline: the backend needs nothing from an index
        with tempfile.TemporaryDirectory() as d:
            venv = os.path.join(d, "venv")
            if subprocess.run([sys.executable, "-m", "venv", venv],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
                self.skipTest("python3 -m venv does not work here")
            py = os.path.join(venv, "bin", "python")
            r = subprocess.run([py, "-m", "pip", "install", "-q", "--no-index",
                                "--disable-pip-version-check", "-e", HERE],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout.decode())
            env = dict(os.environ)
            env.pop("PYTHONPATH", None)
            r = subprocess.run([py, "-c", "import libvsw; print(libvsw.__file__)"], cwd=d,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout.decode())
            # the working copy itself, not a copy of it
            self.assertEqual(r.stdout.decode().strip(), os.path.join(HERE, "libvsw", "__init__.py"))
            r = subprocess.run([py, "-m", "pip", "show", "libvsw"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60)
            self.assertIn("License: MIT", r.stdout.decode())


if __name__ == "__main__":
    unittest.main()
