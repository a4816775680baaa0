"""Device kinds behind buttons, numbers and selects, and their behaviour.

Gates that stop at a pedestrian or partial opening, lights and screens with a
favourite ("my") position, an alarm with zones, heaters with setpoints and
durations, water heaters (boost takes several commands; a DHW setpoint); the house adds
the sirens of ``switches`` (an RTD bell, an IO siren with a memorised volume).
The kinds whose commands need more than the generic behaviour have models in
``control_models`` (chosen by widget, see ``models.py``), re-exported here.
"""

from __future__ import annotations

from typing import Any

from .climate_houses import heating_temperature_interface
from .control_models import (
    ACTIVE_ZONES,
    CONTROL_MODELS,
    HEATING_INTERFACE_MODE,
    INTENSITY,
    MEMORIZED,
    OPERATING_MODE,
    PARTIAL,
    PARTIAL_CLOSURE,
    PEDESTRIAN,
    AliasScreen,
    HeatingInterface,
    PartialDoor,
    PedestrianGate,
)
from .houses import (
    DEFAULT_GATEWAY_ID,
    T_BOOL,
    T_FLOAT,
    T_INT,
    T_OBJECT,
    T_STRING,
    device,
    roller_shutter,
    setup,
)
from .switches import io_indoor_siren, rtd_siren

__all__ = [
    "ACTIVE_ZONES",
    "CONTROL_MODELS",
    "HEATING_INTERFACE_MODE",
    "INTENSITY",
    "MEMORIZED",
    "OPERATING_MODE",
    "PARTIAL",
    "PARTIAL_CLOSURE",
    "PEDESTRIAN",
    "AliasScreen",
    "HeatingInterface",
    "PartialDoor",
    "PedestrianGate",
]

_STATUS = ("core:StatusState", T_STRING, "available")
DHW_MODE = "io:DHWModeState"
MBL_DHW_MODE = "modbuslink:DHWModeState"
_IDENTIFY = {"identify": 0, "startIdentify": 0, "stopIdentify": 0, "wink": 1}


def pedestrian_gate(url: str, label: str) -> dict[str, Any]:
    """Build an IO gate that opens fully or for a pedestrian, without a position."""
    return device(
        url,
        label,
        "io:DiscreteGateOpenerIOComponent",
        "Gate",
        "DiscreteGateWithPedestrianPosition",
        {"open": 0, "close": 0, "stop": 0, "setPedestrianPosition": 0, **_IDENTIFY},
        [_STATUS, (PEDESTRIAN, T_STRING, "closed")],
        discrete={PEDESTRIAN: ["closed", "open", "pedestrian", "unknown"]},
    )


def partial_garage_door(url: str, label: str) -> dict[str, Any]:
    """Build an IO garage door with a position and a partial opening."""
    return device(
        url,
        label,
        "io:GarageOpenerWithPartialPositionIOComponent",
        "GarageDoor",
        "PositionableGarageDoorWithPartialPosition",
        {
            "open": 0,
            "close": 0,
            "stop": 0,
            "setClosure": 1,
            "partialPosition": 0,
            **_IDENTIFY,
        },
        [
            _STATUS,
            ("core:ClosureState", T_INT, 100),
            ("core:OpenClosedState", T_STRING, "closed"),
            (PARTIAL, T_STRING, "closed"),
            ("core:MovingState", T_BOOL, False),
        ],
        discrete={PARTIAL: ["closed", "open", "partial"]},
    )


def dimmer_light(url: str, label: str) -> dict[str, Any]:
    """Build an IO dimmable light with a favourite intensity ("my")."""
    return device(
        url,
        label,
        "io:DimmableLightIOComponent",
        "Light",
        "DimmerLight",
        {
            "on": 0,
            "off": 0,
            "setIntensity": 1,
            "my": 0,
            "setMemorized1Position": 1,
            **_IDENTIFY,
        },
        [
            _STATUS,
            ("core:OnOffState", T_STRING, "off"),
            (INTENSITY, T_INT, 0),
            (MEMORIZED, T_INT, 40),
        ],
        discrete={"core:OnOffState": ["off", "on"]},
    )


def rts_dimmer(url: str, label: str) -> dict[str, Any]:
    """Build an RTS dimmable light: steps up and down, no state."""
    return device(
        url,
        label,
        "rts:DimmableLightRTSComponent",
        "Light",
        "DimmerOnOffLight",
        {"on": 1, "off": 1, "my": 1, "stepPositive": 2, "stepNegative": 2},
        [],
    )


