"""How a raw Overkiz reading becomes a sensor's value, and in which unit.

Gateways send numbers as numbers, or as text on the cloud; words in camelCase; units
as ``MeasuredValueType`` attributes of the device. The sensor descriptions pick one
of these conversions per state.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from homeassistant import const
from homeassistant.components.sensor.const import DEVICE_CLASS_UNITS

from .states import as_float

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.components.sensor import (
        SensorDeviceClass,
        SensorEntityDescription,
    )
    from pyoverkiz.models import Device

PPM: Final = "ppm"
PPB: Final = "ppb"


def number(value: Any) -> float | int | None:
    """Return a reading as a number: an int stays an int (cloud events carry text)."""
    result = as_float(value)
    if result is None:
        return None
    return int(result) if result.is_integer() else result


def rounded(digits: int) -> Callable[[Any], float | int | None]:
    """Round a reading to ``digits`` decimals (sensors report float noise).

    A whole number stays one, whether the gateway sent 17, 17.0 or "17".
    """

    def convert(value: Any) -> float | int | None:
        return number(
            None if (result := as_float(value)) is None else round(result, digits)
        )

    return convert


def percent(value: Any) -> int | None:
    """Return a battery level, given as 73, 73.0 or "73%"."""
    result = as_float(str(value).strip().removesuffix("%"))
    return None if result is None else round(result)


def snake(value: Any) -> str | None:
    """Return a camelCase gateway word as a translation state key (``low_battery``)."""
    if value is None or value == "":
        return None
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(value)).lower()


def text(value: Any) -> str | None:
    """Return a word state as it comes (nothing for an empty one)."""
    return None if value is None or value == "" else str(value)


# Overkiz unit names (the ``MeasuredValueType`` attributes) in Home Assistant's.
MEASURED_UNITS: Final[dict[str, str]] = {
    "core:ElectricalEnergyInWh": const.UnitOfEnergy.WATT_HOUR,
    "core:ElectricalEnergyInKWh": const.UnitOfEnergy.KILO_WATT_HOUR,
    "core:FossilEnergyInWh": const.UnitOfEnergy.WATT_HOUR,
    "core:ElectricalPowerInW": const.UnitOfPower.WATT,
    "core:ElectricalPowerInKW": const.UnitOfPower.KILO_WATT,
    "core:ElectricCurrentInAmpere": const.UnitOfElectricCurrent.AMPERE,
    "core:ElectricCurrentInMilliAmpere": const.UnitOfElectricCurrent.MILLIAMPERE,
    "core:VoltageInVolt": const.UnitOfElectricPotential.VOLT,
    "core:VoltageInMilliVolt": const.UnitOfElectricPotential.MILLIVOLT,
    "core:TemperatureInCelcius": const.UnitOfTemperature.CELSIUS,
    "core:TemperatureInKelvin": const.UnitOfTemperature.KELVIN,
    "core:RelativeValueInPercentage": const.PERCENTAGE,
    "core:LuminanceInLux": const.LIGHT_LUX,
    "core:PartsPerMillion": PPM,
    "core:PartsPerBillion": PPB,
    "core:PressureInHpa": const.UnitOfPressure.HPA,
    "core:PressureInMilliBar": const.UnitOfPressure.MBAR,
    "core:LinearSpeedInMeterPerSecond": const.UnitOfSpeed.METERS_PER_SECOND,
    "core:TimeInSecond": const.UnitOfTime.SECONDS,
    "core:VolumeInCubicMeter": const.UnitOfVolume.CUBIC_METERS,
    "core:VolumeInLiter": const.UnitOfVolume.LITERS,
    "core:VolumeInGallon": const.UnitOfVolume.GALLONS,
    "core:FlowInMeterCubePerHour": const.UnitOfVolumeFlowRate.CUBIC_METERS_PER_HOUR,
}


def measured_unit(device: Device, description: SensorEntityDescription) -> str | None:
    """Return the unit the gateway gives the reading when it fits, else the table's.

    A device names the unit of one state (``<state>MeasuredValueType``) or of its
    main reading (``core:MeasuredValueType``); the latter must not give an RSSI
    or a battery level a temperature's unit, hence the check on the class.
    """
    unit = description.native_unit_of_measurement
    if unit is None:
        return None
    for name in (f"{description.key}MeasuredValueType", "core:MeasuredValueType"):
        measured = MEASURED_UNITS.get(str(device.attributes.get_value(name)))
        if measured is not None and _fits(description.device_class, measured):
            return measured
    return unit


def _fits(device_class: SensorDeviceClass | None, unit: str) -> bool:
    if device_class is None:
        return False
    return unit in DEVICE_CLASS_UNITS.get(device_class, set())
