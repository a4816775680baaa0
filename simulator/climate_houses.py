"""Heat pumps and thermostats, and a house holding one of each.

Atlantic Pass APC (pump, zone control, zones), Hitachi air-to-air units of
both protocols and an air-to-water zone, a Somfy heating temperature
interface and an EvoHome controller, with the names real setups report.
"""

from __future__ import annotations

from typing import Any

from .houses import (
    _IO_MAINTENANCE,
    _STATUS,
    DEFAULT_GATEWAY_ID,
    T_FLOAT,
    T_INT,
    T_STRING,
    device,
    setup,
)

_APC = "io:AtlanticPassAPC"


def pass_apc(base_url: str, label: str) -> list[dict[str, Any]]:
    """Build a Pass APC heat pump: zone control (#1), pump (#2), zones and sensors.

    Zone ``#4`` heats on its own (sensor ``#5``); zone ``#6`` is run by the
    zone control, heating only.
    """
    operating = ("io:PassAPCOperatingModeState", T_STRING, "heating")
    control = device(
        f"{base_url}#1",
        label,
        f"{_APC}ZoneControlMainComponent",
        "HeatingSystem",
        "AtlanticPassAPCZoneControl",
        {"setPassAPCOperatingMode": 1, "setHeatingCoolingAutoSwitch": 1},
        [_STATUS, operating, ("core:HeatingCoolingAutoSwitchState", T_STRING, "off")],
        manufacturer="Atlantic",
    )
    pump = device(
        f"{base_url}#2",
        "Pump",
        f"{_APC}HeatPumpMainComponent",
        "HeatingSystem",
        "AtlanticPassAPCHeatPump",
        {"setPassAPCOperatingMode": 1, **_IO_MAINTENANCE},
        [_STATUS, operating],
        manufacturer="Atlantic",
    )
    zone = device(
        f"{base_url}#4",
        "Living room",
        f"{_APC}HeatingAndCoolingZoneComponent",
        "HeatingSystem",
        "AtlanticPassAPCHeatingAndCoolingZone",
        {
            "setPassAPCHeatingMode": 1,
            "setDerogationOnOffState": 1,
            "setDerogatedTargetTemperature": 1,
            "setComfortHeatingTargetTemperature": 1,
            "setEcoHeatingTargetTemperature": 1,
        },
        [
            _STATUS,
            ("io:PassAPCHeatingModeState", T_STRING, "internalScheduling"),
            ("io:PassAPCHeatingProfileState", T_STRING, "comfort"),
            ("core:TargetTemperatureState", T_FLOAT, 20.0),
            ("core:ComfortHeatingTargetTemperatureState", T_FLOAT, 20.0),
            ("core:EcoHeatingTargetTemperatureState", T_FLOAT, 17.0),
            ("core:DerogatedTargetTemperatureState", T_FLOAT, 20.0),
        ],
        manufacturer="Atlantic",
    )
    sensor = device(
        f"{base_url}#5",
        "Living room temperature",
        "io:AtlanticPassAPCZoneTemperatureSensor",
        "TemperatureSensor",
        "TemperatureSensor",
        {},
        [("core:TemperatureState", T_FLOAT, 19.5)],
        sensor=True,
    )
    controlled = device(
        f"{base_url}#6",
        "Bedroom",
        f"{_APC}ZoneControlZoneComponent",
        "HeatingSystem",
        "AtlanticPassAPCHeatingAndCoolingZone",
        {
            "setPassAPCHeatingMode": 1,
            "setPassAPCCoolingMode": 1,
            "setHeatingOnOffState": 1,
            "setCoolingOnOffState": 1,
            "setHeatingTargetTemperature": 1,
            "setCoolingTargetTemperature": 1,
            "setDerogationOnOffState": 1,
        },
        [
            _STATUS,
            ("core:ThermalConfigurationState", T_STRING, "heating"),
            ("core:HeatingOnOffState", T_STRING, "on"),
            ("core:CoolingOnOffState", T_STRING, "off"),
            ("io:PassAPCHeatingModeState", T_STRING, "manu"),
            ("io:PassAPCCoolingModeState", T_STRING, "manu"),
            ("io:PassAPCHeatingProfileState", T_STRING, "manu"),
            ("io:PassAPCCoolingProfileState", T_STRING, "stop"),
            ("core:HeatingTargetTemperatureState", T_FLOAT, 19.0),
            ("core:CoolingTargetTemperatureState", T_FLOAT, 26.0),
        ],
        manufacturer="Atlantic",
    )
    return [control, pump, zone, sensor, controlled]


