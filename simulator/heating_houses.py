"""Water heaters, towel dryers, ventilation and thermostats, as real setups show them.

Atlantic (Cozytouch: IO, ModbusLink, Pass APC) and Hitachi hot water, an
Atlantic towel dryer and heat recovery ventilation, a Somfy thermostat.
"""

from __future__ import annotations

from typing import Any

from .houses import (
    _IO_MAINTENANCE,
    _STATUS,
    T_FLOAT,
    T_INT,
    T_OBJECT,
    T_STRING,
    device,
)

_DHW_MODES = ["autoMode", "manualEcoActive", "manualEcoInactive"]


def water_heater(base_url: str, label: str) -> list[dict[str, Any]]:
    """Build an Atlantic (V2 IO) water heater, as Cozytouch reports it."""
    heater = device(
        f"{base_url}#1",
        label,
        "io:AtlanticDomesticHotWaterProductionV2IOComponent",
        "WaterHeatingSystem",
        "DomesticHotWaterProduction",
        {
            "setDHWMode": 1,
            "setTargetTemperature": 1,
            "setBoostModeDuration": 1,
            "setCurrentOperatingMode": 1,
            "setAwayModeDuration": 1,
            "refreshDHWMode": 0,
            "refreshTargetTemperature": 0,
            "refreshBoostModeDuration": 0,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:TemperatureState", T_INT, 49),
            ("io:MiddleWaterTemperatureState", T_FLOAT, 48.5),
            ("io:DHWModeState", T_STRING, "autoMode"),
            ("core:TargetTemperatureState", T_FLOAT, 50.0),
            (
                "core:OperatingModeState",
                T_OBJECT,
                {"relaunch": "off", "absence": "off"},
            ),
            ("core:BoostModeDurationState", T_INT, 0),
            ("io:AwayModeDurationState", T_STRING, "0"),
        ],
        discrete={"io:DHWModeState": _DHW_MODES},
        manufacturer="Atlantic",
    )
    return [heater]


def modbus_water_heater(url: str, label: str) -> dict[str, Any]:
    """Build an Atlantic water heater on a ModbusLink bridge (Calypso and kin)."""
    return device(
        url,
        label,
        "modbuslink:AtlanticDomesticHotWaterProductionMBLComponent",
        "WaterHeatingSystem",
        "DomesticHotWaterProduction",
        {
            "setDHWMode": 1,
            "setBoostMode": 1,
            "setAbsenceMode": 1,
            "setAbsenceStartDate": 1,
            "setAbsenceEndDate": 1,
            "setTargetDHWTemperature": 1,
        },
        [
            _STATUS,
            ("modbuslink:DHWModeState", T_STRING, "autoMode"),
            ("modbuslink:DHWBoostModeState", T_STRING, "off"),
            ("modbuslink:DHWAbsenceModeState", T_STRING, "off"),
            ("modbuslink:MiddleWaterTemperatureState", T_FLOAT, 51.0),
            ("core:WaterTargetTemperatureState", T_FLOAT, 55.0),
            ("core:MinimalTemperatureManualModeState", T_FLOAT, 50.0),
            ("core:MaximalTemperatureManualModeState", T_FLOAT, 62.0),
        ],
        discrete={
            "modbuslink:DHWModeState": _DHW_MODES,
            "modbuslink:DHWBoostModeState": ["off", "on", "prog"],
            "modbuslink:DHWAbsenceModeState": ["off", "on", "prog"],
        },
        manufacturer="Atlantic",
    )


def pass_apc_water_heater(base_url: str, label: str) -> list[dict[str, Any]]:
    """Build the hot water zone of an Atlantic Pass APC heat pump."""
    heater = device(
        f"{base_url}#3",
        label,
        "io:AtlanticPassAPCDHWComponent",
        "WaterHeatingSystem",
        "AtlanticPassAPCDHW",
        {
            "setBoostOnOffState": 1,
            "setDHWOnOffState": 1,
            "setComfortTargetDHWTemperature": 1,
            "setEcoTargetDHWTemperature": 1,
            "refreshTargetDHWTemperature": 0,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:DHWOnOffState", T_STRING, "on"),
            ("core:BoostOnOffState", T_STRING, "off"),
            ("io:PassAPCDHWModeState", T_STRING, "comfort"),
            ("core:DHWTemperatureState", T_FLOAT, 47.0),
            ("core:TargetDHWTemperatureState", T_FLOAT, 52.0),
            ("core:ComfortTargetDHWTemperatureState", T_FLOAT, 52.0),
            ("core:EcoTargetDHWTemperatureState", T_FLOAT, 45.0),
        ],
        discrete={
            "core:DHWOnOffState": ["off", "on"],
            "core:BoostOnOffState": ["off", "on"],
            "io:PassAPCDHWModeState": ["comfort", "eco", "internalScheduling"],
        },
        manufacturer="Atlantic",
    )
    return [heater]


