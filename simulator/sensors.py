"""Sensors: devices that report readings and detections (what changes them: sensing.py).

The ``sensors`` house has one device of each kind, with the controllable, widget,
UI class and state names real gateways report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .houses import T_BOOL, T_FLOAT, T_INT, T_STRING, device, setup
from .sensing import ENERGY, POWER

if TYPE_CHECKING:
    from .houses import StateSpec

_STATUS: StateSpec = ("core:StatusState", T_STRING, "available")


def _radio(rssi: int = 72) -> list[StateSpec]:
    return [
        ("core:RSSILevelState", T_INT, rssi),
        ("core:DiscreteRSSILevelState", T_STRING, "good" if rssi >= 70 else "normal"),
        ("core:SensorDefectState", T_STRING, "noDefect"),
    ]


def sensor_device(
    url: str,
    label: str,
    controllable: str,
    kind: tuple[str, str],
    states: list[StateSpec],
    commands: dict[str, int] | None = None,
    manufacturer: str = "Somfy",
) -> dict[str, Any]:
    """One sensor (``kind``: its UI class and widget) with the status state added."""
    ui_class, widget = kind
    return device(
        url,
        label,
        controllable,
        ui_class,
        widget,
        commands or {},
        [_STATUS, *states],
        sensor=True,
        manufacturer=manufacturer,
    )


def with_unit(raw: dict[str, Any], unit: str) -> dict[str, Any]:
    """Tell the device's main reading's unit, as the gateway does (an attribute)."""
    raw["attributes"].append(
        {"name": "core:MeasuredValueType", "type": T_STRING, "value": unit}
    )
    return raw


def temperature_sensor(url: str, label: str, value: float = 20.5) -> dict[str, Any]:
    """Build an IO temperature sensor with its radio readings."""
    return sensor_device(
        url,
        label,
        "io:TemperatureIOSystemSensor",
        ("TemperatureSensor", "TemperatureSensor"),
        [("core:TemperatureState", T_FLOAT, value), *_radio()],
        {"advancedRefresh": 1},
    )


def humidity_sensor(url: str, label: str, value: float = 48.4) -> dict[str, Any]:
    """Build an IO relative humidity sensor."""
    return sensor_device(
        url,
        label,
        "io:RelativeHumidityIOSystemDeviceSensor",
        ("HumiditySensor", "RelativeHumiditySensor"),
        [("core:RelativeHumidityState", T_FLOAT, value)],
    )


def light_sensor(url: str, label: str, lux: int = 320) -> dict[str, Any]:
    """Build an IO luminance sensor (its unit told by an attribute)."""
    raw = sensor_device(
        url,
        label,
        "io:LightIOSystemDeviceSensor",
        ("LightSensor", "LuminanceSensor"),
        [("core:LuminanceState", T_INT, lux), ("core:BatteryLevelState", T_INT, 87)],
    )
    return with_unit(raw, "core:LuminanceInLux")


def co2_sensor(url: str, label: str, ppm: int = 610) -> dict[str, Any]:
    """Build an IO carbon dioxide sensor (part of a ventilation unit)."""
    return sensor_device(
        url,
        label,
        "io:CO2IOSystemDeviceSensor",
        ("AirSensor", "CO2Sensor"),
        [("core:CO2ConcentrationState", T_INT, ppm)],
        manufacturer="Atlantic",
    )


def co_sensor(url: str, label: str, ppm: int = 0) -> dict[str, Any]:
    """Build a carbon monoxide detector (concentration and alarm)."""
    return sensor_device(
        url,
        label,
        "io:COIOSystemSensor",
        ("AirSensor", "COSensor"),
        [
            ("core:COConcentrationState", T_INT, ppm),
            ("core:GasDetectionState", T_STRING, "notDetected"),
        ],
    )


def electricity_meter(
    url: str, label: str, wh: int = 1_357_000, watts: int = 1200
) -> dict[str, Any]:
    """Build a cumulative energy meter in Wh, with its power and tariff counters."""
    raw = sensor_device(
        url,
        label,
        "io:CumulatedElectricalEnergyConsumptionIOSystemDeviceSensor",
        ("ElectricitySensor", "CumulativeElectricPowerConsumptionSensor"),
        [
            (ENERGY, T_INT, wh),
            (POWER, T_INT, watts),
            ("core:ConsumptionTariff1State", T_INT, wh // 3),
            ("core:ConsumptionTariff2State", T_INT, wh - wh // 3),
        ],
        {"refreshElectricEnergyConsumption": 0},
        manufacturer="Atlantic",
    )
    return with_unit(raw, "core:ElectricalEnergyInWh")


def water_meter(url: str, label: str, litres: int = 251) -> dict[str, Any]:
    """Build a cumulative water meter in litres."""
    return sensor_device(
        url,
        label,
        "io:CumulativeWaterConsumptionIOSystemDeviceSensor",
        ("ConsumptionSensor", "CumulativeWaterConsumptionSensor"),
        [("core:WaterConsumptionState", T_INT, litres)],
    )


def gas_meter(url: str, label: str, cubic_metres: float = 1520.5) -> dict[str, Any]:
    """Build a cumulative gas meter in cubic metres."""
    return sensor_device(
        url,
        label,
        "io:CumulativeGasConsumptionIOSystemDeviceSensor",
        ("ConsumptionSensor", "CumulativeGasConsumptionSensor"),
        [("core:GasConsumptionState", T_FLOAT, cubic_metres)],
    )


def contact_sensor(url: str, label: str) -> dict[str, Any]:
    """Build an RTDS door contact (alarm system)."""
    return sensor_device(
        url,
        label,
        "rtds:RTDSContactSensor",
        ("ContactSensor", "ContactSensor"),
        [
            ("core:ContactState", T_STRING, "closed"),
            ("core:SensorDefectState", T_STRING, "noDefect"),
        ],
    )


def window_sensor(url: str, label: str) -> dict[str, Any]:
    """Build an IO window sensor: open/closed, tilted, vibration, battery."""
    return sensor_device(
        url,
        label,
        "io:SomfyWindowStateSensor",
        ("ContactSensor", "IntrusionEventSensor"),
        [
            ("core:OpenClosedState", T_STRING, "closed"),
            ("core:TiltedState", T_BOOL, False),
            ("core:VibrationState", T_STRING, "notDetected"),
            ("core:BatteryState", T_STRING, "normal"),
        ],
    )


def window_handle(url: str, label: str) -> dict[str, Any]:
    """Build an IO three-way window handle."""
    return sensor_device(
        url,
        label,
        "io:SomfyThreeWayWindowHandleIOSystemSensor",
        ("WindowHandle", "ThreeWayWindowHandle"),
        [("core:ThreeWayHandleDirectionState", T_STRING, "closed")],
    )


def motion_sensor(url: str, label: str) -> dict[str, Any]:
    """Build an RTDS motion sensor."""
    return sensor_device(
        url,
        label,
        "rtds:RTDSMotionSensor",
        ("OccupancySensor", "MotionSensor"),
        [
            ("core:OccupancyState", T_STRING, "noPersonInside"),
            ("core:SensorDefectState", T_STRING, "noDefect"),
        ],
    )


def occupancy_sensor(url: str, label: str) -> dict[str, Any]:
    """Build an IO occupancy sensor (part of a heater)."""
    return sensor_device(
        url,
        label,
        "io:OccupancyIOSystemDeviceSensor",
        ("OccupancySensor", "OccupancySensor"),
        [("core:OccupancyState", T_STRING, "noPersonInside")],
        manufacturer="Atlantic",
    )


def smoke_sensor(url: str, label: str) -> dict[str, Any]:
    """Build an IO smoke detector, its two batteries and its sensing chamber."""
    return sensor_device(
        url,
        label,
        "io:SomfySmokeIOSystemSensor",
        ("SmokeSensor", "SmokeSensor"),
        [
            ("core:SmokeState", T_STRING, "notDetected"),
            ("io:SensorRoomState", T_STRING, "clean"),
            ("io:MaintenanceRadioPartBatteryState", T_STRING, "normal"),
            ("io:MaintenanceSensorPartBatteryState", T_STRING, "normal"),
            *_radio(55),
        ],
        {"advancedRefresh": 1, "checkEventTrigger": 0},
    )


def water_leak_sensor(url: str, label: str) -> dict[str, Any]:
    """Build a water leak detector."""
    return sensor_device(
        url,
        label,
        "io:WaterDetectionIOSystemSensor",
        ("WaterSensor", "WaterDetectionSensor"),
        [
            ("core:WaterDetectionState", T_STRING, "notDetected"),
            ("core:BatteryLevelState", T_INT, 64),
        ],
    )


def rain_sensor(url: str, label: str) -> dict[str, Any]:
    """Build an IO rain sensor."""
    return sensor_device(
        url,
        label,
        "io:SomfyRainIOSystemSensor",
        ("RainSensor", "RainSensor"),
        [("core:RainState", T_STRING, "notDetected")],
    )


def wind_sensor(url: str, label: str, speed: float = 3.2) -> dict[str, Any]:
    """Build an IO wind speed sensor (m/s)."""
    return sensor_device(
        url,
        label,
        "io:WindIOSystemSensor",
        ("WindSensor", "WindSpeedSensor"),
        [("core:WindSpeedState", T_FLOAT, speed)],
    )


def sun_sensor(url: str, label: str, watts: float = 410.0) -> dict[str, Any]:
    """Build an IO sun sensor."""
    return sensor_device(
        url,
        label,
        "io:SunIOSystemSensor",
        ("SunSensor", "SunEnergySensor"),
        [("core:SunEnergyState", T_FLOAT, watts)],
    )


def weather_forecast(url: str, label: str) -> dict[str, Any]:
    """Build the cloud's weather forecast device (set by its own commands)."""
    return sensor_device(
        url,
        label,
        "core:WeatherSystemSensor",
        ("WeatherSensor", "WeatherForecastSensor"),
        [
            ("core:WeatherStatusState", T_INT, 13),
            ("core:MinimumTemperatureState", T_INT, 9),
            ("core:MaximumTemperatureState", T_INT, 17),
        ],
        {
            "setWeatherStatus": 1,
            "setMinimumTemperature": 1,
            "setMaximumTemperature": 1,
        },
    )


