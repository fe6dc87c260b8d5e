# SPDX-License-Identifier: MIT
"""A PEP 517 / PEP 660 build backend in the standard library only.

The package is pure Python, so a wheel is just its files in a zip with the
metadata beside them, and an editable wheel (``pip install -e``) a ``.pth``
file naming this directory. Having no build requirements lets "pip install
./bindings/python" work on a machine that cannot reach a package index.

The distribution and the import package are both ``libvsw`` (the name
``vsw`` on the public index belongs to an unrelated project).
"""

import base64
import hashlib
import io
import os
import tarfile
import zipfile

NAME = "libvsw"
VERSION = "2.0.0"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAG = "py3-none-any"
URL = "https://github.com/libvsw/libvsw"
SUMMARY = "Python bindings (ctypes) for libvsw, an embeddable VMware-style virtual switch"
KEYWORDS = "vswitch,virtual switch,vmware,esxi,ethernet,networking,vlan,ctypes"
CLASSIFIERS = (
    "Development Status :: 5 - Production/Stable",
    "Intended Audience :: Developers",
    "Intended Audience :: System Administrators",
    "License :: OSI Approved :: MIT License",
    "Operating System :: POSIX :: Linux",
    "Programming Language :: Python :: 3",
    "Topic :: System :: Networking",
    "Typing :: Typed",
)
LICENSE_FILE = "LICENSE"
#: files of the package besides its modules
PACKAGE_DATA = ("py.typed",)


def _license_text():
    """The MIT licence: bindings/python/LICENSE in an sdist, else the one
    at the top of the source tree."""
    for path in (os.path.join(HERE, LICENSE_FILE), os.path.join(HERE, "..", "..", LICENSE_FILE)):
        if os.path.exists(path):
            with open(path, "rb") as f:
                return f.read()
    raise FileNotFoundError("no LICENSE next to %s or at the top of the source tree" % HERE)


def _metadata():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    head = [
        "Metadata-Version: 2.1",
        "Name: " + NAME,
        "Version: " + VERSION,
        "Summary: " + SUMMARY,
        "Home-page: " + URL,
        "License: MIT",
        "License-File: " + LICENSE_FILE,
        "Keywords: " + KEYWORDS,
        "Project-URL: Homepage, " + URL,
        "Project-URL: Source, " + URL,
        "Project-URL: Issues, " + URL + "/issues",
    ] + ["Classifier: " + c for c in CLASSIFIERS] + [
        "Requires-Python: >=3.8",
        "Description-Content-Type: text/markdown",
    ]
    return "\n".join(head) + "\n\n" + readme


def _package_files():
    pkg = os.path.join(HERE, NAME)
    for name in sorted(os.listdir(pkg)):
        if name.endswith(".py") or name in PACKAGE_DATA:
            yield os.path.join(pkg, name), "%s/%s" % (NAME, name)


def _record_line(arc, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arc, digest, len(data))


def _dist_info():
    return "%s-%s.dist-info" % (NAME, VERSION)


def _dist_info_files():
    """{name in the .dist-info: bytes} but RECORD."""
    return {
        "METADATA": _metadata().encode(),
        "WHEEL": ("Wheel-Version: 1.0\nGenerator: vsw_build\nRoot-Is-Purelib: true\n"
                  "Tag: %s\n" % TAG).encode(),
        LICENSE_FILE: _license_text(),
    }


def _write_wheel(wheel_directory, contents):
    """A wheel of 'contents' ([(arc name, bytes)]) and the .dist-info."""
    dist_info = _dist_info()
    wheel_name = "%s-%s-%s.whl" % (NAME, VERSION, TAG)
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as z:
        def add(arc, data):
            z.writestr(arc, data)
            records.append(_record_line(arc, data))
        for arc, data in contents:
            add(arc, data)
        for name, data in _dist_info_files().items():
            add("%s/%s" % (dist_info, name), data)
        records.append(dist_info + "/RECORD,,")
        z.writestr(dist_info + "/RECORD", "\n".join(records) + "\n")
    return wheel_name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = _dist_info()
    for name, data in _dist_info_files().items():
        path = os.path.join(metadata_directory, dist_info, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    return dist_info


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    contents = []
    for path, arc in _package_files():
        with open(path, "rb") as f:
            contents.append((arc, f.read()))
    return _write_wheel(wheel_directory, contents)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose .pth puts this source directory on sys.path,
    so the installed package is the working copy (edits need no reinstall)."""
    pth = ("%s\n" % HERE).encode()
    return _write_wheel(wheel_directory, [("__editable__.%s.pth" % NAME, pth)])


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, VERSION)
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for rel in ["pyproject.toml", "README.md", "_build/vsw_build.py"] + \
                   [arc for _, arc in _package_files()]:
            t.add(os.path.join(HERE, rel), arcname="%s/%s" % (base, rel))

        def add(rel, data):
            ti = tarfile.TarInfo("%s/%s" % (base, rel))
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        add(LICENSE_FILE, _license_text())
        add("PKG-INFO", _metadata().encode())
    return name
