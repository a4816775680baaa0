"""Home Assistant's own overkiz runs, unchanged, on the controls house.

The devices built for the button, number and select tests are ones core's
integration recognises: it makes the same entities (same unique ids) as ours,
and its commands work on the simulated gateway.
"""

from __future__ import annotations

import logging

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.overkiz_batch.takeover import CORE_DOMAIN
from simulator import GatewaySimulator
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import setup_entry
from tests.takeover_setup import setup_core

pytestmark = pytest.mark.usefixtures("socket_enabled")

PLATFORMS = ("button", "number", "select")
SHUTTER = f"io://{GW}/1001"
GATE = f"io://{GW}/6001"
IO_SIREN = f"io://{GW}/6304"


def enabled_ids(hass: HomeAssistant, entry_id: str) -> set[str]:
    """Unique ids of the entry's buttons, numbers and selects enabled by default."""
    return {
        entry.unique_id
        for entry in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
        if entry.domain in PLATFORMS and entry.disabled_by is None
    }


async def test_core_and_ours_make_the_same_controls(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    registry = er.async_get(hass)
    async with GatewaySimulator(house="controls", mode="local", speed=100) as sim:
        core = await setup_core(hass, sim)
        theirs = enabled_ids(hass, core.entry_id)
        assert len(theirs) >= 25

        # Core's commands work on the simulated devices.
        my = registry.async_get_entity_id(BUTTON_DOMAIN, CORE_DOMAIN, f"{SHUTTER}-my")
        gate = registry.async_get_entity_id(
            SELECT_DOMAIN, CORE_DOMAIN, f"{GATE}-core:OpenClosedPedestrianState"
        )
        assert my is not None
        assert gate is not None
        await hass.services.async_call(
            BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: my}, blocking=True
        )
        await hass.services.async_call(
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            {ATTR_ENTITY_ID: gate, ATTR_OPTION: "pedestrian"},
            blocking=True,
        )
        await hass.async_block_till_done()
        await sim.settle()
        assert sim.stats.device_commands[SHUTTER] == [("my", [])]
        assert sim.state(GATE, "core:OpenClosedPedestrianState") == "pedestrian"
        await hass.config_entries.async_unload(core.entry_id)
        await hass.async_block_till_done()

        ours = await setup_entry(hass, sim)
        # Ours, but disabled: the IO siren's ring takes parameters a press lacks.
        unpressable = {f"{IO_SIREN}-ring"}
        assert theirs - unpressable <= enabled_ids(hass, ours.entry_id)
        assert registry.async_get_entity_id(
            BUTTON_DOMAIN, "overkiz_batch", f"{IO_SIREN}-ring"
        )
        await hass.config_entries.async_unload(ours.entry_id)
        await hass.async_block_till_done()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
