"""Alarm panels against the simulated gateway: arming, disarming, triggering."""

from __future__ import annotations

from homeassistant.components.alarm_control_panel import DOMAIN as ALARM
from homeassistant.const import (
    SERVICE_ALARM_ARM_AWAY,
    SERVICE_ALARM_ARM_HOME,
    SERVICE_ALARM_ARM_NIGHT,
    SERVICE_ALARM_DISARM,
    SERVICE_ALARM_TRIGGER,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceNotSupported
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.const import DOMAIN
from simulator.actuator_houses import actuators_house
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

ZONES, URL_ZONES = "alarm_control_panel.house_alarm", f"io://{GW}/6301"
MYFOX, URL_MYFOX = "alarm_control_panel.somfy_protect", f"myfox://{GW}/site_alarm"
PANEL, URL_PANEL = "alarm_control_panel.verisure_panel", f"verisure://{GW}/alarm"
URL_TSK = f"internal://{GW}/alarm/0"
TSK_ID = f"{URL_TSK}-TSKAlarmController"


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = hass.states.get(entity_id)
    assert current is not None
    return current.state


def enable_box_alarm(entity_registry: er.EntityRegistry) -> str:
    """Register the box's alarm enabled before setup (it is off by default)."""
    return entity_registry.async_get_or_create(
        ALARM, DOMAIN, TSK_ID, suggested_object_id="box_alarm"
    ).entity_id


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    enable_box_alarm(entity_registry)
    async with gateway(
        hass, Platform.ALARM_CONTROL_PANEL, house=actuators_house()
    ) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_box_alarm_disabled_by_default(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    async with gateway(hass, Platform.ALARM_CONTROL_PANEL, house=actuators_house()):
        tsk = entity_registry.async_get_entity_id(ALARM, DOMAIN, TSK_ID)
        assert tsk is not None
        entry = entity_registry.async_get(tsk)
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert hass.states.get(tsk) is None


async def test_zone_alarm(hass: HomeAssistant) -> None:
    async with gateway(
        hass, Platform.ALARM_CONTROL_PANEL, house=actuators_house()
    ) as gw:
        assert state(hass, ZONES) == "disarmed"
        for service, expected in (
            (SERVICE_ALARM_ARM_HOME, "armed_home"),
            (SERVICE_ALARM_ARM_NIGHT, "armed_night"),
            (SERVICE_ALARM_ARM_AWAY, "armed_away"),
            (SERVICE_ALARM_DISARM, "disarmed"),
        ):
            await gw.call(ALARM, service, ZONES)
            await gw.sync()
            assert state(hass, ZONES) == expected
        gw.sim.set_state(URL_ZONES, "core:ActiveZonesState", "B,C")
        await gw.poll()
        assert state(hass, ZONES) == "armed_custom_bypass"
        assert gw.commands(URL_ZONES) == [
            ("alarmZoneOn", ["A"]),
            ("alarmZoneOn", ["A,B"]),
            ("alarmZoneOn", ["A,B,C"]),
            ("alarmOff", []),
        ]


async def test_myfox_and_verisure(hass: HomeAssistant) -> None:
    async with gateway(
        hass, Platform.ALARM_CONTROL_PANEL, house=actuators_house()
    ) as gw:
        await gw.call(ALARM, SERVICE_ALARM_ARM_NIGHT, MYFOX)
        await gw.call(ALARM, SERVICE_ALARM_ARM_HOME, PANEL)
        await gw.sync()
        assert state(hass, MYFOX) == "armed_night"
        assert state(hass, PANEL) == "armed_home"
        # MyFox has no "home" arming: refused, nothing is sent.
        with pytest.raises(ServiceNotSupported):
            await gw.call(ALARM, SERVICE_ALARM_ARM_HOME, MYFOX)
        await gw.call(ALARM, SERVICE_ALARM_ARM_AWAY, MYFOX)
        await gw.call(ALARM, SERVICE_ALARM_DISARM, PANEL)
        await gw.sync()
        assert state(hass, MYFOX) == "armed_away"
        assert state(hass, PANEL) == "disarmed"
        gw.sim.set_state(URL_MYFOX, "core:IntrusionState", "detected")
        await gw.poll()
        assert state(hass, MYFOX) == "triggered"
        assert gw.commands(URL_MYFOX) == [("partial", []), ("arm", [])]
        assert gw.commands(URL_PANEL) == [("armPartialDay", []), ("disarm", [])]


async def test_box_alarm_when_enabled(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    tsk = enable_box_alarm(entity_registry)
    async with gateway(
        hass, Platform.ALARM_CONTROL_PANEL, house=actuators_house()
    ) as gw:
        assert state(hass, tsk) == "disarmed"
        await gw.call(ALARM, SERVICE_ALARM_ARM_NIGHT, tsk)
        await gw.sync()
        assert state(hass, tsk) == "armed_night"
        await gw.call(ALARM, SERVICE_ALARM_TRIGGER, tsk)
        await gw.sync()
        assert state(hass, tsk) == "triggered"
        await gw.call(ALARM, SERVICE_ALARM_DISARM, tsk)
        await gw.sync()
        assert state(hass, tsk) == "disarmed"
        gw.sim.set_state(URL_TSK, "internal:TargetAlarmModeState", "total")
        await gw.poll()
        assert state(hass, tsk) == "arming"
        assert gw.commands(URL_TSK) == [
            ("setTargetAlarmMode", ["partial2"]),
            ("alarmOn", []),
            ("alarmOff", []),
        ]
