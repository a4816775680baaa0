"""Houses: setup JSON in the API's own format, so a real gateway's dump replays as is.

A house is exactly what ``GET setup`` returns (``gateways``, ``devices`` and, on the
cloud, ``location``, ``rootPlace``, ...). The builders below write our own devices with
the real controllable, widget, uiClass, command and state names that pyoverkiz and Home
Assistant's overkiz integration recognise.
"""

from __future__ import annotations

from collections.abc import Mapping
import copy
import json
from pathlib import Path
import re
from typing import Any
import zlib

from .scenarios import HOUSE_KEY, default_scenarios

DEFAULT_GATEWAY_ID = "0811-2300-4455"
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


_STATUS = ("core:StatusState", T_STRING, "available")
_IO_MAINTENANCE = {"identify": 0, "wink": 1, "getName": 0, "setName": 1}


def _open_closed(closure: int) -> str:
    return "closed" if closure >= 100 else "open"


def roller_shutter(url: str, label: str, closure: int = 0) -> dict[str, Any]:
    """Build a positionable IO roller shutter (closure 0 open .. 100 closed)."""
    return device(
        url,
        label,
        "io:RollerShutterGenericIOComponent",
        "RollerShutter",
        "PositionableRollerShutter",
        {
            "open": 0,
            "close": 0,
            "stop": 0,
            "my": 0,
            "up": 0,
            "down": 0,
            "setClosure": 1,
            "setPosition": 1,
            "setMemorized1Position": 1,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:NameState", T_STRING, label),
            ("core:ClosureState", T_INT, closure),
            ("core:TargetClosureState", T_INT, closure),
            ("core:OpenClosedState", T_STRING, _open_closed(closure)),
            ("core:MovingState", T_BOOL, False),
            ("core:Memorized1PositionState", T_INT, 50),
        ],
        discrete={
            "core:OpenClosedState": ["closed", "open"],
            "core:MovingState": ["false", "true"],
            "core:StatusState": ["available", "unavailable"],
        },
    )


def awning(url: str, label: str, deployment: int = 0) -> dict[str, Any]:
    """Build a positionable IO awning (deployment 0 folded .. 100 deployed)."""
    return device(
        url,
        label,
        "io:HorizontalAwningIOComponent",
        "Awning",
        "PositionableHorizontalAwning",
        {
            "deploy": 0,
            "undeploy": 0,
            "stop": 0,
            "my": 0,
            "setDeployment": 1,
            "setPosition": 1,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:NameState", T_STRING, label),
            ("core:DeploymentState", T_INT, deployment),
            ("core:TargetClosureState", T_INT, deployment),
            ("core:OpenClosedState", T_STRING, "closed" if deployment == 0 else "open"),
            ("core:MovingState", T_BOOL, False),
        ],
        discrete={"core:OpenClosedState": ["closed", "open"]},
    )


def exterior_screen(url: str, label: str, closure: int = 0) -> dict[str, Any]:
    """Build a positionable IO vertical exterior screen (moves like a shutter)."""
    return device(
        url,
        label,
        "io:VerticalExteriorAwningIOComponent",
        "ExteriorScreen",
        "PositionableScreen",
        {
            "open": 0,
            "close": 0,
            "stop": 0,
            "my": 0,
            "deploy": 0,
            "undeploy": 0,
            "setClosure": 1,
            "setDeployment": 1,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:NameState", T_STRING, label),
            ("core:ClosureState", T_INT, closure),
            ("core:DeploymentState", T_INT, closure),
            ("core:TargetClosureState", T_INT, closure),
            ("core:OpenClosedState", T_STRING, _open_closed(closure)),
            ("core:MovingState", T_BOOL, False),
        ],
        discrete={"core:OpenClosedState": ["closed", "open"]},
    )


