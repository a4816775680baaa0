"""Heat pumps and thermostats on the simulator: Pass APC, Hitachi, Somfy, EvoHome."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import (
    ATTR_CURRENT_TEMPERATURE,
    ATTR_FAN_MODE,
    ATTR_HVAC_ACTION,
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    ATTR_SWING_MODE,
    DOMAIN as CLIMATE,
    SERVICE_SET_FAN_MODE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_SWING_MODE,
    SERVICE_SET_TEMPERATURE,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.climate_entity import OverkizBatchClimate
from simulator.climate_houses import climate_house
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import Gateway, entity_of, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

APC = f"io://{GW}/8001"
PUMP, CONTROL = "climate.heat_pump_pump", "climate.heat_pump"
ZONE, CONTROLLED = "climate.heat_pump_living_room", "climate.heat_pump_bedroom"
WIFI, URL_WIFI = "climate.office_ac", f"hlrrwifi://{GW}/8101"
OVP, URL_OVP = "climate.bedroom_ac", f"ovp://{GW}/8102"
WATER, URL_WATER = "climate.floor_heating", f"modbus://{GW}/8201#1"
FLOOR, URL_FLOOR = "climate.floor_thermostat", f"ovp://{GW}/8301#1"
EVO, URL_EVO = "climate.evohome", f"ramses://{GW}/8401"


def attrs(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    state = hass.states.get(entity_id)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def call(gw: Gateway, service: str, entity_id: str, **data: Any) -> None:
    await gw.call(CLIMATE, service, entity_id, **data)
    await gw.sync()


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_pass_apc_pump_and_zone_control(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        assert attrs(hass, PUMP)["state"] == "heat"
        await call(gw, SERVICE_SET_HVAC_MODE, PUMP, hvac_mode="cool")
        assert attrs(hass, PUMP)["state"] == "cool"
        assert attrs(hass, CONTROL)["state"] == "heat"
        await call(gw, SERVICE_SET_HVAC_MODE, CONTROL, hvac_mode="auto")
        assert attrs(hass, CONTROL)["state"] == "auto"
        await call(gw, SERVICE_SET_HVAC_MODE, CONTROL, hvac_mode="dry")
        assert attrs(hass, CONTROL)["state"] == "dry"
        assert gw.commands(f"{APC}#2") == [("setPassAPCOperatingMode", ["cooling"])]
        assert gw.commands(f"{APC}#1") == [
            ("setHeatingCoolingAutoSwitch", ["on"]),
            ("setHeatingCoolingAutoSwitch", ["off"]),
            ("setPassAPCOperatingMode", ["drying"]),
        ]


async def test_pass_apc_heating_zone(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        state = attrs(hass, ZONE)
        assert state["state"] == "auto"
        assert state[ATTR_PRESET_MODE] == "comfort"  # what the programme runs
        assert state[ATTR_CURRENT_TEMPERATURE] == 19.5  # the next sub-device
        # In the programme a setpoint changes comfort.
        await call(gw, SERVICE_SET_TEMPERATURE, ZONE, temperature=21)
        assert attrs(hass, ZONE)[ATTR_TEMPERATURE] == 21
        # In heat it derogates, switched on in the same action.
        await call(gw, SERVICE_SET_HVAC_MODE, ZONE, hvac_mode="heat")
        await call(gw, SERVICE_SET_TEMPERATURE, ZONE, temperature=22.5)
        assert attrs(hass, ZONE)[ATTR_TEMPERATURE] == 22.5
        # A new mode ends the derogation.
        await call(gw, SERVICE_SET_PRESET_MODE, ZONE, preset_mode="eco")
        state = attrs(hass, ZONE)
        assert state[ATTR_PRESET_MODE] == "eco"
        assert state[ATTR_TEMPERATURE] == 17
        assert gw.commands(f"{APC}#4") == [
            ("setComfortHeatingTargetTemperature", [21.0]),
            ("setPassAPCHeatingMode", ["comfort"]),
            ("setDerogatedTargetTemperature", [22.5]),
            ("setDerogationOnOffState", ["on"]),
            ("setPassAPCHeatingMode", ["eco"]),
            ("setDerogationOnOffState", ["off"]),
        ]


async def test_pass_apc_zone_of_a_zone_control(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        state = attrs(hass, CONTROLLED)
        assert state["state"] == "heat"
        assert state[ATTR_PRESET_MODE] == "manual"
        assert state[ATTR_HVAC_ACTION] == "heating"
        await call(gw, SERVICE_SET_TEMPERATURE, CONTROLLED, temperature=20.5)
        assert attrs(hass, CONTROLLED)[ATTR_TEMPERATURE] == 20.5
        await call(gw, SERVICE_SET_PRESET_MODE, CONTROLLED, preset_mode="schedule")
        assert attrs(hass, CONTROLLED)[ATTR_PRESET_MODE] == "schedule"
        await call(gw, SERVICE_SET_HVAC_MODE, CONTROLLED, hvac_mode="off")
        assert attrs(hass, CONTROLLED)["state"] == "off"
        assert gw.commands(f"{APC}#6") == [
            ("setHeatingTargetTemperature", [20.5]),
            ("setDerogationOnOffState", ["on"]),
            ("setPassAPCHeatingMode", ["internalScheduling"]),
            ("setPassAPCCoolingMode", ["internalScheduling"]),
            ("setCoolingOnOffState", ["off"]),
            ("setHeatingOnOffState", ["off"]),
        ]


async def test_hitachi_global_control(hass: HomeAssistant) -> None:
    """One setting changed: every other one sent back as the unit reports it."""
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        assert attrs(hass, WIFI)[ATTR_CURRENT_TEMPERATURE] == 21
        await call(gw, SERVICE_SET_FAN_MODE, WIFI, fan_mode="high")
        await call(gw, SERVICE_SET_SWING_MODE, WIFI, swing_mode="vertical")
        await call(gw, SERVICE_SET_TEMPERATURE, WIFI, temperature=24)
        await call(gw, SERVICE_SET_PRESET_MODE, WIFI, preset_mode="holiday_mode")
        await call(gw, SERVICE_SET_HVAC_MODE, WIFI, hvac_mode="off")
        state = attrs(hass, WIFI)
        assert state["state"] == "off"
        assert state[ATTR_FAN_MODE] == "high"
        assert state[ATTR_SWING_MODE] == "vertical"
        assert state[ATTR_PRESET_MODE] == "holiday_mode"
        assert state[ATTR_TEMPERATURE] == 24
        assert gw.commands(URL_WIFI) == [
            ("globalControl", ["on", 22, "high", "heating", "stop", "off"]),
            ("globalControl", ["on", 22, "high", "heating", "vertical", "off"]),
            ("globalControl", ["on", 24, "high", "heating", "vertical", "off"]),
            ("globalControl", ["on", 24, "high", "heating", "vertical", "on"]),
            ("globalControl", ["off", 24, "high", "heating", "vertical", "on"]),
        ]


async def test_hitachi_ovp_auto_offset_and_holidays(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        await call(gw, SERVICE_SET_HVAC_MODE, OVP, hvac_mode="auto")
        state = attrs(hass, OVP)
        assert state["state"] == "auto"  # reported as "auto heating"
        assert state[ATTR_TEMPERATURE] == 22  # sent as 25 °C - 3, auto's lowest
        unit = entity_of(hass, OVP)
        assert isinstance(unit, OverkizBatchClimate)
        assert (unit.min_temp, unit.max_temp) == (22, 28)
        with pytest.raises(ServiceValidationError):
            await unit.async_set_temperature(temperature=30)
        await call(gw, SERVICE_SET_FAN_MODE, OVP, fan_mode="low")
        await call(gw, SERVICE_SET_PRESET_MODE, OVP, preset_mode="holiday_mode")
        assert attrs(hass, OVP)[ATTR_PRESET_MODE] == "holiday_mode"
        assert gw.commands(URL_OVP) == [
            ("globalControl", ["on", -3, "auto", "auto", "manu"]),
            ("globalControl", ["on", -3, "lo", "auto", "manu"]),
            ("setHolidays", ["on"]),
        ]


async def test_hitachi_refuses_unknown_settings(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        unit = entity_of(hass, WIFI)
        assert isinstance(unit, OverkizBatchClimate)
        for call_it, key in (
            (unit.async_set_fan_mode("turbo"), "unsupported_fan_mode"),
            (unit.async_set_swing_mode("circle"), "unsupported_swing_mode"),
            (unit.async_set_preset_mode("eco"), "unsupported_preset_mode"),
            (unit.async_set_temperature(temperature=40), "temperature_out_of_range"),
        ):
            with pytest.raises(ServiceValidationError) as err:
                await call_it
            assert err.value.translation_key == key
        assert gw.commands(URL_WIFI) == []


async def test_hitachi_water_zone(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        state = attrs(hass, WATER)
        assert state["state"] == "heat"
        assert state[ATTR_CURRENT_TEMPERATURE] == 20.5
        await call(gw, SERVICE_SET_HVAC_MODE, WATER, hvac_mode="auto")
        await call(gw, SERVICE_SET_PRESET_MODE, WATER, preset_mode="eco")
        await call(gw, SERVICE_SET_TEMPERATURE, WATER, temperature=19.5)
        state = attrs(hass, WATER)
        assert (state["state"], state[ATTR_PRESET_MODE]) == ("auto", "eco")
        assert state[ATTR_TEMPERATURE] == 19.5
        assert gw.commands(URL_WATER) == [
            ("setAutoManuMode", ["auto"]),
            ("setTargetMode", ["eco"]),
            ("setThermostatSettingControlZone1", [19.5]),
        ]


async def test_somfy_heating_interface(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        state = attrs(hass, FLOOR)
        assert state["state"] == "auto"
        assert state[ATTR_TEMPERATURE] == 19
        assert state[ATTR_HVAC_ACTION] == "heating"
        await call(gw, SERVICE_SET_PRESET_MODE, FLOOR, preset_mode="eco")
        await call(gw, SERVICE_SET_TEMPERATURE, FLOOR, temperature=16.5)
        state = attrs(hass, FLOOR)
        assert state["state"] == "heat_cool"
        assert state[ATTR_TEMPERATURE] == 16.5
        await call(gw, SERVICE_SET_HVAC_MODE, FLOOR, hvac_mode="off")
        assert attrs(hass, FLOOR)["state"] == "off"
        # From off, on and the mode go as one action.
        await call(gw, SERVICE_SET_HVAC_MODE, FLOOR, hvac_mode="auto")
        assert attrs(hass, FLOOR)["state"] == "auto"
        await call(gw, SERVICE_SET_PRESET_MODE, FLOOR, preset_mode="none")
        with pytest.raises(ServiceValidationError):
            await call(gw, SERVICE_SET_TEMPERATURE, FLOOR, temperature=20)
        assert gw.commands(URL_FLOOR) == [
            ("setManuAndSetPointModes", ["eco"]),
            ("setEcoTemperature", [16.5]),
            ("setOnOff", ["off"]),
            ("setOnOff", ["on"]),
            ("setActiveMode", ["auto"]),
            ("setManuAndSetPointModes", ["free"]),
        ]


async def test_evohome(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to("2026-12-01 10:30:00+01:00")
    await hass.config.async_set_time_zone("Europe/Paris")
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        assert attrs(hass, EVO)[ATTR_PRESET_MODE] == "none"
        await call(gw, SERVICE_SET_PRESET_MODE, EVO, preset_mode="day_off")
        state = attrs(hass, EVO)
        assert (state["state"], state[ATTR_PRESET_MODE]) == ("off", "day_off")
        await call(gw, SERVICE_SET_PRESET_MODE, EVO, preset_mode="holidays")
        await call(gw, SERVICE_SET_HVAC_MODE, EVO, hvac_mode="auto")
        assert attrs(hass, EVO)["state"] == "auto"
        assert gw.commands(URL_EVO) == [
            ("setOperatingMode", ["day-off", "2026/12/02 00:00"]),
            ("setOperatingMode", ["holidays", "2026/12/08 00:00"]),
            ("setOperatingMode", ["auto"]),
        ]


async def test_evohome_back_to_its_programme(hass: HomeAssistant) -> None:
    """None is offered: it ends holidays, the controller runs its programme."""
    async with gateway(hass, Platform.CLIMATE, house=climate_house()) as gw:
        assert attrs(hass, EVO)[ATTR_PRESET_MODES] == ["none", "day_off", "holidays"]
        await call(gw, SERVICE_SET_PRESET_MODE, EVO, preset_mode="none")
        assert gw.commands(URL_EVO) == []  # already in its programme
        gw.sim.set_state(URL_EVO, "ramses:RAMSESOperatingModeState", "holidays")
        await gw.poll()
        await call(gw, SERVICE_SET_PRESET_MODE, EVO, preset_mode="none")
        state = attrs(hass, EVO)
        assert (state["state"], state[ATTR_PRESET_MODE]) == ("auto", "none")
        assert gw.commands(URL_EVO) == [("setOperatingMode", ["auto"])]


async def test_zone_control_zone_that_derogates(hass: HomeAssistant) -> None:
    """A zone of a zone control with its own derogation runs as a heating zone."""
    house = climate_house()
    zone = next(d for d in house["devices"] if d["deviceURL"] == f"{APC}#6")
    zone["definition"]["commands"].append(
        {"commandName": "setDerogatedTargetTemperature", "nparams": 1}
    )
    async with gateway(hass, Platform.CLIMATE, house=house) as gw:
        state = attrs(hass, CONTROLLED)
        assert state["state"] == "heat"
        assert state[ATTR_PRESET_MODE] is None  # "manu" is no heating-zone preset
        await call(gw, SERVICE_SET_HVAC_MODE, CONTROLLED, hvac_mode="auto")
        await call(gw, SERVICE_SET_PRESET_MODE, CONTROLLED, preset_mode="away")
        await call(gw, SERVICE_SET_TEMPERATURE, CONTROLLED, temperature=18)
        state = attrs(hass, CONTROLLED)
        assert state[ATTR_PRESET_MODE] == "away"  # the mode, not the derogation
        assert ATTR_HVAC_ACTION not in state
        assert gw.commands(f"{APC}#6") == [
            ("setPassAPCHeatingMode", ["internalScheduling"]),
            ("setPassAPCHeatingMode", ["absence"]),
            ("setDerogatedTargetTemperature", [18.0]),
            ("setDerogationOnOffState", ["on"]),
        ]
        entity = entity_of(hass, CONTROLLED)
        assert isinstance(entity, OverkizBatchClimate)
        assert entity.target_temperature_high is None
        assert entity.target_temperature_low is None


async def test_zone_control_zone_heating_and_cooling(hass: HomeAssistant) -> None:
    house = climate_house()
    zone = next(d for d in house["devices"] if d["deviceURL"] == f"{APC}#6")
    for state in zone["states"]:
        if state["name"] == "core:ThermalConfigurationState":
            state["value"] = "heatingAndCooling"
    async with gateway(hass, Platform.CLIMATE, house=house) as gw:
        state = attrs(hass, CONTROLLED)
        assert state["state"] == "heat_cool"
        assert (state["target_temp_low"], state["target_temp_high"]) == (19, 26)
        await call(
            gw,
            SERVICE_SET_TEMPERATURE,
            CONTROLLED,
            target_temp_low=20,
            target_temp_high=25,
        )
        state = attrs(hass, CONTROLLED)
        assert (state["target_temp_low"], state["target_temp_high"]) == (20, 25)
        gw.sim.set_state(f"{APC}#1", "io:PassAPCOperatingModeState", "cooling")
        await gw.poll()
        # Cooling, and this zone's cooling profile stops: idle.
        assert attrs(hass, CONTROLLED)[ATTR_HVAC_ACTION] == "idle"
        entity = entity_of(hass, CONTROLLED)
        assert isinstance(entity, OverkizBatchClimate)
        with pytest.raises(ServiceValidationError):
            await entity.async_set_temperature(target_temp_low=2)
        with pytest.raises(ServiceValidationError):
            await entity.async_set_preset_mode("eco")
        with pytest.raises(ServiceValidationError):
            await entity.async_set_hvac_mode(HVACMode.COOL)
        assert gw.commands(f"{APC}#6") == [
            ("setHeatingTargetTemperature", [20.0]),
            ("setCoolingTargetTemperature", [25.0]),
            ("setDerogationOnOffState", ["on"]),
        ]
