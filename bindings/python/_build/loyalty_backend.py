# SPDX-License-Identifier: MIT
"""A minimal in-tree PEP 517 build backend for the loyalty package.

Why: the package is pure Python, and `pip install bindings/python` must work
offline. A backend from the index (setuptools) would have to be downloaded
into pip's isolated build environment; this one needs only the standard
library. It builds a pure-Python wheel (and an sdist) of the `loyalty`
package described by pyproject.toml.
"""

import base64
import hashlib
import io
import os
import tarfile
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "loyalty"


def _project():
    path = os.path.join(ROOT, "pyproject.toml")
    if tomllib is not None:
        with open(path, "rb") as f:
            return tomllib.load(f)["project"]
    # Fallback for old interpreters: the two fields the wheel needs.
    proj = {}
    for line in open(path, encoding="utf-8"):
        key, _, value = line.partition("=")
        if key.strip() in ("name", "version", "description", "requires-python"):
            proj.setdefault(key.strip(), value.strip().strip('"'))
    return proj


def _metadata():
    p = _project()
    lines = ["Metadata-Version: 2.1", "Name: " + p["name"], "Version: " + p["version"]]
    if p.get("description"):
        lines.append("Summary: " + p["description"])
    if p.get("requires-python"):
        lines.append("Requires-Python: " + p["requires-python"])
    for extra, reqs in (p.get("optional-dependencies") or {}).items():
        lines.append("Provides-Extra: " + extra)
        for req in reqs:
            lines.append('Requires-Dist: %s; extra == "%s"' % (req, extra))
    readme = os.path.join(ROOT, "README.md")
    body = open(readme, encoding="utf-8").read() if os.path.exists(readme) else ""
    if body:
        lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + body, p["name"], p["version"]


def _package_files():
    base = os.path.join(ROOT, PACKAGE)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in sorted(filenames):
            if name.endswith((".py", ".so", ".dylib", ".dll")) or name.startswith("libloyalty"):
                full = os.path.join(dirpath, name)
                yield full, os.path.relpath(full, ROOT).replace(os.sep, "/")


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "%s,sha256=%s,%d" % (arcname, digest.decode("ascii"), len(data))


def _dist_info(name, version):
    return "%s-%s.dist-info" % (name.replace("-", "_"), version)


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    meta, name, version = _metadata()
    info = os.path.join(metadata_directory, _dist_info(name, version))
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(meta)
    return os.path.basename(info)


def _write_wheel(wheel_directory, files):
    meta, name, version = _metadata()
    info = _dist_info(name, version)
    wheel_name = "%s-%s-py3-none-any.whl" % (name.replace("-", "_"), version)
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in files:
            zf.writestr(arcname, data)
            records.append(_record_line(arcname, data))
        extra = {
            info + "/METADATA": meta.encode("utf-8"),
            info + "/WHEEL": (b"Wheel-Version: 1.0\nGenerator: loyalty_backend\n"
                              b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
        }
        for arcname, data in extra.items():
            zf.writestr(arcname, data)
            records.append(_record_line(arcname, data))
        records.append(info + "/RECORD,,")
        zf.writestr(info + "/RECORD", "\n".join(records) + "\n")
    return wheel_name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = [(arc, open(full, "rb").read()) for full, arc in _package_files()]
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # A .pth file pointing at the source tree.
    return _write_wheel(wheel_directory, [("loyalty_editable.pth", (ROOT + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    _, name, version = _metadata()
    base = "%s-%s" % (name, version)
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz") as tf:
        for rel in ["pyproject.toml", "README.md", "_build/loyalty_backend.py"]:
            full = os.path.join(ROOT, rel)
            if os.path.exists(full):
                tf.add(full, arcname=base + "/" + rel)
        for full, arc in _package_files():
            tf.add(full, arcname=base + "/" + arc)
    return base + ".tar.gz"
