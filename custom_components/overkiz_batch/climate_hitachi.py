"""Hitachi heat pumps: air-to-air units (HLRRWIFI and OVP) and air-to-water zones.

An air-to-air unit takes one command, ``globalControl``, with every setting at
once: a change of one setting sends the others as the unit reports them. The
two protocols name their states and order the parameters differently; a
profile per protocol says how.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.components.climate.const import (
    FAN_AUTO,
    FAN_HIGH,
    FAN_LOW,
    FAN_MEDIUM,
    PRESET_COMFORT,
    PRESET_ECO,
    PRESET_NONE,
    SWING_BOTH,
    SWING_HORIZONTAL,
    SWING_OFF,
    SWING_VERTICAL,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE
from pyoverkiz.enums import OverkizCommand, OverkizState, UIWidget

from .climate_descriptions import OverkizClimateDescription
from .climate_entity import OverkizBatchClimate
from .states import as_float, as_str
from .validation import validation_error

if TYPE_CHECKING:
    from collections.abc import Callable

    from .coordinator import OverkizBatchCoordinator

PRESET_HOLIDAY = "holiday_mode"
FAN_SILENT = "silent"

# Device mode (lower case, spaces removed) -> Home Assistant mode.
_MODES = {
    "auto": HVACMode.AUTO,
    "autoheating": HVACMode.AUTO,
    "autocooling": HVACMode.AUTO,
    "on": HVACMode.HEAT,
    "heating": HVACMode.HEAT,
    "cooling": HVACMode.COOL,
    "fan": HVACMode.FAN_ONLY,
    "dehumidify": HVACMode.DRY,
}
_MODE_COMMANDS = {
    HVACMode.AUTO: "auto",
    HVACMode.HEAT: "heating",
    HVACMode.COOL: "cooling",
    HVACMode.FAN_ONLY: "fan",
    HVACMode.DRY: "dehumidify",
}
_SWINGS = {
    "both": SWING_BOTH,
    "horizontal": SWING_HORIZONTAL,
    "stop": SWING_OFF,
    "vertical": SWING_VERTICAL,
}

type Settings = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class HitachiProfile:
    """State names of one protocol, its fan speeds and ``globalControl``'s order.

    ``parameters_fn`` turns the settings (main operation, temperature, fan,
    mode, swing, holiday) into the command's parameters.
    """

    main_operation: str
    mode: str
    fan_speed: str
    swing: str
    room_temperature: str
    holiday: str
    fans: MappingProxyType[str, str]  # device value -> Home Assistant fan mode
    fan_commands: MappingProxyType[str, str]  # Home Assistant fan mode -> value
    min_temp: float
    max_temp: float
    auto_range: tuple[float, float] | None = None  # the setpoints auto takes
    parameters_fn: Callable[[Settings], list[Any]]


HLRRWIFI = HitachiProfile(
    main_operation=OverkizState.HLRRWIFI_MAIN_OPERATION,
    mode=OverkizState.HLRRWIFI_MODE_CHANGE,
    fan_speed=OverkizState.HLRRWIFI_FAN_SPEED,
    swing=OverkizState.HLRRWIFI_SWING,
    room_temperature=OverkizState.HLRRWIFI_ROOM_TEMPERATURE,
    holiday=OverkizState.HLRRWIFI_LEAVE_HOME,
    fans=MappingProxyType(
        {"auto": FAN_AUTO, "high": FAN_HIGH, "low": FAN_LOW, "medium": FAN_MEDIUM}
        | {"silent": FAN_SILENT}
    ),
    fan_commands=MappingProxyType(
        {FAN_AUTO: "auto", FAN_HIGH: "high", FAN_LOW: "low", FAN_MEDIUM: "medium"}
        | {FAN_SILENT: "silent"}
    ),
    min_temp=16.0,
    max_temp=32.0,
    parameters_fn=lambda s: [
        s["main_operation"],
        s["temperature"],
        s["fan"],
        s["mode"],
        s["swing"],
        s["holiday"],
    ],
)

# OVP units take the auto mode's setpoint as an offset from 25 °C (-3 to +3).
_AUTO_PIVOT = 25


def _ovp_parameters(settings: Settings) -> list[Any]:
    temperature = settings["temperature"]
    if settings["mode"] == "auto" and temperature is not None:
        temperature = max(-3, min(3, temperature - _AUTO_PIVOT))
    return [
        settings["main_operation"],
        temperature,
        settings["fan"],
        settings["mode"],
        "off" if settings["holiday"] == "on" else settings["auto_manu"],
    ]


OVP = HitachiProfile(
    main_operation=OverkizState.OVP_MAIN_OPERATION,
    mode=OverkizState.OVP_MODE_CHANGE,
    fan_speed=OverkizState.OVP_FAN_SPEED,
    swing=OverkizState.OVP_SWING,
    room_temperature=OverkizState.OVP_ROOM_TEMPERATURE,
    holiday=OverkizState.CORE_HOLIDAYS_MODE,
    fans=MappingProxyType(
        {"auto": FAN_AUTO, "hi": FAN_HIGH, "high": FAN_HIGH, "lo": FAN_LOW}
        | {"low": FAN_LOW, "med": FAN_MEDIUM, "medium": FAN_MEDIUM}
        | {"silent": FAN_SILENT}
    ),
    fan_commands=MappingProxyType(
        {FAN_AUTO: "auto", FAN_HIGH: "hi", FAN_LOW: "lo", FAN_MEDIUM: "med"}
        | {FAN_SILENT: "silent"}
    ),
    min_temp=16.0,
    max_temp=32.0,
    auto_range=(_AUTO_PIVOT - 3, _AUTO_PIVOT + 3),
    parameters_fn=_ovp_parameters,
)

AIR_TO_AIR = OverkizClimateDescription(key=UIWidget.HITACHI_AIR_TO_AIR_HEAT_PUMP)
PROFILES = {"hlrrwifi": HLRRWIFI, "ovp": OVP}


class HitachiAirToAirClimate(OverkizBatchClimate):
    """A Hitachi air-to-air unit, set with one ``globalControl`` command."""

    _attr_target_temperature_step = 1.0

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizClimateDescription,
        profile: HitachiProfile,
    ) -> None:
        """Offer every mode, the protocol's fan speeds, holiday and swing."""
        super().__init__(coordinator, device_url, description)
        self._profile = profile
        self._attr_hvac_modes = [*_MODE_COMMANDS, HVACMode.OFF]
        self._attr_fan_modes = list(profile.fan_commands)
        self._attr_preset_modes = [PRESET_NONE, PRESET_HOLIDAY]
        self._attr_swing_modes = list(_SWINGS.values())
        self._attr_min_temp = profile.min_temp
        self._attr_max_temp = profile.max_temp
        features = (
            ClimateEntityFeature.TARGET_TEMPERATURE
            | ClimateEntityFeature.FAN_MODE
            | ClimateEntityFeature.PRESET_MODE
            | ClimateEntityFeature.TURN_OFF
            | ClimateEntityFeature.TURN_ON
        )
        if self.state_of(profile.swing) is not None:
            features |= ClimateEntityFeature.SWING_MODE
        self._attr_supported_features = features

    def _range(self) -> tuple[float, float]:
        profile = self._profile
        if profile.auto_range is not None and self.hvac_mode == HVACMode.AUTO:
            return profile.auto_range
        return profile.min_temp, profile.max_temp

    @property
    def min_temp(self) -> float:
        """Return the lowest setpoint (OVP units take less in auto)."""
        return self._range()[0]

    @property
    def max_temp(self) -> float:
        """Return the highest setpoint."""
        return self._range()[1]

    def _text(self, state: str) -> str | None:
        return as_str(self.state_of(state))

    def _mode_value(self) -> str | None:
        value = self._text(self._profile.mode)
        return None if value is None else value.replace(" ", "").lower()

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return off when the unit is off, else its mode."""
        main = self._text(self._profile.main_operation)
        if main is not None and main.lower() == "off":
            return HVACMode.OFF
        mode = self._mode_value()
        return None if mode is None else _MODES.get(mode)

    @property
    def fan_mode(self) -> str | None:
        """Return the fan speed."""
        value = self._text(self._profile.fan_speed)
        return None if value is None else self._profile.fans.get(value)

    @property
    def swing_mode(self) -> str | None:
        """Return the louvres' swing."""
        value = self._text(self._profile.swing)
        return None if value is None else _SWINGS.get(value)

    @property
    def preset_mode(self) -> str | None:
        """Return holiday when the unit is in holiday mode."""
        value = self._text(self._profile.holiday)
        if value is None:
            return None
        return PRESET_HOLIDAY if value == "on" else PRESET_NONE

    @property
    def target_temperature(self) -> float | None:
        """Return the setpoint."""
        return as_float(self.state_of(OverkizState.CORE_TARGET_TEMPERATURE))

    @property
    def current_temperature(self) -> float | None:
        """Return the room temperature the unit measures."""
        return as_float(self.state_of(self._profile.room_temperature))

    def _settings(self, **changes: Any) -> Settings:
        """Return every setting: the changed ones, the others as reported."""
        profile = self._profile
        mode = self._mode_value() or "auto"
        if mode in ("autoheating", "autocooling"):
            mode = "auto"
        fan = self._text(profile.fan_speed) or "auto"
        target = self.target_temperature
        settings: Settings = {
            "main_operation": self._text(profile.main_operation) or "on",
            "temperature": None if target is None else round(target),
            "fan": profile.fan_commands.get(profile.fans.get(fan, ""), fan),
            "mode": mode,
            "swing": self._text(profile.swing) or "stop",
            "holiday": self._text(profile.holiday) or "off",
            "auto_manu": self._text(OverkizState.CORE_AUTO_MANU_MODE) or "manu",
        }
        return settings | changes

    async def _async_global_control(self, **changes: Any) -> None:
        parameters = self._profile.parameters_fn(self._settings(**changes))
        await self.async_execute(
            self.command(OverkizCommand.GLOBAL_CONTROL, *parameters)
        )

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Turn the unit off, or on in a mode."""
        if hvac_mode == HVACMode.OFF:
            await self._async_global_control(main_operation="off")
        elif hvac_mode in _MODE_COMMANDS:
            await self._async_global_control(
                main_operation="on", mode=_MODE_COMMANDS[hvac_mode]
            )
        else:
            raise validation_error("unsupported_hvac_mode", hvac_mode=hvac_mode)

    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Set the fan speed."""
        if (value := self._profile.fan_commands.get(fan_mode)) is None:
            raise validation_error("unsupported_fan_mode", fan_mode=fan_mode)
        await self._async_global_control(fan=value)

    async def async_set_swing_mode(self, swing_mode: str) -> None:
        """Set the louvres' swing."""
        value = next((v for v, s in _SWINGS.items() if s == swing_mode), None)
        if value is None:
            raise validation_error("unsupported_swing_mode", swing_mode=swing_mode)
        await self._async_global_control(swing=value)

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Enter or leave holiday mode (a command of its own on OVP units)."""
        if preset_mode not in (PRESET_NONE, PRESET_HOLIDAY):
            raise validation_error("unsupported_preset_mode", preset_mode=preset_mode)
        value = "on" if preset_mode == PRESET_HOLIDAY else "off"
        if self._profile is OVP:
            await self.async_execute(self.command(OverkizCommand.SET_HOLIDAYS, value))
            return
        await self._async_global_control(holiday=value)

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Change the setpoint (whole degrees)."""
        temperature = as_float(kwargs.get(ATTR_TEMPERATURE))
        if temperature is None or not self.min_temp <= temperature <= self.max_temp:
            raise validation_error(
                "temperature_out_of_range",
                temperature=kwargs.get(ATTR_TEMPERATURE),
                min_temp=self.min_temp,
                max_temp=self.max_temp,
            )
        await self._async_global_control(temperature=round(temperature))


