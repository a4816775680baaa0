"""What a local gateway writes: the cloud's setup cut down to the local API's fields.

Houses are kept in the cloud's format; the local API answers with less, as real local
gateways do (compare the ``setup_local_*`` dumps with the cloud ones): the setup has
only its gateways and devices, a gateway only its id and connectivity, a device no
cloud ids, times, places or top-level widget and UI class but its ``subsystemId``, and
a definition names its states and attributes without their types or values.
"""

from __future__ import annotations

from typing import Any

SETUP_KEYS = frozenset({"gateways", "devices"})
GATEWAY_KEYS = frozenset({"gatewayId", "connectivity"})
DEVICE_KEYS = frozenset(
    {
        "attributes",
        "available",
        "controllableName",
        "definition",
        "deviceURL",
        "enabled",
        "label",
        "states",
        "subsystemId",
        "synced",
        "type",
    }
)
DEFINITION_KEYS = frozenset(
    {"attributes", "commands", "states", "type", "uiClass", "widgetName"}
)


def local_setup(house: dict[str, Any]) -> dict[str, Any]:
    """Return ``GET setup`` as the local API answers it."""
    return {
        "gateways": [local_gateway(raw) for raw in house["gateways"]],
        "devices": [local_device(raw) for raw in house["devices"]],
    }


def local_gateway(raw: Any) -> Any:
    """Return a gateway as the local API lists it: its id and connectivity."""
    if not isinstance(raw, dict):
        return raw
    return {key: value for key, value in raw.items() if key in GATEWAY_KEYS}


def local_device(raw: Any) -> Any:
    """Return a device as the local API sends it.

    A device without the cloud's ``oid`` is already in the local format (a local dump):
    it goes as it is, but for a place it could not have.
    """
    if not isinstance(raw, dict):
        return raw
    if "oid" not in raw:
        return {key: value for key, value in raw.items() if key != "placeOID"}
    device = {key: value for key, value in raw.items() if key in DEVICE_KEYS}
    device.setdefault("attributes", [])  # the cloud leaves out empty lists
    device.setdefault("states", [])
    device.setdefault("synced", True)  # the cloud does not tell
    if "controllableName" in raw:
        device.setdefault("subsystemId", subsystem_id(raw.get("deviceURL", "")))
    if isinstance(definition := raw.get("definition"), dict):
        device["definition"] = _local_definition(definition, raw.get("attributes"))
    return device


def subsystem_id(url: str) -> int:
    """Return the sub-device number of a device URL (``#2``), 0 for a main device."""
    _, hashed, number = str(url).rpartition("#")
    return int(number) if hashed and number.isdigit() else 0


def _local_definition(definition: dict[str, Any], attributes: Any) -> dict[str, Any]:
    """Keep names only: no state types or values, no profiles, as local gateways."""
    local = {key: value for key, value in definition.items() if key in DEFINITION_KEYS}
    if isinstance(commands := definition.get("commands"), list):
        local["commands"] = [_local_command(command) for command in commands]
    if isinstance(states := definition.get("states"), list):
        local["states"] = [_named(state, "qualifiedName") for state in states]
    if "attributes" not in local and isinstance(attributes, list):
        local["attributes"] = [
            {"name": item.get("name")} for item in attributes if isinstance(item, dict)
        ]
    return local


def _local_command(command: Any) -> Any:
    """Add the signature of the parameters (``p1,p2``), as local gateways list it."""
    if not isinstance(command, dict) or "paramsSig" in command:
        return command
    local = dict(command)
    if isinstance(count := command.get("nparams"), int) and count > 0:
        local["paramsSig"] = ",".join(f"p{index}" for index in range(1, count + 1))
    return local


def _named(item: Any, key: str) -> Any:
    if not isinstance(item, dict) or "name" in item:
        return item
    return {"name": item.get(key)}
