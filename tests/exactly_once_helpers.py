"""Helpers shared by the exactly-once tests."""

from __future__ import annotations

from homeassistant.components.cover import DOMAIN as COVER_DOMAIN, SERVICE_CLOSE_COVER
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pyoverkiz.models import Action, Command
import pytest

from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from simulator import GatewaySimulator
from tests.gateway_setup import entity_ids_of


def close(url: str) -> list[Action]:
    return [Action(device_url=url, commands=[Command(name="close")])]


def ran(sim: GatewaySimulator, url: str, command: str = "close") -> int:
    """How many times the device ran ``command``, by the gateway's log."""
    return sum(
        1 for name, _ in sim.stats.device_commands.get(url, []) if name == command
    )


def gateway_exec_ids(sim: GatewaySimulator) -> set[str]:
    """Every execution the gateway took, running or finished."""
    return set(sim.core.executions) | {e.id for e in sim.core.history}


async def close_cover_fails(
    hass: HomeAssistant, coordinator: OverkizBatchCoordinator, url: str
) -> HomeAssistantError:
    """Close the device's cover as a user would; return the error they get."""
    entity_id = next(
        e for e, device in entity_ids_of(hass, COVER_DOMAIN).items() if device == url
    )
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": entity_id}, blocking=True
        )
    return err.value
