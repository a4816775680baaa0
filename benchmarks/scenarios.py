"""The benchmarks of issue 8: burst, trickle and refresh storm, per configuration.

Each run gets a fresh simulated house (and a fresh Home Assistant), so no run
inherits another's executions, listeners or throttles.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
import time
from typing import TYPE_CHECKING, Any

from pyoverkiz.action_queue import ActionQueueSettings as PyoverkizQueueSettings
from pyoverkiz.auth.credentials import LocalTokenCredentials
from pyoverkiz.client import OverkizClient, OverkizClientSettings
from pyoverkiz.models import Action, Command

from benchmarks.harness import (
    CLOSE,
    Outcome,
    Watch,
    cover_entities,
    home_assistant,
    integration,
    simulated_house,
)
from custom_components.overkiz_batch.const import (
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

    from simulator import GatewaySimulator

TRICKLE_INTERVAL = 0.15  # seconds between two commands, as staggered automations
STORM_WINDOW = 1.0  # the K update_entity calls are spread over this many seconds
REFRESH_ENDPOINTS = (
    "setup/devices/states/refresh",
    "setup/devices/{url}/states/refresh",
)
# What Home Assistant core's overkiz integration gives pyoverkiz today.
PYOVERKIZ_QUEUE = PyoverkizQueueSettings(delay=0.1, max_actions=20)


@dataclass(frozen=True)
class Configuration:
    """One way of sending the commands: our integration with options, or pyoverkiz."""

    name: str
    options: dict[str, Any] | None  # None: pyoverkiz's own queue, no Home Assistant
    max_actions: int


OURS_DEFAULT = Configuration(
    f"ours (delay {DEFAULT_QUEUE_DELAY} s, {DEFAULT_MAX_ACTIONS} actions)",
    {
        CONF_QUEUE_DELAY: DEFAULT_QUEUE_DELAY,
        CONF_MAX_ACTIONS: DEFAULT_MAX_ACTIONS,
        CONF_BUSY_MODE: DEFAULT_BUSY_MODE,
        CONF_REFRESH_THROTTLE: DEFAULT_REFRESH_THROTTLE,
    },
    DEFAULT_MAX_ACTIONS,
)
OURS_SINGLE = Configuration(
    "ours (delay 0, 1 action: one execution per entity)",
    {
        CONF_QUEUE_DELAY: 0.0,
        CONF_MAX_ACTIONS: 1,
        CONF_BUSY_MODE: DEFAULT_BUSY_MODE,
        CONF_REFRESH_THROTTLE: DEFAULT_REFRESH_THROTTLE,
    },
    1,
)
PYOVERKIZ = Configuration(
    f"pyoverkiz queue as in HA core (delay {PYOVERKIZ_QUEUE.delay} s, "
    f"{PYOVERKIZ_QUEUE.max_actions} actions)",
    None,
    PYOVERKIZ_QUEUE.max_actions,
)
CONFIGURATIONS = (OURS_DEFAULT, OURS_SINGLE, PYOVERKIZ)
# Home Assistant core never asks for a refresh; a client without a guard asks
# once per update.
PYOVERKIZ_UNGUARDED = Configuration(
    "pyoverkiz client, one refresh_states() per update", None, 0
)


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


@asynccontextmanager
async def pyoverkiz_client(sim: GatewaySimulator) -> AsyncIterator[OverkizClient]:
    """pyoverkiz's client with its own queue, logged in as HA core does."""
    client = OverkizClient(
        server=sim.server_config,
        credentials=LocalTokenCredentials(sim.token),
        verify_ssl=False,
        settings=OverkizClientSettings(action_queue=PYOVERKIZ_QUEUE),
    )
    try:
        await client.login()
        yield client
    finally:
        await client.close()


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
    configuration: Configuration, n: int, sender: Sender, batched_call: bool
) -> tuple[Outcome, int]:
    """Close ``n`` shutters; ``batched_call``: one service call for all of them."""
    async with simulated_house(n) as sim:
        if configuration.options is None:
            async with pyoverkiz_client(sim) as client:

                def direct(url: str) -> Callable[[], Awaitable[Any]]:
                    action = Action(device_url=url, commands=[Command(name=CLOSE)])
                    return lambda: client.execute_action_group(actions=[action])

                return await _measure(sim, [direct(u) for u in sim.device_urls], sender)
        async with (
            home_assistant() as hass,
            integration(hass, sim, configuration.options) as entry,
        ):
            entities = cover_entities(hass, entry)
            if len(entities) != n:
                raise RuntimeError(
                    f"expected {n} covers, Home Assistant has {entities}"
                )

            def service(entity_ids: list[str]) -> Callable[[], Awaitable[Any]]:
                return lambda: hass.services.async_call(
                    "cover", "close_cover", {"entity_id": entity_ids}, blocking=True
                )

            if batched_call:
                calls = [service(entities)]
            else:
                calls = [service([e]) for e in entities]
            return await _measure(sim, calls, sender)


async def refresh_storm(configuration: Configuration, k: int) -> int:
    """K refresh requests within a second; return the gateway refreshes made."""
    async with simulated_house(k) as sim:
        if configuration.options is None:
            async with pyoverkiz_client(sim) as client:
                sim.stats.reset()
                await _spread([client.refresh_states for _ in range(k)])
        else:
            async with (
                home_assistant() as hass,
                integration(hass, sim, configuration.options) as entry,
            ):
                entities = cover_entities(hass, entry)
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
    """Run burst, trickle and storm for every size and configuration."""
    rows: list[Row] = []
    for benchmark, sender, batched in (
        ("burst", send_burst, True),
        ("trickle", send_trickle, False),
    ):
        for n in sizes:
            for configuration in CONFIGURATIONS:
                began = time.monotonic()
                outcome, errors = await close_all(configuration, n, sender, batched)
                row = Row(benchmark, n, configuration, outcome, caller_errors=errors)
                row.seconds = time.monotonic() - began
                rows.append(row)
                progress(row)
    for k in sizes:
        for configuration in (OURS_DEFAULT, PYOVERKIZ_UNGUARDED):
            began = time.monotonic()
            row = Row("refresh storm", k, configuration)
            row.refresh_requests = await refresh_storm(configuration, k)
            row.seconds = time.monotonic() - began
            rows.append(row)
            progress(row)
    return rows
