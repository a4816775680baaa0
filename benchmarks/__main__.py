"""Run every benchmark, print one table, write docs/benchmarks.md and the chart.

scripts/bench [--sizes 10,30,60,100] [--no-write] [--overhead-rounds 50]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path
import platform
import random
import sys
import time

from benchmarks import queue_overhead
from benchmarks.harness import SPEED, ideal_executions
from benchmarks.report import (
    OverheadRow,
    burst_chart,
    markdown_table,
    text_table,
)
from benchmarks.scenarios import (
    OURS_DEFAULT,
    PYOVERKIZ_QUEUE,
    STORM_WINDOW,
    TRICKLE_INTERVAL,
    Row,
    run_all,
)
from simulator import GatewaySimulator

DOCS = Path(__file__).resolve().parents[1] / "docs"
CHART = DOCS / "benchmark-burst.png"
TABLE = DOCS / "benchmarks.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="10,30,60,100",
        help="shutter counts N (and refresh storm sizes K), comma separated",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; keep docs/ as it is"
    )
    parser.add_argument("--overhead-rounds", type=int, default=50)
    parser.add_argument("--overhead-repeats", type=int, default=5)
    return parser.parse_args(argv)


def overhead_rows(rounds: int, repeats: int) -> list[OverheadRow]:
    """Run benchmarks/queue_overhead.py's workloads (its own measure())."""
    rows: list[OverheadRow] = []
    for workload, build in (
        ("scene", queue_overhead.scene_round),
        ("mixed", queue_overhead.mixed_round),
    ):
        rng = random.Random(1)
        played = [build(rng) for _ in range(rounds)]
        rows.extend(
            OverheadRow(
                workload,
                result["adds"],
                result["name"],
                result["batches"],
                result["us_per_add"],
                result["peak_kib"],
            )
            for result in queue_overhead.measure(played, repeats)
        )
    return rows


def checks(rows: list[Row]) -> list[tuple[bool, str]]:
    """The issue's acceptance: what ours must achieve, as (passed, text)."""
    results = []
    for row in rows:
        outcome = row.outcome
        if outcome is None or row.configuration is not OURS_DEFAULT:
            continue
        if row.benchmark == "burst" and row.size == 30:
            want = ideal_executions(30, OURS_DEFAULT.max_actions)
            ok = (outcome.exec_apply, outcome.refused, outcome.lost) == (want, 0, 0)
            results.append(
                (
                    ok,
                    f"burst N=30, ours: {outcome.exec_apply} executions (want {want}),"
                    f" {outcome.refused} refused, {outcome.lost} lost",
                )
            )
        if row.benchmark in ("burst", "trickle"):
            ok = outcome.lost == 0 and outcome.twice == 0
            results.append(
                (
                    ok,
                    f"{row.benchmark} N={row.size}, ours: {outcome.lost} lost,"
                    f" {outcome.twice} run twice",
                )
            )
    return results


def setting_notes() -> list[str]:
    """What the numbers were measured on."""
    sim = GatewaySimulator()
    travel = sim.core.travel_time
    return [
        f"Python {platform.python_version()} on {platform.machine()},"
        f" {time.strftime('%Y-%m-%d')}.",
        f"Simulated local gateway (`simulator/`), {sim.core.exec_limit} executions at"
        f" a time, speed x{SPEED:g}: a shutter's {travel:g} s travel takes"
        f" {travel / SPEED:g} s. Queue delays and intervals are real seconds.",
        "burst: one `cover.close_cover` call for all N shutters through Home"
        " Assistant (pyoverkiz: N concurrent `execute_action_group` calls, as"
        " Home Assistant core's entities make them).",
        f"trickle: one call per shutter, {TRICKLE_INTERVAL * 1000:g} ms apart.",
        f"refresh storm: K `homeassistant.update_entity` calls within"
        f" {STORM_WINDOW:g} s (pyoverkiz: K `refresh_states()` calls, no guard);"
        " refreshes = gateway state refresh requests.",
        "exec/apply counts every execution request, refused ones included; lost"
        " = commands the gateway never ran (from its per-device command log);"
        " accepted / closed = seconds from the first command until every command"
        " was running / every shutter was closed.",
        f"pyoverkiz queue: `ActionQueueSettings(delay={PYOVERKIZ_QUEUE.delay},"
        f" max_actions={PYOVERKIZ_QUEUE.max_actions})` as Home Assistant core uses"
        " it; pyoverkiz does not retry EXEC_QUEUE_FULL.",
        "queue overhead: `benchmarks/queue_overhead.py` (no gateway, no-op"
        " executor; exec/apply = batches sent).",
    ]


def write_docs(table: str, notes: list[str]) -> None:
    """docs/benchmarks.md, embedding the chart written beside it."""
    lines = [
        "# Benchmarks",
        "",
        "Written by `scripts/bench` (about four minutes); do not edit by hand.",
        "",
        *(f"- {note}" for note in notes),
        "",
        table,
        "",
        f"![Burst results]({CHART.name})",
        "",
    ]
    TABLE.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run, print, write; exit 1 when ours misses the issue's acceptance."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
    )
    sizes = [int(size) for size in args.sizes.split(",") if size]
    began = time.monotonic()

    def progress(row: Row) -> None:
        print(
            f"  {row.benchmark} N={row.size} {row.configuration.name}:"
            f" {row.seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )

    rows = asyncio.run(run_all(sizes, progress))
    overhead = overhead_rows(args.overhead_rounds, args.overhead_repeats)
    everything: list[Row | OverheadRow] = [*rows, *overhead]
    print(text_table(everything))
    results = checks(rows)
    for ok, text in results:
        print(f"{'ok ' if ok else 'FAIL'} {text}")
    if not args.no_write:
        DOCS.mkdir(exist_ok=True)
        burst_chart(rows, CHART)
        write_docs(markdown_table(everything), setting_notes())
        print(f"wrote docs/{TABLE.name} and docs/{CHART.name}")
    print(f"took {time.monotonic() - began:.0f} s", file=sys.stderr)
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
