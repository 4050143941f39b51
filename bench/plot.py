"""Draws one plot per series of a bench run from its figures (the JSON that bench/run.sh writes next to the
report): calls, fan-out, idle connections, heartbeats. Each PNG goes next to the JSON, named after it:
latest.json -> latest-calls.png, latest-fan-out.png, latest-idle.png, latest-heartbeats.png.

    bench/.venv/bin/python bench/plot.py bench/results/latest.json
"""
import json
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

COLORS = {"jetty": "tab:blue", "node": "tab:green", "floor": "tab:gray", "jetty-deflate": "tab:purple", "jetty-nonblocking": "tab:cyan"}
STYLES = {"nio": "-", "ws": "--"}
MARKERS = {"nio": "o", "ws": "s"}


def number(v):
    """JSON numbers, with NaN written as the string "NaN" by the Java side."""
    return float(v) if v is not None else math.nan


def lines(ax, points, x, y, title, ylabel, xlabel, logx=True):
    """One line per (server, generator): y against x."""
    keys = sorted({(p["server"], p["generator"]) for p in points})
    for server, generator in keys:
        mine = sorted((p for p in points if p["server"] == server and p["generator"] == generator), key=lambda p: p[x])
        xs = [p[x] for p in mine]
        ys = [number(p[y]) for p in mine]
        if all(math.isnan(v) for v in ys):
            continue
        ax.plot(xs, ys, STYLES.get(generator, ":"), marker=MARKERS.get(generator, "x"), color=COLORS.get(server, "black"),
                label=f"{server} ({generator} generator)")
    if logx:
        ax.set_xscale("log")
    ax.set_xticks(sorted({p[x] for p in points}))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")


def figure(base, name, panels, suptitle, quick):
    fig, axes = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 4.8), squeeze=False)
    for ax, draw in zip(axes[0], panels):
        draw(ax)
    fig.suptitle(suptitle + (" (smoke run: --quick)" if quick else ""))
    fig.tight_layout()
    path = base.with_name(f"{base.stem}-{name}.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(json_path):
    base = Path(json_path)
    run = json.loads(base.read_text())
    quick = run.get("quick", False)
    written = []
    calls = [p for p in run["calls"] if p["server"] != "jetty-deflate"]
    if calls:
        written.append(figure(base, "calls", [
            lambda ax: lines(ax, calls, "connections", "serverCpuPerCallMicros", "Server CPU per call", "us", "connections"),
            lambda ax: lines(ax, calls, "connections", "p99Micros", "Latency p99", "us", "connections"),
            lambda ax: lines(ax, calls, "connections", "callsPerSecond", "Calls per second", "calls/s", "connections"),
        ], "Calls: N connections x 8 sum calls in flight", quick))
    if run["fanOut"]:
        written.append(figure(base, "fan-out", [
            lambda ax: lines(ax, run["fanOut"], "subscribers", "serverCpuPerDeliveryMicros", "Server CPU per delivery", "us", "subscribers"),
            lambda ax: lines(ax, run["fanOut"], "subscribers", "deliveriesPerSecond", "Deliveries per second (at p50)", "deliveries/s", "subscribers"),
            lambda ax: lines(ax, run["fanOut"], "subscribers", "p50Millis", "Time until all received, p50", "ms", "subscribers"),
        ], "Fan-out: one emit to N subscribers", quick))
    if run["idle"]:
        for p in run["idle"]:
            p["busyP99Ratio"] = number(p["busyP99Micros"]) / number(p["busyP99WithoutMicros"])
        written.append(figure(base, "idle", [
            lambda ax: lines(ax, run["idle"], "connections", "rssPerConnectionKiB", "Memory per idle connection (RSS)", "KiB", "idle connections", False),
            lambda ax: lines(ax, run["idle"], "connections", "liveHeapPerConnectionKiB", "Live heap per idle connection (JVMs)", "KiB", "idle connections", False),
            lambda ax: lines(ax, run["idle"], "connections", "busyP99Ratio", "Busy connections' p99: beside idle / without", "ratio", "idle connections", False),
        ], "Idle connections", quick))
    if run["heartbeats"]:
        def bars(ax):
            points = sorted(run["heartbeats"], key=lambda p: (p["generator"], p["pingIntervalMillis"]))
            labels = [f"{'off' if p['pingIntervalMillis'] == 0 else str(p['pingIntervalMillis']) + ' ms'}\n({p['generator']})" for p in points]
            values = [number(p["serverCpuSeconds"]) / (p["connections"] / 1000) / (number(p["seconds"]) / 60) for p in points]
            ax.bar(labels, values, color=["tab:blue" if p["generator"] == "nio" else "tab:orange" for p in points])
            ax.set_title(f"Jetty server CPU with {points[0]['connections']:,} idle connections")
            ax.set_xlabel("ping interval (generator holding the connections)")
            ax.set_ylabel("CPU s per 1,000 connections per minute")
            ax.grid(True, axis="y", alpha=0.3)
        written.append(figure(base, "heartbeats", [bars], "Heartbeats", quick))
    for path in written:
        print(f"plot: {path}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: plot.py FIGURES.json")
    main(sys.argv[1])
