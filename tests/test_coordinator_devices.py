"""The coordinator on the simulated gateway: devices come and go, options, unload."""

from __future__ import annotations

import asyncio

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pyoverkiz.models import Device
import pytest

from custom_components.overkiz_batch.const import (
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    DOMAIN,
)
from simulator import GatewaySimulator
from simulator.devices import SimDevice
from simulator.houses import roller_shutter
from tests.coordinator_helpers import action, pending_sensor, shutter
from tests.gateway_setup import coordinator_of, poll, setup_entry, state_of

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
