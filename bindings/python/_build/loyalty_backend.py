# SPDX-License-Identifier: MIT
"""The in-tree PEP 517 build backend of the loyalty package.

Why in-tree: ``pip install bindings/python`` must work offline. A backend
from the index (setuptools, scikit-build) would have to be downloaded into
pip's isolated build environment; this one needs only the standard library
and CMake, which building the C library needs anyway.

What it builds: a wheel holding the ``loyalty`` package and the C library
``libloyalty.so.1`` (built here with CMake from the C sources) next to it,
so that ``import loyalty`` works with no environment variable. The wheel is
tagged ``py3-none-<platform>``: the library is loaded through ctypes, so it
does not depend on the Python version, only on the platform.

Where the C sources are: the repository checkout two folders up (``pip
install bindings/python``), or ``csrc/`` inside an sdist made by
:func:`build_sdist`.

Settings (``pip install --config-settings KEY=VALUE`` or the environment):

- ``bundle=no`` (``LOYALTY_BUNDLE=no``): build a pure-Python wheel without
  the library, for systems that install libloyalty themselves;
- ``cmake=PATH`` (``CMAKE``): the CMake program;
- ``cmake-args="-DX=Y ..."`` (``LOYALTY_CMAKE_ARGS``): extra configure arguments.
"""

import base64
import hashlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "loyalty"
ABI_MAJOR = 1

# What an sdist needs to rebuild the C library (paths relative to the
# repository root, copied under csrc/).
C_SOURCE_ITEMS = ("CMakeLists.txt", "LICENSE", "loyalty.pc.in", "cmake", "include",
                  "lib", "examples/CMakeLists.txt", "examples/hello.c",
                  "examples/nps_quickstart.c")


# --------------------------------------------------------------- metadata

def _project():
    path = os.path.join(ROOT, "pyproject.toml")
    if tomllib is not None:
        with open(path, "rb") as f:
            return tomllib.load(f)["project"]
    # Fallback for old interpreters: the scalar fields the wheel needs.
    proj = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.partition("=")
            if key.strip() in ("name", "description", "requires-python"):
                proj.setdefault(key.strip(), value.strip().strip('"'))
    return proj


def _version():
    """The package version, from loyalty/_version.py (the one source)."""
    with open(os.path.join(ROOT, PACKAGE, "_version.py"), encoding="utf-8") as f:
        m = re.search(r'^__version__\s*=\s*"([^"]+)"', f.read(), re.M)
    if not m:
        raise RuntimeError("no __version__ in loyalty/_version.py")
    return m.group(1)


def _metadata():
    p = _project()
    name, version = p["name"], _version()
    lines = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version]
    if p.get("description"):
        lines.append("Summary: " + p["description"])
    if p.get("requires-python"):
        lines.append("Requires-Python: " + p["requires-python"])
    lines.append("License: MIT")
    for extra, reqs in (p.get("optional-dependencies") or {}).items():
        lines.append("Provides-Extra: " + extra)
        for req in reqs:
            lines.append('Requires-Dist: %s; extra == "%s"' % (req, extra))
    readme = os.path.join(ROOT, "README.md")
    body = ""
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            body = f.read()
        lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + body, name, version


def _dist_info(name, version):
    return "%s-%s.dist-info" % (name.replace("-", "_"), version)


def _package_files():
    """(full path, archive name) of the package's Python files and py.typed."""
    base = os.path.join(ROOT, PACKAGE)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".pyi")) or name == "py.typed":
                full = os.path.join(dirpath, name)
                yield full, os.path.relpath(full, ROOT).replace(os.sep, "/")


# ------------------------------------------------------------ the C library

def _setting(config_settings, key, env, default=None):
    if config_settings and key in config_settings:
        return config_settings[key]
    return os.environ.get(env, default)


def _bundle(config_settings):
    value = str(_setting(config_settings, "bundle", "LOYALTY_BUNDLE", "yes")).lower()
    if value not in ("yes", "no", "1", "0", "true", "false"):
        raise ValueError("bundle must be yes or no, not %r" % value)
    return value in ("yes", "1", "true")


def _c_source():
    """Folder holding the library's top CMakeLists.txt, or None."""
    for cand in (os.path.join(ROOT, "csrc"), os.path.dirname(os.path.dirname(ROOT))):
        if (os.path.exists(os.path.join(cand, "CMakeLists.txt"))
                and os.path.exists(os.path.join(cand, "include", "loyalty.h"))):
            return cand
    return None


def _library_name():
    if sys.platform == "darwin":
        return "libloyalty.%d.dylib" % ABI_MAJOR
    if sys.platform == "win32":
        return "loyalty.dll"
    return "libloyalty.so.%d" % ABI_MAJOR


def _run(cmd):
    print("loyalty_backend: " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout)
        raise RuntimeError("command failed (exit %d): %s" % (proc.returncode, " ".join(cmd)))


