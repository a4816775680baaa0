"""What each Overkiz state becomes as a sensor: class, unit, category, value.

Keyed on the state's name as the device definition lists it. A device gets one
sensor per listed state found here (the readings of a heater's parts, a shutter's
battery and radio level, a meter's counters...). Units follow the device's
``MeasuredValueType`` attributes where the gateway gives one (see sensor.py).

A sensor device (a temperature sensor, a meter...) has one main reading, which
bears the device's name alone: ``main_for`` lists the UI classes and widgets of
the devices whose main feature the state is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS,
    EntityCategory,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfSpeed,
    UnitOfTemperature,
    UnitOfTime,
    UnitOfVolume,
    UnitOfVolumeFlowRate,
)

from .readings import PPM, number, percent, rounded, snake, text

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.helpers.typing import StateType


@dataclass(frozen=True, kw_only=True)
class OverkizSensorDescription(SensorEntityDescription):
    """One state read as a sensor; ``value_fn`` turns the raw value into it."""

    value_fn: Callable[[Any], StateType] = number
    # The device's main reading on devices of these UI classes or widgets.
    main_for: frozenset[str] = frozenset()


def _temperature(
    key: str, translation_key: str, **kwargs: Any
) -> OverkizSensorDescription:
    return OverkizSensorDescription(
        key=key,
        translation_key=translation_key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        value_fn=rounded(2),
        **kwargs,
    )


def _energy(key: str, translation_key: str, **kwargs: Any) -> OverkizSensorDescription:
    return OverkizSensorDescription(
        key=key,
        translation_key=translation_key,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.WATT_HOUR,
        # Meters count Wh from their first day: millions of them read badly.
        suggested_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        **kwargs,
    )


def _power(key: str, translation_key: str, **kwargs: Any) -> OverkizSensorDescription:
    return OverkizSensorDescription(
        key=key,
        translation_key=translation_key,
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        **kwargs,
    )


def _word(
    key: str, translation_key: str, options: list[str], **kwargs: Any
) -> OverkizSensorDescription:
    """Describe a state taking one of a few words (translated states)."""
    return OverkizSensorDescription(
        key=key,
        translation_key=translation_key,
        device_class=SensorDeviceClass.ENUM,
        options=options,
        value_fn=snake,
        **kwargs,
    )


_DIAGNOSTIC = EntityCategory.DIAGNOSTIC

_SENSORS: tuple[OverkizSensorDescription, ...] = (
    # Batteries and radio.
    OverkizSensorDescription(
        key="core:BatteryLevelState",
        translation_key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_category=_DIAGNOSTIC,
        value_fn=percent,
    ),
    _word(
        "core:BatteryState",
        "battery",
        ["full", "normal", "medium", "low", "verylow"],
        entity_category=_DIAGNOSTIC,
    ),
    _word(
        "core:BatteryDiscreteLevelState",
        "battery_discrete",
        ["good", "medium", "low", "critical"],
        entity_category=_DIAGNOSTIC,
    ),
    _word(
        "io:MaintenanceRadioPartBatteryState",
        "radio_battery",
        ["low", "normal"],
        entity_category=_DIAGNOSTIC,
    ),
    _word(
        "io:MaintenanceSensorPartBatteryState",
        "sensor_battery",
        ["absence", "low", "normal"],
        entity_category=_DIAGNOSTIC,
    ),
    OverkizSensorDescription(
        key="core:RSSILevelState",
        translation_key="rssi_level",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS,
        entity_category=_DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=rounded(0),
    ),
    _word(
        "core:DiscreteRSSILevelState",
        "discrete_rssi_level",
        ["verylow", "low", "normal", "good"],
        entity_category=_DIAGNOSTIC,
        entity_registry_enabled_default=False,
    ),
    _word(
        "core:SensorDefectState",
        "sensor_defect",
        ["dead", "low_battery", "maintenance_required", "no_defect"],
        entity_category=_DIAGNOSTIC,
        entity_registry_enabled_default=False,
    ),
    _word(
        "io:SensorRoomState",
        "sensor_room",
        ["clean", "dirty"],
        entity_category=_DIAGNOSTIC,
    ),
    # Climate readings.
    _temperature(
        "core:TemperatureState",
        "temperature",
        main_for=frozenset({"TemperatureSensor"}),
    ),
    _temperature("hlrrwifi:RoomTemperatureState", "room_temperature"),
    _temperature("modbus:RoomAmbientTemperatureStatusZone1State", "room_temperature"),
    _temperature("hlrrwifi:OutdoorTemperatureState", "outdoor_temperature"),
    _temperature("ovp:OutdoorTemperatureState", "outdoor_temperature"),
    _temperature("modbus:OutdoorAmbientTemperatureState", "outdoor_temperature"),
    _temperature("core:MinimumTemperatureState", "minimum_temperature"),
    _temperature("core:MaximumTemperatureState", "maximum_temperature"),
    # The forecast's temperature, as the gateway reports it.
    _temperature("core:WeatherStatusState", "weather_temperature"),
    OverkizSensorDescription(
        key="core:RelativeHumidityState",
        translation_key="humidity",
        device_class=SensorDeviceClass.HUMIDITY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=rounded(2),
        main_for=frozenset({"HumiditySensor"}),
    ),
    OverkizSensorDescription(
        key="core:COConcentrationState",
        translation_key="co",
        device_class=SensorDeviceClass.CO,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PPM,
        main_for=frozenset({"COSensor"}),
    ),
    OverkizSensorDescription(
        key="core:CO2ConcentrationState",
        translation_key="co2",
        device_class=SensorDeviceClass.CO2,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PPM,
        main_for=frozenset({"CarbonDioxideSensor", "CO2Sensor"}),
    ),
    OverkizSensorDescription(
        key="core:LuminanceState",
        translation_key="luminance",
        device_class=SensorDeviceClass.ILLUMINANCE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=LIGHT_LUX,
        main_for=frozenset({"LightSensor"}),
    ),
    OverkizSensorDescription(
        key="core:SunEnergyState",
        translation_key="sun_energy",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=rounded(2),
        main_for=frozenset({"SunSensor"}),
    ),
    OverkizSensorDescription(
        key="core:WindSpeedState",
        translation_key="wind_speed",
        device_class=SensorDeviceClass.WIND_SPEED,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        value_fn=rounded(2),
        main_for=frozenset({"WindSensor"}),
    ),
    # Energy, power, water and gas.
    _energy(
        "core:ElectricEnergyConsumptionState",
        "electric_energy",
        main_for=frozenset({"ElectricitySensor"}),
    ),
    _energy(
        "core:FossilEnergyConsumptionState",
        "fossil_energy",
        main_for=frozenset({"CumulativeFossilEnergyConsumptionSensor"}),
    ),
    _energy(
        "core:ThermalEnergyConsumptionState",
        "thermal_energy",
        main_for=frozenset({"ThermalEnergySensor"}),
    ),
    *(
        _energy(
            f"core:ConsumptionTariff{tariff}State",
            "tariff_energy",
            translation_placeholders={"tariff": str(tariff)},
            entity_registry_enabled_default=False,
        )
        for tariff in range(1, 10)
    ),
    _power(
        "core:ElectricPowerConsumptionState",
        "electric_power",
        main_for=frozenset({"InstantElectricPowerConsumptionSensor"}),
    ),
    _power("io:PowerHeatElectricalState", "electric_power"),
    _power("modbuslink:PowerHeatElectricalState", "electric_power"),
    _power("io:PowerHeatPumpState", "heat_pump_power"),
    OverkizSensorDescription(
        key="core:GasConsumptionState",
        translation_key="gas_consumption",
        device_class=SensorDeviceClass.GAS,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfVolume.CUBIC_METERS,
        main_for=frozenset({"CumulativeGasConsumptionSensor"}),
    ),
    OverkizSensorDescription(
        key="core:WaterConsumptionState",
        translation_key="water_consumption",
        device_class=SensorDeviceClass.WATER,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        suggested_unit_of_measurement=UnitOfVolume.CUBIC_METERS,
        main_for=frozenset({"CumulativeWaterConsumptionSensor"}),
    ),
    # Ventilation.
    OverkizSensorDescription(
        key="io:OutletEngineState",
        translation_key="outlet_airflow",
        device_class=SensorDeviceClass.VOLUME_FLOW_RATE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfVolumeFlowRate.CUBIC_METERS_PER_HOUR,
    ),
    OverkizSensorDescription(
        key="io:InletEngineState",
        translation_key="inlet_airflow",
        device_class=SensorDeviceClass.VOLUME_FLOW_RATE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfVolumeFlowRate.CUBIC_METERS_PER_HOUR,
    ),
    # Domestic hot water.
    _temperature("io:MiddleWaterTemperatureState", "middle_water_temperature"),
    _temperature("core:BottomTankWaterTemperatureState", "bottom_water_temperature"),
    _temperature(
        "core:ControlWaterTargetTemperatureState", "control_water_target_temperature"
    ),
    OverkizSensorDescription(
        key="core:RemainingHotWaterState",
        translation_key="remaining_hot_water",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfVolume.LITERS,
    ),
    OverkizSensorDescription(
        key="core:V40WaterVolumeEstimationState",
        translation_key="water_volume_40",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        entity_registry_enabled_default=False,
    ),
    OverkizSensorDescription(
        key="core:ExpectedNumberOfShowerState",
        translation_key="expected_showers",
        state_class=SensorStateClass.MEASUREMENT,
    ),
    OverkizSensorDescription(
        key="core:NumberOfShowerRemainingState",
        translation_key="remaining_showers",
        state_class=SensorStateClass.MEASUREMENT,
    ),
    OverkizSensorDescription(
        key="io:HeatPumpOperatingTimeState",
        translation_key="heat_pump_operating_time",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=0,  # in seconds: whole hours
        entity_category=_DIAGNOSTIC,
    ),
    OverkizSensorDescription(
        key="io:ElectricBoosterOperatingTimeState",
        translation_key="electric_booster_operating_time",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=0,  # in seconds: whole hours
        entity_category=_DIAGNOSTIC,
    ),
    # Covers, windows and locks.
    OverkizSensorDescription(
        key="core:TargetClosureState",
        translation_key="target_closure",
        native_unit_of_measurement=PERCENTAGE,
        entity_registry_enabled_default=False,
    ),
    _word(
        "core:ThreeWayHandleDirectionState",
        "handle_direction",
        ["open", "tilt", "closed"],
        main_for=frozenset({"WindowHandle"}),
    ),
    OverkizSensorDescription(
        key="io:PriorityLockOriginatorState",
        translation_key="priority_lock_originator",
        entity_registry_enabled_default=False,
        value_fn=snake,
    ),
    OverkizSensorDescription(
        key="core:PriorityLockTimerState",
        translation_key="priority_lock_timer",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        entity_registry_enabled_default=False,
    ),
)

SENSOR_DESCRIPTIONS: Final[dict[str, OverkizSensorDescription]] = {
    description.key: description for description in _SENSORS
}

# The HomeKit bridge's pairing code, an attribute of the HomeKit stack device.
HOMEKIT_STACK: Final = "HomekitStack"
HOMEKIT_SETUP_CODE = OverkizSensorDescription(
    key="homekit:SetupCode",
    translation_key="homekit_setup_code",
    entity_category=_DIAGNOSTIC,
    value_fn=text,
)
