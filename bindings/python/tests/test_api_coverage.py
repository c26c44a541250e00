# SPDX-License-Identifier: MIT
"""Every function of the public C header is reachable from Python.

Parses include/loyalty.h and include/loyalty/*.h for LOY_API declarations and checks that the
package declares each one exactly once (through _lib.declare or, for the
version/error functions, in _lib.py itself).
"""

import os
import re
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(HERE, "..", "loyalty")
INCLUDE = os.path.join(HERE, "..", "..", "..", "include")
HEADER = os.path.join(INCLUDE, "loyalty.h")


def header_text():
    """The umbrella header and every module header, concatenated."""
    sub = os.path.join(INCLUDE, "loyalty")
    paths = [HEADER] + sorted(os.path.join(sub, f) for f in os.listdir(sub) if f.endswith(".h"))
    return "".join(open(p).read() for p in paths)


def header_functions():
    text = header_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
    return set(re.findall(r"LOY_API\s[^;(]*?\b(loy_\w+)\s*\(", text))


def binding_declarations():
    counts = {}
    for name in os.listdir(PKG):
        if not name.endswith(".py"):
            continue
        src = open(os.path.join(PKG, name)).read()
        for fn in re.findall(r"""declare\(\s*["'](loy_\w+)["']""", src):
            counts[fn] = counts.get(fn, 0) + 1
        if name == "_lib.py":
            for fn in re.findall(r"""["'](loy_\w+)["']|lib\.(loy_\w+)\.argtypes""", src):
                fn = fn[0] or fn[1]
                counts.setdefault(fn, 1)
    return counts


@unittest.skipUnless(os.path.exists(HEADER), "not in a source checkout")
class TestCoverage(unittest.TestCase):
    def test_every_public_function_is_declared_once(self):
        declared = binding_declarations()
        funcs = header_functions()
        self.assertGreater(len(funcs), 100)
        missing = sorted(funcs - set(declared))
        self.assertEqual(missing, [], "C functions not reachable from Python")
        twice = sorted(f for f, n in declared.items() if n > 1)
        self.assertEqual(twice, [], "declared more than once")
        unknown = sorted(set(declared) - funcs)
        self.assertEqual(unknown, [], "declared but not in the header")


if __name__ == "__main__":
    unittest.main()
