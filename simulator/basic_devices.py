"""Builders of the default house's devices: covers, switches and heaters.

Each returns a device (or a device and its sensor) in the setup format, with the real
controllable, widget, uiClass, command and state names.
"""

from __future__ import annotations

from typing import Any

from .setup_format import (
    _IO_MAINTENANCE,
    _STATUS,
    T_BOOL,
    T_FLOAT,
    T_INT,
    T_STRING,
    device,
)


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
            # What the device tells of itself, as real Atlantic heaters do.
            ("io:ModelState", T_STRING, "Emotion 3 H"),
            ("core:ManufacturerNameState", T_STRING, "Thermor"),
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
