"""Ventilation units as fans, on the simulator."""

from __future__ import annotations

from homeassistant.components.fan import (
    ATTR_PERCENTAGE,
    DOMAIN as FAN,
    SERVICE_SET_PERCENTAGE,
)
from homeassistant.const import SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.fan import OverkizBatchFan
from simulator.actuator_houses import actuators_house
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import entity_of, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

EXTRACTOR, URL = "fan.kitchen_extractor", f"io://{GW}/6501"


def attrs(hass: HomeAssistant) -> dict[str, object]:
    state = hass.states.get(EXTRACTOR)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.FAN, house=actuators_house()) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)
        entry = entity_registry.async_get(EXTRACTOR)
        assert entry is not None
        assert entry.unique_id == f"{URL}-VentilationOutlet"  # as core's overkiz


async def test_air_flow(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.FAN, house=actuators_house()) as gw:
        assert attrs(hass)[ATTR_PERCENTAGE] == 40
        await gw.call(FAN, SERVICE_SET_PERCENTAGE, EXTRACTOR, percentage=75)
        await gw.sync()
        assert attrs(hass)[ATTR_PERCENTAGE] == 75
        await gw.call(FAN, SERVICE_TURN_OFF, EXTRACTOR)
        await gw.sync()
        assert attrs(hass)["state"] == "off"
        await gw.call(FAN, SERVICE_TURN_ON, EXTRACTOR)
        await gw.sync()
        assert attrs(hass)[ATTR_PERCENTAGE] == 75
        await gw.call(FAN, SERVICE_SET_PERCENTAGE, EXTRACTOR, percentage=0)
        await gw.sync()
        await gw.call(FAN, SERVICE_TURN_ON, EXTRACTOR, percentage=20)
        await gw.sync()
        assert attrs(hass)[ATTR_PERCENTAGE] == 20
        assert gw.commands(URL) == [
            ("setAirOutput", [75]),
            ("off", []),
            ("on", []),
            ("off", []),
            ("setAirOutput", [20]),
        ]


async def test_bad_air_flow(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.FAN, house=actuators_house()) as gw:
        fan = entity_of(hass, EXTRACTOR)
        assert isinstance(fan, OverkizBatchFan)
        with pytest.raises(ServiceValidationError) as err:
            await fan.async_set_percentage(120)
        assert err.value.translation_key == "percentage_out_of_range"
        assert gw.commands(URL) == []
