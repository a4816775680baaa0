"""Water heaters, towel dryers, ventilation and thermostats: what their commands change.

Models of the Atlantic (Cozytouch) and Somfy heating devices whose commands
take dictionaries or change several states at once. State names and values
come from real gateway dumps and pyoverkiz's enums.
"""

from __future__ import annotations

from typing import Any

from .devices import SimDevice, _bad, _is_number

OPERATING_MODE = "core:OperatingModeState"
TARGET_TEMPERATURE = "core:TargetTemperatureState"
BOOST_DURATION = "core:BoostModeDurationState"
AWAY_DURATION = "io:AwayModeDurationState"
VENTILATION_MODE = "io:VentilationModeState"


def _merge(current: Any, update: Any) -> dict[str, Any]:
    merged = dict(current) if isinstance(current, dict) else {}
    merged.update(update)
    return merged


COMFORT = "core:ComfortRoomTemperatureState"
ECO_LOWERING = "core:EcoRoomTemperatureState"
HEATING_LEVEL = "io:TargetHeatingLevelState"
# Degrees below comfort of the comfort-1 and comfort-2 levels.
_COMFORT_STEPS = {"comfort": 0.0, "comfort-1": 1.0, "comfort-2": 2.0}
# The frost protection setpoint of Atlantic heaters.
FROST_PROTECTION = 7.0


class SetpointHeater(SimDevice):
    """An Atlantic setpoint heater: programme, external schedule, derogation.

    Its target temperature follows the heating level: the comfort setpoint,
    one or two degrees below it, or in eco the comfort setpoint lowered by
    the eco lowering (``EcoRoomTemperatureState`` is a difference, 3.5 in
    real setups, as ``SetpointLoweringTemperatureInProgModeState``).
    """

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        changes = self._setpoint_changes(command, params)
        if command in ("setHeatingLevel", "setComfortTemperature", "setEcoTemperature"):
            target = self._level_target(changes)
            if target is not None:
                changes[TARGET_TEMPERATURE] = target
        return changes

    def _level_target(self, changes: dict[str, Any]) -> float | None:
        """Return the target of the heating level, after these changes."""

        def now(name: str) -> Any:
            if name in changes:
                return changes[name]
            return self.value(name) if self.has_state(name) else None

        level, comfort = now(HEATING_LEVEL), now(COMFORT)
        if level == "frostprotection":
            return FROST_PROTECTION
        if not _is_number(comfort):
            return None
        if level in _COMFORT_STEPS:
            return float(comfort) - _COMFORT_STEPS[level]
        lowering = now(ECO_LOWERING)
        if level == "eco" and _is_number(lowering):
            return float(comfort) - float(lowering)
        return None

    def _setpoint_changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setSchedulingType":
            return {
                "io:InternalExternalSchedulingTypeState": params[0],
                OPERATING_MODE: params[0],
            }
        if command == "setDerogatedTargetTemperature":
            return {
                "core:DerogatedTargetTemperatureState": params[0],
                "io:EffectiveTemperatureSetpointState": params[0],
            }
        if command == "setTargetTemperature":
            return {
                TARGET_TEMPERATURE: params[0],
                "io:EffectiveTemperatureSetpointState": params[0],
            }
        return super()._changes(command, params)


class TowelDryer(SetpointHeater):
    """An Atlantic towel dryer: operating mode, boost and drying periods."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a temporary state the definition does not list."""
        super().check(command, params)
        allowed = self._allowed("io:TowelDryerTemporaryStateState")
        if command == "setTowelDryerTemporaryState" and params[0] not in allowed:
            raise _bad(f"{command}: unknown state {params[0]!r}")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setTowelDryerOperatingMode":
            return {OPERATING_MODE: params[0]}
        if command == "setTowelDryerTemporaryState":
            return {"io:TowelDryerTemporaryStateState": params[0]}
        return super()._changes(command, params)


class HotWaterProduction(SimDevice):
    """An Atlantic water heater: DHW mode, boost (relaunch) and absence.

    ``setCurrentOperatingMode({"relaunch": "on", "absence": "off"})`` starts a
    boost for the duration set before (``setBoostModeDuration``, in days) and
    ends an absence; ``"off"`` ends them.
    """

    _boost_days = 1

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse unknown DHW modes and operating modes that are no dictionary."""
        super().check(command, params)
        allowed = self._allowed("io:DHWModeState") or self._allowed(
            "modbuslink:DHWModeState"
        )
        if command == "setDHWMode" and allowed and params[0] not in allowed:
            raise _bad(f"setDHWMode: unknown mode {params[0]!r}")
        if command == "setCurrentOperatingMode" and not isinstance(params[0], dict):
            raise _bad("setCurrentOperatingMode: the mode is a dictionary")
        if command == "setBoostModeDuration" and not (
            _is_number(params[0]) and 0 <= params[0] <= 7
        ):
            raise _bad("setBoostModeDuration: 0 to 7 days")

    def _flag(self, name: str) -> str:
        """Return the io: or the modbuslink: state of a DHW mode flag."""
        io = f"io:DHW{name}ModeState"
        return io if self.has_state(io) else f"modbuslink:DHW{name}ModeState"

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command in ("setBoostMode", "setAbsenceMode"):
            return {self._flag(command[3:-4]): params[0]}
        if command in ("setAbsenceStartDate", "setAbsenceEndDate"):
            return {}  # kept by the device; the mode tells
        if command == "setTargetDHWTemperature":
            # Models report it as the DHW target or as the water target.
            return {
                "core:TargetDHWTemperatureState": params[0],
                "core:WaterTargetTemperatureState": params[0],
            }
        if command == "setBoostModeDuration":
            self._boost_days = round(params[0])
            return {}
        if command == "setCurrentOperatingMode":
            mode: dict[str, Any] = params[0]
            changes: dict[str, Any] = {
                OPERATING_MODE: _merge(self._value_or_none(OPERATING_MODE), mode)
            }
            if "relaunch" in mode:
                on = mode["relaunch"] == "on"
                changes[BOOST_DURATION] = self._boost_days if on else 0
            if "absence" in mode:
                changes[AWAY_DURATION] = "always" if mode["absence"] == "on" else "0"
            return changes
        return super()._changes(command, params)

    def _value_or_none(self, name: str) -> Any:
        return self.value(name) if self.has_state(name) else None


class HeatRecoveryVentilation(SimDevice):
    """An Atlantic heat recovery ventilation: air demand, configuration, mode."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a ventilation mode that is no dictionary."""
        super().check(command, params)
        if command == "setVentilationMode" and not isinstance(params[0], dict):
            raise _bad("setVentilationMode: the mode is a dictionary")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setVentilationMode":
            current = (
                self.value(VENTILATION_MODE)
                if self.has_state(VENTILATION_MODE)
                else None
            )
            return {VENTILATION_MODE: _merge(current, params[0])}
        return super()._changes(command, params)


