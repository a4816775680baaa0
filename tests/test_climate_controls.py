"""The controls house's heating interface as climate, and one that lacks commands."""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import (
    ATTR_HVAC_ACTION,
    ATTR_HVAC_MODES,
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    DOMAIN as CLIMATE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
)
from homeassistant.const import ATTR_TEMPERATURE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from simulator.climate_houses import heating_temperature_interface
from simulator.houses import DEFAULT_GATEWAY_ID as GW, setup
from tests.gateway_setup import gateway

pytestmark = pytest.mark.usefixtures("socket_enabled")

INTERFACE, URL = "climate.heating_interface", f"ovp://{GW}/6401"


def attrs(hass: HomeAssistant) -> dict[str, Any]:
    state = hass.states.get(INTERFACE)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def test_controls_house_interface_has_its_modes(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE, house="controls") as gw:
        state = attrs(hass)
        assert state["state"] == "auto"
        assert state[ATTR_HVAC_MODES] == ["auto", "heat_cool", "off"]
        assert state[ATTR_PRESET_MODES] == ["comfort", "eco", "away", "none"]
        assert state[ATTR_PRESET_MODE] == "comfort"
        assert state[ATTR_TEMPERATURE] == 20.0
        assert state[ATTR_HVAC_ACTION] == "heating"
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, INTERFACE, preset_mode="eco")
        await gw.sync()
        assert attrs(hass)[ATTR_TEMPERATURE] == 17.0
        assert gw.commands(URL) == [("setManuAndSetPointModes", ["eco"])]


def _interface_without(*commands: str) -> dict[str, Any]:
    raw = heating_temperature_interface(URL, "Heating interface")
    definition = raw["definition"]
    definition["commands"] = [
        c for c in definition["commands"] if c["commandName"] not in commands
    ]
    return setup(GW, [raw])


async def test_interface_without_mode_commands_shows_its_mode(
    hass: HomeAssistant,
) -> None:
    """No mode command: the mode it reports is the one offered, and kept."""
    house = _interface_without("setActiveMode", "setOnOff", "setManuAndSetPointModes")
    async with gateway(hass, Platform.CLIMATE, house=house) as gw:
        state = attrs(hass)
        assert state["state"] == "auto"
        assert state[ATTR_HVAC_MODES] == ["auto"]
        assert ATTR_PRESET_MODES not in state
        await gw.call(CLIMATE, SERVICE_SET_HVAC_MODE, INTERFACE, hvac_mode="auto")
        with pytest.raises(ServiceValidationError):
            await gw.call(CLIMATE, SERVICE_SET_HVAC_MODE, INTERFACE, hvac_mode="off")
        await gw.sync()
        assert gw.commands(URL) == []
