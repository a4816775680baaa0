"""Home Assistant finds and loads the integration from this checkout."""

from __future__ import annotations

from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from custom_components.overkiz_batch.const import DOMAIN

CHECKOUT = Path(__file__).resolve().parents[1]


async def test_integration_is_loaded_from_checkout(hass: HomeAssistant) -> None:
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.file_path == CHECKOUT / "custom_components" / DOMAIN
    assert integration.name == "Overkiz Batch"
    assert integration.config_flow is True
    assert "pyoverkiz[nexity]>=2.1.2,<3" in integration.requirements
