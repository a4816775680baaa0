"""Dual roller shutters, and position with tilt in one command, on the simulator."""

from __future__ import annotations

from homeassistant.components.cover import (
    ATTR_CURRENT_POSITION,
    ATTR_CURRENT_TILT_POSITION,
    DOMAIN as COVER,
    SERVICE_CLOSE_COVER_TILT,
    SERVICE_OPEN_COVER,
    SERVICE_SET_COVER_POSITION,
    SERVICE_SET_COVER_TILT_POSITION,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.overkiz_batch.const import (
    DOMAIN,
    SERVICE_SET_COVER_POSITION_AND_TILT,
)
from custom_components.overkiz_batch.cover import OverkizBatchCover
from simulator.actuator_houses import actuators_house, exterior_venetian_blind
from simulator.houses import DEFAULT_GATEWAY_ID as GW, setup
from tests.gateway_setup import entity_of, gateway

pytestmark = pytest.mark.usefixtures("socket_enabled")

DUAL, URL_DUAL = "cover.bay_window", f"io://{GW}/6401"
BLIND, URL_BLIND = "cover.office_blind", f"io://{GW}/6402"
SHUTTER = "cover.living_room_shutter_1"  # default house: slats by setOrientation


def attrs(hass: HomeAssistant, entity_id: str) -> dict[str, object]:
    state = hass.states.get(entity_id)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def test_dual_roller_shutter(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER, house=actuators_house()) as gw:
        assert attrs(hass, DUAL)[ATTR_CURRENT_POSITION] == 100
        await gw.call(COVER, SERVICE_SET_COVER_POSITION, DUAL, position=30)
        await gw.sync()
        await gw.call(COVER, SERVICE_CLOSE_COVER_TILT, DUAL)
        await gw.sync()
        state = attrs(hass, DUAL)
        assert state[ATTR_CURRENT_POSITION] == 30  # the upper sash
        assert state[ATTR_CURRENT_TILT_POSITION] == 0  # the lower sash, closed
        await gw.call(COVER, SERVICE_SET_COVER_TILT_POSITION, DUAL, tilt_position=60)
        await gw.sync()
        assert attrs(hass, DUAL)[ATTR_CURRENT_TILT_POSITION] == 60
        await gw.call(COVER, SERVICE_OPEN_COVER, DUAL)
        await gw.sync()
        assert attrs(hass, DUAL)[ATTR_CURRENT_POSITION] == 100
        assert gw.commands(URL_DUAL) == [
            ("setUpperClosure", [70]),
            ("lowerClose", []),
            ("setLowerClosure", [40]),
            ("upperOpen", []),
        ]


async def test_position_and_tilt_in_one_command(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER, house=actuators_house()) as gw:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_SET_COVER_POSITION_AND_TILT,
            {"entity_id": BLIND, "position": 25, "tilt_position": 80},
            blocking=True,
        )
        await gw.sync()
        state = attrs(hass, BLIND)
        assert state[ATTR_CURRENT_POSITION] == 25
        assert state[ATTR_CURRENT_TILT_POSITION] == 80
        assert gw.commands(URL_BLIND) == [("setClosureAndOrientation", [75, 20])]


async def test_position_and_tilt_without_the_command(hass: HomeAssistant) -> None:
    """Without setClosureAndOrientation: position then slats, as one action."""
    blind = exterior_venetian_blind(URL_BLIND, "Office blind")
    commands = blind["definition"]["commands"]
    blind["definition"]["commands"] = [
        c for c in commands if c["commandName"] != "setClosureAndOrientation"
    ]
    async with gateway(hass, Platform.COVER, house=setup(GW, [blind])) as gw:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_SET_COVER_POSITION_AND_TILT,
            {"entity_id": BLIND, "position": 50, "tilt_position": 100},
            blocking=True,
        )
        await gw.sync()
        assert gw.commands(URL_BLIND) == [
            ("setClosure", [50]),
            ("setOrientation", [0]),
        ]
        assert gw.sim.stats.executions_accepted == 1


async def test_position_and_tilt_bad_input(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER, house=actuators_house()) as gw:
        blind = entity_of(hass, BLIND)
        assert isinstance(blind, OverkizBatchCover)
        with pytest.raises(ServiceValidationError) as err:
            await blind.async_set_cover_position_and_tilt(50, 101)
        assert err.value.translation_key == "tilt_position_out_of_range"
        assert gw.commands(URL_BLIND) == []


async def test_position_and_tilt_needs_slats(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        shutter = entity_of(hass, SHUTTER)
        assert isinstance(shutter, OverkizBatchCover)
        with pytest.raises(ServiceValidationError) as err:
            await shutter.async_set_cover_position_and_tilt(50, 50)
        assert err.value.translation_key == "no_position_and_tilt"
        assert gw.commands(shutter.device_url) == []
