"""What each Overkiz state becomes as a binary sensor: class and when it is on.

Keyed on the state's name as the device definition lists it. A few states mean
something only on some devices (every cover reports open/closed; only a contact
sensor's is a window's): ``ui_classes`` names them. A detector's detection is
its main feature, bearing the device's name alone: ``main_for`` names the UI
classes and widgets of those devices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.binary_sensor import BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass

if TYPE_CHECKING:
    from collections.abc import Callable


def is_one_of(*words: str) -> Callable[[Any], bool]:
    """On when the state is one of these words (any case)."""
    wanted = {word.lower() for word in words}
    return lambda value: str(value).lower() in wanted


def demands_energy(value: Any) -> bool:
    """On when a water heater's capabilities say it is asking for energy."""
    return isinstance(value, dict) and value.get("energyDemandStatus") == 1


def is_true(value: Any) -> bool:
    """On for a true boolean state (cloud events carry it as text)."""
    return value is True or str(value).lower() == "true"


DETECTED = is_one_of("detected")


@dataclass(frozen=True, kw_only=True)
class OverkizBinarySensorDescription(BinarySensorEntityDescription):
    """One state read as on/off; ``is_on_fn`` decides from the raw value."""

    is_on_fn: Callable[[Any], bool] = DETECTED
    # Only devices of these UI classes or widgets get it (None: every device).
    ui_classes: frozenset[str] | None = None
    # The device's main feature on devices of these UI classes or widgets.
    main_for: frozenset[str] = frozenset()


_BINARY_SENSORS: tuple[OverkizBinarySensorDescription, ...] = (
    OverkizBinarySensorDescription(
        key="core:RainState",
        translation_key="rain",
        main_for=frozenset({"RainSensor"}),
    ),
    OverkizBinarySensorDescription(
        key="core:SmokeState",
        translation_key="smoke",
        device_class=BinarySensorDeviceClass.SMOKE,
        main_for=frozenset({"SmokeSensor"}),
    ),
    OverkizBinarySensorDescription(
        key="core:WaterDetectionState",
        translation_key="water",
        device_class=BinarySensorDeviceClass.MOISTURE,
        main_for=frozenset({"WaterSensor", "waterLeakSensor"}),
    ),
    OverkizBinarySensorDescription(
        key="core:GasDetectionState",
        translation_key="gas",
        device_class=BinarySensorDeviceClass.GAS,
        main_for=frozenset({"GasSensor"}),
    ),
    OverkizBinarySensorDescription(
        key="core:OccupancyState",
        translation_key="occupancy",
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        is_on_fn=is_one_of("personInside"),
        main_for=frozenset({"OccupancySensor"}),
    ),
    OverkizBinarySensorDescription(
        key="core:VibrationState",
        translation_key="vibration",
        device_class=BinarySensorDeviceClass.VIBRATION,
    ),
    OverkizBinarySensorDescription(
        key="io:VibrationDetectedState",
        translation_key="vibration",
        device_class=BinarySensorDeviceClass.VIBRATION,
    ),
    OverkizBinarySensorDescription(
        key="core:ContactState",
        translation_key="contact",
        device_class=BinarySensorDeviceClass.DOOR,
        is_on_fn=is_one_of("open"),
        main_for=frozenset({"ContactSensor"}),
    ),
    # A contact sensor on a window (IntelliTAG, window state sensors).
    OverkizBinarySensorDescription(
        key="core:OpenClosedState",
        translation_key="window",
        device_class=BinarySensorDeviceClass.WINDOW,
        is_on_fn=is_one_of("open"),
        ui_classes=frozenset({"ContactSensor"}),
        main_for=frozenset({"ContactSensor"}),
    ),
    OverkizBinarySensorDescription(
        key="core:TiltedState",
        translation_key="tilt",
        is_on_fn=is_true,
    ),
    OverkizBinarySensorDescription(
        key="core:AssemblyState",
        translation_key="assembly",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=is_one_of("open"),
    ),
    OverkizBinarySensorDescription(
        key="core:HeatingStatusState",
        translation_key="heating_status",
        device_class=BinarySensorDeviceClass.HEAT,
        is_on_fn=is_one_of("on", "heating"),
    ),
    OverkizBinarySensorDescription(
        key="io:OperatingModeCapabilitiesState",
        translation_key="energy_demand",
        device_class=BinarySensorDeviceClass.HEAT,
        is_on_fn=demands_energy,
    ),
    OverkizBinarySensorDescription(
        key="modbuslink:DHWAbsenceModeState",
        translation_key="absence_mode",
        is_on_fn=is_one_of("on", "prog"),
    ),
    OverkizBinarySensorDescription(
        key="modbuslink:DHWBoostModeState",
        translation_key="boost_mode",
        is_on_fn=is_one_of("on", "prog"),
    ),
    OverkizBinarySensorDescription(
        key="modbuslink:DHWModeState",
        translation_key="manual_mode",
        is_on_fn=is_one_of("manual", "manualEcoInactive"),
    ),
)

BINARY_SENSOR_DESCRIPTIONS: Final[dict[str, OverkizBinarySensorDescription]] = {
    description.key: description for description in _BINARY_SENSORS
}
