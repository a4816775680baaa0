"""Faults during a burst of commands: nothing lost, nothing run twice, all recovers.

Each test injects one fault the simulator offers, issues one close per shutter
(separate callers, in the same loop turn), and checks, from the gateway's own
per-device command log, that every command ran exactly once or its caller got a
translated error, and that none ran twice. Then the gateway heals, every entity
comes back and obeys a second burst, and after unload nothing of ours runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.cover import (
    DOMAIN as COVER_DOMAIN,
    SERVICE_CLOSE_COVER,
    SERVICE_OPEN_COVER,
    CoverState,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch import queue_sender
from custom_components.overkiz_batch.const import DOMAIN
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from simulator import GatewaySimulator, shutters_house
from tests.gateway_setup import SimFactory, entity_ids_of, setup_entry

pytestmark = pytest.mark.usefixtures(
    "socket_enabled", "no_retry_waits", "instant_queue_retries"
)

SHUTTERS = 6


@pytest.fixture
def instant_queue_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The queue's back pressure backoff (0.5 s and up) in milliseconds."""
    monkeypatch.setattr(queue_sender, "RETRY_INITIAL", 0.001)
    monkeypatch.setattr(queue_sender, "RETRY_MAX", 0.004)


@dataclass
class Covers:
    """Home Assistant running the covers of a simulated house."""

    hass: HomeAssistant
    sim: GatewaySimulator
    entry: MockConfigEntry
    entity_ids: list[str]  # in the order of urls
    urls: list[str]

    @property
    def coordinator(self) -> OverkizBatchCoordinator:
        coordinator: OverkizBatchCoordinator = self.entry.runtime_data
        return coordinator

    def ran(self, url: str, command: str) -> int:
        """How many times the device ran ``command``, by the gateway's log."""
        log = self.sim.stats.device_commands.get(url, [])
        return sum(1 for name, _ in log if name == command)

    async def burst(self, service: str) -> list[BaseException | None]:
        """One call per cover, all at once; each caller's error or None."""

        async def call(entity_id: str) -> None:
            await self.hass.services.async_call(
                COVER_DOMAIN, service, {"entity_id": entity_id}, blocking=True
            )

        results = await asyncio.gather(
            *(call(e) for e in self.entity_ids), return_exceptions=True
        )
        return list(results)

    async def poll(self) -> None:
        """Let the gateway finish, then read its events as the timer would."""
        await self.hass.async_block_till_done()
        await self.sim.settle()
        await self.coordinator.async_refresh()
        await self.hass.async_block_till_done()

    def state(self, entity_id: str) -> str:
        state = self.hass.states.get(entity_id)
        assert state is not None
        return state.state


type CoversFactory = Callable[..., Awaitable[Covers]]


@pytest.fixture
async def start_covers(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[CoversFactory]:
    """Start a house of shutters (local or cloud) and the integration on it."""
    started: list[Covers] = []

    async def start(mode: str = "local") -> Covers:
        sim = await make_sim(house=shutters_house(SHUTTERS), mode=mode)
        entry = await setup_entry(hass, sim, monkeypatch)
        assert entry.state is ConfigEntryState.LOADED
        urls = list(sim.device_urls)
        by_url = {url: eid for eid, url in entity_ids_of(hass, "cover").items()}
        covers = Covers(hass, sim, entry, [by_url[url] for url in urls], urls)
        started.append(covers)
        return covers

    yield start
    for covers in started:
        if covers.entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(covers.entry.entry_id)
    await hass.async_block_till_done()


def check_once_or_error(
    covers: Covers, results: list[BaseException | None], command: str
) -> int:
    """Every command ran once or its caller got our error; none ran twice.

    Returns how many callers got an error.
    """
    errors = 0
    for url, result in zip(covers.urls, results, strict=True):
        ran = covers.ran(url, command)
        assert ran <= 1, f"{command} ran {ran} times on {url}"
        if result is None:
            assert ran == 1, f"{command} on {url} succeeded but never ran"
        else:
            errors += 1
            assert isinstance(result, HomeAssistantError), repr(result)
            assert result.translation_domain == DOMAIN, repr(result)
    return errors


async def check_recovers(covers: Covers) -> None:
    """With the fault gone, every entity is back and obeys exactly once."""
    covers.sim.clear_faults()
    covers.sim.go_up()
    await covers.poll()
    await covers.poll()  # a failed poll resyncs on the next one
    assert covers.coordinator.last_update_success
    for url, entity_id in zip(covers.urls, covers.entity_ids, strict=True):
        expected = CoverState.CLOSED if covers.ran(url, "close") else CoverState.OPEN
        running = covers.coordinator.executions.commands_for(url)
        assert covers.state(entity_id) == expected, (entity_id, running)
    before = {url: covers.ran(url, "open") for url in covers.urls}
    results = await covers.burst(SERVICE_OPEN_COVER)
    assert results == [None] * SHUTTERS
    await covers.poll()
    for url, entity_id in zip(covers.urls, covers.entity_ids, strict=True):
        assert covers.ran(url, "open") == before[url] + 1, url
        assert covers.state(entity_id) == CoverState.OPEN


def ours_running() -> list[asyncio.Task[Any]]:
    """Unfinished tasks running code of the integration."""
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done()
        and task is not asyncio.current_task()
        and any(
            "custom_components/overkiz_batch" in frame.f_code.co_filename
            for frame in task.get_stack()
        )
    ]