def hitachi_air_to_air(url: str, label: str) -> dict[str, Any]:
    """Build a Hitachi air-to-air unit; ``ovp://`` or ``hlrrwifi://`` by its URL."""
    protocol = url.partition("://")[0]
    states: list[tuple[str, int, Any]] = [
        (f"{protocol}:MainOperationState", T_STRING, "on"),
        (f"{protocol}:ModeChangeState", T_STRING, "heating"),
        (f"{protocol}:FanSpeedState", T_STRING, "auto"),
        (f"{protocol}:SwingState", T_STRING, "stop"),
        (f"{protocol}:RoomTemperatureState", T_INT, 21),
        ("core:TargetTemperatureState", T_INT, 22),
    ]
    commands = {"globalControl": 6 if protocol == "hlrrwifi" else 5}
    if protocol == "hlrrwifi":
        states.append(("hlrrwifi:LeaveHomeState", T_STRING, "off"))
    else:
        states += [
            ("core:HolidaysModeState", T_STRING, "off"),
            ("core:AutoManuModeState", T_STRING, "manu"),
        ]
        commands["setHolidays"] = 1
    return device(
        url,
        label,
        f"{protocol}:HLinkMainController",
        "HeatingSystem",
        "HitachiAirToAirHeatPump",
        commands,
        states,
        manufacturer="Hitachi",
    )


def hitachi_water_zone(url: str, label: str) -> dict[str, Any]:
    """Build zone 1 of a Hitachi Yutaki air-to-water heat pump."""
    return device(
        url,
        label,
        "modbus:YutakiV2SpaceHeatingZone1Component",
        "HeatingSystem",
        "HitachiAirToWaterHeatingZone",
        {
            "setAutoManuMode": 1,
            "setTargetMode": 1,
            "setThermostatSettingControlZone1": 1,
        },
        [
            ("modbus:AutoManuModeZone1State", T_STRING, "manu"),
            ("modbus:YutakiTargetModeState", T_STRING, "comfort"),
            ("modbus:ThermostatSettingControlZone1State", T_FLOAT, 21.0),
            ("modbus:RoomAmbientTemperatureStatusZone1State", T_FLOAT, 20.5),
        ],
        manufacturer="Hitachi",
    )


def heating_temperature_interface(
    url: str,
    label: str,
    controllable: str = "ovp:SomfyHeatingTemperatureInterfaceOVPComponent",
    comfort: float = 19.0,
) -> dict[str, Any]:
    """Build a Somfy heating temperature interface, as its real definition is."""
    return device(
        url,
        label,
        controllable,
        "HeatingSystem",
        "SomfyHeatingTemperatureInterface",
        {
            "setActiveMode": 1,
            "setManuAndSetPointModes": 1,
            "setOnOff": 1,
            "setComfortTemperature": 1,
            "setEcoTemperature": 1,
            "setSecuredPositionTemperature": 1,
            "setOperatingMode": 1,
            "identify": 0,
        },
        [
            ("core:OnOffState", T_STRING, "on"),
            ("ovp:HeatingTemperatureInterfaceActiveModeState", T_STRING, "auto"),
            ("ovp:HeatingTemperatureInterfaceSetPointModeState", T_STRING, "comfort"),
            ("ovp:HeatingTemperatureInterfaceOperatingModeState", T_STRING, "heating"),
            ("core:ComfortRoomTemperatureState", T_FLOAT, comfort),
            ("core:EcoRoomTemperatureState", T_FLOAT, 17.0),
            ("core:SecuredPositionTemperatureState", T_FLOAT, 7.0),
        ],
        discrete={
            "core:OnOffState": ["off", "on"],
            "ovp:HeatingTemperatureInterfaceOperatingModeState": ["cooling", "heating"],
        },
    )


def somfy_heating_interface(base_url: str, label: str) -> list[dict[str, Any]]:
    """Build a Somfy heating temperature interface (``#1``) and its sensor."""
    interface = heating_temperature_interface(f"{base_url}#1", label)
    sensor = device(
        f"{base_url}#2",
        f"{label} temperature",
        "ovp:TemperatureSensorOVPComponent",
        "TemperatureSensor",
        "TemperatureSensor",
        {},
        [("core:TemperatureState", T_FLOAT, 18.0)],
        sensor=True,
    )
    return [interface, sensor]


def evohome(url: str, label: str) -> dict[str, Any]:
    """Build an EvoHome controller; a day off or holidays take an end date."""
    raw = device(
        url,
        label,
        "ramses:EvoHomeControllerComponent",
        "HeatingSystem",
        "EvoHomeController",
        {"setOperatingMode": 1},
        [("ramses:RAMSESOperatingModeState", T_STRING, "auto")],
        manufacturer="Honeywell",
    )
    raw["definition"]["commands"][0]["paramsSig"] = "p1,*p2"
    return raw


def climate_house(gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build a house with one of each heat pump and thermostat above."""
    gw = gateway_id
    devices = [
        *pass_apc(f"io://{gw}/8001", "Heat pump"),
        hitachi_air_to_air(f"hlrrwifi://{gw}/8101", "Office AC"),
        hitachi_air_to_air(f"ovp://{gw}/8102", "Bedroom AC"),
        hitachi_water_zone(f"modbus://{gw}/8201#1", "Floor heating"),
        *somfy_heating_interface(f"ovp://{gw}/8301", "Floor thermostat"),
        evohome(f"ramses://{gw}/8401", "EvoHome"),
    ]
    return setup(gateway_id, devices)
