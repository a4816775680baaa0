"""Buttons against the simulated gateway: one press, one command, through the queue."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from tests.platforms import gateway

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_smoke(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> None:
    async with gateway(hass, Platform.BUTTON, house="controls") as gw:
        for e in er.async_entries_for_config_entry(entity_registry, gw.entry.entry_id):
            print(e.entity_id, e.unique_id, e.disabled_by, e.translation_key)
    async with gateway(hass, Platform.NUMBER, house="controls") as gw:
        for e in er.async_entries_for_config_entry(entity_registry, gw.entry.entry_id):
            s = hass.states.get(e.entity_id)
            print(e.entity_id, e.unique_id, s and s.state, s and dict(s.attributes))
    async with gateway(hass, Platform.SELECT, house="controls") as gw:
        for e in er.async_entries_for_config_entry(entity_registry, gw.entry.entry_id):
            s = hass.states.get(e.entity_id)
            print(e.entity_id, e.unique_id, s and s.state, s and s.attributes.get("options"))
