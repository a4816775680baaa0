"""Diagnostics: queue settings and counters, devices, and nothing secret."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pyoverkiz.models import Action, Command
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.const import CONF_MAX_ACTIONS, DOMAIN
from custom_components.overkiz_batch.diagnostics import (
    async_get_config_entry_diagnostics,
    async_get_device_diagnostics,
)
from simulator import GatewaySimulator
from simulator.houses import DEFAULT_GATEWAY_ID, roller_shutter, setpoint_heater, setup
from tests.gateway_setup import SimFactory, coordinator_of, poll, setup_entry


def secrets(sim: GatewaySimulator) -> list[str]:
    found = [sim.gateway_id, "Simville", "1 simulated street", "48.85"]
    if sim.mode == "local":
        return [*found, sim.token, sim.host]
    return [*found, sim.username, sim.password]


@pytest.mark.parametrize("mode", ["local", "cloud"])
async def test_entry_diagnostics(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    snapshot: SnapshotAssertion,
    mode: str,
) -> None:
    gateway = DEFAULT_GATEWAY_ID
    house = setup(
        gateway,
        [
            roller_shutter(f"io://{gateway}/1001", "Shutter"),
            *setpoint_heater(f"io://{gateway}/4002", "Heater"),
        ],
    )
    sim = await make_sim(mode=mode, house=house)
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_MAX_ACTIONS: 12})
    coordinator = coordinator_of(entry)
    url = f"io://{sim.gateway_id}/1001"
    await coordinator.commands.execute_action_group(
        [Action(device_url=url, commands=[Command(name="close")])]
    )
    await sim.settle()
    await poll(hass, coordinator)

    diagnostics = await async_get_config_entry_diagnostics(hass, entry)

    text = json.dumps(diagnostics)
    for secret in secrets(sim):
        assert secret not in text
    assert diagnostics["queue"]["settings"]["max_actions"] == 12
    assert diagnostics["queue"]["stats"]["batches"] == 1
    assert diagnostics == snapshot


async def test_device_diagnostics(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch, queue_delay=0.0)
    coordinator = coordinator_of(entry)
    url = f"io://{sim.gateway_id}/1001"
    exec_id = await coordinator.commands.execute_action_group(
        [Action(device_url=url, commands=[Command(name="setClosure", parameters=[50])])]
    )
    shutter = device_registry.async_get_device_by_identifier(
        (DOMAIN, url), entry.entry_id
    )
    gateway = device_registry.async_get_device_by_identifier(
        (DOMAIN, sim.gateway_id), entry.entry_id
    )
    assert shutter is not None
    assert gateway is not None

    device = await async_get_device_diagnostics(hass, entry, shutter)
    hub = await async_get_device_diagnostics(hass, entry, gateway)

    assert [d["device_url"] for d in device["devices"]] == ["io://**REDACTED**/1001"]
    assert [e["exec_id"] for e in device["executions"]] == [exec_id]
    assert device["executions"][0]["commands"][0]["parameters"] == [50]
    assert "queue" not in device
    assert hub["queue"]["stats"]["batches"] == 1
    assert hub["devices"] == []
    for secret in secrets(sim):
        assert secret not in json.dumps([device, hub])
