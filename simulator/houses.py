"""Houses: setup JSON in the API's own format, so a real gateway's dump replays as is.

A house is exactly what ``GET setup`` returns (``gateways``, ``devices`` and, on the
cloud, ``location``, ``rootPlace``, ...). The builders below write our own devices with
the real controllable, widget, uiClass, command and state names that pyoverkiz and Home
Assistant's overkiz integration recognise.

The setup format lives in ``setup_format``, the default house's devices in
``basic_devices``; both are re-exported here, the import path houses use.
"""

from __future__ import annotations

from collections.abc import Mapping
import copy
import json
from pathlib import Path
import re
from typing import Any

from .basic_devices import (
    HEATING_LEVELS,
    awning,
    exterior_screen,
    heating_level_heater,
    heating_valve,
    on_off,
    roller_shutter,
    rts_on_off,
    rts_shutter,
    setpoint_heater,
)
from .scenarios import HOUSE_KEY, default_scenarios
from .setup_format import (
    _IO_MAINTENANCE,
    _STATUS,
    DEFAULT_GATEWAY_ID,
    T_BOOL,
    T_FLOAT,
    T_INT,
    T_OBJECT,
    T_STRING,
    StateSpec,
    device,
    gateway,
    place,
    setup,
)

__all__ = [
    "DEFAULT_GATEWAY_ID",
    "GATEWAY_ID_FORMAT",
    "HEATING_LEVELS",
    "T_BOOL",
    "T_FLOAT",
    "T_INT",
    "T_OBJECT",
    "T_STRING",
    "_IO_MAINTENANCE",
    "_STATUS",
    "StateSpec",
    "awning",
    "default_house",
    "device",
    "exterior_screen",
    "gateway",
    "heating_level_heater",
    "heating_valve",
    "load_house",
    "on_off",
    "place_oid",
    "roller_shutter",
    "rts_on_off",
    "rts_shutter",
    "setpoint_heater",
    "setup",
    "shutters_house",
    "with_gateway_id",
]


_ROOMS = ["Living room", "Kitchen", "Bedroom", "Office", "Bathroom", "Attic"]
# The default house's places: (label, type, floor), rooms on two floors, as an
# account's home has them; a floor is a place too (type numbers as real setups').
_FLOORS = {"Ground floor": 101, "First floor": 102}
_PLACES = {
    "Living room": (1, "Ground floor"),
    "Kitchen": (2, "Ground floor"),
    "Office": (12, "Ground floor"),
    "Garage": (16, "Ground floor"),
    "Bedroom": (6, "First floor"),
    "Bathroom": (8, "First floor"),
    "Attic": (23, None),
    "Garden": (108, None),
}


def place_oid(label: str) -> str:
    """Return the OID of a place of the default house, by its label."""
    index = [*_FLOORS, *_PLACES].index(label) + 1
    return f"00000000-0000-4000-8000-{100 + index:012d}"


def _default_places() -> list[dict[str, Any]]:
    """Return the floors and rooms under the default house."""
    floors = {
        name: place(name, kind, place_oid(name)) for name, kind in _FLOORS.items()
    }
    top: list[dict[str, Any]] = list(floors.values())
    for name, (kind, floor) in _PLACES.items():
        room = place(name, kind, place_oid(name))
        (floors[floor]["subPlaces"] if floor else top).append(room)
    return top


def _in(room: str | None, *devices: dict[str, Any]) -> list[dict[str, Any]]:
    """Put devices in a room of the default house (None: the house itself)."""
    for raw in devices:
        if room is not None:
            raw["placeOID"] = place_oid(room)
    return list(devices)


