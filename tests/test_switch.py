"""Switches against the simulated gateway: IO and RTS on/off, guards, real setups.

The other switch kinds are in ``test_switch_kinds``.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from homeassistant.components.overkiz.const import OVERKIZ_DEVICE_TO_PLATFORM
from homeassistant.components.overkiz.switch import SUPPORTED_DEVICES
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
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.const import CONF_BUSY_MODE
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.conftest import shared_dumps
from tests.gateway_setup import gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

LIGHTS = "switch.garden_lights"  # off
URL_LIGHTS = f"io://{GW}/3001"
PUMP = "switch.pool_pump"  # on
URL_PUMP = f"io://{GW}/3002"
PORCH = "switch.porch_light"  # RTS
URL_PORCH = f"rts://{GW}/16000003"


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.SWITCH) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_io_on_off(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SWITCH) as gw:
        assert state_of(hass, LIGHTS) == STATE_OFF
        assert state_of(hass, PUMP) == STATE_ON
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_ON, LIGHTS)
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_OFF, PUMP)
        await gw.sync()
        assert state_of(hass, LIGHTS) == STATE_ON
        assert state_of(hass, PUMP) == STATE_OFF
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_OFF, LIGHTS)
        await gw.sync()
        assert state_of(hass, LIGHTS) == STATE_OFF
        assert gw.commands(URL_LIGHTS) == [("on", []), ("off", [])]
        assert gw.commands(URL_PUMP) == [("off", [])]


async def test_rts_on_off_is_assumed(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SWITCH) as gw:
        state = hass.states.get(PORCH)
        assert state is not None
        assert state.state == STATE_UNKNOWN
        assert state.attributes[ATTR_ASSUMED_STATE] is True
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
        await gw.sync()
        assert state_of(hass, PORCH) == STATE_ON
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_OFF, PORCH)
        await gw.sync()
        assert state_of(hass, PORCH) == STATE_OFF
        # The receiver's commands take no duration slot: none is sent.
        assert gw.commands(URL_PORCH) == [("on", []), ("off", [])]


async def test_several_switches_in_one_execution(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SWITCH) as gw:
        gw.sim.stats.reset()
        await gw.call(SWITCH_DOMAIN, SERVICE_TURN_ON, [LIGHTS, PUMP, PORCH])
        assert gw.sim.stats.calls["exec/apply"] == 1


async def test_reject_mode(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SWITCH, **{CONF_BUSY_MODE: "reject"}) as gw:
        first = hass.async_create_task(gw.call(SWITCH_DOMAIN, SERVICE_TURN_ON, LIGHTS))
        await asyncio.sleep(0)
        with pytest.raises(HomeAssistantError) as err:
            await gw.call(SWITCH_DOMAIN, SERVICE_TURN_OFF, LIGHTS)
        assert err.value.translation_key == "device_busy"
        await first
        await gw.sync()
        assert state_of(hass, LIGHTS) == STATE_ON


async def test_queue_mode_keeps_order(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SWITCH) as gw:
        await asyncio.gather(
            gw.call(SWITCH_DOMAIN, SERVICE_TURN_ON, LIGHTS),
            gw.call(SWITCH_DOMAIN, SERVICE_TURN_OFF, LIGHTS),
        )
        await gw.sync()
        assert gw.commands(URL_LIGHTS) == [("on", []), ("off", [])]
        assert state_of(hass, LIGHTS) == STATE_OFF


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Core's switches on a real gateway's devices, read from its own tables."""
    async with gateway(hass, Platform.SWITCH, house=str(dump)) as gw:
        expected = {
            f"{d.device_url}-{description.key}"
            for d in gw.coordinator.data.values()
            if (
                OVERKIZ_DEVICE_TO_PLATFORM.get(d.widget)
                or OVERKIZ_DEVICE_TO_PLATFORM.get(d.ui_class)
            )
            is Platform.SWITCH
            and (
                description := SUPPORTED_DEVICES.get(d.widget)
                or SUPPORTED_DEVICES.get(d.ui_class)
            )
        }
        entries = er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        )
        assert {e.unique_id for e in entries} == expected
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
