"""One table for every benchmark (text and markdown) and the burst chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from benchmarks.harness import Outcome
    from benchmarks.scenarios import Row
    from benchmarks.timing import TimingRow

HEADERS = (
    "benchmark",
    "N",
    "configuration",
    "exec/apply",
    "refused",
    "lost",
    "accepted (s)",
    "closed (s)",
    "refreshes",
    "queue cost",
)
DASH = "-"


@dataclass
class OverheadRow:
    """One line of benchmarks/queue_overhead.py, in the shared table."""

    workload: str
    adds: int
    contender: str
    batches: int
    us_per_add: float
    peak_kib: float


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


def cells(row: Row | OverheadRow) -> list[str]:
    """The table cells of a row."""
    if isinstance(row, OverheadRow):
        return [
            f"queue overhead ({row.workload})",
            str(row.adds),
            row.contender,
            str(row.batches),
            DASH,
            DASH,
            DASH,
            DASH,
            DASH,
            f"{row.us_per_add:.2f} µs/add, {row.peak_kib:.0f} KiB",
        ]
    outcome = row.outcome
    if outcome is None:
        run = [DASH] * 5
    else:
        lost = str(outcome.lost)
        if outcome.twice:
            lost += f" (+{outcome.twice} twice)"
        run = [
            str(outcome.exec_apply),
            str(outcome.refused),
            lost,
            _seconds(outcome.accepted_s),
            _seconds(outcome.closed_s),
        ]
    refreshes = DASH if row.refresh_requests is None else str(row.refresh_requests)
    return [row.benchmark, str(row.size), row.configuration.name, *run, refreshes, DASH]


def text_table(rows: list[Row | OverheadRow]) -> str:
    """A plain text table for the terminal."""
    lines = [list(HEADERS), *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    out = []
    for index, line in enumerate(lines):
        out.append(
            "  ".join(
                cell.ljust(width) if i < 3 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
        if index == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def markdown_table(rows: list[Row | OverheadRow]) -> str:
    """The same table in markdown."""
    return _markdown(HEADERS, [cells(row) for row in rows], left=3)


def _markdown(headers: tuple[str, ...], lines: list[list[str]], left: int) -> str:
    """A markdown table whose first ``left`` columns are text."""
    out = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(":--" if i < left else "--:" for i in range(len(headers))) + "|",
    ]
    out.extend("| " + " | ".join(line) + " |" for line in lines)
    return "\n".join(out)


TIMING_HEADERS = (
    "benchmark",
    "configuration",
    "median (ms)",
    "p90 (ms)",
    "total (s)",
    "exec/apply",
)


def _maybe(value: float | int | None, fmt: str) -> str:
    return DASH if value is None else format(value, fmt)


def timing_cells(row: TimingRow) -> list[str]:
    """The cells of a latency or sequential row."""
    return [
        row.benchmark,
        row.configuration.name,
        _maybe(row.median_ms, ".0f"),
        _maybe(row.p90_ms, ".0f"),
        _maybe(row.total_s, ".2f"),
        _maybe(row.exec_apply, "d"),
    ]


def timing_table(rows: list[TimingRow]) -> str:
    """Latency and sequential automation, in markdown (also fine in a terminal)."""
    return _markdown(TIMING_HEADERS, [timing_cells(row) for row in rows], left=2)


def latency_chart(
    rows: list[TimingRow], path: Path, goal: tuple[str, float] | None = None
) -> None:
    """Median and p90 latency per configuration; ``goal``: (label, ms) line."""
    import matplotlib  # noqa: PLC0415 - only the chart needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    measured = [r for r in rows if r.benchmark == "latency" and r.latencies_ms]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ys = range(len(measured))
    medians = [r.median_ms or 0.0 for r in measured]
    p90s = [r.p90_ms or 0.0 for r in measured]
    bars = ax.barh([y + 0.2 for y in ys], medians, 0.4, label="median")
    ax.bar_label(bars, fmt="%.0f ms", fontsize=8, padding=3)
    bars = ax.barh([y - 0.2 for y in ys], p90s, 0.4, label="p90")
    ax.bar_label(bars, fmt="%.0f ms", fontsize=8, padding=3)
    if goal is not None:
        ax.axvline(goal[1], color="grey", linestyle="--", linewidth=1, label=goal[0])
    ax.set_yticks(list(ys), [r.configuration.name for r in measured], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("ms from the service call until the gateway receives exec/apply")
    ax.set_xlim(0, max([*p90s, *medians, 1.0]) * 1.2)
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title("One command on an idle gateway (simulated, local API)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def burst_chart(rows: list[Row], path: Path) -> None:
    """Bars per configuration and N: executions, refusals, time until closed."""
    import matplotlib  # noqa: PLC0415 - only the chart needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    burst = [r for r in rows if r.benchmark == "burst" and r.outcome is not None]
    sizes = sorted({r.size for r in burst})
    names = list(dict.fromkeys(r.configuration.name for r in burst))
    panels: list[tuple[str, str, Callable[[Outcome], float]]] = [
        ("exec/apply calls", "%d", lambda o: o.exec_apply),
        ("executions refused by the gateway", "%d", lambda o: o.refused),
        ("seconds until every shutter is closed", "%.1f", lambda o: o.closed_s or 0.0),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(15, 4.8))
    width = 0.8 / max(len(names), 1)
    for ax, (title, fmt, value) in zip(axes, panels, strict=True):
        for i, name in enumerate(names):
            xs, ys = [], []
            for j, size in enumerate(sizes):
                for r in burst:
                    if (
                        r.outcome is not None
                        and r.size == size
                        and r.configuration.name == name
                    ):
                        xs.append(j + (i - (len(names) - 1) / 2) * width)
                        ys.append(value(r.outcome))
            bars = ax.bar(xs, ys, width, label=name)
            ax.bar_label(bars, fmt=fmt, fontsize=7)
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(len(sizes)), [f"N = {s}" for s in sizes])
    axes[0].legend(fontsize=8, loc="upper left")
    fig.suptitle(
        "One service call closing N shutters (simulated gateway, 10 executions max)"
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
