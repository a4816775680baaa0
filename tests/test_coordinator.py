"""The coordinator against the simulated gateway: setup, commands and executions."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.overkiz_batch.const import (
    CONF_QUEUE_DELAY,
    DOMAIN,
    EVENT_EXECUTION_FAILED,
    EXECUTION_MAX_AGE,
    UPDATE_INTERVAL_CLOUD,
    UPDATE_INTERVAL_EXECUTING,
    UPDATE_INTERVAL_LOCAL,
)
from simulator import GatewaySimulator
from tests.conftest import shared_dumps
from tests.coordinator_helpers import CLOSURE, action, reauth_flows, shutter
from tests.gateway_setup import SimFactory, coordinator_of, poll, setup_entry

# Setup.


async def test_setup_local(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)

    assert entry.state is ConfigEntryState.LOADED
    coordinator = coordinator_of(entry)
    assert set(coordinator.data) == set(sim.device_urls)
    assert coordinator.update_interval == UPDATE_INTERVAL_LOCAL
    assert sim.stats.calls["events/register"] == 1
    gateway = device_registry.async_get_device_by_identifier(
        (DOMAIN, sim.gateway_id), entry.entry_id
    )
    assert gateway is not None
    assert gateway.id == coordinator.devices.gateway_device_id
    # Every device hangs off the gateway; a "#2" part joins its base device.
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    base_urls = {u.split("#")[0] for u in sim.device_urls}
    assert {next(iter(d.identifiers))[1] for d in devices} == {
        sim.gateway_id,
        *base_urls,
    }
    assert all(d.via_device_id == gateway.id for d in devices if d != gateway)
    # The heater's first part names the device, its sensor part only links to it.
    heater = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"io://{sim.gateway_id}/4002"), entry.entry_id
    )
    assert heater is not None
    assert heater.name == "Living room heater"
    # A local gateway does not tell its model: the vendor's gateway and the last
    # group of its id name it.
    short = sim.gateway_id.rsplit("-", 1)[-1]
    assert gateway.name == f"Somfy gateway {short}"
    state = hass.states.get(f"sensor.somfy_gateway_{short}_pending_actions")
    assert state is not None
    assert state.state == "0"


async def test_setup_cloud(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)

    assert entry.state is ConfigEntryState.LOADED
    coordinator = coordinator_of(entry)
    assert coordinator.update_interval == UPDATE_INTERVAL_CLOUD
    assert set(coordinator.data) == set(sim.device_urls)
    assert sim.stats.calls["login"] == 1


@pytest.mark.usefixtures("no_retry_waits")
@pytest.mark.parametrize(
    "error", ["MAINTENANCE", "TOO_MANY_REQUESTS", "SERVER_ERROR_500"]
)
async def test_setup_retries_later_when_gateway_busy_or_down(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    error: str,
) -> None:
    sim.fail("setup", error, count=5)
    entry = await setup_entry(hass, sim, monkeypatch)
    assert entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.usefixtures("no_retry_waits")
async def test_setup_retries_when_first_poll_fails(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim.fail("events/fetch", "MAINTENANCE", count=5)
    entry = await setup_entry(hass, sim, monkeypatch)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not sim.core.listeners  # the listener it registered is gone again


async def test_setup_with_revoked_token_starts_reauth(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim.revoke_token()
    monkeypatch.setattr(type(sim), "token", property(lambda _: "revoked-token"))
    entry = await setup_entry(hass, sim, monkeypatch)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert len(reauth_flows(hass)) == 1


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda p: Path(p).stem)
async def test_setup_on_real_dumps(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    dump: Path,
) -> None:
    """Every real setup dump (from ../shared, when present) sets up without error."""
    sim = await make_sim(house=dump, mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)
    assert entry.state is ConfigEntryState.LOADED
    coordinator = coordinator_of(entry)
    assert coordinator.data
    assert all(
        d.identifier.gateway_id == sim.gateway_id for d in coordinator.data.values()
    )
    await poll(hass, coordinator)
    assert coordinator.last_update_success
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# Commands and executions.


async def test_concurrent_commands_become_one_execution(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documentation's example, through the coordinator."""
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 0.5})
    coordinator = coordinator_of(entry)
    first, second = shutter(sim, 1), shutter(sim, 2)

    exec_ids = await asyncio.gather(
        coordinator.commands.execute_action_group([action(first, "close")]),
        coordinator.commands.execute_action_group([action(second, "open")]),
    )

    assert exec_ids[0] == exec_ids[1]
    assert sim.stats.calls["exec/apply"] == 1
    await sim.settle()
    assert sim.stats.device_commands[first] == [("close", [])]
    assert sim.stats.device_commands[second] == [("open", [])]