def _build_library(config_settings, workdir):
    """Configure and build the shared library; return the path of the real file."""
    src = _c_source()
    if src is None:
        raise RuntimeError(
            "the C sources of libloyalty are not here: install from the repository "
            "(pip install bindings/python) or from an sdist; or build a wheel without "
            "the library with --config-settings bundle=no and install libloyalty yourself")
    cmake = _setting(config_settings, "cmake", "CMAKE", "cmake")
    if shutil.which(cmake) is None:
        raise RuntimeError(
            "CMake (>= 3.16) and a C compiler are needed to build libloyalty for the wheel: "
            "install them (Debian: apt-get install cmake gcc) or point CMAKE at cmake")
    build = os.path.join(workdir, "cbuild")
    extra = shlex.split(_setting(config_settings, "cmake-args", "LOYALTY_CMAKE_ARGS", "") or "")
    # -O2 as the project's default build (RelWithDebInfo) and its benchmarks,
    # without the debug information that would triple the wheel.
    _run([cmake, "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
          "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG", "-DLOY_BUILD_TESTS=OFF",
          "-DLOY_BUILD_CLI=OFF", "-DLOY_BUILD_BENCH=OFF"] + extra)
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
    _run([cmake, "--build", build, "--target", "loyalty", "--parallel", jobs])
    for dirpath, _, filenames in os.walk(build):
        if _library_name() in filenames:
            return os.path.realpath(os.path.join(dirpath, _library_name()))
    raise RuntimeError("the build did not produce %s" % _library_name())


def _platform_tag():
    return re.sub(r"[^A-Za-z0-9_]", "_", sysconfig.get_platform())


# ---------------------------------------------------------------- wheels

def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "%s,sha256=%s,%d" % (arcname, digest.decode("ascii"), len(data))


def _write_wheel(wheel_directory, files, platform=None):
    """Write a wheel of (arcname, bytes, mode) files; platform None: pure."""
    meta, name, version = _metadata()
    info = _dist_info(name, version)
    tag = "py3-none-" + (platform or "any")
    wheel_name = "%s-%s-%s.whl" % (name.replace("-", "_"), version, tag)
    wheel = ("Wheel-Version: 1.0\nGenerator: loyalty_backend\nRoot-Is-Purelib: %s\n"
             "Tag: %s\n" % ("false" if platform else "true", tag)).encode("ascii")
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as zf:
        entries = list(files) + [(info + "/METADATA", meta.encode("utf-8"), 0o644),
                                 (info + "/WHEEL", wheel, 0o644)]
        for arcname, data, mode in entries:
            zi = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = (0o100000 | mode) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(zi, data)
            records.append(_record_line(arcname, data))
        records.append(info + "/RECORD,,")
        zf.writestr(info + "/RECORD", "\n".join(records) + "\n")
    return wheel_name


def _read(path):
    with open(path, "rb") as f:
        return f.read()


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


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = [(arc, _read(full), 0o644) for full, arc in _package_files()]
    if not _bundle(config_settings):
        return _write_wheel(wheel_directory, files)
    with tempfile.TemporaryDirectory(prefix="loyalty-build-") as tmp:
        lib = _build_library(config_settings, tmp)
        files.append((PACKAGE + "/" + _library_name(), _read(lib), 0o755))
        return _write_wheel(wheel_directory, files, _platform_tag())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """A .pth file pointing at the source tree, with the library built into
    the source package folder (ignored by git) unless bundle=no."""
    platform = None
    if _bundle(config_settings):
        with tempfile.TemporaryDirectory(prefix="loyalty-build-") as tmp:
            lib = _build_library(config_settings, tmp)
            shutil.copyfile(lib, os.path.join(ROOT, PACKAGE, _library_name()))
        platform = _platform_tag()
    return _write_wheel(wheel_directory,
                        [("loyalty_editable.pth", (ROOT + "\n").encode(), 0o644)], platform)


def build_sdist(sdist_directory, config_settings=None):
    _, name, version = _metadata()
    base = "%s-%s" % (name, version)
    path = os.path.join(sdist_directory, base + ".tar.gz")
    src = _c_source()
    if src is None:
        raise RuntimeError("the C sources of libloyalty are not here")

    def clean(info):
        if "__pycache__" in info.name or info.name.endswith(".pyc"):
            return None
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(path, "w:gz") as tf:
        for rel in ["pyproject.toml", "README.md", "_build/loyalty_backend.py"]:
            full = os.path.join(ROOT, rel)
            if os.path.exists(full):
                tf.add(full, arcname=base + "/" + rel, filter=clean)
        for full, arc in _package_files():
            tf.add(full, arcname=base + "/" + arc, filter=clean)
        for rel in C_SOURCE_ITEMS:
            full = os.path.join(src, rel)
            if os.path.exists(full):
                tf.add(full, arcname=base + "/csrc/" + rel, filter=clean)
        info = tarfile.TarInfo(base + "/PKG-INFO")
        meta = _metadata()[0].encode("utf-8")
        info.size = len(meta)
        tf.addfile(info, io.BytesIO(meta))
    return base + ".tar.gz"
