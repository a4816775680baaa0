"""Door locks and sirens against the simulated gateway."""

from __future__ import annotations

from homeassistant.components.lock import DOMAIN as LOCK
from homeassistant.components.siren import DOMAIN as SIREN
from homeassistant.const import (
    SERVICE_LOCK,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    SERVICE_UNLOCK,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from simulator.actuator_houses import actuators_house
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

DOOR, URL_DOOR = "lock.front_door_lock", f"io://{GW}/6101"
ALARM_SIREN, URL_SIREN = "siren.indoor_siren", f"io://{GW}/6201"


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = hass.states.get(entity_id)
    assert current is not None
    return current.state


@pytest.mark.parametrize("platform", [Platform.LOCK, Platform.SIREN])
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    async with gateway(hass, platform, house=actuators_house()) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_lock(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.LOCK, house=actuators_house()) as gw:
        assert state(hass, DOOR) == "locked"
        await gw.call(LOCK, SERVICE_UNLOCK, DOOR)
        await gw.sync()
        assert state(hass, DOOR) == "unlocked"
        await gw.call(LOCK, SERVICE_LOCK, DOOR)
        await gw.sync()
        assert state(hass, DOOR) == "locked"
        assert gw.commands(URL_DOOR) == [("unlock", []), ("lock", [])]


async def test_siren(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SIREN, house=actuators_house()) as gw:
        assert state(hass, ALARM_SIREN) == "off"
        await gw.call(SIREN, SERVICE_TURN_ON, ALARM_SIREN, duration=30)
        await gw.sync()
        assert state(hass, ALARM_SIREN) == "on"
        await gw.call(SIREN, SERVICE_TURN_OFF, ALARM_SIREN)
        await gw.sync()
        assert state(hass, ALARM_SIREN) == "off"
        await gw.call(SIREN, SERVICE_TURN_ON, ALARM_SIREN)
        assert gw.commands(URL_SIREN) == [
            ("ringWithSingleSimpleSequence", [30000, 75, 2, "memorizedVolume"]),
            ("off", []),
            ("ringWithSingleSimpleSequence", [120000, 75, 2, "memorizedVolume"]),
        ]


async def test_siren_volume(hass: HomeAssistant) -> None:
    """Loud above half, standard up to half, the memorised volume without a level."""
    async with gateway(hass, Platform.SIREN, house=actuators_house()) as gw:
        await gw.call(SIREN, SERVICE_TURN_ON, ALARM_SIREN, volume_level=0.9)
        await gw.call(SIREN, SERVICE_TURN_ON, ALARM_SIREN, volume_level=0.5)
        await gw.call(SIREN, SERVICE_TURN_ON, ALARM_SIREN, duration=204)
        await gw.sync()
        assert [params[-1] for _, params in gw.commands(URL_SIREN)] == [
            "highest",
            "standard",
            "memorizedVolume",
        ]
        assert gw.commands(URL_SIREN)[-1][1][0] == 204_000  # the device's longest


@pytest.mark.parametrize("duration", [0, 205, 3600])
async def test_siren_duration_out_of_range(hass: HomeAssistant, duration: int) -> None:
    """Beyond the device's 204.6 s the gateway would refuse it: we say so first."""
    async with gateway(hass, Platform.SIREN, house=actuators_house()) as gw:
        with pytest.raises(ServiceValidationError) as err:
            await gw.call(SIREN, SERVICE_TURN_ON, ALARM_SIREN, duration=duration)
        assert err.value.translation_key == "duration_out_of_range"
        assert gw.commands(URL_SIREN) == []
