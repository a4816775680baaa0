"""The setup JSON format: a device, a gateway, a setup, as ``GET setup`` writes them.

Every house builder writes its devices through ``device()`` so they carry the real
definition, state and attribute fields that pyoverkiz and Home Assistant read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
import zlib

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_GATEWAY_ID = "0811-2300-4455"
ROOT_PLACE_OID = "00000000-0000-4000-8000-000000000001"  # the house itself
_EPOCH_MS = 1_700_000_000_000

# State value types of the API.
T_INT, T_FLOAT, T_STRING, T_BOOL, T_OBJECT = 1, 2, 3, 6, 11

type StateSpec = tuple[str, int, Any]


def _state_definition(name: str, values: list[str] | None) -> dict[str, Any]:
    if values:
        return {"type": "DiscreteState", "values": values, "qualifiedName": name}
    return {"type": "ContinuousState", "qualifiedName": name}


def device(
    url: str,
    label: str,
    controllable: str,
    ui_class: str,
    widget: str,
    commands: Mapping[str, int],
    states: list[StateSpec],
    *,
    sensor: bool = False,
    discrete: Mapping[str, list[str]] | None = None,
    manufacturer: str = "Somfy",
) -> dict[str, Any]:
    """One device in the API's format (what ``GET setup/devices`` lists)."""
    discrete = discrete or {}
    index = zlib.crc32(url.encode())
    return {
        "creationTime": _EPOCH_MS,
        "lastUpdateTime": _EPOCH_MS,
        "label": label,
        "deviceURL": url,
        "shortcut": False,
        "controllableName": controllable,
        "definition": {
            "commands": [
                {"commandName": name, "nparams": nparams}
                for name, nparams in commands.items()
            ],
            "states": [
                _state_definition(name, discrete.get(name)) for name, _, _ in states
            ],
            "dataProperties": [],
            "widgetName": widget,
            "uiClass": ui_class,
            "qualifiedName": controllable,
            "type": "SENSOR" if sensor else "ACTUATOR",
        },
        "states": [
            {"name": name, "type": kind, "value": value} for name, kind, value in states
        ],
        "attributes": [
            {"name": "core:Manufacturer", "type": T_STRING, "value": manufacturer},
            {"name": "core:FirmwareRevision", "type": T_STRING, "value": "5100000X01"},
        ],
        "available": True,
        "enabled": True,
        "synced": True,
        "type": 2 if sensor else 1,
        "widget": widget,
        "uiClass": ui_class,
        "oid": f"00000000-0000-4000-8000-{index:012d}",
    }


# Shared by the device builders: the availability state and IO maintenance commands.
_STATUS = ("core:StatusState", T_STRING, "available")
_IO_MAINTENANCE = {"identify": 0, "wink": 1, "getName": 0, "setName": 1}


def gateway(gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build a TaHoma gateway, alive and up to date."""
    return {
        "gatewayId": gateway_id,
        "type": 98,
        "subType": 1,
        "placeOID": ROOT_PLACE_OID,
        "alive": True,
        "timeReliable": True,
        "connectivity": {"status": "OK", "protocolVersion": "2025.4.4-12"},
        "upToDate": True,
        "updateStatus": "UP_TO_DATE",
        "syncInProgress": False,
        "functions": "INTERNET_AUTHORIZATION,SCENARIO_DOWNLOAD,TRIGGERS_SENSORS",
        "mode": "ACTIVE",
    }


def place(
    label: str, kind: int, oid: str, sub_places: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One place of the home (the house, a floor, a room), as ``rootPlace`` nests."""
    return {
        "creationTime": _EPOCH_MS,
        "lastUpdateTime": _EPOCH_MS,
        "label": label,
        "type": kind,
        "oid": oid,
        "subPlaces": sub_places or [],
    }


def setup(
    gateway_id: str,
    devices: list[dict[str, Any]],
    places: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Build a setup in the cloud's format (``simulator.local_format`` cuts it down).

    ``places`` are the floors and rooms under the house (the root place); a device
    is in one when its ``placeOID`` names it, else in the house itself.
    """
    for raw in devices:
        raw.setdefault("placeOID", ROOT_PLACE_OID)
    return {
        "creationTime": _EPOCH_MS,
        "lastUpdateTime": _EPOCH_MS,
        "id": f"SETUP-{gateway_id}",
        "oid": "00000000-0000-4000-8000-000000000000",
        "location": {
            "creationTime": _EPOCH_MS,
            "lastUpdateTime": _EPOCH_MS,
            "city": "Simville",
            "country": "France",
            "postalCode": "00000",
            "addressLine1": "1 simulated street",
            "timezone": "Europe/Paris",
            "longitude": "2.35",
            "latitude": "48.85",
            "twilightMode": 2,
            "twilightOffsetEnabled": False,
            "dawnOffset": 0,
            "duskOffset": 0,
        },
        "gateways": [gateway(gateway_id)],
        "devices": devices,
        "zones": [],
        "resellerDelegationType": "NEVER",
        "rootPlace": place("House", 200, ROOT_PLACE_OID, places),
        "features": [],
    }
