"""Helpers shared by the coordinator tests."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from pyoverkiz.models import Action, Command

from custom_components.overkiz_batch.const import DOMAIN
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from simulator import GatewaySimulator
from tests.gateway_setup import poll

CLOSURE = "core:ClosureState"


def shutter(sim: GatewaySimulator, number: int = 1) -> str:
    return f"io://{sim.gateway_id}/{1000 + number}"


def action(device_url: str, name: str, *params: Any) -> Action:
    return Action(
        device_url=device_url,
        commands=[Command(name=name, parameters=list(params) or None)],
    )


async def run_to_end(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    coordinator: OverkizBatchCoordinator,
    *actions: Action,
) -> str:
    """Run actions, let the gateway finish them and fetch the events."""
    exec_id = await coordinator.commands.execute_action_group(list(actions))
    await sim.settle()
    await poll(hass, coordinator)
    return exec_id


def pending_sensor(hass: HomeAssistant) -> str:
    """The entity id of the pending actions sensor."""
    return next(
        s.entity_id for s in hass.states.async_all("sensor") if "pending" in s.entity_id
    )


def reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]
