"""Buttons against the simulated gateway: one press, one command, through the queue."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.button import (
    IDENTIFY_PERIOD,
    PRESSES_MAX,
    PRESSES_PERIOD,
)
from custom_components.overkiz_batch.const import CONF_BUSY_MODE
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from simulator.switches import rtd_siren
from tests.conftest import shared_dumps
from tests.core_overkiz import core_enabled_unique_ids
from tests.gateway_setup import Gateway, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

HOUSE = "controls"
SHUTTER = f"io://{GW}/1001"  # closed, "my" at closure 50
LIGHT = f"io://{GW}/6101"  # off, "my" at intensity 40
SCREEN = f"ogp://{GW}/6201"  # open, favourite (alias 1) at closure 30
SIREN = f"rtd://{GW}/6302"  # RTD: bells, no identify
IO_SIREN = f"io://{GW}/6304"  # rings a sequence: ring takes four parameters


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    # Every button enabled, so the snapshot shows the disabled ones too.
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
            await snapshot_entities(gw, entity_registry, snapshot)


@pytest.mark.parametrize(
    ("entity_id", "device_url", "command"),
    [
        ("button.kitchen_shutter_my_position", SHUTTER, ("my", [])),
        ("button.studio_screen_my_position", SCREEN, ("goToAlias", ["1"])),
        ("button.back_gate_open_stop_or_close", f"io://{GW}/6003", ("cycle", [])),
        # RTS: the step, then the duration slot (0: the motor's own).
        (
            "button.porch_dimmer_brightness_up",
            f"rts://{GW}/16006102",
            ("stepPositive", [5, 0]),
        ),
        (
            "button.porch_dimmer_brightness_down",
            f"rts://{GW}/16006102",
            ("stepNegative", [5, 0]),
        ),
        (
            "button.smoke_detector_test_alarm",
            f"io://{GW}/6301",
            ("checkEventTrigger", ["short"]),
        ),
        ("button.siren_bip", SIREN, ("bip", [])),
        ("button.siren_ding_dong", SIREN, ("dingDong", [])),
        ("button.siren_fast_bip_sequence", SIREN, ("fastBipSequence", [])),
        ("button.siren_ring", SIREN, ("ring", [])),
        ("button.hall_light_identify", LIGHT, ("startIdentify", [])),
        # No startIdentify on this device: identify is its identify button.
        ("button.kitchen_shutter_identify", SHUTTER, ("identify", [])),
    ],
)
async def test_press_runs_the_command_once(
    hass: HomeAssistant, entity_id: str, device_url: str, command: tuple[str, Any]
) -> None:
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        gw.sim.stats.reset()
        await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, entity_id)
        await gw.sync()
        assert gw.commands(device_url) == [command]
        assert gw.sim.stats.calls["exec/apply"] == 1


async def test_my_moves_to_the_favourite_position(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        await gw.call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            [
                "button.kitchen_shutter_my_position",
                "button.studio_screen_my_position",
                "button.hall_light_my_position",
            ],
        )
        await gw.sync()
        assert gw.sim.state(SHUTTER, "core:ClosureState") == 50
        assert gw.sim.state(SCREEN, "core:ClosureState") == 30
        assert gw.sim.state(LIGHT, "core:LightIntensityState") == 40
        assert gw.sim.state(LIGHT, "core:OnOffState") == "on"
        # Pressed together: one execution for the three devices.
        assert gw.sim.stats.executions_accepted == 1


def by_unique_id(
    registry: er.EntityRegistry, gw: Gateway
) -> dict[str, er.RegistryEntry]:
    """The gateway entry's registry entries, by unique id."""
    return {
        e.unique_id: e
        for e in er.async_entries_for_config_entry(registry, gw.entry.entry_id)
    }