def hitachi_water_heater(url: str, label: str) -> dict[str, Any]:
    """Build a Hitachi (Yutaki) hot water tank, as Hi Kumo reports it."""
    return device(
        url,
        label,
        "modbus:YutakiV2DHWElectricalExtraHeaterComponent",
        "WaterHeatingSystem",
        "HitachiDHW",
        {
            "setControlDHW": 1,
            "setDHWMode": 1,
            "setControlDHWSettingTemperature": 1,
        },
        [
            ("modbus:ControlDHWState", T_STRING, "run"),
            ("modbus:DHWModeState", T_STRING, "standard"),
            ("modbus:ControlDHWSettingTemperatureState", T_INT, 48),
            ("core:DHWTemperatureState", T_INT, 46),
        ],
        discrete={
            "modbus:ControlDHWState": ["run", "stop"],
            "modbus:DHWModeState": ["high demand", "standard"],
        },
        manufacturer="Hitachi",
    )


def towel_dryer(base_url: str, label: str) -> list[dict[str, Any]]:
    """Build an Atlantic towel dryer (``#1``)."""
    dryer = device(
        f"{base_url}#1",
        label,
        "io:AtlanticElectricalTowelDryer_IC3_IOComponent",
        "HeatingSystem",
        "AtlanticElectricalTowelDryer",
        {
            "setTowelDryerOperatingMode": 1,
            "setTowelDryerTemporaryState": 1,
            "setTargetTemperature": 1,
            "setDerogatedTargetTemperature": 1,
            "setHeatingLevel": 1,
            "off": 0,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("core:OnOffState", T_STRING, "on"),
            ("core:OperatingModeState", T_STRING, "external"),
            ("core:TargetTemperatureState", T_FLOAT, 20.0),
            ("io:EffectiveTemperatureSetpointState", T_FLOAT, 20.0),
            ("core:DerogatedTargetTemperatureState", T_FLOAT, 0.0),
            ("io:TowelDryerTemporaryStateState", T_STRING, "permanentHeating"),
            ("io:TargetHeatingLevelState", T_STRING, "comfort"),
        ],
        discrete={
            "core:OperatingModeState": ["auto", "external", "internal", "standby"],
            "io:TowelDryerTemporaryStateState": ["boost", "drying", "permanentHeating"],
        },
        manufacturer="Sauter",
    )
    return [dryer]


def heat_recovery_ventilation(base_url: str, label: str) -> list[dict[str, Any]]:
    """Build an Atlantic heat recovery ventilation (``#1``)."""
    ventilation = device(
        f"{base_url}#1",
        label,
        "io:AtlanticHeatRecoveryVentilationIOComponent",
        "VentilationSystem",
        "AtlanticHeatRecoveryVentilation",
        {
            "setAirDemandMode": 1,
            "setVentilationConfigurationMode": 1,
            "setVentilationMode": 1,
            "refreshVentilationState": 0,
            "refreshVentilationConfigurationMode": 0,
            **_IO_MAINTENANCE,
        },
        [
            _STATUS,
            ("io:AirDemandModeState", T_STRING, "auto"),
            ("io:VentilationConfigurationModeState", T_STRING, "comfort"),
            (
                "io:VentilationModeState",
                T_OBJECT,
                {"prog": "off", "cooling": "off", "dayNight": "night"},
            ),
        ],
        discrete={
            "io:AirDemandModeState": ["auto", "away", "boost", "high"],
            "io:VentilationConfigurationModeState": ["comfort", "eco", "standard"],
        },
        manufacturer="Atlantic",
    )
    return [ventilation]


_THERMOSTAT_MODES = [
    "atHomeMode",
    "awayMode",
    "freezeMode",
    "geofencingMode",
    "manualMode",
    "sleepingMode",
    "suddenDropMode",
]


def somfy_thermostat(base_url: str, label: str) -> list[dict[str, Any]]:
    """Build a Somfy thermostat (``#1``) and its temperature sensor (``#2``)."""
    thermostat = device(
        f"{base_url}#1",
        label,
        "somfythermostat:SomfyThermostatThermostatComponent",
        "HeatingSystem",
        "SomfyThermostat",
        {"setDerogation": 2, "exitDerogation": 0, "setModeTemperature": 2},
        [
            ("somfythermostat:HeatingModeState", T_STRING, "atHomeMode"),
            ("somfythermostat:DerogationHeatingModeState", T_STRING, "atHomeMode"),
            ("somfythermostat:DerogationTypeState", T_STRING, "furtherNotice"),
            ("core:DerogationActivationState", T_STRING, "inactive"),
            ("core:TargetTemperatureState", T_FLOAT, 20.0),
            ("core:DerogatedTargetTemperatureState", T_FLOAT, 20.0),
            ("somfythermostat:AtHomeTargetTemperatureState", T_FLOAT, 20.0),
            ("somfythermostat:SleepingModeTargetTemperatureState", T_FLOAT, 18.5),
            ("somfythermostat:AwayModeTargetTemperatureState", T_FLOAT, 17.0),
            ("somfythermostat:FreezeModeTargetTemperatureState", T_FLOAT, 8.0),
        ],
        discrete={
            "somfythermostat:HeatingModeState": _THERMOSTAT_MODES,
            "somfythermostat:DerogationHeatingModeState": _THERMOSTAT_MODES,
            "core:DerogationActivationState": ["active", "inactive"],
        },
    )
    sensor = device(
        f"{base_url}#2",
        f"{label} temperature",
        "somfythermostat:SomfyThermostatTemperatureSensor",
        "TemperatureSensor",
        "TemperatureSensor",
        {},
        [("core:TemperatureState", T_FLOAT, 19.5)],
        sensor=True,
    )
    return [thermostat, sensor]
