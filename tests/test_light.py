"""Lights against the simulated gateway: on/off, brightness, colour."""

from __future__ import annotations

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_MODE,
    ATTR_RGB_COLOR,
    DOMAIN as LIGHT,
)
from homeassistant.const import SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from simulator.actuator_houses import actuators_house
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

DIMMER, URL_DIMMER = "light.hall_light", f"io://{GW}/6001"
LAMP, URL_LAMP = "light.porch_lamp", f"zwave://{GW}/6002"
COLOUR, URL_COLOUR = "light.colour_lamp", f"hue://{GW}/6003"


def state_of(hass: HomeAssistant, entity_id: str) -> tuple[str, dict[str, object]]:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state, dict(state.attributes)


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.LIGHT, house=actuators_house()) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)
        dimmer = entity_registry.async_get(DIMMER)
        assert dimmer is not None
        assert dimmer.unique_id == URL_DIMMER


async def test_dimmer(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.LIGHT, house=actuators_house()) as gw:
        assert state_of(hass, DIMMER)[0] == "off"
        await gw.call(LIGHT, SERVICE_TURN_ON, DIMMER, brightness=128)
        await gw.sync()
        state, attrs = state_of(hass, DIMMER)
        assert state == "on"
        assert attrs[ATTR_BRIGHTNESS] == 128  # 50 % on the device
        assert attrs[ATTR_COLOR_MODE] == "brightness"
        await gw.call(LIGHT, SERVICE_TURN_OFF, DIMMER)
        await gw.sync()
        assert state_of(hass, DIMMER)[0] == "off"
        await gw.call(LIGHT, SERVICE_TURN_ON, DIMMER)
        await gw.sync()
        state, attrs = state_of(hass, DIMMER)
        assert state == "on"
        assert attrs[ATTR_BRIGHTNESS] == 128  # back to the last level
        assert gw.commands(URL_DIMMER) == [
            ("setIntensity", [50]),
            ("off", []),
            ("on", []),
        ]


async def test_on_off_light(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.LIGHT, house=actuators_house()) as gw:
        await gw.call(LIGHT, SERVICE_TURN_ON, LAMP)
        await gw.sync()
        state, attrs = state_of(hass, LAMP)
        assert state == "on"
        assert attrs[ATTR_COLOR_MODE] == "onoff"
        await gw.call(LIGHT, SERVICE_TURN_OFF, LAMP)
        await gw.sync()
        assert state_of(hass, LAMP)[0] == "off"
        assert gw.commands(URL_LAMP) == [("on", []), ("off", [])]


async def test_colour_and_brightness_go_as_one_action(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.LIGHT, house=actuators_house()) as gw:
        await gw.call(
            LIGHT, SERVICE_TURN_ON, COLOUR, rgb_color=(255, 0, 10), brightness=255
        )
        await gw.sync()
        state, attrs = state_of(hass, COLOUR)
        assert state == "on"
        assert attrs[ATTR_RGB_COLOR] == (255, 0, 10)
        assert attrs[ATTR_COLOR_MODE] == "rgb"
        assert gw.commands(URL_COLOUR) == [
            ("setRGB", [255, 0, 10]),
            ("setIntensity", [100]),
        ]
        assert gw.sim.stats.executions_accepted == 1