def dynamic_screen(url: str, label: str) -> dict[str, Any]:
    """Build a screen whose favourite position is an alias (``goToAlias 1``)."""
    return device(
        url,
        label,
        "ogp:Blind",
        "Screen",
        "DynamicScreen",
        {"open": 0, "close": 0, "stop": 0, "setClosure": 1, "goToAlias": 1},
        [
            _STATUS,
            ("core:ClosureState", T_INT, 0),
            ("core:OpenClosedState", T_STRING, "open"),
            (MEMORIZED, T_INT, 30),
        ],
    )


def cyclic_gate(url: str, label: str) -> dict[str, Any]:
    """Build a gate opener with one start/stop/reverse command, without state."""
    return device(
        url,
        label,
        "io:CyclicSlidingGateOpenerIOComponent",
        "Gate",
        "CyclicSlidingGateOpener",
        {"cycle": 0, "identify": 0},
        [],
    )


def smoke_sensor(url: str, label: str) -> dict[str, Any]:
    """Build an IO smoke detector whose alarm can be tested."""
    return device(
        url,
        label,
        "io:SomfySmokeIOSystemSensor",
        "SmokeSensor",
        "SmokeSensor",
        {"checkEventTrigger": 1},
        [_STATUS, ("core:SmokeState", T_STRING, "notDetected")],
        sensor=True,
        discrete={"core:SmokeState": ["detected", "notDetected"]},
    )


def alarm_controller(url: str, label: str) -> dict[str, Any]:
    """Build an IO alarm with zones A, B and C."""
    return device(
        url,
        label,
        "io:AlarmIOComponent",
        "Alarm",
        "StatefulAlarmController",
        {"alarmOn": 0, "alarmOff": 0, "alarmZoneOn": 1, **_IDENTIFY},
        [_STATUS, (ACTIVE_ZONES, T_STRING, "")],
    )


def heating_interface(url: str, label: str) -> dict[str, Any]:
    """Build a Somfy heating interface: heating or cooling, three setpoints."""
    return heating_temperature_interface(
        url,
        label,
        "ovp:SomfyHeatingTemperatureInterfaceOGPComponent",
        comfort=20.0,
    )


def towel_dryer(url: str, label: str) -> dict[str, Any]:
    """Build an Atlantic towel dryer: setpoints, boost and drying durations."""
    return device(
        url,
        label,
        "io:AtlanticElectricalTowelDryerIOComponent",
        "HeatingSystem",
        "AtlanticElectricalTowelDryer",
        {
            "setComfortTemperature": 1,
            "setEcoTemperature": 1,
            "setTowelDryerBoostModeDuration": 1,
            "setDryingDuration": 1,
            "setTowelDryerOperatingMode": 1,
            "setTowelDryerTemporaryState": 1,
            **_IDENTIFY,
        },
        [
            _STATUS,
            (OPERATING_MODE, T_STRING, "external"),
            ("io:TowelDryerTemporaryStateState", T_STRING, "permanentHeating"),
            ("core:ComfortRoomTemperatureState", T_FLOAT, 21.0),
            ("core:EcoRoomTemperatureState", T_FLOAT, 18.0),
            ("io:BoostDurationUserParameterState", T_INT, 5),
            ("io:BoostDurationMaxState", T_INT, 45),
            ("io:DryingDurationUserParameterState", T_INT, 30),
            ("io:DryingDurationMaxState", T_INT, 90),
        ],
        discrete={
            OPERATING_MODE: ["auto", "external", "internal", "standby"],
            "io:TowelDryerTemporaryStateState": ["boost", "drying", "permanentHeating"],
        },
        manufacturer="Atlantic",
    )