async def check_unload_clean(covers: Covers) -> None:
    """Unload leaves no queued action, task or gateway listener behind."""
    coordinator = covers.coordinator
    assert await covers.hass.config_entries.async_unload(covers.entry.entry_id)
    await covers.hass.async_block_till_done()
    assert covers.entry.state is ConfigEntryState.NOT_LOADED
    assert coordinator.commands.get_pending_actions_count() == 0
    assert ours_running() == []
    assert covers.sim.core.listeners == {}
    assert covers.sim.running_executions == 0


async def run_fault(covers: Covers, *, all_run: bool) -> int:
    """Burst under the injected fault; check it, recovery and unload."""
    results = await covers.burst(SERVICE_CLOSE_COVER)
    await covers.hass.async_block_till_done()
    await covers.sim.settle()
    errors = check_once_or_error(covers, results, "close")
    if all_run:
        assert errors == 0, results
    await check_recovers(covers)
    await check_unload_clean(covers)
    return errors


# The gateway is busy: the queue retries, every command runs once, nobody errs.
@pytest.mark.parametrize(
    "error", ["EXEC_QUEUE_FULL", "TOO_MANY_EXECUTIONS", "TOO_MANY_CONCURRENT_REQUESTS"]
)
async def test_back_pressure(start_covers: CoversFactory, error: str) -> None:
    covers = await start_covers()
    covers.sim.fail("exec/apply", error, count=3)
    await run_fault(covers, all_run=True)
    assert covers.sim.stats.executions_rejected == 3


# Answers that are no execution: the callers of the refused batch get an error.
@pytest.mark.parametrize(
    "error",
    [
        "TOO_MANY_REQUESTS",
        "MAINTENANCE",
        "SERVER_ERROR_500",
        "BAD_GATEWAY_502",
        "SERVICE_UNAVAILABLE_503",
        "MALFORMED_JSON",
    ],
)
async def test_refused_or_garbled_answer(
    start_covers: CoversFactory, error: str
) -> None:
    covers = await start_covers()
    covers.sim.fail("exec/apply", error, count=1)
    errors = await run_fault(covers, all_run=False)
    assert errors >= 1  # the fault reached somebody


async def test_expired_token_answer_is_retried_once(
    start_covers: CoversFactory,
) -> None:
    covers = await start_covers()
    covers.sim.fail("exec/apply", "NOT_AUTHENTICATED", count=1)
    await run_fault(covers, all_run=False)


async def test_latency(start_covers: CoversFactory) -> None:
    covers = await start_covers()
    covers.sim.set_latency(0.05)
    await run_fault(covers, all_run=True)


async def test_dropped_request(start_covers: CoversFactory) -> None:
    """The connection closes before the gateway read the request."""
    covers = await start_covers()
    covers.sim.drop("exec/apply", count=1)
    await run_fault(covers, all_run=False)


async def test_dropped_answer(start_covers: CoversFactory) -> None:
    """The gateway ran the batch, the answer never arrived: no second run."""
    covers = await start_covers()
    covers.sim.drop("exec/apply", count=1, after=True)
    await run_fault(covers, all_run=False)


async def test_gateway_down(start_covers: CoversFactory) -> None:
    covers = await start_covers()
    covers.sim.go_down()
    errors = await asyncio.wait_for(_down_burst(covers), timeout=10)
    assert errors == SHUTTERS  # every caller told, nothing ran
    await check_recovers(covers)
    await check_unload_clean(covers)


async def _down_burst(covers: Covers) -> int:
    results = await covers.burst(SERVICE_CLOSE_COVER)
    errors = check_once_or_error(covers, results, "close")
    await covers.coordinator.async_refresh()
    await covers.hass.async_block_till_done()
    for entity_id in covers.entity_ids:
        assert covers.state(entity_id) == STATE_UNAVAILABLE
    return errors


async def test_expired_cloud_session(start_covers: CoversFactory) -> None:
    covers = await start_covers(mode="cloud")
    covers.sim.expire_session()
    await run_fault(covers, all_run=True)


async def test_expired_listener(start_covers: CoversFactory) -> None:
    covers = await start_covers()
    covers.sim.expire_listener()
    await run_fault(covers, all_run=True)


@pytest.mark.parametrize("error", ["MAINTENANCE", "SERVER_ERROR_500"])
async def test_event_polling_fails_after_burst(
    start_covers: CoversFactory, error: str
) -> None:
    """The listener fails while the burst runs: unavailable, then back in sync."""
    covers = await start_covers()
    covers.sim.fail("events/fetch", error, count=1)
    results = await covers.burst(SERVICE_CLOSE_COVER)
    assert results == [None] * SHUTTERS
    await covers.hass.async_block_till_done()
    await covers.sim.settle()
    await covers.coordinator.async_refresh()
    await covers.hass.async_block_till_done()
    assert covers.state(covers.entity_ids[0]) == STATE_UNAVAILABLE
    assert check_once_or_error(covers, results, "close") == 0
    await check_recovers(covers)
    await check_unload_clean(covers)
