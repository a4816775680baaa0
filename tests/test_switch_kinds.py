"""Switches beyond plugs against the simulated gateway, and core's overkiz on them.

Pools, terrace heaters, RTD sirens and alarms, a hot water tank's forced heating
and a camera's shutter: each switch runs its device's own commands and shows what
the device reports (or, without states, what it was told).
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ASSUMED_STATE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.takeover import CORE_DOMAIN
from simulator import GatewaySimulator
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from simulator.switches import switches_house
from tests.gateway_setup import gateway, setup_entry, snapshot_entities
from tests.takeover_setup import setup_core

pytestmark = pytest.mark.usefixtures("socket_enabled")

POOL = f"io://{GW}/8001"
TANK = f"io://{GW}/8007#1"
CAMERA = f"myfox://{GW}/8008"


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.SWITCH, house=switches_house()) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


type Command = tuple[str, list[Any]]
# entity, device, (state, value when on, value when off), first and second command
STATEFUL: list[tuple[str, str, tuple[str, Any, Any], Command, Command]] = [
    (
        "switch.pool",
        POOL,
        ("core:OnOffState", "on", "off"),
        ("off", []),
        ("on", []),
    ),
    (
        "switch.terrace_heater",
        f"io://{GW}/8002",
        ("core:OnOffState", "on", "off"),
        ("on", []),
        ("off", []),
    ),
    (
        "switch.hot_water_tank_forced_heating",
        TANK,
        ("io:ForceHeatingState", "on", "off"),
        ("setForceHeating", ["on"]),
        ("setForceHeating", ["off"]),
    ),
    (
        "switch.living_room_camera_camera_shutter",
        CAMERA,
        ("myfox:ShutterStatusState", "opened", "closed"),
        ("open", []),
        ("close", []),
    ),
]


@pytest.mark.parametrize(
    ("entity_id", "url", "reported", "first", "second"),
    STATEFUL,
    ids=[row[0] for row in STATEFUL],
)
async def test_stateful_switch(
    hass: HomeAssistant,
    entity_id: str,
    url: str,
    reported: tuple[str, Any, Any],
    first: tuple[str, list[Any]],
    second: tuple[str, list[Any]],
) -> None:
    """Two turns, the commands the gateway ran, the state the device reported."""
    state, on, off = reported
    async with gateway(hass, Platform.SWITCH, house=switches_house()) as gw:
        start = state_of(hass, entity_id)
        assert start == (STATE_ON if gw.sim.state(url, state) == on else STATE_OFF)
        services = {STATE_ON: SERVICE_TURN_OFF, STATE_OFF: SERVICE_TURN_ON}
        flipped = {STATE_ON: STATE_OFF, STATE_OFF: STATE_ON}
        await gw.call(SWITCH_DOMAIN, services[start], entity_id)
        await gw.sync()
        assert state_of(hass, entity_id) == flipped[start]
        assert gw.sim.state(url, state) == (on if flipped[start] == STATE_ON else off)
        await gw.call(SWITCH_DOMAIN, services[flipped[start]], entity_id)
        await gw.sync()
        assert state_of(hass, entity_id) == start
        assert gw.commands(url) == [first, second]


@pytest.mark.parametrize(
    ("entity_id", "url", "on", "off"),
    [
        ("switch.patio_heater", f"rts://{GW}/16008003", "on", "off"),
        ("switch.hall_bell", f"rtd://{GW}/8004", "on", "off"),
        ("switch.garden_siren", f"rtd://{GW}/8005", "on", "off"),
        ("switch.alarm", f"rtd://{GW}/8006", "alarmOn", "alarmOff"),
    ],
)
async def test_stateless_switch_shows_what_it_was_told(
    hass: HomeAssistant, entity_id: str, url: str, on: str, off: str
) -> None:
    async with gateway(hass, Platform.SWITCH, house=switches_house()) as gw:
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == STATE_UNKNOWN
        assert state.attributes[ATTR_ASSUMED_STATE] is True
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_ON, entity_id)
        await gw.sync()
        assert state_of(hass, entity_id) == STATE_ON
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_OFF, entity_id)
        await gw.sync()
        assert state_of(hass, entity_id) == STATE_OFF
        assert gw.commands(url) == [(on, []), (off, [])]


async def test_all_switches_in_one_execution(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SWITCH, house=switches_house()) as gw:
        entity_ids = hass.states.async_entity_ids(SWITCH_DOMAIN)
        assert len(entity_ids) == 8
        gw.sim.stats.reset()
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_ON, entity_ids)
        await gw.sync()
        assert gw.sim.stats.calls["exec/apply"] == 1
        assert all(state_of(hass, e) == STATE_ON for e in entity_ids)


async def test_core_switches_are_ours(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Core's overkiz, unchanged, makes these switches; each has our unique id."""
    registry = er.async_get(hass)

    def switch_ids(entry_id: str) -> set[str]:
        return {
            entry.unique_id
            for entry in er.async_entries_for_config_entry(registry, entry_id)
            if entry.domain == SWITCH_DOMAIN
        }

    async with GatewaySimulator(house=switches_house(), mode="local", speed=100) as sim:
        core = await setup_core(hass, sim)
        assert core.domain == CORE_DOMAIN
        theirs = switch_ids(core.entry_id)
        assert len(theirs) == 8
        for state in hass.states.async_all(SWITCH_DOMAIN):
            assert state.state != "unavailable", state.entity_id
        await hass.config_entries.async_unload(core.entry_id)
        await hass.async_block_till_done()

        ours = await setup_entry(hass, sim)
        assert switch_ids(ours.entry_id) == theirs
        await hass.config_entries.async_unload(ours.entry_id)
        await hass.async_block_till_done()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