async def test_identify_buttons_enabled_by_default(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        entries = by_unique_id(entity_registry, gw)
        # A device with startIdentify: that one is enabled, the others are not.
        assert entries[f"{LIGHT}-startIdentify"].disabled_by is None
        assert (
            entries[f"{LIGHT}-identify"].disabled_by
            is er.RegistryEntryDisabler.INTEGRATION
        )
        assert (
            entries[f"{LIGHT}-stopIdentify"].disabled_by
            is er.RegistryEntryDisabler.INTEGRATION
        )
        # Without startIdentify, identify is enabled.
        assert entries[f"{SHUTTER}-identify"].disabled_by is None


async def test_a_command_needing_parameters_is_a_disabled_button(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """An IO siren's ring takes four parameters a press cannot give."""
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        entries = by_unique_id(entity_registry, gw)
        assert (
            entries[f"{IO_SIREN}-ring"].disabled_by
            is er.RegistryEntryDisabler.INTEGRATION
        )
        assert entries[f"{SIREN}-ring"].disabled_by is None  # an RTD bell's takes none
        assert gw.commands(IO_SIREN) == []


async def test_presses_wait_their_turn_in_queue_mode(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        await asyncio.gather(
            gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.siren_bip"),
            gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.siren_ring"),
        )
        await gw.sync()
        assert gw.commands(SIREN) == [("bip", []), ("ring", [])]


async def test_reject_mode_refuses_a_press_for_a_busy_device(
    hass: HomeAssistant,
) -> None:
    options = {CONF_BUSY_MODE: "reject"}
    async with gateway(hass, Platform.BUTTON, house=HOUSE, **options) as gw:
        gw.sim.set_latency(0.3)  # the first press stays in flight a while
        first = hass.async_create_task(
            gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.hall_light_my_position")
        )
        await asyncio.sleep(0.1)
        with pytest.raises(HomeAssistantError) as err:
            await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.hall_light_my_position")
        assert err.value.translation_key == "device_busy"
        # Identify never waits for a busy device: it is not refused.
        await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.hall_light_identify")
        await first
        await gw.sync()
        assert sorted(gw.commands(LIGHT)) == [("my", []), ("startIdentify", [])]


async def test_identify_is_not_held_behind_a_busy_device(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        gw.sim.set_latency(0.3)
        first = hass.async_create_task(
            gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.hall_light_my_position")
        )
        await asyncio.sleep(0.1)
        waiting = hass.async_create_task(
            gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.hall_light_my_position")
        )
        await asyncio.sleep(0)
        # The second "my" waits for the first to be accepted; identify goes at once.
        identify = hass.async_create_task(
            gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.hall_light_identify")
        )
        await identify
        assert not waiting.done()
        await asyncio.gather(first, waiting)
        await gw.sync()
        assert sorted(gw.commands(LIGHT)) == [
            ("my", []),
            ("my", []),
            ("startIdentify", []),
        ]
        assert gw.commands(LIGHT)[-1] == ("my", [])


async def test_a_hammered_button_is_refused_beyond_its_rate(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        for _ in range(PRESSES_MAX):
            await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.siren_ding_dong")
        with pytest.raises(HomeAssistantError) as err:
            await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.siren_ding_dong")
        assert err.value.translation_key == "too_many_presses"
        # Per button: the siren's other buttons still work.
        await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.siren_bip")
        await gw.sync()
        assert gw.commands(SIREN).count(("dingDong", [])) == PRESSES_MAX
        # Once the period has passed, the button takes presses again.
        freezer.tick(PRESSES_PERIOD)
        await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.siren_ding_dong")
        await gw.sync()
        assert gw.commands(SIREN).count(("dingDong", [])) == PRESSES_MAX + 1


async def test_identify_again_while_identifying_is_skipped(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        for _ in range(3):
            await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.hall_light_identify")
        await gw.sync()
        assert gw.commands(LIGHT) == [("startIdentify", [])]
        freezer.tick(IDENTIFY_PERIOD)
        await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.hall_light_identify")
        await gw.sync()
        assert gw.commands(LIGHT) == [("startIdentify", [])] * 2


async def test_new_device_gets_its_buttons(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    async with gateway(hass, Platform.BUTTON, house=HOUSE) as gw:
        url = f"rtd://{GW}/6999"
        gw.sim.add_device(rtd_siren(url, "Attic siren"))
        await gw.poll()
        await hass.async_block_till_done()
        assert entity_registry.async_get_entity_id(
            BUTTON_DOMAIN, "overkiz_batch", f"{url}-ring"
        )
        await gw.call(BUTTON_DOMAIN, SERVICE_PRESS, "button.attic_siren_ring")
        await gw.sync()
        assert gw.commands(url) == [("ring", [])]


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every button core enables on the same devices, with core's unique id."""
    async with gateway(hass, Platform.BUTTON, house=str(dump)) as gw:
        ours = {
            e.unique_id
            for e in er.async_entries_for_config_entry(
                er.async_get(hass), gw.entry.entry_id
            )
            if e.disabled_by is None
        }
        core = core_enabled_unique_ids(Platform.BUTTON, gw.coordinator.data.values())
        assert core <= ours
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
