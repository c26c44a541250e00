#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the HTML report's layout in headless Chromium (Python stdlib only).

For each page and window width, a copy of the page gets a small script
(the report itself has none) that measures, after layout:
  - every pair of text elements inside each chart: their boxes must not
    overlap (a label over a label), nor a text box and a legend swatch;
  - every text element must lie inside its chart;
  - the page must not be wider than the window (wide tables and charts
    scroll inside their own boxes) and no summary card may overflow.
Chromium prints the DOM after the script ran (--dump-dom); the result is
read back from it.

Usage: check_report_layout.py [--chromium PATH] [--widths 1280,390]
                              [--screenshots DIR] PAGE.html...
Exit status 0 when every page passes at every width, 1 otherwise, 77 when
no Chromium is installed (CTest reports it as skipped).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

PROBE = r"""
<script>
(function () {
  function box(e) { var r = e.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; }
  function overlap(a, b) {
    var w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
    var h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
    return (w > 1 && h > 1) ? w * h : 0;
  }
  var problems = [], charts = document.querySelectorAll('svg.chart'), n = 0;
  charts.forEach(function (svg) {
    var sb = box(svg), items = [];
    svg.querySelectorAll('text').forEach(function (t) {
      if (!t.textContent.trim()) return;
      var b = box(t); b.s = t.textContent; b.kind = 'text'; items.push(b); n++;
      if (b.l < sb.l - 1 || b.r > sb.r + 1 || b.t < sb.t - 1 || b.b > sb.b + 1)
        problems.push(svg.id + ': "' + b.s + '" sticks out of the chart');
    });
    svg.querySelectorAll('rect.swatch').forEach(function (r) {
      var b = box(r); b.s = '(swatch)'; b.kind = 'swatch'; items.push(b);
    });
    for (var i = 0; i < items.length; i++)
      for (var j = i + 1; j < items.length; j++) {
        if (items[i].kind == 'swatch' && items[j].kind == 'swatch') continue;
        if (overlap(items[i], items[j]) > 0)
          problems.push(svg.id + ': "' + items[i].s + '" overlaps "' + items[j].s + '"');
      }
  });
  var de = document.documentElement;
  if (de.scrollWidth > window.innerWidth + 1)
    problems.push('page is ' + de.scrollWidth + ' px wide in a ' +
                  window.innerWidth + ' px window');
  document.querySelectorAll('.card').forEach(function (c) {
    if (c.scrollWidth > c.clientWidth + 1)
      problems.push('card "' + c.textContent.slice(0, 40) + '" overflows');
  });
  var out = document.createElement('pre');
  out.id = 'layout-result';
  out.textContent = JSON.stringify({charts: charts.length, texts: n,
                                    width: window.innerWidth, problems: problems});
  document.body.appendChild(out);
})();
</script>
"""


def find_chromium(given):
    if given:
        return given if shutil.which(given) or os.path.exists(given) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_args(binary, profile, width):
    return [binary, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--hide-scrollbars",
            "--user-data-dir=" + profile, "--window-size=%d,2000" % width]


def check(binary, page, width, tmp, shots):
    with open(page, encoding="utf-8") as f:
        text = f.read()
    probe = os.path.join(tmp, "probe-%d.html" % width)
    with open(probe, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", PROBE + "</body>", 1))
    profile = tempfile.mkdtemp(dir=tmp)
    p = subprocess.run(chromium_args(binary, profile, width) +
                       ["--dump-dom", "file://" + os.path.abspath(probe)],
                       capture_output=True, encoding="utf-8", errors="replace",
                       timeout=180)
    m = re.search(r'<pre id="layout-result">(.*?)</pre>', p.stdout, re.S)
    if m is None:
        return None, "no result from Chromium (exit %d): %s" % (
            p.returncode, p.stderr.strip()[-400:])
    raw = (m.group(1).replace("&quot;", '"').replace("&lt;", "<")
           .replace("&gt;", ">").replace("&amp;", "&"))
    res = json.loads(raw)
    if shots:
        name = os.path.splitext(os.path.basename(page))[0]
        subprocess.run(chromium_args(binary, tempfile.mkdtemp(dir=tmp), width)[:-1] +
                       ["--window-size=%d,7000" % width,
                        "--screenshot=" + os.path.join(shots, "%s-%d.png" % (name, width)),
                        "file://" + os.path.abspath(page)],
                       capture_output=True, timeout=180)
    return res, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium")
    ap.add_argument("--widths", default="1280,390")
    ap.add_argument("--screenshots")
    ap.add_argument("pages", nargs="+")
    a = ap.parse_args()
    binary = find_chromium(a.chromium)
    if binary is None:
        print("SKIP: no Chromium installed")
        return 77
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for page in a.pages:
            for width in (int(w) for w in a.widths.split(",")):
                res, err = check(binary, page, width, tmp, a.screenshots)
                if err:
                    print("FAIL %s @%d: %s" % (page, width, err))
                    failed += 1
                    continue
                status = "ok" if not res["problems"] and res["charts"] > 0 else "FAIL"
                print("%s %s @%d px: %d charts, %d labels, %d problems" % (
                    status, os.path.basename(page), width, res["charts"],
                    res["texts"], len(res["problems"])))
                for prob in res["problems"]:
                    print("    " + prob)
                failed += status != "ok"
    print("%d passed, %d failed" % (len(a.pages) * len(a.widths.split(",")) - failed,
                                    failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
