#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check-man.py --groff GROFF [--cli LOYALTY] [--headers DIR] PAGE...

Checks the man pages:

- each PAGE renders with `groff -man -ww -z` without a warning;
- with --cli, loyalty(1) documents exactly the tool's interface: one
  `.SS` section under COMMANDS per subcommand of `loyalty --help`, and in
  each, a `.TP` entry for every option of `loyalty COMMAND --help` that is
  not under COMMON OPTIONS, and no option the command does not have;
- with --headers, libloyalty(3) names every public module header
  (loyalty/<module>.h).

Standard library only.
"""

import argparse
import os
import re
import subprocess
import sys

OPTION = re.compile(r"--[a-z0-9][a-z0-9-]*")


def groff_warnings(groff, page):
    proc = subprocess.run([groff, "-man", "-ww", "-z", page], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    msgs = proc.stderr.strip()
    if proc.returncode != 0 and not msgs:
        msgs = "groff exit status %d" % proc.returncode
    return msgs


def unescape(text):
    return text.replace("\\-", "-").replace('"', "")


def man_sections(page):
    """{section: {subsection or None: [tag lines of .TP entries]}}."""
    out, sh, ss, tp = {}, None, None, False
    with open(page, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(".SH "):
                sh, ss = unescape(line[4:]).strip(), None
                out.setdefault(sh, {}).setdefault(None, [])
            elif line.startswith(".SS ") and sh is not None:
                ss = unescape(line[4:]).strip()
                out[sh].setdefault(ss, [])
            elif line.startswith(".TP"):
                tp = True
                continue
            elif tp and sh is not None:
                out[sh][ss].append(unescape(line))
            tp = False
    return out


def help_text(cli, *args):
    proc = subprocess.run([cli] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        raise SystemExit("%s %s: exit status %d" % (cli, " ".join(args), proc.returncode))
    return proc.stdout


def cli_interface(cli):
    """{command: set of options} from the tool's --help texts."""
    commands, inside = [], False
    for line in help_text(cli, "--help").splitlines():
        if line.startswith("Commands:"):
            inside = True
        elif inside:
            m = re.match(r"^  (\S+)\s", line)
            if m:
                commands.append(m.group(1))
            elif commands:
                inside = False
    iface = {}
    for cmd in commands:
        opts = set()
        for line in help_text(cli, cmd, "--help").splitlines():
            m = re.match(r"^  (--[a-z0-9-]+)", line)
            if m:
                opts.add(m.group(1))
        iface[cmd] = opts
    return iface


def check_cli_page(page, cli):
    problems = []
    sections = man_sections(page)
    common = set()
    for tags in sections.get("COMMON OPTIONS", {}).values():
        for tag in tags:
            common.update(OPTION.findall(tag))
    documented = {}
    for ss, tags in sections.get("COMMANDS", {}).items():
        if ss is None:
            continue
        opts = set()
        for tag in tags:
            opts.update(OPTION.findall(tag))
        documented[ss] = opts
    iface = cli_interface(cli)
    for cmd in sorted(set(iface) - set(documented)):
        problems.append("%s: command '%s' has no .SS section under COMMANDS" % (page, cmd))
    for cmd in sorted(set(documented) - set(iface)):
        problems.append("%s: section '%s' documents a command the tool does not have"
                        % (page, cmd))
    for cmd in sorted(set(iface) & set(documented)):
        for opt in sorted(iface[cmd] - documented[cmd] - common):
            problems.append("%s: '%s %s' is not documented (add a .TP entry to its section)"
                            % (page, cmd, opt))
        for opt in sorted(documented[cmd] - iface[cmd]):
            problems.append("%s: section '%s' documents %s, which '%s --help' does not list"
                            % (page, cmd, opt, cmd))
        for opt in sorted(common - iface[cmd]):
            problems.append("%s: common option %s is not accepted by '%s'" % (page, opt, cmd))
    if not iface:
        problems.append("%s: no commands found in the tool's --help" % page)
    return problems


def check_headers(page, folder):
    with open(page, encoding="utf-8") as f:
        text = unescape(f.read())
    problems = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".h") and ("loyalty/" + name) not in text:
            problems.append("%s: does not mention the module header loyalty/%s" % (page, name))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--groff", required=True)
    ap.add_argument("--cli", help="the loyalty tool, checked against loyalty.1")
    ap.add_argument("--headers", help="include/loyalty, checked against libloyalty.3")
    ap.add_argument("pages", nargs="+")
    a = ap.parse_args()
    problems = []
    for page in a.pages:
        msgs = groff_warnings(a.groff, page)
        if msgs:
            problems.append("%s: groff -man -ww:\n%s" % (page, msgs))
        base = os.path.basename(page)
        if base == "loyalty.1" and a.cli:
            problems += check_cli_page(page, a.cli)
        if base == "libloyalty.3" and a.headers:
            problems += check_headers(page, a.headers)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("man pages: %s render without warnings and match the tool and headers"
          % ", ".join(os.path.basename(p) for p in a.pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
