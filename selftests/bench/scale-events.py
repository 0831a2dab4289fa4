#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers of selftests/bench/scale.

  all-up EVDIR N SINCE          every node saw every other up after SINCE
  down EVDIR N SINCE VICTIM     every other node saw VICTIM down after SINCE
  up EVDIR N SINCE VICTIM       every other node saw VICTIM up after SINCE
  report CSV OUTDIR             table (stdout, results.md), METRIC.png

EVDIR holds one file per node, written by its host-up/host-down scripts:
lines "EPOCH up|down NODE". The event commands print the seconds from
SINCE to the moment the condition became true (the last node to get
there), or exit 1 if it is not true yet.
"""
import collections
import csv
import os
import subprocess
import sys


def events(evdir, since):
    """{node: [(time, kind, peer)]} for the events at or after since."""
    out = {}
    for name in os.listdir(evdir):
        rows = []
        with open(os.path.join(evdir, name)) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and float(parts[0]) >= since:
                    rows.append((float(parts[0]), parts[1], parts[2]))
        out[name] = sorted(rows)
    return out


def all_up(evdir, n, since):
    ev = events(evdir, since)
    if len(ev) < n:
        return None
    last = since
    for rows in ev.values():
        up, done = set(), None
        for t, kind, peer in rows:
            (up.add if kind == "up" else up.discard)(peer)
            done = t if len(up) == n - 1 and done is None else done
            if len(up) < n - 1:
                done = None
        if done is None:
            return None
        last = max(last, done)
    return last - since


def seen(evdir, n, since, victim, want):
    ev = events(evdir, since)
    others = [name for name in ev if name != victim]
    if len(others) < n - 1:
        return None
    last = since
    for name in others:
        times = [t for t, kind, peer in ev[name] if kind == want and peer == victim]
        if not times:
            return None
        last = max(last, times[0])
    return last - since


def report(path, outdir):
    rows = list(csv.DictReader(open(path)))
    metrics = list(dict.fromkeys(r["metric"] for r in rows))
    daemons = list(dict.fromkeys(r["daemon"] for r in rows))
    ns = sorted({int(r["n"]) for r in rows})
    value = {(r["daemon"], int(r["n"]), r["metric"]): r["value"] for r in rows}
    unit = {r["metric"]: r["unit"] for r in rows}
    lines = ["| metric | daemon | " + " | ".join(f"N={n}" for n in ns) + " |",
             "|---|---|" + "---|" * len(ns)]
    for m in metrics:
        for d in daemons:
            cells = [value.get((d, n, m), "") for n in ns]
            lines.append(f"| {m} ({unit[m]}) | {d} | " + " | ".join(cells) + " |")
    table = "\n".join(lines) + "\n"
    sys.stdout.write(table)
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write(table)
    for m in metrics:
        series = collections.OrderedDict()
        for d in daemons:
            pts = []
            for n in ns:
                v = value.get((d, n, m), "")
                try:
                    if float(v) > 0:
                        pts.append((n, float(v)))
                except ValueError:
                    pass
            series[d] = pts
        if not any(series.values()):
            continue
        plots = []
        for d, pts in series.items():
            if not pts:
                continue
            data = os.path.join(outdir, f"{m}-{d}.dat")
            with open(data, "w") as f:
                f.writelines(f"{n} {v}\n" for n, v in pts)
            plots.append(f"'{data}' with linespoints title '{d}'")
        plots = ", ".join(plots)
        script = (f"set terminal pngcairo size 640,480\n"
                  f"set output '{os.path.join(outdir, m + '.png')}'\n"
                  f"set logscale xy\nset xlabel 'N (nodes)'\n"
                  f"set ylabel '{m} ({unit[m]})'\nset title '{m}'\n"
                  f"set key top left\nset grid\nplot {plots}\n")
        if subprocess.run(["gnuplot"], input=script, text=True,
                          stderr=subprocess.DEVNULL).returncode:
            sys.stderr.write(f"scale: no plot of {m} (gnuplot failed)\n")


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "report" and len(argv) == 4:
        report(argv[2], argv[3])
        return 0
    if cmd == "all-up" and len(argv) == 5:
        t = all_up(argv[2], int(argv[3]), float(argv[4]))
    elif cmd in ("up", "down") and len(argv) == 6:
        t = seen(argv[2], int(argv[3]), float(argv[4]), argv[5], cmd)
    else:
        sys.stderr.write(__doc__)
        return 2
    if t is None:
        return 1
    print(f"{t:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
