"""The setpoint heater's programme presets and its setpoint in auto mode."""

from __future__ import annotations

from homeassistant.components.climate import (
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    DOMAIN as CLIMATE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import ATTR_TEMPERATURE, Platform
from homeassistant.core import HomeAssistant
import pytest

from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import gateway

pytestmark = pytest.mark.usefixtures("socket_enabled")

HEATER = "climate.living_room_heater"
URL = f"io://{GW}/4002#1"


def attrs(hass: HomeAssistant) -> dict[str, object]:
    state = hass.states.get(HEATER)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def test_presets_offered(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE):
        assert attrs(hass)[ATTR_PRESET_MODES] == [
            "comfort",
            "comfort-1",
            "comfort-2",
            "eco",
            "frost_protection",
            "boost",
            "auto",
            "prog",
            "external",
        ]


@pytest.mark.parametrize(
    ("preset", "command"),
    [
        ("boost", ("setHeatingLevel", ["boost"])),
        ("auto", ("setOperatingMode", ["auto"])),
        ("prog", ("setOperatingMode", ["internal"])),
        ("external", ("setSchedulingType", ["external"])),
    ],
)
async def test_programme_presets(
    hass: HomeAssistant, preset: str, command: tuple[str, list[str]]
) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, HEATER, preset_mode=preset)
        await gw.sync()
        assert gw.commands(URL) == [command]
        if preset == "boost":
            assert attrs(hass)[ATTR_PRESET_MODE] == "boost"
        else:
            assert attrs(hass)["state"] == "auto"


async def test_programme_shown_when_no_level_is(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        gw.sim.set_state(URL, "io:TargetHeatingLevelState", "secured")
        gw.sim.set_state(URL, "core:OperatingModeState", "external")
        await gw.poll()
        assert attrs(hass)[ATTR_PRESET_MODE] == "external"


async def test_auto_mode_setpoint_is_a_derogation(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.CLIMATE) as gw:
        await gw.call(CLIMATE, SERVICE_SET_HVAC_MODE, HEATER, hvac_mode="auto")
        await gw.sync()
        await gw.call(CLIMATE, SERVICE_SET_TEMPERATURE, HEATER, temperature=17.5)
        await gw.sync()
        assert attrs(hass)[ATTR_TEMPERATURE] == 17.5
        # The comfort setpoint is kept for when the programme ends.
        assert gw.sim.state(URL, "core:TargetTemperatureState") == 19.0
        assert gw.commands(URL) == [
            ("setOperatingMode", ["internal"]),
            ("setDerogatedTargetTemperature", [17.5]),
        ]


async def test_heating_level_sets_the_target(hass: HomeAssistant) -> None:
    """The heater reports the level's setpoint: eco is comfort lowered by eco."""
    async with gateway(hass, Platform.CLIMATE) as gw:
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, HEATER, preset_mode="eco")
        await gw.sync()
        state = attrs(hass)
        assert (state[ATTR_PRESET_MODE], state[ATTR_TEMPERATURE]) == ("eco", 16.5)
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, HEATER, preset_mode="comfort-1")
        await gw.sync()
        assert attrs(hass)[ATTR_TEMPERATURE] == 19.0
        await gw.call(CLIMATE, SERVICE_SET_PRESET_MODE, HEATER, preset_mode="comfort")
        await gw.sync()
        assert attrs(hass)[ATTR_TEMPERATURE] == 20.0
        assert gw.commands(URL) == [
            ("setHeatingLevel", ["eco"]),
            ("setHeatingLevel", ["comfort-1"]),
            ("setHeatingLevel", ["comfort"]),
        ]
