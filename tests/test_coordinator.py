"""The coordinator against the simulated gateway: setup, events, executions, errors."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
from pathlib import Path
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pyoverkiz.models import Action, Command, Device
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.overkiz_batch.const import (
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    DOMAIN,
    EVENT_EXECUTION_FAILED,
    EXECUTION_MAX_AGE,
    UPDATE_INTERVAL_CLOUD,
    UPDATE_INTERVAL_EXECUTING,
    UPDATE_INTERVAL_LOCAL,
)
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from simulator import GatewaySimulator
from simulator.devices import SimDevice
from simulator.houses import roller_shutter
from tests.conftest import shared_dumps
from tests.gateway_setup import (
    SimFactory,
    coordinator_of,
    poll,
    setup_entry,
    state_of,
    update_ok,
)

CLOSURE = "core:ClosureState"


def shutter(sim: GatewaySimulator, number: int = 1) -> str:
    return f"io://{sim.gateway_id}/{1000 + number}"


def action(device_url: str, name: str, *params: Any) -> Action:
    return Action(
        device_url=device_url,
        commands=[Command(name=name, parameters=list(params) or None)],
    )


async def run_to_end(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    coordinator: OverkizBatchCoordinator,
    *actions: Action,
) -> str:
    """Run actions, let the gateway finish them and fetch the events."""
    exec_id = await coordinator.commands.execute_action_group(list(actions))
    await sim.settle()
    await poll(hass, coordinator)
    return exec_id


def pending_sensor(hass: HomeAssistant) -> str:
    """The entity id of the pending actions sensor."""
    return next(
        s.entity_id for s in hass.states.async_all("sensor") if "pending" in s.entity_id
    )


def reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


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
    # The gateway is named by its model and the last group of its id.
    short = sim.gateway_id.rsplit("-", 1)[-1]
    assert gateway.name == f"TaHoma Switch {short}"
    state = hass.states.get(f"sensor.tahoma_switch_{short}_pending_actions")
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


# Devices appearing and disappearing.


async def test_devices_added_and_removed_without_restart(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    announced: list[list[Device]] = []
    coordinator.async_add_devices_listener(announced.append)
    new_url = f"io://{sim.gateway_id}/9001"

    raw = roller_shutter(new_url, "New shutter")
    sim.core.house["devices"].append(raw)
    sim.core.devices[new_url] = SimDevice(raw)
    sim.core.emit({"name": "DeviceCreatedEvent", "deviceURL": new_url})
    await poll(hass, coordinator)

    assert [[d.device_url for d in batch] for batch in announced] == [[new_url]]
    assert new_url in coordinator.data
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, new_url), entry.entry_id
    )
    assert device is not None
    assert device.via_device_id == coordinator.devices.gateway_device_id

    sim.core.house["devices"].remove(raw)
    del sim.core.devices[new_url]
    sim.core.emit({"name": "DeviceRemovedEvent", "deviceURL": new_url})
    await poll(hass, coordinator)

    assert new_url not in coordinator.data
    assert (
        device_registry.async_get_device_by_identifier(
            (DOMAIN, new_url), entry.entry_id
        )
        is None
    )


async def test_device_gone_while_events_were_lost(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = shutter(sim, 5)
    sim.core.house["devices"] = [
        d for d in sim.core.house["devices"] if d["deviceURL"] != url
    ]
    del sim.core.devices[url]
    sim.expire_listener()

    await poll(hass, coordinator)

    assert url not in coordinator.data
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, url), entry.entry_id)
        is None
    )


async def test_removed_part_keeps_its_device(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    base = f"io://{sim.gateway_id}/4002"

    sim.core.emit({"name": "DeviceRemovedEvent", "deviceURL": f"{base}#2"})
    await poll(hass, coordinator)

    assert f"{base}#2" not in coordinator.data
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, base), entry.entry_id
    )


async def test_device_unavailable_event(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = shutter(sim)

    sim.core.emit({"name": "DeviceUnavailableEvent", "deviceURL": url})
    await poll(hass, coordinator)
    assert not coordinator.data[url].available
    sim.core.emit({"name": "DeviceAvailableEvent", "deviceURL": url})
    await poll(hass, coordinator)
    assert coordinator.data[url].available


# Options and unload.


async def test_options_change_applies_live_and_loses_nothing(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 5.0})
    coordinator = coordinator_of(entry)
    urls = [shutter(sim, n) for n in range(1, 4)]
    calls = [
        asyncio.ensure_future(
            coordinator.commands.execute_action_group([action(u, "close")])
        )
        for u in urls
    ]
    await asyncio.sleep(0)
    assert coordinator.commands.get_pending_actions_count() == 3

    hass.config_entries.async_update_entry(
        entry, options={CONF_QUEUE_DELAY: 0.0, CONF_MAX_ACTIONS: 2}
    )
    await hass.async_block_till_done()
    assert coordinator.commands.queue.settings.delay == 0.0
    assert coordinator.commands.queue.settings.max_actions == 2

    await coordinator.commands.flush_action_queue()
    exec_ids = await asyncio.gather(*calls)
    assert len(set(exec_ids)) == 1
    await sim.settle()
    assert {u: sim.stats.device_commands[u] for u in urls} == {
        u: [("close", [])] for u in urls
    }


async def test_unload_sends_queued_commands_then_unregisters(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 30.0})
    coordinator = coordinator_of(entry)
    url = shutter(sim)
    call = asyncio.ensure_future(
        coordinator.commands.execute_action_group([action(url, "close")])
    )
    await asyncio.sleep(0)
    assert sim.stats.calls["exec/apply"] == 0

    assert await hass.config_entries.async_unload(entry.entry_id)

    assert await call
    assert sim.stats.calls["exec/apply"] == 1
    assert sim.stats.calls["events/unregister"] == 1
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not sim.core.listeners


@pytest.mark.usefixtures("no_retry_waits")
async def test_unload_while_gateway_is_down(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    sim.go_down()
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_unload_after_a_new_login_unregisters_the_old_listener(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every listener is unregistered (2.1 registers a new one at the new login, 2.3
    clears the id until the next fetch)."""
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    sim.fail("exec/apply", "NOT_AUTHENTICATED")  # the client logs in again
    await coordinator.commands.execute_action_group([action(shutter(sim), "close")])

    assert await hass.config_entries.async_unload(entry.entry_id)

    registered = sim.stats.calls["events/register"]
    assert sim.stats.calls["events/unregister"] == registered
    assert not sim.core.listeners


