"""Lights, locks, sirens, alarms, fans and special covers, and a house of actuators.

Built with the controllable, widget, UI class, command and state names real
gateways report, so both this integration and Home Assistant's own overkiz
integration recognise them.
"""

from __future__ import annotations

from typing import Any

from .heating_houses import (
    heat_recovery_ventilation,
    hitachi_water_heater,
    modbus_water_heater,
    pass_apc_water_heater,
    somfy_thermostat,
    towel_dryer,
    water_heater,
)
from .houses import (
    _IO_MAINTENANCE,
    _STATUS,
    DEFAULT_GATEWAY_ID,
    T_BOOL,
    T_INT,
    T_STRING,
    device,
    setup,
)

_ON_OFF = {"core:OnOffState": ["off", "on"]}
_LIGHT_COMMANDS = {"on": 0, "off": 0, "setOnOff": 1, "onWithTimer": 1}


def dimmer_light(url: str, label: str, intensity: int = 0) -> dict[str, Any]:
    """Build an IO dimmable light (0 % while off)."""
    return device(
        url,
        label,
        "io:DimmableLightIOComponent",
        "Light",
        "DimmerLight",
        {**_LIGHT_COMMANDS, "setIntensity": 1, "setIntensityWithTimer": 2}
        | _IO_MAINTENANCE,
        [
            _STATUS,
            ("core:OnOffState", T_STRING, "on" if intensity else "off"),
            ("core:LightIntensityState", T_INT, intensity),
        ],
        discrete=_ON_OFF,
    )


def on_off_light(url: str, label: str, on: bool = False) -> dict[str, Any]:
    """Build a Z-Wave on/off light."""
    return device(
        url,
        label,
        "zwave:OnOffLightZWaveComponent",
        "Light",
        "StatefulOnOffLight",
        {**_LIGHT_COMMANDS, "refreshOnOffState": 0},
        [("core:OnOffState", T_STRING, "on" if on else "off")],
        discrete=_ON_OFF,
    )


def rgb_light(url: str, label: str) -> dict[str, Any]:
    """Build a colour light (Hue bridged by the gateway)."""
    return device(
        url,
        label,
        "hue:HueExtendedColorLightHUEComponent",
        "Light",
        "DimmerRGBColouredLight",
        {**_LIGHT_COMMANDS, "setIntensity": 1, "setRGB": 3},
        [
            _STATUS,
            ("core:OnOffState", T_STRING, "off"),
            ("core:LightIntensityState", T_INT, 0),
            ("core:RedColorIntensityState", T_INT, 255),
            ("core:GreenColorIntensityState", T_INT, 255),
            ("core:BlueColorIntensityState", T_INT, 255),
        ],
        discrete=_ON_OFF,
        manufacturer="Philips",
    )


def dual_roller_shutter(url: str, label: str) -> dict[str, Any]:
    """Build an IO roller shutter with an upper and a lower sash."""
    return device(
        url,
        label,
        "io:DualRollerShutterIOComponent",
        "RollerShutter",
        "PositionableDualRollerShutter",
        {
            "open": 0,
            "close": 0,
            "stop": 0,
            "upperOpen": 0,
            "upperClose": 0,
            "setUpperClosure": 1,
            "lowerOpen": 0,
            "lowerClose": 0,
            "setLowerClosure": 1,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:UpperClosureState", T_INT, 0),
            ("core:LowerClosureState", T_INT, 0),
            ("core:UpperOpenClosedState", T_STRING, "open"),
            ("core:LowerOpenClosedState", T_STRING, "open"),
        ],
        discrete={
            "core:UpperOpenClosedState": ["closed", "open"],
            "core:LowerOpenClosedState": ["closed", "open"],
        },
    )


def exterior_venetian_blind(url: str, label: str) -> dict[str, Any]:
    """Build an IO exterior venetian blind that moves and orients in one go."""
    return device(
        url,
        label,
        "io:ExteriorVenetianBlindIOComponent",
        "ExteriorVenetianBlind",
        "PositionableExteriorVenetianBlind",
        {
            "open": 0,
            "close": 0,
            "stop": 0,
            "my": 0,
            "setClosure": 1,
            "setOrientation": 1,
            "setClosureAndOrientation": 2,
            "tiltUp": 0,
            "tiltDown": 0,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:ClosureState", T_INT, 0),
            ("core:TargetClosureState", T_INT, 0),
            ("core:OpenClosedState", T_STRING, "open"),
            ("core:SlateOrientationState", T_INT, 0),
            ("core:MovingState", T_BOOL, False),
        ],
        discrete={"core:OpenClosedState": ["closed", "open"]},
    )


def ventilation_outlet(url: str, label: str, flow: int = 40) -> dict[str, Any]:
    """Build a ventilation outlet (extraction) set by air flow."""
    return device(
        url,
        label,
        "io:VentilationOutletIOComponent",
        "VentilationSystem",
        "VentilationOutlet",
        {"on": 0, "off": 0, "setAirOutput": 1, **_IO_MAINTENANCE},
        [_STATUS, ("core:AirOutputState", T_INT, flow)],
    )


