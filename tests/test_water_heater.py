"""Water heaters against the simulated gateway: operations, boost, absence."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.water_heater import (
    ATTR_AWAY_MODE,
    ATTR_OPERATION_LIST,
    ATTR_OPERATION_MODE,
    DOMAIN as WATER_HEATER,
    SERVICE_SET_AWAY_MODE,
    SERVICE_SET_OPERATION_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import ATTR_TEMPERATURE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.water_heater import OverkizBatchWaterHeater
from simulator.actuator_houses import actuators_house
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import entity_of, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

HEATER, URL = "water_heater.water_heater", f"io://{GW}/7001#1"
RELAUNCH_ON = {"relaunch": "on", "absence": "off"}
ALL_OFF = {"relaunch": "off", "absence": "off"}
# The DHW modes a V2 definition lists, and boost.
V2_OPERATIONS = ["auto", "manual_eco", "manual", "performance"]
# A local gateway lists no state values: the set of the current mode (auto).
LOCAL_OPERATIONS = V2_OPERATIONS


def attrs(hass: HomeAssistant) -> dict[str, object]:
    state = hass.states.get(HEATER)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.WATER_HEATER, house=actuators_house()) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_modes_and_setpoint(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.WATER_HEATER, house=actuators_house()) as gw:
        state = attrs(hass)
        assert state["state"] == "auto"
        assert state[ATTR_OPERATION_LIST] == LOCAL_OPERATIONS
        assert state["current_temperature"] == 48.5
        await gw.call(
            WATER_HEATER,
            SERVICE_SET_OPERATION_MODE,
            HEATER,
            operation_mode="manual_eco",
        )
        await gw.sync()
        await gw.call(WATER_HEATER, SERVICE_SET_TEMPERATURE, HEATER, temperature=55)
        await gw.sync()
        state = attrs(hass)
        assert state[ATTR_OPERATION_MODE] == "manual_eco"
        assert state[ATTR_TEMPERATURE] == 55
        assert gw.commands(URL) == [
            ("setDHWMode", ["manualEcoActive"]),
            ("setTargetTemperature", [55.0]),
        ]


async def test_boost_is_one_action_and_ends_before_a_mode(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.WATER_HEATER, house=actuators_house()) as gw:
        await gw.call(
            WATER_HEATER,
            SERVICE_SET_OPERATION_MODE,
            HEATER,
            operation_mode="performance",
        )
        await gw.sync()
        assert attrs(hass)["state"] == "performance"
        assert gw.sim.state(URL, "core:BoostModeDurationState") == 1
        await gw.call(
            WATER_HEATER, SERVICE_SET_OPERATION_MODE, HEATER, operation_mode="manual"
        )
        await gw.sync()
        assert attrs(hass)["state"] == "manual"
        assert gw.sim.state(URL, "core:BoostModeDurationState") == 0
        assert gw.commands(URL) == [
            ("setBoostModeDuration", [1]),
            ("setCurrentOperatingMode", [RELAUNCH_ON]),
            ("setCurrentOperatingMode", [ALL_OFF]),
            ("setDHWMode", ["manualEcoInactive"]),
        ]
        assert gw.sim.stats.executions_accepted == 2


async def test_away(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.WATER_HEATER, house=actuators_house()) as gw:
        assert attrs(hass)[ATTR_AWAY_MODE] == "off"
        await gw.call(WATER_HEATER, SERVICE_SET_AWAY_MODE, HEATER, away_mode=True)
        await gw.sync()
        assert attrs(hass)[ATTR_AWAY_MODE] == "on"
        await gw.call(WATER_HEATER, SERVICE_SET_AWAY_MODE, HEATER, away_mode=False)
        await gw.sync()
        assert attrs(hass)[ATTR_AWAY_MODE] == "off"
        assert gw.commands(URL) == [
            ("setCurrentOperatingMode", [{"relaunch": "off", "absence": "on"}]),
            ("setCurrentOperatingMode", [ALL_OFF]),
        ]


async def test_bad_input_is_refused(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.WATER_HEATER, house=actuators_house()) as gw:
        heater = entity_of(hass, HEATER)
        assert isinstance(heater, OverkizBatchWaterHeater)
        with pytest.raises(ServiceValidationError) as err:
            await heater.async_set_operation_mode("gas")
        assert err.value.translation_key == "unsupported_operation_mode"
        with pytest.raises(ServiceValidationError) as err:
            await heater.async_set_temperature(temperature=90)
        assert err.value.translation_key == "temperature_out_of_range"
        assert gw.commands(URL) == []


async def test_controls_house_heater_takes_its_dhw_modes(hass: HomeAssistant) -> None:
    """The controls house's V2 heater: its DHW modes, its water temperature.

    Locally its definition lists no DHW modes: every known one is offered.
    """
    url = f"io://{GW}/6403#1"
    async with gateway(hass, Platform.WATER_HEATER, house="controls") as gw:
        state = attrs(hass)
        assert state["state"] == "auto"
        assert state[ATTR_OPERATION_LIST] == LOCAL_OPERATIONS
        assert state["current_temperature"] == 48.5
        await gw.call(
            WATER_HEATER, SERVICE_SET_OPERATION_MODE, HEATER, operation_mode="manual"
        )
        await gw.sync()
        assert attrs(hass)["state"] == "manual"
        assert gw.commands(url) == [("setDHWMode", ["manualEcoInactive"])]


APC, URL_APC = "water_heater.heat_pump_hot_water", f"io://{GW}/7002#3"
HITACHI, URL_HITACHI = "water_heater.hitachi_hot_water", f"modbus://{GW}/7003"


def state_of(hass: HomeAssistant, entity_id: str) -> dict[str, object]:
    state = hass.states.get(entity_id)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def test_pass_apc_hot_water(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.WATER_HEATER, house=actuators_house()) as gw:
        state = state_of(hass, APC)
        assert state["state"] == "heat_pump"
        assert state[ATTR_TEMPERATURE] == 52.0
        assert state["current_temperature"] == 47.0
        await gw.call(
            WATER_HEATER, SERVICE_SET_OPERATION_MODE, APC, operation_mode="performance"
        )
        await gw.sync()
        assert state_of(hass, APC)["state"] == "performance"
        await gw.call(WATER_HEATER, SERVICE_SET_TEMPERATURE, APC, temperature=55)
        await gw.sync()
        assert state_of(hass, APC)[ATTR_TEMPERATURE] == 55
        await gw.call(WATER_HEATER, SERVICE_SET_AWAY_MODE, APC, away_mode=True)
        await gw.sync()
        state = state_of(hass, APC)
        assert state["state"] == "off"
        assert state[ATTR_AWAY_MODE] == "on"
        gw.sim.set_state(URL_APC, "io:PassAPCDHWModeState", "eco")
        await gw.call(WATER_HEATER, SERVICE_SET_AWAY_MODE, APC, away_mode=False)
        await gw.sync()
        await gw.call(WATER_HEATER, SERVICE_SET_TEMPERATURE, APC, temperature=44)
        await gw.sync()
        state = state_of(hass, APC)
        assert state["state"] == "eco"
        assert state[ATTR_TEMPERATURE] == 44
        assert gw.commands(URL_APC) == [
            ("setBoostOnOffState", ["on"]),
            ("setDHWOnOffState", ["on"]),
            ("setComfortTargetDHWTemperature", [55.0]),
            ("setBoostOnOffState", ["off"]),
            ("setDHWOnOffState", ["off"]),
            ("setBoostOnOffState", ["off"]),
            ("setDHWOnOffState", ["on"]),
            ("setEcoTargetDHWTemperature", [44.0]),
        ]


async def test_hitachi_hot_water(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.WATER_HEATER, house=actuators_house()) as gw:
        state = state_of(hass, HITACHI)
        assert state["state"] == "on"
        assert state[ATTR_TEMPERATURE] == 48
        await gw.call(
            WATER_HEATER, SERVICE_SET_OPERATION_MODE, HITACHI, operation_mode="off"
        )
        await gw.sync()
        assert state_of(hass, HITACHI)["state"] == "off"
        # From off, the tank is started before the mode is set: one action.
        await gw.call(
            WATER_HEATER,
            SERVICE_SET_OPERATION_MODE,
            HITACHI,
            operation_mode="high_demand",
        )
        await gw.sync()
        assert state_of(hass, HITACHI)["state"] == "high_demand"
        await gw.call(WATER_HEATER, SERVICE_SET_TEMPERATURE, HITACHI, temperature=52.4)
        await gw.sync()
        assert state_of(hass, HITACHI)[ATTR_TEMPERATURE] == 52
        assert gw.commands(URL_HITACHI) == [
            ("setControlDHW", ["stop"]),
            ("setControlDHW", ["run"]),
            ("setDHWMode", ["high demand"]),
            ("setControlDHWSettingTemperature", [52]),
        ]


CALYPSO, URL_CALYPSO = "water_heater.calypso", f"modbuslink://{GW}/7004"


async def test_modbus_water_heater_absence_is_one_action(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Start date, end date and mode: three commands, one execution."""
    freezer.move_to("2026-12-01 08:00:00+00:00")
    await hass.config.async_set_time_zone("UTC")
    async with gateway(hass, Platform.WATER_HEATER, house=actuators_house()) as gw:
        state = state_of(hass, CALYPSO)
        assert (state["min_temp"], state["max_temp"]) == (50.0, 62.0)
        assert state["current_temperature"] == 51.0
        accepted = gw.sim.stats.executions_accepted
        await gw.call(WATER_HEATER, SERVICE_SET_AWAY_MODE, CALYPSO, away_mode=True)
        await gw.sync()
        assert state_of(hass, CALYPSO)[ATTR_AWAY_MODE] == "on"  # programmed
        assert gw.sim.stats.executions_accepted == accepted + 1
        await gw.call(WATER_HEATER, SERVICE_SET_AWAY_MODE, CALYPSO, away_mode=False)
        await gw.call(
            WATER_HEATER,
            SERVICE_SET_OPERATION_MODE,
            CALYPSO,
            operation_mode="performance",
        )
        await gw.sync()
        assert state_of(hass, CALYPSO)["state"] == "performance"
        await gw.call(WATER_HEATER, SERVICE_SET_TEMPERATURE, CALYPSO, temperature=58)
        await gw.sync()
        assert state_of(hass, CALYPSO)[ATTR_TEMPERATURE] == 58
        start = {"year": 2026, "month": 12, "day": 1, "hour": 8, "minute": 0}
        start |= {"second": 0, "weekday": 1}
        assert gw.commands(URL_CALYPSO) == [
            ("setAbsenceStartDate", [start]),
            ("setAbsenceEndDate", [start | {"year": 2027, "weekday": 2}]),
            ("setAbsenceMode", ["prog"]),
            ("setAbsenceMode", ["off"]),
            ("setBoostMode", ["on"]),
            ("setTargetDHWTemperature", [58.0]),
        ]
