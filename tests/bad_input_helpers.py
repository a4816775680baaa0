"""Helpers shared by the bad input tests."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.components.cover import DOMAIN as COVER_DOMAIN, SERVICE_CLOSE_COVER
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch.const import DOMAIN
from simulator import GatewaySimulator
from tests.gateway_setup import FAST_OPTIONS, entity_ids_of

TRANSLATIONS = json.loads(
    (
        Path(__file__).resolve().parents[1]
        / "custom_components/overkiz_batch/translations/en.json"
    ).read_text(encoding="utf-8")
)
VALID_OPTIONS = FAST_OPTIONS


def covers_of(entry: MockConfigEntry) -> dict[str, str]:
    """Device URL -> cover entity id."""
    hass = entry.runtime_data.hass
    return {url: entity_id for entity_id, url in entity_ids_of(hass, "cover").items()}


def ran(sim: GatewaySimulator, url: str, command: str) -> int:
    return sum(
        1 for name, _ in sim.stats.device_commands.get(url, []) if name == command
    )


async def still_works(hass: HomeAssistant, sim: GatewaySimulator, url: str) -> None:
    """A close through Home Assistant runs exactly once on the device."""
    entity_id = next(
        eid for eid, device in entity_ids_of(hass, "cover").items() if device == url
    )
    before = ran(sim, url, "close")
    await hass.services.async_call(
        COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done()
    await sim.settle()
    assert ran(sim, url, "close") == before + 1


def assert_translated(err: HomeAssistantError) -> None:
    """Our error, with a message in en.json's exceptions."""
    assert err.translation_domain == DOMAIN, repr(err)
    assert err.translation_key in TRANSLATIONS["exceptions"], err.translation_key
