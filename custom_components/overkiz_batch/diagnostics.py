"""Diagnostics: queue settings and counters, executions and devices, no secrets.

Device URLs carry the gateway id (its PIN), so every string is scrubbed of it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_TOKEN, CONF_USERNAME

from .const import CONF_GATEWAY_ID, DOMAIN
from .devices import base_device_url

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.device_registry import DeviceEntry
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

TO_REDACT = {
    CONF_GATEWAY_ID,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    "location",
}
# Device attributes that pair or unlock something (the HomeKit bridge's code).
SECRET_ATTRIBUTES = {"homekit:SetupCode"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: OverkizBatchConfigEntry
) -> dict[str, Any]:
    """Return the entry's diagnostics."""
    coordinator = entry.runtime_data
    data: dict[str, Any] = {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": dict(entry.options),
        },
        **_coordinator_data(coordinator),
        "devices": [_device_data(d) for d in coordinator.data.values()],
        "executions": [e.as_dict() for e in coordinator.executions.values()],
    }
    return _scrub(coordinator, data)


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: OverkizBatchConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Return the diagnostics of one device (or of the gateway)."""
    coordinator = entry.runtime_data
    bases = {ident for domain, ident in device.identifiers if domain == DOMAIN}
    urls = [url for url in coordinator.data if base_device_url(url) in bases]
    data: dict[str, Any] = {
        "devices": [_device_data(coordinator.data[url]) for url in urls],
        "executions": [
            e.as_dict()
            for e in coordinator.executions.values()
            if any(c.device_url in urls for c in e.commands)
        ],
    }
    if coordinator.gateway_id in bases:
        data.update(_coordinator_data(coordinator))
    return _scrub(coordinator, data)


def _coordinator_data(coordinator: OverkizBatchCoordinator) -> dict[str, Any]:
    gateway = coordinator.gateway
    return {
        "gateway": {
            "type": gateway.type.beautify_name if gateway.type else None,
            "sub_type": gateway.sub_type.beautify_name if gateway.sub_type else None,
            "alive": coordinator.gateway_alive,
            "mode": gateway.mode,
            "protocol_version": gateway.connectivity.protocol_version,
            "connectivity": gateway.connectivity.status,
            # A local gateway tells neither its update status nor its type or mode.
            "update_status": str(status) if (status := gateway.update_status) else None,
        }
        if gateway
        else None,
        "api": str(coordinator.client.server_config.api_type),
        "last_update_success": coordinator.last_update_success,
        "update_interval": str(coordinator.update_interval),
        "queue": {
            "settings": asdict(coordinator.commands.queue.settings),
            "stats": asdict(coordinator.commands.queue.stats),
            "pending_actions": coordinator.commands.get_pending_actions_count(),
        },
    }


def _device_data(device: Device) -> dict[str, Any]:
    return {
        "device_url": device.device_url,
        "label": device.label,
        "controllable_name": device.controllable_name,
        "widget": str(device.widget),
        "ui_class": str(device.ui_class),
        "available": device.available,
        "enabled": device.enabled,
        "commands": sorted(device.definition.commands),
        "states": {name: state.value for name, state in device.states.items()},
        "attributes": async_redact_data(
            {name: attr.value for name, attr in device.attributes.items()},
            SECRET_ATTRIBUTES,
        ),
    }


def _scrub(
    coordinator: OverkizBatchCoordinator, data: dict[str, Any]
) -> dict[str, Any]:
    """Replace the gateway id wherever it appears (device URLs, labels)."""
    gateway_id = coordinator.gateway_id

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(gateway_id, REDACTED) if gateway_id else value
        if isinstance(value, dict):
            return {scrub(k): scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [scrub(v) for v in value]
        return value

    return {scrub(k): scrub(v) for k, v in data.items()}
