#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check-guides.py [options] GUIDE.md...

Runs the worked examples of the module guides (docs/guide/*.md), so that
a guide cannot drift from the library:

- every ```c block is a whole program: it is compiled with the project's
  warnings and -Werror against the public headers, linked with the library
  just built, and run;
- every ```python block is a whole script, run with /usr/bin/python3 and
  the binding in bindings/python against the same library;
- a ```text block that follows a program (before the next program) is its
  expected standard output, compared exactly.

A program that fails to build, exits non-zero or prints anything else
fails the check, and so does a function named in the prose, as
`loy_name()`, that no public header declares. Only the standard library
is used.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```\s*([A-Za-z0-9_+-]*)\s*$")


def blocks(path):
    """(language, first line number, text) of each fenced block."""
    out, lang, start, buf = [], None, 0, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = FENCE.match(line.rstrip("\n"))
            if lang is None:
                if m:
                    lang, start, buf = m.group(1).lower(), n + 1, []
            elif line.rstrip("\n").strip() == "```":
                out.append((lang, start, "".join(buf)))
                lang = None
            else:
                buf.append(line)
    if lang is not None:
        raise SystemExit("%s:%d: unterminated code block" % (path, start - 1))
    return out


def programs(path):
    """(language, line, source, expected output or None) of each program."""
    progs = []
    for lang, line, text in blocks(path):
        if lang in ("c", "python"):
            progs.append([lang, line, text, None])
        elif lang == "text" and progs and progs[-1][3] is None:
            progs[-1][3] = text
    return progs


def declared_functions(include):
    """Names of the functions declared in the public headers."""
    names = set()
    for folder, _, files in os.walk(include):
        for name in files:
            if name.endswith(".h"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    names.update(re.findall(r"\b(loy_[a-z0-9_]+)\s*\(", f.read()))
    return names


def unknown_functions(path, declared):
    """(line, name) of every loy_name() in the guide that is not declared."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            for name in re.findall(r"\b(loy_[a-z0-9_]+)\(\)", line):
                if name not in declared:
                    out.append((n, name))
    return out


def run(cmd, env=None, cwd=None):
    return subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=300)


def check_output(where, proc, expected):
    ok = True
    if proc.returncode != 0:
        print("%s: exit status %d\n%s%s" % (where, proc.returncode, proc.stdout,
                                              proc.stderr))
        ok = False
    elif proc.stderr:
        print("%s: wrote to stderr:\n%s" % (where, proc.stderr))
        ok = False
    if ok and expected is not None and proc.stdout != expected:
        print("%s: output differs from the guide's text block.\n"
              "--- expected\n%s--- got\n%s" % (where, expected, proc.stdout))
        ok = False
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--cflags", default="", help="flags, shell-quoted")
    ap.add_argument("--include", required=True, help="public include folder")
    ap.add_argument("--library", required=True, help="path of libloyalty.so")
    ap.add_argument("--python", help="Python interpreter (no Python run if absent)")
    ap.add_argument("--binding", help="folder of the Python package")
    ap.add_argument("--cwd", help="folder the programs run in (default: a scratch folder)")
    ap.add_argument("guides", nargs="+")
    a = ap.parse_args()

    libdir = os.path.dirname(os.path.abspath(a.library))
    failed = checked = 0
    declared = declared_functions(a.include)
    for guide in a.guides:
        for line, name in unknown_functions(guide, declared):
            print("%s:%d: %s() is not declared in any public header" % (guide, line, name))
            failed += 1
    with tempfile.TemporaryDirectory() as tmp:
        for guide in a.guides:
            name = os.path.splitext(os.path.basename(guide))[0]
            for k, (lang, line, src, expected) in enumerate(programs(guide)):
                where = "%s:%d" % (guide, line)
                if lang == "python" and not a.python:
                    print("%s: python block not run (no --python)" % where)
                    continue
                checked += 1
                if lang == "c":
                    csrc = os.path.join(tmp, "%s_%d.c" % (name, k))
                    exe = os.path.join(tmp, "%s_%d" % (name, k))
                    with open(csrc, "w") as f:
                        f.write(src)
                    cmd = ([a.cc] + shlex.split(a.cflags) + ["-Werror", "-I", a.include,
                           "-o", exe, csrc, os.path.abspath(a.library),
                           "-Wl,-rpath," + libdir, "-lm"])
                    built = run(cmd)
                    if built.returncode != 0 or built.stderr:
                        print("%s: does not compile cleanly:\n%s%s" % (where, built.stdout,
                                                                      built.stderr))
                        failed += 1
                        continue
                    proc = run([exe], cwd=a.cwd or tmp)
                else:
                    env = dict(os.environ, LIBLOYALTY_PATH=os.path.abspath(a.library))
                    if a.binding:
                        env["PYTHONPATH"] = a.binding
                    script = os.path.join(tmp, "%s_%d.py" % (name, k))
                    with open(script, "w") as f:
                        f.write(src)
                    proc = run([a.python, script], env=env, cwd=a.cwd or tmp)
                if check_output(where, proc, expected):
                    print("%s: %s example OK" % (where, lang))
                else:
                    failed += 1
    if checked == 0:
        print("no examples found")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