async def test_states_follow_events_and_polling_speeds_up_while_executing(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = shutter(sim, 1)
    assert coordinator.data[url].states[CLOSURE].value == 0

    exec_id = await coordinator.commands.execute_action_group(
        [action(url, "setClosure", 60)]
    )

    assert exec_id in coordinator.executions
    assert [c.command for c in coordinator.executions.commands_for(url)] == [
        "setClosure"
    ]
    assert coordinator.update_interval == UPDATE_INTERVAL_EXECUTING
    await sim.settle()
    await poll(hass, coordinator)
    assert coordinator.data[url].states[CLOSURE].value == 60
    assert not coordinator.executions
    assert coordinator.update_interval == UPDATE_INTERVAL_LOCAL


async def test_fast_poll_is_scheduled_at_once(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The next poll comes a second after a command, not at the idle interval."""
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    await coordinator.commands.execute_action_group([action(shutter(sim), "close")])
    fetches = sim.stats.calls["events/fetch"]

    async_fire_time_changed(hass, dt_util.utcnow() + UPDATE_INTERVAL_EXECUTING)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert sim.stats.calls["events/fetch"] == fetches + 1


async def test_execution_never_ending_is_forgotten(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(speed=1)  # the close runs far longer than the test
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    now = dt_util.utcnow()
    coordinator.executions.clock = lambda: now
    url = shutter(sim)
    await coordinator.commands.execute_action_group([action(url, "close")])
    await poll(hass, coordinator)
    assert coordinator.executions.commands_for(url)

    now += EXECUTION_MAX_AGE - timedelta(seconds=1)
    await poll(hass, coordinator)
    assert coordinator.executions.commands_for(url)
    now += timedelta(seconds=1)
    await poll(hass, coordinator)

    assert not coordinator.executions
    assert coordinator.update_interval == UPDATE_INTERVAL_LOCAL


async def test_failed_execution_fires_event(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A move interrupted by a newer command fails with CMDCANCELLED."""
    sim = await make_sim(speed=1)  # the first move is still running
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    events: list[Event] = []
    hass.bus.async_listen(EVENT_EXECUTION_FAILED, events.append)
    url = shutter(sim)

    first = await coordinator.commands.execute_action_group(
        [action(url, "close")], entity_id="cover.probe"
    )
    second = await coordinator.commands.execute_action_group([action(url, "open")])
    await sim.settle()
    await poll(hass, coordinator)

    assert first != second
    assert [e.data for e in events] == [
        {
            "entity_id": "cover.probe",
            "device_url": url,
            "command": "close",
            "failure_type": "CMDCANCELLED",
            "exec_id": first,
        }
    ]
    assert not coordinator.executions


async def test_execution_ended_before_its_id_was_known(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An end seen in a poll that raced exec/apply still ends the execution."""
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = shutter(sim)
    real_execute = coordinator.client.execute_action_group

    async def execute_then_poll(**kwargs: Any) -> str:
        exec_id = await real_execute(**kwargs)
        await sim.settle()
        await coordinator.async_refresh()  # sees the end first
        return exec_id

    monkeypatch.setattr(coordinator.client, "execute_action_group", execute_then_poll)
    await coordinator.commands.execute_action_group([action(url, "close")])

    assert not coordinator.executions
    assert coordinator.update_interval == UPDATE_INTERVAL_LOCAL