def sensors_house(gateway_id: str) -> dict[str, Any]:
    """Build a house with one sensor of each kind."""
    gw = gateway_id
    devices = [
        temperature_sensor(f"io://{gw}/6001", "Hall temperature"),
        humidity_sensor(f"io://{gw}/6002", "Bathroom humidity"),
        light_sensor(f"io://{gw}/6003", "Garden light"),
        co2_sensor(f"io://{gw}/6004", "Living room CO2"),
        co_sensor(f"io://{gw}/6005", "Boiler room CO"),
        electricity_meter(f"io://{gw}/6006", "Heater energy"),
        water_meter(f"io://{gw}/6007", "Water meter"),
        gas_meter(f"io://{gw}/6008", "Gas meter"),
        contact_sensor(f"rtds://{gw}/6009", "Front door"),
        window_sensor(f"io://{gw}/6010", "Kitchen window"),
        window_handle(f"io://{gw}/6011", "Bedroom window handle"),
        motion_sensor(f"rtds://{gw}/6012", "Hall motion"),
        occupancy_sensor(f"io://{gw}/6013", "Office presence"),
        smoke_sensor(f"io://{gw}/6014", "Attic smoke"),
        water_leak_sensor(f"io://{gw}/6015", "Laundry leak"),
        rain_sensor(f"io://{gw}/6016", "Roof rain"),
        wind_sensor(f"io://{gw}/6017", "Roof wind"),
        sun_sensor(f"io://{gw}/6018", "Roof sun"),
        weather_forecast(f"internal://{gw}/weather/0", "Weather"),
    ]
    return setup(gateway_id, devices)
