"""Selects against the simulated gateway: an option runs its command, the device's
state follows, options the device cannot take are not offered.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from simulator.controls import controls_house, pedestrian_gate
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.conftest import shared_dumps
from tests.core_overkiz import core_enabled_unique_ids
from tests.gateway_setup import Gateway, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

HOUSE = "controls"
GATE = "select.front_gate_position"
URL_GATE = f"io://{GW}/6001"
DOOR = "select.garage_door_position"
URL_DOOR = f"io://{GW}/6002"
ZONES = "select.alarm_active_zones"
URL_ALARM = f"io://{GW}/6303"


def option_of(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def select(gw: Gateway, entity_id: str, option: str) -> None:
    await gw.call(
        SELECT_DOMAIN, SERVICE_SELECT_OPTION, entity_id, **{ATTR_OPTION: option}
    )


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.SELECT, house=HOUSE) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_pedestrian_gate(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SELECT, house=HOUSE) as gw:
        assert option_of(hass, GATE) == "closed"
        await select(gw, GATE, "pedestrian")
        await gw.sync()
        assert option_of(hass, GATE) == "pedestrian"
        await select(gw, GATE, "open")
        await gw.sync()
        assert option_of(hass, GATE) == "open"
        await select(gw, GATE, "closed")
        await gw.sync()
        assert option_of(hass, GATE) == "closed"
        assert gw.commands(URL_GATE) == [
            ("setPedestrianPosition", []),
            ("open", []),
            ("close", []),
        ]


async def test_partial_garage_door(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SELECT, house=HOUSE) as gw:
        await select(gw, DOOR, "partial")
        await gw.sync()
        assert option_of(hass, DOOR) == "partial"
        assert gw.sim.state(URL_DOOR, "core:ClosureState") == 80
        await select(gw, DOOR, "open")
        await gw.sync()
        assert option_of(hass, DOOR) == "open"
        assert gw.commands(URL_DOOR) == [("partialPosition", []), ("open", [])]


async def test_alarm_zones(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SELECT, house=HOUSE) as gw:
        # No zone armed (an empty state) has a name, and no empty option.
        state = hass.states.get(ZONES)
        assert state is not None
        assert "" not in state.attributes[ATTR_OPTIONS]
        assert option_of(hass, ZONES) == "none"
        await select(gw, ZONES, "A,C")
        await gw.sync()
        assert option_of(hass, ZONES) == "A,C"
        # No zone: the alarm is switched off.
        await select(gw, ZONES, "none")
        await gw.sync()
        assert gw.sim.state(URL_ALARM, "core:ActiveZonesState") == ""
        assert option_of(hass, ZONES) == "none"
        assert gw.commands(URL_ALARM) == [("alarmZoneOn", ["A,C"]), ("alarmOff", [])]


@pytest.mark.parametrize(
    ("entity_id", "option", "device_url", "command"),
    [
        (
            "select.indoor_siren_memorized_volume",
            "highest",
            f"io://{GW}/6304",
            ("setMemorizedSimpleVolume", ["highest"]),
        ),
        (
            "select.heating_interface_operating_mode",
            "cooling",
            f"ovp://{GW}/6401",
            ("setOperatingMode", ["cooling"]),
        ),
    ],
)
async def test_option_is_the_command_parameter(
    hass: HomeAssistant,
    entity_id: str,
    option: str,
    device_url: str,
    command: tuple[str, list[Any]],
) -> None:
    async with gateway(hass, Platform.SELECT, house=HOUSE) as gw:
        await select(gw, entity_id, option)
        await gw.sync()
        assert gw.commands(device_url) == [command]
        assert option_of(hass, entity_id) == option


async def test_unknown_option_is_refused(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SELECT, house=HOUSE) as gw:
        with pytest.raises(ServiceValidationError):
            await select(gw, ZONES, "D")
        await gw.sync()
        assert gw.commands(URL_ALARM) == []


async def test_only_options_the_device_can_take(hass: HomeAssistant) -> None:
    house = controls_house()
    gate = pedestrian_gate(f"io://{GW}/6901", "Side gate")
    gate["definition"]["commands"] = [
        c
        for c in gate["definition"]["commands"]
        if c["commandName"] != "setPedestrianPosition"
    ]
    house["devices"].append(gate)
    async with gateway(hass, Platform.SELECT, house=house):
        state = hass.states.get("select.side_gate_position")
        assert state is not None
        assert state.attributes[ATTR_OPTIONS] == ["open", "closed"]


async def test_new_device_gets_its_select(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SELECT, house=HOUSE) as gw:
        url = f"io://{GW}/6902"
        gw.sim.add_device(pedestrian_gate(url, "Garden gate"))
        await gw.poll()
        await select(gw, "select.garden_gate_position", "pedestrian")
        await gw.sync()
        assert gw.commands(url) == [("setPedestrianPosition", [])]
        assert option_of(hass, "select.garden_gate_position") == "pedestrian"


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every select core enables on the same devices, with core's unique id."""
    async with gateway(hass, Platform.SELECT, house=str(dump)) as gw:
        ours = {
            e.unique_id
            for e in er.async_entries_for_config_entry(
                er.async_get(hass), gw.entry.entry_id
            )
        }
        core = core_enabled_unique_ids(Platform.SELECT, gw.coordinator.data.values())
        assert core <= ours
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