# Air-to-water heating zones: the zone's number picks its states and command.

_ZONE_2 = "Zone2"

AIR_TO_WATER_ZONE = OverkizClimateDescription(
    key=UIWidget.HITACHI_AIR_TO_WATER_HEATING_ZONE,
    hvac_state=OverkizState.MODBUS_AUTO_MANU_MODE_ZONE_1,
    hvac_modes=MappingProxyType({"manu": HVACMode.HEAT, "auto": HVACMode.AUTO}),
    hvac_commands=MappingProxyType(
        {
            HVACMode.HEAT: (OverkizCommand.SET_AUTO_MANU_MODE, "manu"),
            HVACMode.AUTO: (OverkizCommand.SET_AUTO_MANU_MODE, "auto"),
        }
    ),
    preset_state=OverkizState.MODBUS_YUTAKI_TARGET_MODE,
    presets=MappingProxyType({"comfort": PRESET_COMFORT, "eco": PRESET_ECO}),
    preset_command=OverkizCommand.SET_TARGET_MODE,
    target_temperature_state=OverkizState.MODBUS_THERMOSTAT_SETTING_CONTROL_ZONE_1,
    temperature_command=OverkizCommand.SET_THERMOSTAT_SETTING_CONTROL_ZONE_1,
    min_temp=5.0,
    max_temp=35.0,
)