def water_heater(url: str, label: str) -> dict[str, Any]:
    """Build an Atlantic V2 water heater (CETHI V4, a Calypso on Cozytouch).

    Its definition is a real V2 IO one (DHW mode, ``setTargetTemperature``,
    boost and away durations, the operating mode dictionary), with the
    expected number of showers the CETHI V4 takes.
    """
    return device(
        url,
        label,
        "io:AtlanticDomesticHotWaterProductionV2_CETHI_V4_IOComponent",
        "WaterHeatingSystem",
        "DomesticHotWaterProduction",
        {
            "setDHWMode": 1,
            "setTargetTemperature": 1,
            "setBoostModeDuration": 1,
            "setCurrentOperatingMode": 1,
            "setAwayModeDuration": 1,
            "setExpectedNumberOfShower": 1,
            "refreshDHWMode": 0,
            "refreshTargetTemperature": 0,
            "refreshBoostModeDuration": 0,
            "refreshAwayModeDuration": 0,
            **_IDENTIFY,
        },
        [
            _STATUS,
            ("core:TemperatureState", T_INT, 49),
            ("io:MiddleWaterTemperatureState", T_FLOAT, 48.5),
            (DHW_MODE, T_STRING, "autoMode"),
            ("core:TargetTemperatureState", T_FLOAT, 55.0),
            (OPERATING_MODE, T_OBJECT, {"relaunch": "off", "absence": "off"}),
            ("core:BoostModeDurationState", T_INT, 0),
            ("io:AwayModeDurationState", T_STRING, "0"),
            ("core:ExpectedNumberOfShowerState", T_INT, 3),
            ("core:MinimalShowerManualModeState", T_INT, 2),
            ("core:MaximalShowerManualModeState", T_INT, 5),
            ("core:MinimalTemperatureManualModeState", T_FLOAT, 50.0),
            ("core:MaximalTemperatureManualModeState", T_FLOAT, 62.0),
        ],
        discrete={DHW_MODE: ["autoMode", "manualEcoActive", "manualEcoInactive"]},
        manufacturer="Atlantic",
    )


def hot_water_tank(url: str, label: str) -> dict[str, Any]:
    """Build an Atlantic Wi-Fi water heater (ModbusLink, a Steatite Cube).

    It takes its hot water setpoint by ``setTargetDHWTemperature`` and reports
    it as the DHW target.
    """
    return device(
        url,
        label,
        "modbuslink:AtlanticDomesticHotWaterProductionMBLComponent",
        "WaterHeatingSystem",
        "DomesticHotWaterProduction",
        {"setDHWMode": 1, "setBoostMode": 1, "setTargetDHWTemperature": 1},
        [
            _STATUS,
            (MBL_DHW_MODE, T_STRING, "manualEcoInactive"),
            ("modbuslink:DHWBoostModeState", T_STRING, "off"),
            ("modbuslink:MiddleWaterTemperatureState", T_FLOAT, 52.0),
            ("core:TargetDHWTemperatureState", T_FLOAT, 55.0),
            ("core:MinimalTemperatureManualModeState", T_FLOAT, 50.0),
            ("core:MaximalTemperatureManualModeState", T_FLOAT, 62.0),
        ],
        discrete={
            MBL_DHW_MODE: ["autoMode", "manualEcoActive", "manualEcoInactive"],
            "modbuslink:DHWBoostModeState": ["off", "on", "prog"],
        },
        manufacturer="Atlantic",
    )


def terrace_heater(url: str, label: str) -> dict[str, Any]:
    """Build a dimmable terrace heater (level 100 is off, 0 full power)."""
    return device(
        url,
        label,
        "io:DimmerExteriorHeatingIOComponent",
        "ExteriorHeatingSystem",
        "DimmerExteriorHeating",
        {"setLevel": 1, "on": 0, "off": 0},
        [_STATUS, ("core:LevelState", T_INT, 100)],
    )


def controls_house(gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build a house of every device kind that has buttons, numbers or selects."""
    gw = gateway_id
    return setup(
        gateway_id,
        [
            roller_shutter(f"io://{gw}/1001", "Kitchen shutter", 100),
            pedestrian_gate(f"io://{gw}/6001", "Front gate"),
            partial_garage_door(f"io://{gw}/6002", "Garage door"),
            cyclic_gate(f"io://{gw}/6003", "Back gate"),
            dimmer_light(f"io://{gw}/6101", "Hall light"),
            rts_dimmer(f"rts://{gw}/16006102", "Porch dimmer"),
            dynamic_screen(f"ogp://{gw}/6201", "Studio screen"),
            smoke_sensor(f"io://{gw}/6301", "Smoke detector"),
            rtd_siren(f"rtd://{gw}/6302", "Siren"),
            io_indoor_siren(f"io://{gw}/6304", "Indoor siren"),
            alarm_controller(f"io://{gw}/6303", "Alarm"),
            heating_interface(f"ovp://{gw}/6401", "Heating interface"),
            towel_dryer(f"io://{gw}/6402#1", "Towel dryer"),
            water_heater(f"io://{gw}/6403#1", "Water heater"),
            hot_water_tank(f"modbuslink://{gw}/6405", "Hot water tank"),
            terrace_heater(f"io://{gw}/6404", "Terrace heater"),
        ],
    )