def default_house(gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build the house the demo and most tests use: covers, switches, heating.

    Its devices are in rooms, but for the cellar shutter, the porch light and the
    valve's sensor, left in the house itself as real setups leave some.
    """
    gw = gateway_id
    devices: list[dict[str, Any]] = []
    for number in range(12):
        room = _ROOMS[number % len(_ROOMS)]
        closure = (0, 100, 40)[number % 3]
        label = f"{room} shutter {number + 1}"
        devices += _in(
            room, roller_shutter(f"io://{gw}/{1001 + number}", label, closure)
        )
    devices += _in(
        "Garden",
        awning(f"io://{gw}/2001", "Terrace awning"),
        exterior_screen(f"io://{gw}/2002", "Patio screen", 0),
    )
    devices += _in("Garage", rts_shutter(f"rts://{gw}/16000001", "Garage shutter"))
    devices += _in(None, rts_shutter(f"rts://{gw}/16000002", "Cellar shutter"))
    devices += _in(
        "Garden",
        on_off(f"io://{gw}/3001", "Garden lights"),
        on_off(f"io://{gw}/3002", "Pool pump", on=True),
        on_off(f"io://{gw}/3003", "Fountain"),
    )
    devices += _in(None, rts_on_off(f"rts://{gw}/16000003", "Porch light"))
    devices += _in(
        "Bathroom", heating_level_heater(f"io://{gw}/4001", "Bathroom heater")
    )
    devices += _in(
        "Living room", *setpoint_heater(f"io://{gw}/4002", "Living room heater")
    )
    valve, valve_sensor = heating_valve(f"io://{gw}/5001", "Bedroom valve")
    devices += _in("Bedroom", valve) + _in(None, valve_sensor)
    house = setup(gateway_id, devices, _default_places())
    house[HOUSE_KEY] = default_scenarios(gateway_id)
    return house


def shutters_house(n: int, gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build a house of ``n`` open IO roller shutters, for benchmarks."""
    if n < 0:
        raise ValueError("n must be >= 0")
    devices = [
        roller_shutter(f"io://{gateway_id}/{100001 + i}", f"Shutter {i + 1}")
        for i in range(n)
    ]
    return setup(gateway_id, devices)


def load_house(house: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Return a private copy of a house given by name, setup path or dict.

    Names: ``default``, ``sensors`` (one sensor of each kind), ``controls`` (the
    devices of buttons, numbers and selects) and ``shutters:N``.
    """
    if isinstance(house, Mapping):
        data: Any = copy.deepcopy(dict(house))
    elif isinstance(house, str) and house == "default":
        data = default_house()
    elif isinstance(house, str) and house == "sensors":
        from .sensors import sensors_house  # noqa: PLC0415 (it builds on this module)

        data = sensors_house(DEFAULT_GATEWAY_ID)
    elif isinstance(house, str) and house == "controls":
        from .controls import controls_house  # noqa: PLC0415 (it builds on this module)

        data = controls_house()
    elif isinstance(house, str) and house.startswith("shutters:"):
        data = shutters_house(int(house.removeprefix("shutters:")))
    else:
        path = Path(house)
        if not path.is_file():
            raise ValueError(f"Unknown house {house!r}: not a name nor a setup file")
        data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("devices"), list):
        raise ValueError("A house is a setup object with a 'devices' list")
    if not data.get("gateways"):
        raise ValueError("A house needs at least one gateway")
    return data


GATEWAY_ID_FORMAT = re.compile(r"\d{4}-\d{4}-\d{4}")


def with_gateway_id(house: Mapping[str, Any], gateway_id: str) -> dict[str, Any]:
    """Return a copy of a house whose (first) gateway has another id.

    The id is in the gateway and in every device URL (``io://<id>/...``), so two
    simulated gateways of one house can run side by side as different gateways.
    """
    if not GATEWAY_ID_FORMAT.fullmatch(gateway_id):
        raise ValueError(f"A gateway id looks like 1234-5678-9012, not {gateway_id!r}")
    old = str(house["gateways"][0]["gatewayId"])
    renamed: dict[str, Any] = json.loads(json.dumps(house).replace(old, gateway_id))
    return renamed
