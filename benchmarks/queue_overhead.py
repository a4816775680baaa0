"""Cost of our action queue against pyoverkiz's, on the same workload.

Run from the checkout: scripts/python benchmarks/queue_overhead.py [--rounds N]

Both queues get the same calls and a no-op executor, so only the queue's own
work is measured: CPU microseconds per add() (until its caller has the
execution id), batches sent and peak traced memory. pyoverkiz refuses delay 0,
so both use the same small positive delay; each round ends with flush() so no
run waits for a timer. Ours with delay 0 is shown too (it sends on every loop
turn, hence more batches on the spread-out workload: that is what 0 means).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
import gc
from importlib.metadata import version
from pathlib import Path
import random
import sys
import time
import tracemalloc
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyoverkiz import action_queue as pyoverkiz_queue
from pyoverkiz.models import Action, Command

from custom_components.overkiz_batch.action_queue import (
    ActionQueue,
    ActionQueueSettings,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

DEVICES = [f"io://1234-5678-9012/{n}" for n in range(200)]
DELAY = 0.05  # long enough that no window expires inside a round
MAX_ACTIONS = 20

type Round = list[list[list[Action]]]  # sub-bursts of calls, a loop turn apart


def scene_round(rng: random.Random) -> Round:
    """One burst: a command for each of the 200 devices, as a big scene sends."""
    return [[[Action(device_url=d, commands=[Command(name="close")])] for d in DEVICES]]


def mixed_round(rng: random.Random) -> Round:
    """200 calls of 1-3 actions on random devices (repeats too), in small bursts."""
    calls = [
        [
            Action(device_url=d, commands=[Command(name="setClosure", parameters=[50])])
            for d in rng.choices(DEVICES, k=rng.randint(1, 3))
        ]
        for _ in range(200)
    ]
    bursts = []
    while calls:
        size = rng.randint(1, 40)
        bursts.append(calls[:size])
        calls = calls[size:]
    return bursts


@dataclass
class Contender:
    """A queue under test, behind the same two calls."""

    name: str
    make: Callable[[Callable[[], None]], Any]  # (count_batch) -> queue
    call: Callable[[Any, list[Action]], Coroutine[Any, Any, str]]


def _ours_call(queue: ActionQueue, actions: list[Action]) -> Coroutine[Any, Any, str]:
    return queue.add(actions)  # what a caller awaits: the exec id itself


async def _pyoverkiz_call(queue: Any, actions: list[Action]) -> str:
    waiter = await queue.add(actions)
    result: str = await waiter
    return result


def _ours(delay: float) -> Callable[[Callable[[], None]], ActionQueue]:
    def make(count: Callable[[], None]) -> ActionQueue:
        async def executor(actions: list[Action], label: str | None) -> str:
            count()
            return "exec"

        return ActionQueue(executor, ActionQueueSettings(delay, MAX_ACTIONS))

    return make


def _pyoverkiz(count: Callable[[], None]) -> Any:
    async def executor(actions: list[Action], mode: Any, label: str | None) -> str:
        count()
        return "exec"

    settings = pyoverkiz_queue.ActionQueueSettings(delay=DELAY, max_actions=MAX_ACTIONS)
    return pyoverkiz_queue.ActionQueue(executor, settings)


CONTENDERS = [
    Contender(f"pyoverkiz {version('pyoverkiz')}", _pyoverkiz, _pyoverkiz_call),
    Contender(f"ours delay={DELAY}", _ours(DELAY), _ours_call),
    Contender("ours delay=0", _ours(0), _ours_call),
]


async def run(contender: Contender, rounds: list[Round]) -> tuple[int, int]:
    """Play the rounds; return (adds, batches)."""
    batches = 0

    def count() -> None:
        nonlocal batches
        batches += 1

    queue = contender.make(count)
    adds = 0
    for bursts in rounds:
        tasks: list[asyncio.Task[str]] = []
        for burst in bursts:
            tasks.extend(asyncio.create_task(contender.call(queue, a)) for a in burst)
            adds += len(burst)
            await asyncio.sleep(0)
        await queue.flush()
        await asyncio.gather(*tasks)
    await queue.shutdown()
    return adds, batches


def measure(rounds: list[Round], repeats: int) -> list[dict[str, Any]]:
    """Best CPU time of several runs, taken in turns, then a traced run each."""
    best = [float("inf")] * len(CONTENDERS)
    counts = [(0, 0)] * len(CONTENDERS)
    for _ in range(repeats):  # in turns, so machine noise hits all alike
        for index, contender in enumerate(CONTENDERS):
            gc.collect()
            start = time.process_time()
            counts[index] = asyncio.run(run(contender, rounds))
            best[index] = min(best[index], time.process_time() - start)
    results = []
    for index, contender in enumerate(CONTENDERS):
        gc.collect()
        tracemalloc.start()
        asyncio.run(run(contender, rounds))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        adds, batches = counts[index]
        results.append(
            {
                "name": contender.name,
                "us_per_add": best[index] / adds * 1e6,
                "adds": adds,
                "batches": batches,
                "peak_kib": peak / 1024,
            }
        )
    return results


def main() -> None:
    """Print one table per workload."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {len(DEVICES)} devices, ", end="")
    print(f"max_actions={MAX_ACTIONS}, {args.rounds} rounds, best of {args.repeats}")
    for workload, build in (("scene", scene_round), ("mixed", mixed_round)):
        rng = random.Random(args.seed)
        rounds = [build(rng) for _ in range(args.rounds)]
        print(f"\nworkload {workload}: {build.__doc__}")
        print(f"{'queue':<20}{'us/add':>9}{'adds':>8}{'batches':>9}{'peak KiB':>10}")
        for r in measure(rounds, args.repeats):
            print(
                f"{r['name']:<20}{r['us_per_add']:>9.2f}{r['adds']:>8}"
                f"{r['batches']:>9}{r['peak_kib']:>10.1f}"
            )


if __name__ == "__main__":
    main()