async def test_pending_actions_sensor(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 30.0})
    coordinator = coordinator_of(entry)
    sensor = pending_sensor(hass)
    calls = [
        asyncio.ensure_future(
            coordinator.commands.execute_action_group(
                [action(shutter(sim, n), "close")]
            )
        )
        for n in (1, 2)
    ]
    await asyncio.sleep(0)  # the calls queue their actions
    await hass.async_block_till_done()  # the sensor is told
    assert state_of(hass, sensor) == "2"

    await coordinator.commands.flush_action_queue()
    await asyncio.gather(*calls)
    assert state_of(hass, sensor) == "0"


async def test_pending_actions_sensor_after_its_callers_gave_up(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled callers' commands are still sent; the count follows them."""
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 30.0})
    coordinator = coordinator_of(entry)
    sensor = pending_sensor(hass)
    call = asyncio.ensure_future(
        coordinator.commands.execute_action_group([action(shutter(sim), "close")])
    )
    await asyncio.sleep(0)
    await hass.async_block_till_done()
    assert state_of(hass, sensor) == "1"
    call.cancel()
    await hass.async_block_till_done()

    await coordinator.commands.flush_action_queue()
    await hass.async_block_till_done()

    assert sim.stats.calls["exec/apply"] == 1
    assert state_of(hass, sensor) == "0"
