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
    "roller_shutter",
    "rts_on_off",
    "rts_shutter",
    "setpoint_heater",
    "setup",
    "shutters_house",
    "with_gateway_id",
]


_ROOMS = ["Living room", "Kitchen", "Bedroom", "Office", "Bathroom", "Attic"]


def default_house(gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build the house the demo and most tests use: covers, switches, heating."""
    gw = gateway_id
    devices: list[dict[str, Any]] = []
    for number in range(12):
        room = _ROOMS[number % len(_ROOMS)]
        closure = (0, 100, 40)[number % 3]
        devices.append(
            roller_shutter(
                f"io://{gw}/{1001 + number}", f"{room} shutter {number + 1}", closure
            )
        )
    devices.append(awning(f"io://{gw}/2001", "Terrace awning"))
    devices.append(exterior_screen(f"io://{gw}/2002", "Patio screen", 0))
    devices.append(rts_shutter(f"rts://{gw}/16000001", "Garage shutter"))
    devices.append(rts_shutter(f"rts://{gw}/16000002", "Cellar shutter"))
    devices.append(on_off(f"io://{gw}/3001", "Garden lights"))
    devices.append(on_off(f"io://{gw}/3002", "Pool pump", on=True))
    devices.append(on_off(f"io://{gw}/3003", "Fountain"))
    devices.append(rts_on_off(f"rts://{gw}/16000003", "Porch light"))
    devices.append(heating_level_heater(f"io://{gw}/4001", "Bathroom heater"))
    devices.extend(setpoint_heater(f"io://{gw}/4002", "Living room heater"))
    devices.extend(heating_valve(f"io://{gw}/5001", "Bedroom valve"))
    house = setup(gateway_id, devices)
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
