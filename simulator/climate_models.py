"""Heat pumps and thermostats: what their commands change.

Atlantic Pass APC pumps and zones, Hitachi air-to-air units (one
``globalControl`` with every setting) and air-to-water zones, Somfy heating
temperature interfaces and EvoHome controllers. State names and values as
pyoverkiz's enums and Home Assistant's overkiz integration know them.
"""

from __future__ import annotations

from typing import Any

from .devices import SimDevice, _bad, _is_number


class PassApcZone(SimDevice):
    """A Pass APC zone: heating mode and profile, derogation, on/off switches.

    A derogation switched on makes ``derogation`` the heating profile; off,
    the profile follows the heating mode again.
    """

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setDerogationOnOffState":
            return {"io:PassAPCHeatingProfileState": self._profile(params[0] == "on")}
        if command == "setPassAPCHeatingMode":
            return {
                "io:PassAPCHeatingModeState": params[0],
                "io:PassAPCHeatingProfileState": _profile_of(params[0]),
            }
        if command in ("setCoolingOnOffState", "setHeatingOnOffState"):
            name = command.removeprefix("set").removesuffix("State")
            return {f"core:{name}State": params[0]}
        return super()._changes(command, params)

    def _profile(self, derogation: bool) -> str:
        if derogation:
            return "derogation"
        mode = self.value("io:PassAPCHeatingModeState")
        return _profile_of(mode)


def _profile_of(mode: Any) -> str:
    """Return the profile a heating mode runs (the programme: comfort for now)."""
    return {"internalScheduling": "comfort", "manu": "manu"}.get(str(mode), str(mode))


_HITACHI_ORDER = {
    "hlrrwifi": (
        "hlrrwifi:MainOperationState",
        "core:TargetTemperatureState",
        "hlrrwifi:FanSpeedState",
        "hlrrwifi:ModeChangeState",
        "hlrrwifi:SwingState",
        "hlrrwifi:LeaveHomeState",
    ),
    "ovp": (
        "ovp:MainOperationState",
        "core:TargetTemperatureState",
        "ovp:FanSpeedState",
        "ovp:ModeChangeState",
        "core:AutoManuModeState",
    ),
}


class HitachiAirToAir(SimDevice):
    """A Hitachi air-to-air unit: ``globalControl`` sets every setting at once.

    An OVP unit in auto takes its setpoint as an offset from 25 °C and reports
    the mode as ``auto heating``; holidays have a command of their own.
    """

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a globalControl missing a setting or with no setpoint."""
        super().check(command, params)
        if command == "globalControl":
            order = _HITACHI_ORDER[self.protocol]
            if len(params) != len(order) or any(p is None for p in params):
                raise _bad(f"globalControl takes {len(order)} settings, all given")
            if not _is_number(params[1]):
                raise _bad("globalControl: the temperature is a number")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "globalControl":
            changes = dict(zip(_HITACHI_ORDER[self.protocol], params, strict=True))
            mode = changes.get(f"{self.protocol}:ModeChangeState")
            if self.protocol == "ovp" and mode == "auto":
                changes["ovp:ModeChangeState"] = "auto heating"
                changes["core:TargetTemperatureState"] = 25 + params[1]
            return changes
        if command == "setHolidays":
            return {"core:HolidaysModeState": params[0]}
        return super()._changes(command, params)


class HitachiWaterZone(SimDevice):
    """A Hitachi Yutaki heating zone (zone 1 or 2)."""

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        zone = "Zone2" if "Zone2" in str(self.raw.get("controllableName")) else "Zone1"
        states = {
            "setAutoManuMode": f"modbus:AutoManuMode{zone}State",
            "setTargetMode": "modbus:YutakiTargetModeState",
            "setThermostatSettingControlZone1": (
                "modbus:ThermostatSettingControlZone1State"
            ),
            "setThermostatSettingControlZone2": (
                "modbus:ThermostatSettingControlZone2State"
            ),
        }
        if command in states:
            return {states[command]: params[0]}
        return super()._changes(command, params)


_INTERFACE = "ovp:HeatingTemperatureInterface"
_SETPOINTS = {
    "setComfortTemperature": "core:ComfortRoomTemperatureState",
    "setEcoTemperature": "core:EcoRoomTemperatureState",
    "setSecuredPositionTemperature": "core:SecuredPositionTemperatureState",
}


class SomfyHeatingInterface(SimDevice):
    """A Somfy heating temperature interface: active mode, setpoint mode."""

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setActiveMode":
            return {f"{_INTERFACE}ActiveModeState": params[0]}
        if command == "setManuAndSetPointModes":
            return {
                f"{_INTERFACE}ActiveModeState": "manu",
                f"{_INTERFACE}SetPointModeState": params[0],
            }
        if command in _SETPOINTS:
            return {_SETPOINTS[command]: params[0]}
        return super()._changes(command, params)


class EvoHome(SimDevice):
    """An EvoHome controller: an operating mode, some until a date."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a day off or holidays without an end date."""
        super().check(command, params)
        if (
            command == "setOperatingMode"
            and params[0] in ("day-off", "holidays")
            and len(params) < 2
        ):
            raise _bad(f"setOperatingMode: {params[0]} needs an end date")

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command == "setOperatingMode":
            return {"ramses:RAMSESOperatingModeState": params[0]}
        return super()._changes(command, params)


CLIMATE_MODELS: dict[str, type[SimDevice]] = {
    "AtlanticPassAPCHeatingZone": PassApcZone,
    "AtlanticPassAPCHeatingAndCoolingZone": PassApcZone,
    "HitachiAirToAirHeatPump": HitachiAirToAir,
    "HitachiAirToWaterHeatingZone": HitachiWaterZone,
    "SomfyHeatingTemperatureInterface": SomfyHeatingInterface,
    "EvoHomeController": EvoHome,
}
"""Models by widget."""
