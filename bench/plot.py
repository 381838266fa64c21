#!/usr/bin/env python3
"""Draws bench/results.svg from bench/results.tsv: latency of a full search (p50 and p99) and build
rate against N, for riskatlas, the engine floor and SQLite FTS5, on log-log axes.

  bench/plot.py [bench/results.tsv] [bench/results.svg]

results.tsv: one figure a line, "N<TAB>system<TAB>metric<TAB>value", copied from the tables of
bench/RESULTS.md (metric: search_p50_ms, search_p99_ms or records_per_s). Plain SVG, no library:
nothing to install.
"""
import math
import sys
from collections import defaultdict

COLORS = {"riskatlas": "#1f77b4", "floor": "#2ca02c", "fts5": "#d62728"}
W, H, PAD, LEGEND = 500, 300, 55, 100  # LEGEND: room right of the axes


def read(path):
    series = defaultdict(list)  # (system, metric) -> [(n, value)]
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        n, system, metric, value = line.rstrip("\n").split("\t")
        series[(system, metric)].append((int(n), float(value)))
    return {k: sorted(v) for k, v in series.items()}


def panel(x0, title, unit, lines):
    """An SVG group: log-log axes over every point of `lines` [(label, color, dash, points)]."""
    points = [p for _, _, _, pts in lines for p in pts]
    if not points:
        return ""
    lx = [math.log10(n) for n, _ in points]
    ly = [math.log10(v) for _, v in points]
    x_lo, x_hi = math.floor(min(lx)), math.ceil(max(lx)) + (1 if math.ceil(max(lx)) == math.floor(min(lx)) else 0)
    y_lo, y_hi = math.floor(min(ly)), math.ceil(max(ly)) + (1 if math.ceil(max(ly)) == math.floor(min(ly)) else 0)
    sx = lambda n: x0 + PAD + (math.log10(n) - x_lo) / (x_hi - x_lo) * (W - 2 * PAD - LEGEND)
    sy = lambda v: H - PAD - (math.log10(v) - y_lo) / (y_hi - y_lo) * (H - 2 * PAD)
    out = [f'<text x="{x0 + W / 2}" y="20" text-anchor="middle" font-weight="bold">{title}</text>']
    out.append(f'<line x1="{x0 + PAD}" y1="{H - PAD}" x2="{x0 + W - PAD - LEGEND}" y2="{H - PAD}" stroke="black"/>')
    out.append(f'<line x1="{x0 + PAD}" y1="{PAD}" x2="{x0 + PAD}" y2="{H - PAD}" stroke="black"/>')
    for e in range(x_lo, x_hi + 1):
        x = sx(10 ** e)
        out.append(f'<text x="{x}" y="{H - PAD + 16}" text-anchor="middle">{10 ** e:,}</text>')
    for e in range(y_lo, y_hi + 1):
        y = sy(10 ** e)
        out.append(f'<line x1="{x0 + PAD}" y1="{y}" x2="{x0 + W - PAD - LEGEND}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 + PAD - 4}" y="{y + 4}" text-anchor="end">{10.0 ** e:g}</text>')
    out.append(f'<text x="{x0 + PAD + (W - 2 * PAD - LEGEND) / 2}" y="{H - 12}" text-anchor="middle">records (N)</text>')
    out.append(f'<text x="{x0 + 14}" y="{H / 2}" text-anchor="middle" transform="rotate(-90 {x0 + 14} {H / 2})">{unit}</text>')
    for i, (label, color, dash, pts) in enumerate(lines):
        path = " ".join(f"{sx(n):.1f},{sy(v):.1f}" for n, v in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>')
        out += [f'<circle cx="{sx(n):.1f}" cy="{sy(v):.1f}" r="3" fill="{color}"/>' for n, v in pts]
        out.append(f'<text x="{x0 + W - PAD - LEGEND + 12}" y="{PAD + 14 * i}" fill="{color}">{label}</text>')
    return "\n".join(out)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "bench/results.tsv"
    dst = sys.argv[2] if len(sys.argv) > 2 else "bench/results.svg"
    s = read(src)
    latency = [(f"{system} {metric[7:10]}", COLORS[system], "" if metric.endswith("p50_ms") else "5,3", s[(system, metric)])
               for system in ("riskatlas", "floor", "fts5") for metric in ("search_p50_ms", "search_p99_ms")
               if (system, metric) in s]
    rate = [(system, COLORS[system], "", s[(system, "records_per_s")])
            for system in ("riskatlas", "fts5") if (system, "records_per_s") in s]
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           panel(0, "Full search latency (in-process)", "ms", latency),
           panel(W, "Indexing rate (wall time)", "records/s", rate), "</svg>"]
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
