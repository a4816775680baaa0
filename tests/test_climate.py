"""Heaters against the simulated gateway: modes, presets, setpoints, real setups."""

from __future__ import annotations

import logging
from pathlib import Path

from homeassistant.components.climate import (
    ATTR_CURRENT_TEMPERATURE,
    ATTR_HVAC_ACTION,
    ATTR_MAX_TEMP,
    ATTR_MIN_TEMP,
    ATTR_PRESET_MODE,
    DOMAIN as CLIMATE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import ATTR_TEMPERATURE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.climate_entity import OverkizBatchClimate
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.conftest import shared_dumps
from tests.gateway_setup import entity_of, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

LEVEL_HEATER = "climate.bathroom_heater"
URL_LEVEL = f"io://{GW}/4001"
SETPOINT_HEATER = "climate.living_room_heater"
URL_SETPOINT = f"io://{GW}/4002#1"
VALVE = "climate.bedroom_valve"
URL_VALVE = f"io://{GW}/5001#1"


def attrs(hass: HomeAssistant, entity_id: str) -> dict[str, object]:
    state = hass.states.get(entity_id)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_heating_level_heater(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        assert attrs(hass, LEVEL_HEATER)["state"] == "heat"
        assert attrs(hass, LEVEL_HEATER)[ATTR_PRESET_MODE] == "eco"
        await gw.call(
            CLIMATE,
            SERVICE_SET_PRESET_MODE,
            LEVEL_HEATER,
            preset_mode="comfort-1",
        )
        await gw.sync()
        assert attrs(hass, LEVEL_HEATER)[ATTR_PRESET_MODE] == "comfort-1"
        await gw.call(CLIMATE, SERVICE_TURN_OFF, LEVEL_HEATER)
        await gw.sync()
        assert attrs(hass, LEVEL_HEATER)["state"] == "off"
        assert attrs(hass, LEVEL_HEATER)[ATTR_PRESET_MODE] is None
        await gw.call(CLIMATE, SERVICE_SET_HVAC_MODE, LEVEL_HEATER, hvac_mode="heat")
        await gw.sync()
        assert attrs(hass, LEVEL_HEATER)["state"] == "heat"
        assert attrs(hass, LEVEL_HEATER)[ATTR_PRESET_MODE] == "comfort"
        assert gw.commands(URL_LEVEL) == [
            ("setHeatingLevel", ["comfort-1"]),
            ("setHeatingLevel", ["off"]),
            ("setHeatingLevel", ["comfort"]),
        ]


async def test_setpoint_heater(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        state = attrs(hass, SETPOINT_HEATER)
        assert state["state"] == "heat"
        assert state[ATTR_TEMPERATURE] == 19.0
        assert state[ATTR_CURRENT_TEMPERATURE] == 18.5
        assert state[ATTR_MAX_TEMP] == 28.0
        await gw.call(
            CLIMATE, SERVICE_SET_TEMPERATURE, SETPOINT_HEATER, temperature=21.5
        )
        await gw.sync()
        assert attrs(hass, SETPOINT_HEATER)[ATTR_TEMPERATURE] == 21.5
        await gw.call(CLIMATE, SERVICE_SET_HVAC_MODE, SETPOINT_HEATER, hvac_mode="auto")
        await gw.sync()
        assert attrs(hass, SETPOINT_HEATER)["state"] == "auto"
        await gw.call(
            CLIMATE, SERVICE_SET_PRESET_MODE, SETPOINT_HEATER, preset_mode="eco"
        )
        await gw.sync()
        assert attrs(hass, SETPOINT_HEATER)[ATTR_PRESET_MODE] == "eco"
        await gw.call(CLIMATE, SERVICE_TURN_OFF, SETPOINT_HEATER)
        await gw.sync()
        assert attrs(hass, SETPOINT_HEATER)["state"] == "off"
        await gw.call(CLIMATE, SERVICE_TURN_ON, SETPOINT_HEATER)
        await gw.sync()
        assert attrs(hass, SETPOINT_HEATER)["state"] != "off"
        assert gw.commands(URL_SETPOINT)[:4] == [
            ("setTargetTemperature", [21.5]),
            ("setOperatingMode", ["internal"]),
            ("setHeatingLevel", ["eco"]),
            ("setOperatingMode", ["standby"]),
        ]
        assert gw.commands(URL_SETPOINT)[4][0] == "setOperatingMode"


async def test_valve(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        state = attrs(hass, VALVE)
        assert state["state"] == "heat"
        assert state[ATTR_MIN_TEMP] == 5
        assert state[ATTR_MAX_TEMP] == 26
        assert state[ATTR_CURRENT_TEMPERATURE] == 19.5
        assert state[ATTR_HVAC_ACTION] == "heating"
        assert state[ATTR_PRESET_MODE] == "comfort"
        await gw.call(CLIMATE, SERVICE_SET_TEMPERATURE, VALVE, temperature=22)
        await gw.sync()
        assert attrs(hass, VALVE)[ATTR_TEMPERATURE] == 22
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, VALVE, preset_mode="eco")
        await gw.sync()
        assert attrs(hass, VALVE)[ATTR_PRESET_MODE] == "eco"
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, VALVE, preset_mode="manual")
        await gw.sync()
        assert gw.commands(URL_VALVE) == [
            ("setDerogation", [22.0, "further_notice"]),
            ("setDerogation", ["eco", "further_notice"]),
            ("setDerogation", [22.0, "further_notice"]),
        ]


async def test_temperature_out_of_range(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        with pytest.raises(ServiceValidationError):
            await gw.call(CLIMATE, SERVICE_SET_TEMPERATURE, VALVE, temperature=30)
        valve = entity_of(hass, VALVE)
        assert isinstance(valve, OverkizBatchClimate)
        with pytest.raises(ServiceValidationError) as err:
            await valve.async_set_temperature(temperature=4)
        assert err.value.translation_key == "temperature_out_of_range"
        assert gw.commands(URL_VALVE) == []


async def test_unknown_preset_is_refused(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        with pytest.raises(ServiceValidationError):
            await gw.call(
                CLIMATE,
                SERVICE_SET_PRESET_MODE,
                LEVEL_HEATER,
                preset_mode="away",
            )
        heater = entity_of(hass, LEVEL_HEATER)
        assert isinstance(heater, OverkizBatchClimate)
        with pytest.raises(ServiceValidationError) as err:
            await heater.async_set_preset_mode("away")
        assert err.value.translation_key == "unsupported_preset_mode"
        assert gw.commands(URL_LEVEL) == []


SUPPORTED_WIDGETS = {
    "AtlanticElectricalHeater",
    "AtlanticElectricalHeaterWithAdjustableTemperatureSetpoint",
    "AtlanticElectricalTowelDryer",
    "AtlanticHeatRecoveryVentilation",
    "SomfyThermostat",
    "ValveHeatingTemperatureInterface",
    # Not on the shared dumps; tested on the simulator.
    "AtlanticPassAPCHeatPump",
    "AtlanticPassAPCZoneControl",
    "AtlanticPassAPCHeatingZone",
    "AtlanticPassAPCHeatingAndCoolingZone",
    "EvoHomeController",
    "HitachiAirToAirHeatPump",
    "HitachiAirToWaterHeatingZone",
    "SomfyHeatingTemperatureInterface",
    "ThermostatHeatingTemperatureInterface",
}


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with gateway(hass, Platform.CLIMATE, house=str(dump)) as gw:
        expected = {
            d.device_url
            for d in gw.coordinator.data.values()
            if str(d.widget) in SUPPORTED_WIDGETS
        }
        entries = er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        )
        assert {e.unique_id for e in entries} == expected
        for entry in entries:
            assert hass.states.get(entry.entity_id) is not None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
