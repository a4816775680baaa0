"""The coordinator against the simulated gateway: errors and recovery."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.core import Event, HomeAssistant
import pytest

from custom_components.overkiz_batch.const import (
    CONF_QUEUE_DELAY,
    EVENT_EXECUTION_FAILED,
    UPDATE_INTERVAL_EXECUTING,
    UPDATE_INTERVAL_LOCAL,
)
from simulator import GatewaySimulator
from tests.coordinator_helpers import CLOSURE, action, reauth_flows, run_to_end, shutter
from tests.gateway_setup import SimFactory, coordinator_of, poll, setup_entry, update_ok

# Errors and recovery.


async def test_revoked_token_starts_reauth(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    sim.revoke_token()

    await poll(hass, coordinator)

    assert not coordinator.last_update_success
    assert len(reauth_flows(hass)) == 1


async def test_failure_event_names_only_the_failed_device(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(speed=1)
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 0.5})
    coordinator = coordinator_of(entry)
    events: list[Event] = []
    hass.bus.async_listen(EVENT_EXECUTION_FAILED, events.append)
    moving, other = shutter(sim, 1), shutter(sim, 2)
    both = await asyncio.gather(
        coordinator.commands.execute_action_group([action(moving, "close")]),
        coordinator.commands.execute_action_group([action(other, "open")]),
    )
    await coordinator.commands.execute_action_group([action(moving, "stop")])
    await sim.settle()
    await poll(hass, coordinator)

    assert both[0] == both[1]
    assert [(e.data["device_url"], e.data["exec_id"]) for e in events] == [
        (moving, both[0])
    ]


@pytest.mark.usefixtures("no_retry_waits")
async def test_gateway_down_then_back(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unavailable while down, logged once, and back on its own."""
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = shutter(sim)
    sim.go_down()

    for _ in range(3):
        await poll(hass, coordinator)
    assert not coordinator.last_update_success
    failures = [
        r
        for r in caplog.records
        if r.levelno == logging.ERROR and r.name.startswith("custom_components")
    ]
    assert len(failures) == 1
    assert "Error fetching" in failures[0].getMessage()
    assert not reauth_flows(hass)

    # Meanwhile the shutter moved (a remote): the states are read again.
    sim.go_up()
    sim.set_state(url, CLOSURE, 30, kind=1)
    await poll(hass, coordinator)
    assert update_ok(coordinator)
    assert coordinator.data[url].states[CLOSURE].value == 30
    assert "recovered" in caplog.text


@pytest.mark.usefixtures("no_retry_waits")
@pytest.mark.parametrize(
    "error",
    [
        "TOO_MANY_REQUESTS",
        "TOO_MANY_CONCURRENT_REQUESTS",
        "MAINTENANCE",
        "SERVER_ERROR_500",
    ],
)
async def test_busy_gateway_makes_update_fail_until_it_recovers(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    error: str,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    sim.fail("events/fetch", error, count=10)

    await poll(hass, coordinator)
    assert not coordinator.last_update_success
    assert not reauth_flows(hass)

    sim.clear_faults()
    await poll(hass, coordinator)
    assert coordinator.last_update_success


async def test_expired_listener_is_registered_again(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = shutter(sim)
    sim.expire_listener()

    await poll(hass, coordinator)
    assert coordinator.last_update_success
    assert sim.stats.calls["events/register"] >= 2

    # Events reach the new listener.
    await run_to_end(hass, sim, coordinator, action(url, "setClosure", 20))
    assert coordinator.data[url].states[CLOSURE].value == 20


async def test_listener_dead_after_retry_is_registered_by_the_coordinator(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyoverkiz retries once; when that fails too the coordinator registers."""
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = shutter(sim)
    sim.fail("events/fetch", "NO_REGISTERED_EVENT_LISTENER", count=2)
    sim.set_state(url, CLOSURE, 70, kind=1)  # missed: read again

    await poll(hass, coordinator)
    assert coordinator.last_update_success
    assert coordinator.data[url].states[CLOSURE].value == 70
    await run_to_end(hass, sim, coordinator, action(url, "setClosure", 10))
    assert coordinator.data[url].states[CLOSURE].value == 10


async def test_lost_cloud_session_logs_in_again(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = shutter(sim)
    sim.expire_session()

    await poll(hass, coordinator)
    assert coordinator.last_update_success
    assert sim.stats.calls["login"] == 2
    assert not reauth_flows(hass)

    await run_to_end(hass, sim, coordinator, action(url, "close"))
    assert coordinator.data[url].states[CLOSURE].value == 100


async def test_cloud_gateway_down_event(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)

    sim.go_down()
    await poll(hass, coordinator)
    assert not coordinator.gateway_alive
    sim.go_up()
    await poll(hass, coordinator)
    assert coordinator.gateway_alive


@pytest.mark.usefixtures("no_retry_waits")
async def test_gateway_back_while_its_events_were_lost(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cloud outage hides the gateway's return: the resync reads it again."""
    sim = await make_sim(mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    sim.go_down()
    await poll(hass, coordinator)
    assert not coordinator.gateway_alive

    sim.fail("events/fetch", "SERVICE_UNAVAILABLE_503", count=10)
    await poll(hass, coordinator)
    assert not coordinator.last_update_success
    sim.go_up()
    sim.expire_listener()  # its GatewayAliveEvent goes with it
    sim.clear_faults()
    await poll(hass, coordinator)

    assert update_ok(coordinator)
    assert coordinator.gateway_alive


async def test_fast_polling_resumes_after_a_failed_poll(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(speed=1)
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    await coordinator.commands.execute_action_group([action(shutter(sim), "close")])
    sim.fail("events/fetch", "SERVER_ERROR_500")

    await poll(hass, coordinator)
    assert coordinator.update_interval == UPDATE_INTERVAL_LOCAL
    await poll(hass, coordinator)

    assert coordinator.last_update_success
    assert coordinator.executions  # still running
    assert coordinator.update_interval == UPDATE_INTERVAL_EXECUTING
