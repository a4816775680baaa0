"""Covers against the simulated gateway: commands, states, batching and guards."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from homeassistant.components.cover import (
    ATTR_CURRENT_POSITION,
    ATTR_CURRENT_TILT_POSITION,
    DOMAIN as COVER_DOMAIN,
    SERVICE_CLOSE_COVER,
    SERVICE_OPEN_COVER,
    SERVICE_SET_COVER_POSITION,
    SERVICE_SET_COVER_TILT_POSITION,
    SERVICE_STOP_COVER,
    CoverState,
)
from homeassistant.components.homeassistant import (
    DOMAIN as HA_DOMAIN,
    SERVICE_UPDATE_ENTITY,
)
from homeassistant.const import ATTR_ASSUMED_STATE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.const import CONF_BUSY_MODE, CONF_MAX_ACTIONS
from custom_components.overkiz_batch.cover import OverkizBatchCover
from simulator.houses import (
    DEFAULT_GATEWAY_ID as GW,
    roller_shutter,
    setup as house_setup,
    shutters_house,
)
from tests.conftest import shared_dumps
from tests.gateway_setup import Gateway, entity_of, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

SHUTTER_OPEN = "cover.living_room_shutter_1"  # closure 0
SHUTTER_CLOSED = "cover.kitchen_shutter_2"  # closure 100
SHUTTER_PARTIAL = "cover.bedroom_shutter_3"  # closure 40
URL_OPEN = f"io://{GW}/1001"
URL_CLOSED = f"io://{GW}/1002"
URL_PARTIAL = f"io://{GW}/1003"
AWNING = "cover.terrace_awning"
URL_AWNING = f"io://{GW}/2001"
SCREEN = "cover.patio_screen"
URL_SCREEN = f"io://{GW}/2002"
RTS = "cover.garage_shutter"
URL_RTS = f"rts://{GW}/16000001"


def position(hass: HomeAssistant, entity_id: str) -> Any:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get(ATTR_CURRENT_POSITION)


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def entity(gw: Gateway, entity_id: str) -> OverkizBatchCover:
    found = entity_of(gw.hass, entity_id)
    assert isinstance(found, OverkizBatchCover)
    return found


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_initial_states(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER):
        assert state_of(hass, SHUTTER_OPEN) == CoverState.OPEN
        assert position(hass, SHUTTER_OPEN) == 100
        assert state_of(hass, SHUTTER_CLOSED) == CoverState.CLOSED
        assert position(hass, SHUTTER_CLOSED) == 0
        assert position(hass, SHUTTER_PARTIAL) == 60
        assert state_of(hass, AWNING) == CoverState.CLOSED
        assert position(hass, AWNING) == 0
        assert state_of(hass, RTS) == "unknown"
        assert hass.states.get(RTS).attributes[ATTR_ASSUMED_STATE] is True  # type: ignore[union-attr]


async def test_close_shows_closing_then_closed(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        await gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, SHUTTER_OPEN)
        # Accepted by the gateway, running: our execution says where it goes.
        assert state_of(hass, SHUTTER_OPEN) == CoverState.CLOSING
        await gw.sync()
        assert state_of(hass, SHUTTER_OPEN) == CoverState.CLOSED
        assert position(hass, SHUTTER_OPEN) == 0
        assert gw.commands(URL_OPEN) == [("close", [])]


async def test_open_shows_opening_then_open(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        await gw.call(COVER_DOMAIN, SERVICE_OPEN_COVER, SHUTTER_CLOSED)
        assert state_of(hass, SHUTTER_CLOSED) == CoverState.OPENING
        await gw.sync()
        assert state_of(hass, SHUTTER_CLOSED) == CoverState.OPEN
        assert position(hass, SHUTTER_CLOSED) == 100
        assert gw.commands(URL_CLOSED) == [("open", [])]


@pytest.mark.parametrize(
    ("target", "closure", "moving"),
    [(25, 75, CoverState.CLOSING), (80, 20, CoverState.OPENING)],
)
async def test_set_position(
    hass: HomeAssistant, target: int, closure: int, moving: CoverState
) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        await gw.call(
            COVER_DOMAIN, SERVICE_SET_COVER_POSITION, SHUTTER_PARTIAL, position=target
        )
        assert state_of(hass, SHUTTER_PARTIAL) == moving
        await gw.sync()
        assert position(hass, SHUTTER_PARTIAL) == target
        assert state_of(hass, SHUTTER_PARTIAL) == CoverState.OPEN
        assert gw.sim.state(URL_PARTIAL, "core:ClosureState") == closure
        assert gw.commands(URL_PARTIAL) == [("setClosure", [closure])]


async def test_stop_midway(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        await gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, SHUTTER_OPEN)
        await gw.call(COVER_DOMAIN, SERVICE_STOP_COVER, SHUTTER_OPEN)
        await gw.sync()
        # Stopped before reaching its target, and still.
        assert state_of(hass, SHUTTER_OPEN) == CoverState.OPEN
        assert position(hass, SHUTTER_OPEN) > 0
        assert gw.sim.state(URL_OPEN, "core:MovingState") is False
        assert gw.commands(URL_OPEN) == [("close", []), ("stop", [])]


async def test_awning_deploys(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        await gw.call(COVER_DOMAIN, SERVICE_OPEN_COVER, AWNING)
        assert state_of(hass, AWNING) == CoverState.OPENING
        await gw.sync()
        assert state_of(hass, AWNING) == CoverState.OPEN
        assert position(hass, AWNING) == 100
        await gw.call(COVER_DOMAIN, SERVICE_SET_COVER_POSITION, AWNING, position=30)
        await gw.sync()
        assert position(hass, AWNING) == 30
        await gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, AWNING)
        await gw.sync()
        assert state_of(hass, AWNING) == CoverState.CLOSED
        assert gw.commands(URL_AWNING) == [
            ("deploy", []),
            ("setDeployment", [30]),
            ("undeploy", []),
        ]


async def test_exterior_screen(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        await gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, SCREEN)
        await gw.sync()
        assert state_of(hass, SCREEN) == CoverState.CLOSED
        await gw.call(COVER_DOMAIN, SERVICE_SET_COVER_POSITION, SCREEN, position=50)
        await gw.sync()
        assert position(hass, SCREEN) == 50
        assert gw.commands(URL_SCREEN) == [("close", []), ("setClosure", [50])]


async def test_rts_sends_duration_and_assumes_state(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        await gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, RTS)
        await gw.sync()
        assert state_of(hass, RTS) == CoverState.CLOSED
        await gw.call(COVER_DOMAIN, SERVICE_OPEN_COVER, RTS)
        await gw.sync()
        assert state_of(hass, RTS) == CoverState.OPEN
        await gw.call(COVER_DOMAIN, SERVICE_STOP_COVER, RTS)
        await gw.sync()
        # One duration parameter, exactly as the gateway wants.
        assert gw.commands(URL_RTS) == [("close", [0]), ("open", [0]), ("stop", [0])]


async def test_tilt(hass: HomeAssistant) -> None:
    blind = roller_shutter(f"io://{GW}/7001", "Office blind")
    blind["definition"]["commands"].append(
        {"commandName": "setOrientation", "nparams": 1}
    )
    blind["states"].append(
        {"name": "core:SlateOrientationState", "type": 1, "value": 100}
    )
    async with gateway(hass, Platform.COVER, house=house_setup(GW, [blind])) as gw:
        state = hass.states.get("cover.office_blind")
        assert state is not None
        assert state.attributes[ATTR_CURRENT_TILT_POSITION] == 0
        await gw.call(
            COVER_DOMAIN,
            SERVICE_SET_COVER_TILT_POSITION,
            "cover.office_blind",
            tilt_position=70,
        )
        await gw.sync()
        state = hass.states.get("cover.office_blind")
        assert state is not None
        assert state.attributes[ATTR_CURRENT_TILT_POSITION] == 70
        assert gw.commands(f"io://{GW}/7001") == [("setOrientation", [30])]


async def test_position_out_of_range(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        cover = entity(gw, SHUTTER_OPEN)
        with pytest.raises(ServiceValidationError) as err:
            await cover.async_set_cover_position(position=101)
        assert err.value.translation_key == "position_out_of_range"
        with pytest.raises(ServiceValidationError) as err:
            await cover.async_set_cover_tilt_position(tilt_position=-1)
        assert err.value.translation_key == "tilt_position_out_of_range"
        assert gw.commands(URL_OPEN) == []


async def test_thirty_shutters_in_two_executions(hass: HomeAssistant) -> None:
    async with gateway(
        hass, Platform.COVER, house=shutters_house(30), **{CONF_MAX_ACTIONS: 20}
    ) as gw:
        entity_ids = [f"cover.shutter_{n}" for n in range(1, 31)]
        assert all(state_of(hass, e) == CoverState.OPEN for e in entity_ids)
        gw.sim.stats.reset()
        await gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, entity_ids)
        assert gw.sim.stats.calls["exec/apply"] == 2
        assert gw.sim.stats.executions_rejected == 0
        await gw.sync()
        assert all(state_of(hass, e) == CoverState.CLOSED for e in entity_ids)
        assert len(gw.sim.stats.device_commands) == 30
        for commands in gw.sim.stats.device_commands.values():
            assert commands == [("close", [])]


async def test_reject_mode_refuses_a_command_for_a_busy_cover(
    hass: HomeAssistant,
) -> None:
    async with gateway(hass, Platform.COVER, **{CONF_BUSY_MODE: "reject"}) as gw:
        first = hass.async_create_task(
            gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, SHUTTER_OPEN)
        )
        await asyncio.sleep(0)  # the close is in flight, not accepted yet
        with pytest.raises(HomeAssistantError) as err:
            await gw.call(COVER_DOMAIN, SERVICE_OPEN_COVER, SHUTTER_OPEN)
        assert err.value.translation_key == "device_busy"
        await first
        await gw.sync()
        assert gw.commands(URL_OPEN) == [("close", [])]
        assert state_of(hass, SHUTTER_OPEN) == CoverState.CLOSED


async def test_queue_mode_runs_both_in_order(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        gw.sim.stats.reset()
        await asyncio.gather(
            gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, SHUTTER_OPEN),
            gw.call(
                COVER_DOMAIN, SERVICE_SET_COVER_POSITION, SHUTTER_OPEN, position=40
            ),
        )
        # The second waited for the first's execution id: a later batch.
        assert gw.sim.stats.calls["exec/apply"] == 2
        await gw.sync()
        assert gw.commands(URL_OPEN) == [("close", []), ("setClosure", [60])]
        assert position(hass, SHUTTER_OPEN) == 40


async def test_stop_is_not_held_behind_a_busy_cover(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER, **{CONF_BUSY_MODE: "reject"}) as gw:
        first = hass.async_create_task(
            gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, SHUTTER_OPEN)
        )
        await asyncio.sleep(0)
        await gw.call(COVER_DOMAIN, SERVICE_STOP_COVER, SHUTTER_OPEN)
        await first
        await gw.sync()
        assert sorted(gw.commands(URL_OPEN)) == [("close", []), ("stop", [])]


async def test_low_speed_cover(hass: HomeAssistant) -> None:
    shutter = roller_shutter(f"io://{GW}/8001", "Nursery shutter")
    shutter["definition"]["commands"].append(
        {"commandName": "setClosureAndLinearSpeed", "nparams": 2}
    )
    async with gateway(hass, Platform.COVER, house=house_setup(GW, [shutter])) as gw:
        slow = "cover.nursery_shutter_low_speed"
        assert hass.states.get(slow) is not None
        await gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, slow)
        assert state_of(hass, slow) == CoverState.CLOSING
        await gw.sync()
        await gw.call(COVER_DOMAIN, SERVICE_SET_COVER_POSITION, slow, position=70)
        await gw.sync()
        assert gw.commands(f"io://{GW}/8001") == [
            ("setClosureAndLinearSpeed", [100, "lowspeed"]),
            ("setClosureAndLinearSpeed", [30, "lowspeed"]),
        ]


async def test_update_entity_storm_costs_one_refresh(hass: HomeAssistant) -> None:
    await async_setup_component(hass, HA_DOMAIN, {})
    async with gateway(hass, Platform.COVER, house=shutters_house(30)) as gw:
        gw.sim.stats.reset()
        for call in range(100):
            await hass.services.async_call(
                HA_DOMAIN,
                SERVICE_UPDATE_ENTITY,
                {"entity_id": f"cover.shutter_{call % 30 + 1}"},
                blocking=True,
            )
        assert gw.sim.stats.calls["setup/devices/states/refresh"] == 1


COVER_UI_CLASSES = {
    "AdjustableSlatsRollerShutter",
    "Awning",
    "Curtain",
    "ExteriorScreen",
    "ExteriorVenetianBlind",
    "GarageDoor",
    "Gate",
    "Pergola",
    "RollerShutter",
    "Screen",
    "Shutter",
    "SwingingShutter",
    "VenetianBlind",
    "Window",
}


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with gateway(hass, Platform.COVER, house=str(dump)) as gw:
        devices = gw.coordinator.data.values()
        expected = {
            d.device_url for d in devices if str(d.ui_class) in COVER_UI_CLASSES
        }
        low_speed = {
            d.device_url
            for d in devices
            if d.device_url in expected
            and d.supports_command("setClosureAndLinearSpeed")
        }
        entries = er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        )
        assert {e.unique_id for e in entries} == expected | {
            f"{url}_low_speed" for url in low_speed
        }
        for entry in entries:
            state = hass.states.get(entry.entity_id)
            assert state is not None
            assert (
                state.state != "unavailable"
                or not gw.coordinator.data[
                    entry.unique_id.removesuffix("_low_speed")
                ].available
            )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
