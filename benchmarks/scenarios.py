"""Burst, trickle, fault and refresh storm, per configuration.

Each run gets a fresh simulated house (and a fresh Home Assistant), so no run
inherits another's executions, listeners or throttles. Home Assistant core's own
``overkiz`` integration runs beside ours, unchanged, set up through its config
flow on the simulator's local API.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
import time
from typing import TYPE_CHECKING, Any

from pyoverkiz.action_queue import ActionQueueSettings as PyoverkizQueueSettings

from benchmarks.harness import (
    Outcome,
    Watch,
    core_integration,
    cover_entities,
    home_assistant,
    integration,
    simulated_house,
)
from custom_components.overkiz_batch.const import (
    CONF_ADAPTIVE_SENDING,
    CONF_BUSY_MODE,
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DEFAULT_BUSY_MODE,
    DEFAULT_MAX_ACTIONS,
    DEFAULT_QUEUE_DELAY,
    DEFAULT_REFRESH_THROTTLE,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from homeassistant.core import HomeAssistant

    from simulator import GatewaySimulator

TRICKLE_INTERVAL = 0.15  # seconds between two commands, as staggered automations
STORM_WINDOW = 1.0  # the K update_entity calls are spread over this many seconds
FAULT_SIZE = 30  # shutters of the fault benchmark's burst
FAULT_REFUSALS = 3  # exec/apply answered EXEC_QUEUE_FULL this many times
REFRESH_ENDPOINTS = (
    "setup/devices/states/refresh",
    "setup/devices/{url}/states/refresh",
)
# The queue Home Assistant core's overkiz gets from pyoverkiz (its defaults).
PYOVERKIZ_QUEUE = PyoverkizQueueSettings()


@dataclass(frozen=True)
class Configuration:
    """One way of sending the commands: ours with options, or core's overkiz."""

    name: str
    options: dict[str, Any] | None  # None: Home Assistant core's overkiz
    max_actions: int


def _ours(delay: float, max_actions: int, adaptive: bool) -> dict[str, Any]:
    return {
        CONF_QUEUE_DELAY: delay,
        CONF_MAX_ACTIONS: max_actions,
        CONF_ADAPTIVE_SENDING: adaptive,
        CONF_BUSY_MODE: DEFAULT_BUSY_MODE,
        CONF_REFRESH_THROTTLE: DEFAULT_REFRESH_THROTTLE,
    }


CORE = Configuration(
    f"HA core overkiz (pyoverkiz queue {PYOVERKIZ_QUEUE.delay:g} s)",
    None,
    PYOVERKIZ_QUEUE.max_actions,
)
OURS_DEFAULT = Configuration(
    "ours, defaults (adaptive)",
    _ours(DEFAULT_QUEUE_DELAY, DEFAULT_MAX_ACTIONS, adaptive=True),
    DEFAULT_MAX_ACTIONS,
)
OURS_WINDOW = Configuration(
    f"ours, plain {DEFAULT_QUEUE_DELAY:g} s window",
    _ours(DEFAULT_QUEUE_DELAY, DEFAULT_MAX_ACTIONS, adaptive=False),
    DEFAULT_MAX_ACTIONS,
)
OURS_SINGLE = Configuration(
    "ours, one execution per entity", _ours(0.0, 1, adaptive=False), 1
)
CONFIGURATIONS = (CORE, OURS_DEFAULT, OURS_SINGLE)


@asynccontextmanager
async def covers(
    configuration: Configuration, sim: GatewaySimulator
) -> AsyncIterator[tuple[HomeAssistant, list[str]]]:
    """Home Assistant with the configuration's integration on ``sim``; its covers."""
    async with home_assistant() as hass:
        if configuration.options is None:
            setup = core_integration(hass, sim)
        else:
            setup = integration(hass, sim, configuration.options)
        async with setup as entry:
            entities = cover_entities(hass, entry)
            if len(entities) != len(sim.device_urls):
                raise RuntimeError(f"expected a cover per shutter, got {entities}")
            yield hass, entities


@dataclass
class Row:
    """One line of the result table."""

    benchmark: str
    size: int
    configuration: Configuration
    outcome: Outcome | None = None
    refresh_requests: int | None = None
    caller_errors: int = 0
    seconds: float = 0.0  # wall time of the run, setup included


# A sender issues the N close commands: all at once (burst) or spaced (trickle).
# It returns the errors its callers got.
type Sender = Callable[[list[Callable[[], Awaitable[Any]]]], Awaitable[int]]