def rts_shutter(url: str, label: str) -> dict[str, Any]:
    """Build an RTS roller shutter: one-way radio, no state, moves take a duration."""
    return device(
        url,
        label,
        "rts:RollerShutterRTSComponent",
        "RollerShutter",
        "UpDownRollerShutter",
        {
            "open": 1,
            "close": 1,
            "stop": 1,
            "my": 1,
            "up": 1,
            "down": 1,
            "identify": 0,
            "test": 0,
        },
        [],
    )


def on_off(url: str, label: str, on: bool = False) -> dict[str, Any]:
    """Build an IO on/off plug."""
    return device(
        url,
        label,
        "io:OnOffIOComponent",
        "OnOff",
        "StatefulOnOff",
        {"on": 0, "off": 0, "setOnOff": 1, "onWithTimer": 1, **_IO_MAINTENANCE},
        [
            _STATUS,
            ("core:NameState", T_STRING, label),
            ("core:OnOffState", T_STRING, "on" if on else "off"),
        ],
        discrete={"core:OnOffState": ["off", "on"]},
    )


def rts_on_off(url: str, label: str) -> dict[str, Any]:
    """Build an RTS on/off receiver, without state."""
    return device(
        url,
        label,
        "rts:OnOffRTSComponent",
        "OnOff",
        "StatelessOnOff",
        {"on": 0, "off": 0, "identify": 0, "test": 0},
        [],
    )


HEATING_LEVELS = ["comfort", "comfort-1", "comfort-2", "eco", "frostprotection", "off"]


def heating_level_heater(url: str, label: str, level: str = "eco") -> dict[str, Any]:
    """Build an Atlantic electrical heater driven by pilot-wire heating levels."""
    return device(
        url,
        label,
        "io:AtlanticElectricalHeaterIOComponent",
        "HeatingSystem",
        "AtlanticElectricalHeater",
        {
            "setHeatingLevel": 1,
            "off": 0,
            "refreshHeatingLevel": 0,
            "cancelHeatingLevel": 1,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:NameState", T_STRING, label),
            ("core:OnOffState", T_STRING, "off" if level == "off" else "on"),
            ("io:TargetHeatingLevelState", T_STRING, level),
            ("core:TargetHeatingLevelState", T_STRING, level),
        ],
        discrete={
            "core:OnOffState": ["off", "on"],
            "io:TargetHeatingLevelState": HEATING_LEVELS,
            "core:TargetHeatingLevelState": HEATING_LEVELS,
        },
        manufacturer="Atlantic",
    )


def setpoint_heater(
    base_url: str, label: str, target: float = 19.0, temperature: float = 18.5
) -> list[dict[str, Any]]:
    """Build an Atlantic setpoint heater (``#1``) and its sensor (``#2``)."""
    heater = device(
        f"{base_url}#1",
        label,
        "io:AtlanticElectricalHeaterWithAdjustableTemperatureSetpointIOComponent",
        "HeatingSystem",
        "AtlanticElectricalHeaterWithAdjustableTemperatureSetpoint",
        {
            "setOperatingMode": 1,
            "setTargetTemperature": 1,
            "setDerogatedTargetTemperature": 1,
            "setSchedulingType": 1,
            "setHeatingLevel": 1,
            "setComfortTemperature": 1,
            "setEcoTemperature": 1,
            "off": 0,
            "refreshTargetTemperature": 0,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:NameState", T_STRING, label),
            ("core:OnOffState", T_STRING, "on"),
            ("core:OperatingModeState", T_STRING, "basic"),
            ("core:TargetTemperatureState", T_FLOAT, target),
            ("io:EffectiveTemperatureSetpointState", T_FLOAT, target),
            ("io:InternalExternalSchedulingTypeState", T_STRING, "internal"),
            ("core:ComfortRoomTemperatureState", T_FLOAT, 20.0),
            ("core:EcoRoomTemperatureState", T_FLOAT, 3.5),
            ("core:MaximumTargetTemperatureState", T_FLOAT, 28.0),
            ("io:TargetHeatingLevelState", T_STRING, "comfort"),
        ],
        discrete={
            "core:OperatingModeState": [
                "auto",
                "basic",
                "external",
                "internal",
                "standby",
            ],
            "io:TargetHeatingLevelState": [*HEATING_LEVELS, "boost"],
        },
        manufacturer="Atlantic",
    )
    sensor = device(
        f"{base_url}#2",
        f"{label} temperature",
        "io:TemperatureInCelciusIOSystemDeviceSensor",
        "TemperatureSensor",
        "TemperatureSensor",
        {},
        [_STATUS, ("core:TemperatureState", T_FLOAT, temperature)],
        sensor=True,
        manufacturer="Atlantic",
    )
    return [heater, sensor]


