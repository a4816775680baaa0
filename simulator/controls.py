"""Device kinds behind buttons, numbers and selects, and their behaviour.

Gates that stop at a pedestrian or partial opening, lights and screens with a
favourite ("my") position, sirens and bells, an alarm with zones, heaters with
setpoints and durations, a water heater whose boost takes several commands. Their
commands change their states as a real gateway's do; what the gateway refuses
(a zone that does not exist, a duration beyond the device's maximum, a mode the
definition does not list) is refused with its error. The behaviour is registered
with :mod:`simulator.devices` when the package is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .devices import CHECK_HOOKS, EFFECT_HOOKS, POSITION_HOOKS, Change, Move
from .errors import api_error
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

if TYPE_CHECKING:
    from .devices import Effect, SimDevice

PEDESTRIAN = "core:OpenClosedPedestrianState"
PARTIAL = "core:OpenClosedPartialState"
MEMORIZED = "core:Memorized1PositionState"
INTENSITY = "core:LightIntensityState"
ACTIVE_ZONES = "core:ActiveZonesState"
ZONES = ("A", "B", "C")
OPERATING_MODE = "core:OperatingModeState"
HEATING_INTERFACE_MODE = "ovp:HeatingTemperatureInterfaceOperatingModeState"
# Where a partial opening leaves a positionable door (closure).
PARTIAL_CLOSURE = 80

_STATUS = ("core:StatusState", T_STRING, "available")
_IDENTIFY = {"identify": 0, "startIdentify": 0, "stopIdentify": 0, "wink": 1}

# Setters whose state is not named after them; the rest follow ``setX`` -> ``XState``.
_SETTERS = {
    "setComfortTemperature": "core:ComfortRoomTemperatureState",
    "setEcoTemperature": "core:EcoRoomTemperatureState",
    "setTowelDryerBoostModeDuration": "io:BoostDurationUserParameterState",
    "setDryingDuration": "io:DryingDurationUserParameterState",
}
# The device's own bounds of a setter's value: (state holding the minimum, maximum).
_BOUNDS = {
    "setTowelDryerBoostModeDuration": (None, "io:BoostDurationMaxState"),
    "setDryingDuration": (None, "io:DryingDurationMaxState"),
    "setExpectedNumberOfShower": (
        "core:MinimalShowerManualModeState",
        "core:MaximalShowerManualModeState",
    ),
    "setTargetDHWTemperature": (
        "core:MinimalTemperatureManualModeState",
        "core:MaximalTemperatureManualModeState",
    ),
    "setWaterTargetTemperature": (
        "core:MinimalTemperatureManualModeState",
        "core:MaximalTemperatureManualModeState",
    ),
}


def _bad(detail: str) -> Exception:
    return api_error("BAD_PARAMETERS", detail=detail)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _discrete_values(dev: SimDevice, state: str) -> list[str]:
    for item in dev.raw["definition"].get("states") or []:
        if item.get("qualifiedName") == state:
            return list(item.get("values") or [])
    return []


def _zones(value: Any) -> list[str] | None:
    """Return the zones ``alarmZoneOn`` names (``"A,C"``), None when malformed."""
    if not isinstance(value, str) or not value:
        return None
    zones = value.split(",")
    if any(zone not in ZONES for zone in zones) or len(set(zones)) != len(zones):
        return None
    return zones


def check(dev: SimDevice, command: str, params: list[Any]) -> None:
    """Refuse, as the gateway does, parameters these device kinds do not take."""
    if command == "alarmZoneOn" and _zones(params[0]) is None:
        raise _bad(f"alarmZoneOn: unknown zones {params[0]!r}")
    if command in ("setOperatingMode", "setMemorizedSimpleVolume"):
        state = (
            HEATING_INTERFACE_MODE
            if command == "setOperatingMode"
            else "io:MemorizedSimpleVolumeState"
        )
        allowed = _discrete_values(dev, state)
        if allowed and params[0] not in allowed:
            raise _bad(f"{command}: unknown value {params[0]!r}")
    if command == "setMemorized1Position" and not (
        _is_number(params[0]) and 0 <= params[0] <= 100
    ):
        raise _bad("setMemorized1Position: position must be a number in 0..100")
    if command == "setCurrentOperatingMode" and not isinstance(params[0], dict):
        raise _bad("setCurrentOperatingMode: the modes must be an object")
    if command in _BOUNDS:
        _check_bounds(dev, command, params[0])


def _check_bounds(dev: SimDevice, command: str, value: Any) -> None:
    if not _is_number(value):
        raise _bad(f"{command}: value must be a number")
    low_state, high_state = _BOUNDS[command]
    low = dev.value(low_state) if low_state and dev.has_state(low_state) else None
    high = dev.value(high_state) if dev.has_state(high_state) else None
    if (low is not None and value < low) or (high is not None and value > high):
        raise _bad(f"{command}: {value} is out of the device's range {low}..{high}")


def effect(dev: SimDevice, command: str, params: list[Any]) -> Effect | None:
    """Return what a command does on these kinds; None leaves it to the default."""
    if dev.has_state(PEDESTRIAN) and dev.position_state is None:
        target = {
            "open": "open",
            "close": "closed",
            "setPedestrianPosition": "pedestrian",
        }
        if command in target:
            return Change({PEDESTRIAN: target[command]})
    if command == "partialPosition" and dev.position_state is not None:
        return Move(PARTIAL_CLOSURE)
    if command == "goToAlias" and dev.position_state is not None:
        favourite = dev.value(MEMORIZED) if dev.has_state(MEMORIZED) else 50
        return Move(round(favourite))
    if command == "my" and dev.has_state(INTENSITY):
        return Change({INTENSITY: dev.value(MEMORIZED), "core:OnOffState": "on"})
    if dev.has_state(ACTIVE_ZONES):
        if command == "alarmZoneOn":
            return Change({ACTIVE_ZONES: params[0]})
        if command in ("alarmOn", "alarmOff"):
            return Change(
                {ACTIVE_ZONES: ",".join(ZONES) if command == "alarmOn" else ""}
            )
    if command == "setOperatingMode" and dev.has_state(HEATING_INTERFACE_MODE):
        return Change({HEATING_INTERFACE_MODE: params[0]})
    if command == "setCurrentOperatingMode" and dev.has_state(OPERATING_MODE):
        modes = dict(dev.value(OPERATING_MODE) or {})
        return Change({OPERATING_MODE: modes | params[0]})
    if command in _SETTERS and dev.has_state(_SETTERS[command]):
        return Change({_SETTERS[command]: params[0]})
    return None


def position_states(dev: SimDevice, closure: int) -> dict[str, Any]:
    """Return open, closed or partial for a door with a partial opening."""
    if not dev.has_state(PARTIAL):
        return {}
    return {
        PARTIAL: "open" if closure <= 0 else "closed" if closure >= 100 else "partial"
    }


CHECK_HOOKS.append(check)
EFFECT_HOOKS.append(effect)
POSITION_HOOKS.append(position_states)


# -- devices --------------------------------------------------------------------


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


def indoor_siren(url: str, label: str) -> dict[str, Any]:
    """Build a siren with bells and a memorised volume."""
    return device(
        url,
        label,
        "io:SomfyIndoorSimpleSirenIOComponent",
        "Siren",
        "IOSiren",
        {
            "bip": 0,
            "dingDong": 0,
            "fastBipSequence": 0,
            "ring": 0,
            "off": 0,
            "setMemorizedSimpleVolume": 1,
            **_IDENTIFY,
        },
        [_STATUS, ("io:MemorizedSimpleVolumeState", T_STRING, "standard")],
        discrete={"io:MemorizedSimpleVolumeState": ["highest", "standard"]},
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
    return device(
        url,
        label,
        "ovp:SomfyHeatingTemperatureInterfaceOGPComponent",
        "HeatingSystem",
        "SomfyHeatingTemperatureInterface",
        {
            "setOperatingMode": 1,
            "setEcoTemperature": 1,
            "setComfortTemperature": 1,
            "setSecuredPositionTemperature": 1,
        },
        [
            _STATUS,
            (HEATING_INTERFACE_MODE, T_STRING, "heating"),
            ("core:EcoRoomTemperatureState", T_FLOAT, 17.0),
            ("core:ComfortRoomTemperatureState", T_FLOAT, 20.0),
            ("core:SecuredPositionTemperatureState", T_FLOAT, 7.0),
        ],
        discrete={HEATING_INTERFACE_MODE: ["cooling", "heating"]},
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
            **_IDENTIFY,
        },
        [
            _STATUS,
            ("core:ComfortRoomTemperatureState", T_FLOAT, 21.0),
            ("core:EcoRoomTemperatureState", T_FLOAT, 18.0),
            ("io:BoostDurationUserParameterState", T_INT, 5),
            ("io:BoostDurationMaxState", T_INT, 45),
            ("io:DryingDurationUserParameterState", T_INT, 30),
            ("io:DryingDurationMaxState", T_INT, 90),
        ],
        manufacturer="Atlantic",
    )


def water_heater(url: str, label: str) -> dict[str, Any]:
    """Build an Atlantic water heater: boost and away durations, showers, target."""
    return device(
        url,
        label,
        "io:AtlanticDomesticHotWaterProductionV2IOComponent",
        "WaterHeatingSystem",
        "DomesticHotWaterProduction",
        {
            "setBoostModeDuration": 1,
            "setCurrentOperatingMode": 1,
            "refreshBoostModeDuration": 0,
            "setAwayModeDuration": 1,
            "setExpectedNumberOfShower": 1,
            "setTargetDHWTemperature": 1,
            **_IDENTIFY,
        },
        [
            _STATUS,
            (OPERATING_MODE, T_OBJECT, {"relaunch": "off", "absence": "off"}),
            ("core:BoostModeDurationState", T_INT, 0),
            ("io:AwayModeDurationState", T_STRING, "0"),
            ("core:ExpectedNumberOfShowerState", T_INT, 3),
            ("core:MinimalShowerManualModeState", T_INT, 2),
            ("core:MaximalShowerManualModeState", T_INT, 5),
            ("core:TargetDHWTemperatureState", T_FLOAT, 55.0),
            ("core:MinimalTemperatureManualModeState", T_FLOAT, 50.0),
            ("core:MaximalTemperatureManualModeState", T_FLOAT, 62.0),
        ],
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
            indoor_siren(f"io://{gw}/6302", "Siren"),
            alarm_controller(f"io://{gw}/6303", "Alarm"),
            heating_interface(f"ovp://{gw}/6401", "Heating interface"),
            towel_dryer(f"io://{gw}/6402#1", "Towel dryer"),
            water_heater(f"io://{gw}/6403#1", "Water heater"),
            terrace_heater(f"io://{gw}/6404", "Terrace heater"),
        ],
    )
