# SPDX-License-Identifier: MIT
"""A PEP 517 build backend in the standard library only.

The package is pure Python, so a wheel is just its files in a zip with the
metadata beside them. Having no build requirements lets "pip install
./bindings/python" work on a machine that cannot reach a package index.
"""

import base64
import hashlib
import io
import os
import tarfile
import zipfile

NAME = "vsw"
VERSION = "2.0.0"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAG = "py3-none-any"


def _metadata():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
            "Summary: Python bindings (ctypes) for libvsw, an embeddable VMware-style virtual switch\n"
            "License: MIT\nClassifier: License :: OSI Approved :: MIT License\n"
            "Requires-Python: >=3.8\nDescription-Content-Type: text/markdown\n\n%s"
            % (NAME, VERSION, readme))


def _package_files():
    pkg = os.path.join(HERE, NAME)
    for name in sorted(os.listdir(pkg)):
        if name.endswith(".py"):
            yield os.path.join(pkg, name), "%s/%s" % (NAME, name)


def _record_line(arc, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arc, digest, len(data))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist_info = "%s-%s.dist-info" % (NAME, VERSION)
    wheel_name = "%s-%s-%s.whl" % (NAME, VERSION, TAG)
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as z:
        def add(arc, data):
            z.writestr(arc, data)
            records.append(_record_line(arc, data))
        for path, arc in _package_files():
            with open(path, "rb") as f:
                add(arc, f.read())
        add(dist_info + "/METADATA", _metadata().encode())
        add(dist_info + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: vsw_build\nRoot-Is-Purelib: true\n"
                                   "Tag: %s\n" % TAG).encode())
        records.append(dist_info + "/RECORD,,")
        z.writestr(dist_info + "/RECORD", "\n".join(records) + "\n")
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, VERSION)
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for rel in ["pyproject.toml", "README.md", "_build/vsw_build.py"] + \
                   [arc for _, arc in _package_files()]:
            t.add(os.path.join(HERE, rel), arcname="%s/%s" % (base, rel))
        info = _metadata().encode()
        ti = tarfile.TarInfo("%s/PKG-INFO" % base)
        ti.size = len(info)
        t.addfile(ti, io.BytesIO(info))
    return name
