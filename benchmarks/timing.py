"""What a person feels: one command's latency, and an automation's ten steps.

latency: a single ``cover.close_cover`` (or ``open_cover``), repeated, from the
call until the gateway receives exec/apply, against pyoverkiz sending the same
action group with no queue at all (the bare round trip). Before each repetition
the gateway is idle and every poller saw it so, as when a person taps a shutter.

sequential: an automation moving ten covers one action after another, each
call waiting for the previous one (``blocking``): total time and executions.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import statistics
import time
from typing import TYPE_CHECKING

from pyoverkiz.auth.credentials import LocalTokenCredentials
from pyoverkiz.client import OverkizClient
from pyoverkiz.models import Action, Command

from benchmarks.harness import simulated_house, stamp_calls
from benchmarks.scenarios import CORE, OURS_DEFAULT, OURS_WINDOW, Configuration, covers

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from simulator import GatewaySimulator

LATENCY_REPS = 20
# Shutters travel in 0.2 s here: each repetition starts on an idle gateway soon.
LATENCY_SPEED = 100.0
# After the gateway is idle, this long for every poller to see the end (ours
# polls every second while an execution runs).
SETTLE = 1.2
SEQUENCE_SIZE = 10

BARE = Configuration("pyoverkiz, no queue (bare round trip)", None, 1)
LATENCY_CONFIGURATIONS = (BARE, CORE, OURS_DEFAULT, OURS_WINDOW)
SEQUENCE_CONFIGURATIONS = (CORE, OURS_DEFAULT, OURS_WINDOW)


@dataclass
class TimingRow:
    """One line of the latency or sequential table."""

    benchmark: str
    configuration: Configuration
    latencies_ms: list[float] = field(default_factory=list)  # latency only
    total_s: float | None = None  # sequential only
    exec_apply: int | None = None
    seconds: float = 0.0  # wall time of the run, setup included

    @property
    def median_ms(self) -> float | None:
        """Median latency."""
        return statistics.median(self.latencies_ms) if self.latencies_ms else None

    @property
    def p90_ms(self) -> float | None:
        """90th percentile latency."""
        if len(self.latencies_ms) < 2:
            return None
        return statistics.quantiles(self.latencies_ms, n=10)[-1]


async def _idle(sim: GatewaySimulator) -> None:
    while sim.running_executions:  # noqa: ASYNC110 - the simulator has no event
        await asyncio.sleep(0.01)
    await asyncio.sleep(SETTLE)


async def _repeat(
    sim: GatewaySimulator, call: Callable[[int], Awaitable[object]], reps: int
) -> list[float]:
    """Time each call until its exec/apply reached the gateway, in ms."""
    calls = stamp_calls(sim)
    loop = asyncio.get_running_loop()
    latencies = []
    for rep in range(reps):
        before = len(calls.exec_apply_at)
        began = loop.time()
        await call(rep)
        if len(calls.exec_apply_at) != before + 1:
            raise RuntimeError("expected one exec/apply per command")
        latencies.append((calls.exec_apply_at[-1] - began) * 1000)
        await _idle(sim)
    return latencies


async def latency(configuration: Configuration, reps: int) -> TimingRow:
    """One command at a time on an idle gateway."""
    row = TimingRow("latency", configuration)
    began = time.monotonic()
    async with simulated_house(1, speed=LATENCY_SPEED) as sim:
        url = sim.device_urls[0]
        if configuration is BARE:
            async with OverkizClient(
                server=sim.server_config,
                credentials=LocalTokenCredentials(sim.token),
                verify_ssl=False,
            ) as client:
                await client.login()

                async def bare(rep: int) -> object:
                    name = "close" if rep % 2 == 0 else "open"
                    action = Action(device_url=url, commands=[Command(name=name)])
                    return await client.execute_action_group(actions=[action])

                row.latencies_ms = await _repeat(sim, bare, reps)
        else:
            async with covers(configuration, sim) as (hass, entities):

                async def tap(rep: int) -> object:
                    service = "close_cover" if rep % 2 == 0 else "open_cover"
                    return await hass.services.async_call(
                        "cover", service, {"entity_id": entities[0]}, blocking=True
                    )

                row.latencies_ms = await _repeat(sim, tap, reps)
    row.seconds = time.monotonic() - began
    return row


async def sequential(configuration: Configuration) -> TimingRow:
    """Ten covers, one blocking call after another."""
    row = TimingRow("sequential", configuration)
    began = time.monotonic()
    async with (
        simulated_house(SEQUENCE_SIZE) as sim,
        covers(configuration, sim) as (hass, entities),
    ):
        sim.stats.reset()
        loop = asyncio.get_running_loop()
        start = loop.time()
        for entity_id in entities:
            await hass.services.async_call(
                "cover", "close_cover", {"entity_id": entity_id}, blocking=True
            )
        row.total_s = loop.time() - start
        row.exec_apply = sim.stats.calls["exec/apply"]
    row.seconds = time.monotonic() - began
    return row


async def run_timing(
    progress: Callable[[TimingRow], None], reps: int = LATENCY_REPS
) -> list[TimingRow]:
    """Latency for every latency configuration, then the sequential automation."""
    rows: list[TimingRow] = []
    for configuration in LATENCY_CONFIGURATIONS:
        rows.append(await latency(configuration, reps))
        progress(rows[-1])
    for configuration in SEQUENCE_CONFIGURATIONS:
        rows.append(await sequential(configuration))
        progress(rows[-1])
    return rows
