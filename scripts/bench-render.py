#!/usr/bin/python3
"""bench-render.py: the matplotlib side of scripts/bench-render.

  bench-render.py HISTORY.csv FORECAST.csv ITEMS.csv OUT.pdf

Draws, with matplotlib (Debian's python3-matplotlib, Agg/PDF backend), the
same chart capplan-render draws for each resource series, one A4 page each,
into a multi-page PDF: the daily mean and max of the history, the forecast
with its 80% and 95% bands, the capacity line, the warning and critical
thresholds as shaded zones, the crossing dates marked, a 30-day trend line,
a title and a few facts.  The data come from the same database, read before
the clock starts (the CSV files), so only the drawing is timed.  Prints
"pages seconds".

HISTORY.csv:  series_id,day_ms,mean,max
FORECAST.csv: series_id,day_ms,mean,lo80,hi80,lo95,hi95
ITEMS.csv:    series_id,resource,labels,capacity,warning,critical,full_at_ms,critical_at_ms,warning_at_ms
"""
import csv
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone

import matplotlib
matplotlib.use("pdf")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
import numpy as np  # noqa: E402


def day(ms):
    return datetime.fromtimestamp(int(ms) / 1000, tz=timezone.utc)


def read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 64
    history, forecast = defaultdict(list), defaultdict(list)
    for row in read(argv[1]):
        history[row[0]].append((day(row[1]), float(row[2]), float(row[3])))
    for row in read(argv[2]):
        forecast[row[0]].append((day(row[1]),) + tuple(float(v) for v in row[2:7]))
    items = read(argv[3])

    t0 = time.perf_counter()
    pages = 0
    with PdfPages(argv[4]) as pdf:
        for sid, resource, labels, cap, warn, crit, full_at, crit_at, warn_at in items:
            cap, warn, crit = float(cap), float(warn), float(crit)
            h, f = history[sid], forecast[sid]
            fig = plt.figure(figsize=(8.27, 11.69))
            fig.suptitle(resource, x=0.08, ha="left", fontsize=18, fontweight="bold")
            fig.text(0.08, 0.93, labels, fontsize=8, color="#555555")
            ax = fig.add_axes([0.1, 0.45, 0.85, 0.45])
            hx = [p[0] for p in h]
            ax.plot(hx, [p[1] for p in h], color="#1f3b5c", lw=1, label="daily mean")
            ax.plot(hx, [p[2] for p in h], color="#7f9bb8", lw=0.5, label="daily max")
            if f:
                fx = [p[0] for p in f]
                ax.fill_between(fx, [p[4] for p in f], [p[5] for p in f], color="#cfdcef", label="95% interval")
                ax.fill_between(fx, [p[2] for p in f], [p[3] for p in f], color="#9fb8dc", label="80% interval")
                ax.plot(fx, [p[1] for p in f], color="#1f3b5c", lw=1.2, ls="-", label="forecast")
            lo, hi = ax.get_ylim()
            top = max(hi, cap * 1.1)
            ax.axhspan(warn * cap, crit * cap, color="#f6e3a1", alpha=0.5, label="warning zone")
            ax.axhspan(crit * cap, top, color="#f3c2c2", alpha=0.5, label="critical zone")
            ax.axhline(cap, color="#8b0000", ls="--", lw=1, label="capacity")
            for ms, name in ((warn_at, "warning"), (crit_at, "critical"), (full_at, "full")):
                if ms and ms != "0":
                    x = day(ms)
                    ax.axvline(x, color="#b22222", ls=":", lw=1)
                    ax.annotate(f"{name} {x:%Y-%m-%d}", (x, top * 0.97), fontsize=7, ha="right")
            if len(h) >= 30:
                xs = np.arange(30.0)
                ys = np.array([p[1] for p in h[-30:]])
                b, a = np.polyfit(xs, ys, 1)
                ax.plot(hx[-30:], a + b * xs, color="#e07b00", ls="--", lw=1, label="trend 30 d")
            ax.set_ylim(0, top)
            ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
            ax.grid(True, color="#dddddd", lw=0.5)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=5, fontsize=7, frameon=False)
            facts = fig.add_axes([0.1, 0.08, 0.85, 0.25])
            facts.axis("off")
            last = h[-1][1] if h else float("nan")
            facts.table(cellText=[["Current", f"{last:.3g}"], ["Capacity", f"{cap:.3g}"],
                                  ["Utilisation", f"{100 * last / cap:.1f}%"]],
                        loc="upper left", colWidths=[0.3, 0.3])
            pdf.savefig(fig)
            plt.close(fig)
            pages += 1
    print(pages, time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