_THERMOSTAT_MODES = {
    "atHomeMode": "somfythermostat:AtHomeTargetTemperatureState",
    "sleepingMode": "somfythermostat:SleepingModeTargetTemperatureState",
    "awayMode": "somfythermostat:AwayModeTargetTemperatureState",
    "freezeMode": "somfythermostat:FreezeModeTargetTemperatureState",
    "geofencingMode": "somfythermostat:GeofencingModeTargetTemperatureState",
    "suddenDropMode": "somfythermostat:SuddenDropModeTargetTemperatureState",
}


class SomfyThermostat(SimDevice):
    """A Somfy thermostat: a derogation to a mode or to a temperature."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a derogation to an unknown mode."""
        super().check(command, params)
        if (
            command == "setDerogation"
            and not _is_number(params[0])
            and params[0] not in _THERMOSTAT_MODES
        ):
            raise _bad(f"setDerogation: unknown mode {params[0]!r}")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setDerogation":
            value, kind = params[0], params[1]
            mode = "manualMode" if _is_number(value) else value
            temperature = value if _is_number(value) else self._mode_target(mode)
            return {
                "somfythermostat:HeatingModeState": mode,
                "somfythermostat:DerogationHeatingModeState": mode,
                "somfythermostat:DerogationTypeState": kind,
                "core:DerogationActivationState": "active",
                "core:DerogatedTargetTemperatureState": temperature,
                TARGET_TEMPERATURE: temperature,
            }
        if command == "exitDerogation":
            return {
                "somfythermostat:HeatingModeState": "atHomeMode",
                "core:DerogationActivationState": "inactive",
                TARGET_TEMPERATURE: self._mode_target("atHomeMode"),
            }
        if command == "setModeTemperature" and params[0] in _THERMOSTAT_MODES:
            return {_THERMOSTAT_MODES[params[0]]: params[1]}
        return super()._changes(command, params)

    def _mode_target(self, mode: str) -> Any:
        state = _THERMOSTAT_MODES.get(mode)
        return self.value(state) if state and self.has_state(state) else None


class PassApcHotWater(SimDevice):
    """An Atlantic Pass APC hot water zone: on/off, boost on/off, two setpoints.

    The setpoint in force follows: comfort while boosting or in comfort, eco
    in eco mode.
    """

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setBoostOnOffState":
            return self._with_target({"core:BoostOnOffState": params[0]})
        if command == "setDHWOnOffState":
            return {"core:DHWOnOffState": params[0]}
        if command == "setComfortTargetDHWTemperature":
            return self._with_target(
                {"core:ComfortTargetDHWTemperatureState": params[0]}
            )
        if command == "setEcoTargetDHWTemperature":
            return self._with_target({"core:EcoTargetDHWTemperatureState": params[0]})
        return super()._changes(command, params)

    def _with_target(self, changes: dict[str, Any]) -> dict[str, Any]:
        def now(name: str) -> Any:
            return changes.get(name, self.value(name) if self.has_state(name) else None)

        eco = now("io:PassAPCDHWModeState") == "eco"
        boost = now("core:BoostOnOffState") == "on"
        source = (
            "core:EcoTargetDHWTemperatureState"
            if eco and not boost
            else "core:ComfortTargetDHWTemperatureState"
        )
        return {**changes, "core:TargetDHWTemperatureState": now(source)}


class HitachiHotWater(SimDevice):
    """A Hitachi (modbus) hot water tank: run or stop, mode, setpoint."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a setpoint that is no whole number."""
        super().check(command, params)
        if command == "setControlDHWSettingTemperature" and not isinstance(
            params[0], int
        ):
            raise _bad(f"{command}: the setpoint is a whole number")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        states = {
            "setControlDHW": "modbus:ControlDHWState",
            "setDHWMode": "modbus:DHWModeState",
            "setControlDHWSettingTemperature": (
                "modbus:ControlDHWSettingTemperatureState"
            ),
        }
        if command in states:
            return {states[command]: params[0]}
        return super()._changes(command, params)


HEATING_MODELS: dict[str, type[SimDevice]] = {
    "AtlanticElectricalHeaterWithAdjustableTemperatureSetpoint": SetpointHeater,
    "AtlanticElectricalTowelDryer": TowelDryer,
    "DomesticHotWaterProduction": HotWaterProduction,
    "AtlanticHeatRecoveryVentilation": HeatRecoveryVentilation,
    "SomfyThermostat": SomfyThermostat,
    "AtlanticPassAPCDHW": PassApcHotWater,
    "HitachiDHW": HitachiHotWater,
}
"""Models by widget."""