def door_lock(url: str, label: str, locked: bool = True) -> dict[str, Any]:
    """Build a motorised door lock."""
    return device(
        url,
        label,
        "io:DoorLockIOComponent",
        "DoorLock",
        "DoorLock",
        {"lock": 0, "unlock": 0, **_IO_MAINTENANCE},
        [
            _STATUS,
            ("core:LockedUnlockedState", T_STRING, "locked" if locked else "unlocked"),
        ],
        discrete={"core:LockedUnlockedState": ["locked", "unlocked"]},
    )


def siren(url: str, label: str) -> dict[str, Any]:
    """Build an IO siren."""
    return device(
        url,
        label,
        "io:SomfyIndoorSimpleSirenIOComponent",
        "Siren",
        "IOSiren",
        {"ringWithSingleSimpleSequence": 4, "off": 0, **_IO_MAINTENANCE},
        [_STATUS, ("core:OnOffState", T_STRING, "off")],
        discrete=_ON_OFF,
    )


_TSK_MODES = ["off", "partial1", "partial2", "sos", "total"]


def tsk_alarm(url: str, label: str = "Alarm") -> dict[str, Any]:
    """Build the box's own alarm (every gateway has one)."""
    return device(
        url,
        label,
        "internal:TSKAlarmComponent",
        "Alarm",
        "TSKAlarmController",
        {
            "alarmOff": 0,
            "alarmOn": 0,
            "arm": 0,
            "disarm": 0,
            "alarmPartial1": 0,
            "alarmPartial2": 0,
            "setTargetAlarmMode": 1,
            "setAlarmDelay": 1,
        },
        [
            ("internal:CurrentAlarmModeState", T_STRING, "off"),
            ("internal:TargetAlarmModeState", T_STRING, "off"),
            ("internal:IntrusionDetectedState", T_STRING, "notDetected"),
            ("internal:AlarmDelayState", T_INT, 30),
        ],
        discrete={
            "internal:CurrentAlarmModeState": _TSK_MODES,
            "internal:TargetAlarmModeState": _TSK_MODES,
        },
    )


def stateful_alarm(url: str, label: str) -> dict[str, Any]:
    """Build an IO alarm with zones A, B and C."""
    return device(
        url,
        label,
        "io:AlarmIOComponent",
        "Alarm",
        "StatefulAlarmController",
        {
            "alarmOff": 0,
            "alarmOn": 0,
            "alarmZoneOn": 1,
            "arm": 0,
            "disarm": 0,
            **_IO_MAINTENANCE,
        },
        [_STATUS, ("core:ActiveZonesState", T_STRING, "")],
    )


def myfox_alarm(url: str, label: str) -> dict[str, Any]:
    """Build a Somfy Protect (MyFox) alarm."""
    return device(
        url,
        label,
        "myfox:SomfyProtectAlarmController",
        "Alarm",
        "MyFoxAlarmController",
        {"arm": 0, "disarm": 0, "partial": 0, "setAlarmStatus": 1, "trespass": 0},
        [
            ("core:IntrusionState", T_STRING, "notDetected"),
            ("myfox:AlarmStatusState", T_STRING, "disarmed"),
        ],
        discrete={"myfox:AlarmStatusState": ["armed", "disarmed", "partial"]},
    )


def alarm_panel(url: str, label: str) -> dict[str, Any]:
    """Build a Verisure alarm panel."""
    return device(
        url,
        label,
        "verisure:AlarmPanelComponent",
        "Alarm",
        "AlarmPanelController",
        {"arm": 0, "armPartialDay": 0, "armPartialNight": 0, "disarm": 0},
        [("verisure:AlarmPanelMainArmTypeState", T_STRING, "disarmed")],
    )


def actuators_house(gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build a house with one device of each family above."""
    gw = gateway_id
    devices = [
        dimmer_light(f"io://{gw}/6001", "Hall light"),
        on_off_light(f"zwave://{gw}/6002", "Porch lamp"),
        rgb_light(f"hue://{gw}/6003", "Colour lamp"),
        door_lock(f"io://{gw}/6101", "Front door lock"),
        ventilation_outlet(f"io://{gw}/6501", "Kitchen extractor"),
        dual_roller_shutter(f"io://{gw}/6401", "Bay window"),
        exterior_venetian_blind(f"io://{gw}/6402", "Office blind"),
        siren(f"io://{gw}/6201", "Indoor siren"),
        tsk_alarm(f"internal://{gw}/alarm/0"),
        stateful_alarm(f"io://{gw}/6301", "House alarm"),
        myfox_alarm(f"myfox://{gw}/site_alarm", "Somfy Protect"),
        alarm_panel(f"verisure://{gw}/alarm", "Verisure panel"),
        *water_heater(f"io://{gw}/7001", "Water heater"),
        *pass_apc_water_heater(f"io://{gw}/7002", "Heat pump hot water"),
        modbus_water_heater(f"modbuslink://{gw}/7004", "Calypso"),
        hitachi_water_heater(f"modbus://{gw}/7003", "Hitachi hot water"),
        *towel_dryer(f"io://{gw}/7101", "Towel dryer"),
        *heat_recovery_ventilation(f"io://{gw}/7201", "Ventilation"),
        *somfy_thermostat(f"somfythermostat://{gw}/7301", "Thermostat"),
    ]
    return setup(gateway_id, devices)