async def send_burst(calls: list[Callable[[], Awaitable[Any]]]) -> int:
    """Issue every call in the same loop turn."""
    results = await asyncio.gather(*(call() for call in calls), return_exceptions=True)
    return sum(isinstance(r, Exception) for r in results)


async def send_trickle(calls: list[Callable[[], Awaitable[Any]]]) -> int:
    """Issue one call every TRICKLE_INTERVAL, without waiting for the previous."""
    tasks = []
    for call in calls:
        tasks.append(asyncio.ensure_future(call()))
        await asyncio.sleep(TRICKLE_INTERVAL)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    return sum(isinstance(r, Exception) for r in results)


async def _measure(
    sim: GatewaySimulator, calls: list[Callable[[], Awaitable[Any]]], sender: Sender
) -> tuple[Outcome, int]:
    """Issue the calls with ``sender`` while watching the gateway."""
    sim.stats.reset()
    watch = Watch(sim, sim.device_urls)
    callers = asyncio.ensure_future(sender(calls))
    await watch.run(callers)
    errors = await callers if callers.done() else -1
    return watch.outcome(), errors


async def close_all(
    configuration: Configuration,
    n: int,
    sender: Sender,
    batched_call: bool,
    refusals: int = 0,
) -> tuple[Outcome, int]:
    """Close ``n`` shutters; ``batched_call``: one service call for all of them.

    ``refusals``: the gateway answers the first exec/apply calls EXEC_QUEUE_FULL.
    """
    async with simulated_house(n) as sim, covers(configuration, sim) as found:
        hass, entities = found

        def service(entity_ids: list[str]) -> Callable[[], Awaitable[Any]]:
            return lambda: hass.services.async_call(
                "cover", "close_cover", {"entity_id": entity_ids}, blocking=True
            )

        calls = (
            [service(entities)] if batched_call else [service([e]) for e in entities]
        )
        if refusals:
            sim.fail("exec/apply", "EXEC_QUEUE_FULL", count=refusals)
        return await _measure(sim, calls, sender)


async def refresh_storm(configuration: Configuration, k: int) -> int:
    """K refresh requests within a second; return the gateway refreshes made."""
    async with simulated_house(k) as sim, covers(configuration, sim) as found:
        hass, entities = found
        sim.stats.reset()

        def update(entity_id: str) -> Callable[[], Awaitable[Any]]:
            return lambda: hass.services.async_call(
                "homeassistant",
                "update_entity",
                {"entity_id": entity_id},
                blocking=True,
            )

        await _spread([update(entities[i % len(entities)]) for i in range(k)])
        await hass.async_block_till_done()
        return sum(sim.stats.calls[name] for name in REFRESH_ENDPOINTS)


async def _spread(calls: list[Callable[[], Awaitable[Any]]]) -> None:
    """Issue the calls evenly over STORM_WINDOW, then wait for all of them."""
    tasks = []
    for call in calls:
        tasks.append(asyncio.ensure_future(call()))
        await asyncio.sleep(STORM_WINDOW / len(calls))
    await asyncio.gather(*tasks, return_exceptions=True)


async def run_all(sizes: list[int], progress: Callable[[Row], None]) -> list[Row]:
    """Run burst, trickle, fault and storm for every size and configuration."""
    plan: list[tuple[str, int, Sender | None, bool, int]] = [
        (benchmark, n, sender, batched, 0)
        for benchmark, sender, batched in (
            ("burst", send_burst, True),
            ("trickle", send_trickle, False),
        )
        for n in sizes
    ]
    fault = f"fault (EXEC_QUEUE_FULL x{FAULT_REFUSALS})"
    plan.append((fault, FAULT_SIZE, send_burst, True, FAULT_REFUSALS))
    plan.extend(("refresh storm", k, None, False, 0) for k in sizes)
    rows: list[Row] = []
    for benchmark, n, sender, batched, refusals in plan:
        for configuration in CONFIGURATIONS:
            began = time.monotonic()
            row = Row(benchmark, n, configuration)
            if sender is None:
                row.refresh_requests = await refresh_storm(configuration, n)
            else:
                row.outcome, row.caller_errors = await close_all(
                    configuration, n, sender, batched, refusals
                )
            row.seconds = time.monotonic() - began
            rows.append(row)
            progress(row)
    return rows