AIR_TO_WATER_ZONE_2 = OverkizClimateDescription(
    key=f"{UIWidget.HITACHI_AIR_TO_WATER_HEATING_ZONE}_2",
    hvac_state=OverkizState.MODBUS_AUTO_MANU_MODE_ZONE2,
    hvac_modes=AIR_TO_WATER_ZONE.hvac_modes,
    hvac_commands=AIR_TO_WATER_ZONE.hvac_commands,
    preset_state=OverkizState.MODBUS_YUTAKI_TARGET_MODE,
    presets=AIR_TO_WATER_ZONE.presets,
    preset_command=OverkizCommand.SET_TARGET_MODE,
    target_temperature_state=OverkizState.MODBUS_THERMOSTAT_SETTING_CONTROL_ZONE2,
    temperature_command=OverkizCommand.SET_THERMOSTAT_SETTING_CONTROL_ZONE_2,
    min_temp=5.0,
    max_temp=35.0,
)


class HitachiWaterZoneClimate(OverkizBatchClimate):
    """A Yutaki heating zone: room temperature from the unit, half degrees."""

    _attr_target_temperature_step = 0.5

    @property
    def current_temperature(self) -> float | None:
        """Return the zone's room temperature, as the unit measures it."""
        state = (
            OverkizState.MODBUS_ROOM_AMBIENT_TEMPERATURE_STATUS_ZONE2
            if self.entity_description is AIR_TO_WATER_ZONE_2
            else OverkizState.MODBUS_ROOM_AMBIENT_TEMPERATURE_STATUS_ZONE_1
        )
        return as_float(self.state_of(state))


def water_zone_description(controllable_name: str) -> OverkizClimateDescription:
    """Return the description of a zone by its controllable (zone 1 or 2)."""
    return AIR_TO_WATER_ZONE_2 if _ZONE_2 in controllable_name else AIR_TO_WATER_ZONE
