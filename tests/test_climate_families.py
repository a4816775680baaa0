"""Towel dryer, heat recovery ventilation and Somfy thermostat on the simulator."""

from __future__ import annotations

from homeassistant.components.climate import (
    ATTR_CURRENT_TEMPERATURE,
    ATTR_FAN_MODE,
    ATTR_PRESET_MODE,
    DOMAIN as CLIMATE,
    SERVICE_SET_FAN_MODE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
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
from simulator.actuator_houses import actuators_house
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import entity_of, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

DRYER, URL_DRYER = "climate.towel_dryer", f"io://{GW}/7101#1"
VENTILATION, URL_VENTILATION = "climate.ventilation", f"io://{GW}/7201#1"
THERMOSTAT, URL_THERMOSTAT = "climate.thermostat", f"somfythermostat://{GW}/7301#1"


def attrs(hass: HomeAssistant, entity_id: str) -> dict[str, object]:
    state = hass.states.get(entity_id)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.CLIMATE, house=actuators_house()) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_towel_dryer(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=actuators_house()) as gw:
        state = attrs(hass, DRYER)
        assert state["state"] == "heat"
        assert state[ATTR_PRESET_MODE] == "none"
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, DRYER, preset_mode="drying")
        await gw.sync()
        assert attrs(hass, DRYER)[ATTR_PRESET_MODE] == "drying"
        # The programme ends the drying period first: one action, two commands.
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, DRYER, preset_mode="prog")
        await gw.sync()
        state = attrs(hass, DRYER)
        assert state[ATTR_PRESET_MODE] == "prog"
        assert state["state"] == "auto"
        assert gw.sim.state(URL_DRYER, "io:TowelDryerTemporaryStateState") == (
            "permanentHeating"
        )
        # In the programme the setpoint is a derogation of the effective one.
        await gw.call(CLIMATE, SERVICE_SET_TEMPERATURE, DRYER, temperature=22)
        await gw.sync()
        assert attrs(hass, DRYER)[ATTR_TEMPERATURE] == 22
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, DRYER, preset_mode="none")
        await gw.sync()
        assert attrs(hass, DRYER)[ATTR_PRESET_MODE] == "none"
        await gw.call(CLIMATE, SERVICE_SET_HVAC_MODE, DRYER, hvac_mode="off")
        await gw.sync()
        assert attrs(hass, DRYER)["state"] == "off"
        assert gw.commands(URL_DRYER) == [
            ("setTowelDryerTemporaryState", ["drying"]),
            ("setTowelDryerTemporaryState", ["permanentHeating"]),
            ("setTowelDryerOperatingMode", ["internal"]),
            ("setDerogatedTargetTemperature", [22.0]),
            ("setTowelDryerOperatingMode", ["auto"]),
            ("setTowelDryerOperatingMode", ["standby"]),
        ]
        assert gw.sim.stats.executions_accepted == 5


async def test_ventilation(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=actuators_house()) as gw:
        state = attrs(hass, VENTILATION)
        assert state["state"] == "fan_only"
        assert state[ATTR_FAN_MODE] == "auto"
        assert state[ATTR_PRESET_MODE] == "auto"
        await gw.call(
            CLIMATE, SERVICE_SET_FAN_MODE, VENTILATION, fan_mode="bypass_boost"
        )
        await gw.sync()
        assert attrs(hass, VENTILATION)[ATTR_FAN_MODE] == "bypass_boost"
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, VENTILATION, preset_mode="prog")
        await gw.sync()
        assert attrs(hass, VENTILATION)[ATTR_PRESET_MODE] == "prog"
        await gw.call(
            CLIMATE, SERVICE_SET_FAN_MODE, VENTILATION, fan_mode="kitchen_boost"
        )
        await gw.sync()
        assert attrs(hass, VENTILATION)[ATTR_FAN_MODE] == "kitchen_boost"
        mode = {"prog": "off", "cooling": "on", "dayNight": "night"}
        assert gw.commands(URL_VENTILATION) == [
            ("setAirDemandMode", ["auto"]),
            ("setVentilationMode", [mode]),
            ("setVentilationConfigurationMode", ["standard"]),
            ("setVentilationMode", [{**mode, "prog": "on"}]),
            ("setVentilationMode", [{**mode, "prog": "on", "cooling": "off"}]),
            ("setAirDemandMode", ["high"]),
        ]


async def test_ventilation_refuses_unknown_modes(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=actuators_house()) as gw:
        entity = entity_of(hass, VENTILATION)
        assert isinstance(entity, OverkizBatchClimate)
        with pytest.raises(ServiceValidationError) as err:
            await entity.async_set_fan_mode("turbo")
        assert err.value.translation_key == "unsupported_fan_mode"
        with pytest.raises(ServiceValidationError) as err:
            await entity.async_set_preset_mode("eco")
        assert err.value.translation_key == "unsupported_preset_mode"
        assert gw.commands(URL_VENTILATION) == []


async def test_somfy_thermostat(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=actuators_house()) as gw:
        state = attrs(hass, THERMOSTAT)
        assert state["state"] == "auto"
        assert state[ATTR_PRESET_MODE] == "home"
        assert state[ATTR_TEMPERATURE] == 20.0
        assert state[ATTR_CURRENT_TEMPERATURE] == 19.5
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, THERMOSTAT, preset_mode="sleep")
        await gw.sync()
        state = attrs(hass, THERMOSTAT)
        assert state["state"] == "heat"
        assert state[ATTR_PRESET_MODE] == "sleep"
        assert state[ATTR_TEMPERATURE] == 18.5
        await gw.call(CLIMATE, SERVICE_SET_TEMPERATURE, THERMOSTAT, temperature=21)
        await gw.sync()
        state = attrs(hass, THERMOSTAT)
        assert state[ATTR_PRESET_MODE] == "none"
        assert state[ATTR_TEMPERATURE] == 21
        await gw.call(CLIMATE, SERVICE_SET_HVAC_MODE, THERMOSTAT, hvac_mode="auto")
        await gw.sync()
        assert attrs(hass, THERMOSTAT)["state"] == "auto"
        assert gw.commands(URL_THERMOSTAT) == [
            ("setDerogation", ["sleepingMode", "further_notice"]),
            ("setDerogation", [21.0, "further_notice"]),
            ("setModeTemperature", ["manualMode", 21.0]),
            ("exitDerogation", []),
        ]


async def test_somfy_thermostat_refuses_what_it_lacks(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house=actuators_house()) as gw:
        thermostat = entity_of(hass, THERMOSTAT)
        assert isinstance(thermostat, OverkizBatchClimate)
        with pytest.raises(ServiceValidationError) as err:
            await thermostat.async_set_preset_mode("boost")
        assert err.value.translation_key == "unsupported_preset_mode"
        with pytest.raises(ServiceValidationError) as err:
            await thermostat.async_set_hvac_mode(HVACMode.COOL)
        assert err.value.translation_key == "unsupported_hvac_mode"
        with pytest.raises(ServiceValidationError) as err:
            await thermostat.async_set_temperature(temperature=30)
        assert err.value.translation_key == "temperature_out_of_range"
        # In auto with a mode that has no setpoint, none shows and none holds.
        gw.sim.set_state(
            URL_THERMOSTAT, "somfythermostat:HeatingModeState", "manualMode"
        )
        await gw.poll()
        assert attrs(hass, THERMOSTAT)[ATTR_TEMPERATURE] is None
        with pytest.raises(ServiceValidationError):
            await thermostat.async_set_preset_mode("none")
        assert gw.commands(URL_THERMOSTAT) == []