def heating_valve(
    base_url: str, label: str, target: int = 19, temperature: float = 19.5
) -> list[dict[str, Any]]:
    """Build an IO radiator valve (``#1``) and its sensor (``#2``)."""
    valve = device(
        f"{base_url}#1",
        label,
        "io:HeatingValveIOComponent",
        "HeatingSystem",
        "ValveHeatingTemperatureInterface",
        {
            "setDerogation": 2,
            "exitDerogation": 0,
            "setAllModeTemperatures": 4,
            "setValveSettings": 1,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:NameState", T_STRING, label),
            ("core:OperatingModeState", T_STRING, "auto"),
            ("io:CurrentHeatingModeState", T_STRING, "comfort"),
            ("core:TargetTemperatureState", T_INT, target),
            ("core:TargetRoomTemperatureState", T_INT, target),
            ("core:DerogatedTargetTemperatureState", T_INT, target),
            ("io:DerogationHeatingModeState", T_STRING, "comfort"),
            ("io:DerogationTypeState", T_STRING, "next_mode"),
            ("core:OpenClosedValveState", T_STRING, "open"),
            ("core:MinSetpointState", T_INT, 5),
            ("core:MaxSetpointState", T_INT, 26),
            ("core:ComfortRoomTemperatureState", T_INT, 21),
            ("core:EcoTargetTemperatureState", T_INT, 17),
            ("core:FrostProtectionRoomTemperatureState", T_INT, 8),
            ("core:BatteryLevelState", T_INT, 80),
        ],
        discrete={
            "core:OperatingModeState": ["auto", "manual"],
            "io:DerogationTypeState": ["further_notice", "next_mode", "date"],
        },
    )
    sensor = device(
        f"{base_url}#2",
        f"{label} temperature",
        "io:TemperatureIOSystemSensor",
        "TemperatureSensor",
        "TemperatureSensor",
        {},
        [_STATUS, ("core:TemperatureState", T_FLOAT, temperature)],
        sensor=True,
    )
    return [valve, sensor]


def gateway(gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build a TaHoma gateway, alive and up to date."""
    return {
        "gatewayId": gateway_id,
        "type": 98,
        "subType": 1,
        "placeOID": "00000000-0000-4000-8000-000000000001",
        "alive": True,
        "timeReliable": True,
        "connectivity": {"status": "OK", "protocolVersion": "2025.4.4-12"},
        "upToDate": True,
        "updateStatus": "UP_TO_DATE",
        "syncInProgress": False,
        "functions": "INTERNET_AUTHORIZATION,SCENARIO_DOWNLOAD,TRIGGERS_SENSORS",
        "mode": "ACTIVE",
    }


def setup(gateway_id: str, devices: list[dict[str, Any]]) -> dict[str, Any]:
    """Build a setup in the cloud's format (the local API sends a subset)."""
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
        "rootPlace": {
            "creationTime": _EPOCH_MS,
            "lastUpdateTime": _EPOCH_MS,
            "label": "House",
            "type": 200,
            "oid": "00000000-0000-4000-8000-000000000001",
            "subPlaces": [],
        },
        "features": [],
    }


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
