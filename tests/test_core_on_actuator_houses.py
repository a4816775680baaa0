"""Home Assistant's own overkiz runs, unchanged, on the actuator and climate houses.

The simulator stays faithful: the devices built for our tests are ones core's
integration recognises, sets up without errors and shows available.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.overkiz_batch.takeover import CORE_DOMAIN
from simulator import GatewaySimulator
from simulator.actuator_houses import actuators_house
from simulator.climate_houses import climate_house
from tests.takeover_setup import setup_core

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

pytestmark = pytest.mark.usefixtures("socket_enabled")


def _platforms(hass: HomeAssistant, entry_id: str) -> dict[str, set[str]]:
    """The unique ids core made, by platform."""
    found: dict[str, set[str]] = {}
    for entry in er.async_entries_for_config_entry(er.async_get(hass), entry_id):
        found.setdefault(entry.domain, set()).add(entry.unique_id)
    return found


@pytest.mark.parametrize(
    ("house", "expected"),
    [
        (
            actuators_house(),
            {
                "light": 3,
                "lock": 1,
                "siren": 1,
                "fan": 1,
                "alarm_control_panel": 4,
                "water_heater": 4,
                "climate": 3,
            },
        ),
        (climate_house(), {"climate": 9}),
    ],
    ids=["actuators", "climate"],
)
async def test_core_sets_up_our_devices(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    house: dict[str, Any],
    expected: dict[str, int],
) -> None:
    async with GatewaySimulator(house=house, mode="local", speed=100) as sim:
        core = await setup_core(hass, sim)
        assert core.domain == CORE_DOMAIN
        made = _platforms(hass, core.entry_id)
        for platform, count in expected.items():
            assert len(made.get(platform, ())) == count, platform
        for state in hass.states.async_all():
            if state.entity_id.split(".")[0] in expected:
                assert state.state != "unavailable", state.entity_id
        await hass.config_entries.async_unload(core.entry_id)
        await hass.async_block_till_done()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
