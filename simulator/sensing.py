"""What makes simulated sensors change: commands from outside, and time.

Real sensors send ``DeviceStateChangedEvent``s when a reading moves or a detector
trips. Here a reading changes when told (``set_state``, ``POST /_sim/state``), a
detector trips or clears (``detect``, ``POST /_sim/detect``), and counters (energy,
water, gas, running time) grow with simulated time (``tick``, ``POST /_sim/tick``,
or every ``sensor_period`` simulated seconds when the simulator is given one).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .houses import T_BOOL, T_FLOAT, T_INT, T_OBJECT, T_STRING

if TYPE_CHECKING:
    from .core import GatewayCore
    from .gateway import GatewaySimulator

# A detector's state: its value when it detects, and when it does not (the first
# one a device has is the one ``detect`` trips).
DETECTORS: dict[str, tuple[Any, Any]] = {
    "core:SmokeState": ("detected", "notDetected"),
    "core:WaterDetectionState": ("detected", "notDetected"),
    "core:GasDetectionState": ("detected", "notDetected"),
    "core:RainState": ("detected", "notDetected"),
    "core:ContactState": ("open", "closed"),
    "core:OpenClosedState": ("open", "closed"),
    "core:OccupancyState": ("personInside", "noPersonInside"),
    "core:VibrationState": ("detected", "notDetected"),
}

# Counters and how much they grow per simulated hour (a device's power state,
# in W, drives its energy counter instead when it has one).
COUNTERS_PER_HOUR: dict[str, float] = {
    "core:ElectricEnergyConsumptionState": 100.0,  # Wh
    "core:WaterConsumptionState": 10.0,  # L
    "core:GasConsumptionState": 0.25,  # m3
    "io:HeatPumpOperatingTimeState": 3600.0,  # s
}
POWER = "core:ElectricPowerConsumptionState"
ENERGY = "core:ElectricEnergyConsumptionState"


def type_of(value: Any) -> int:
    """Return the API's type code of a value."""
    if isinstance(value, bool):
        return T_BOOL
    if isinstance(value, int):
        return T_INT
    if isinstance(value, float):
        return T_FLOAT
    if isinstance(value, dict | list):
        return T_OBJECT
    return T_STRING


def detect(core: GatewayCore, url: str, detected: bool = True) -> str:
    """Trip (or clear) the device's detector; return the state that changed.

    Raises KeyError for an unknown device, ValueError for one without a detector.
    """
    sensor = core.devices[url]
    is_sensor = sensor.raw.get("type") == 2  # a cover's open/closed is no detector
    for name, (on, off) in DETECTORS.items():
        if is_sensor and sensor.has_state(name):
            core.emit_states(sensor, sensor.apply({name: on if detected else off}))
            return name
    raise ValueError(f"{url} is no sensor with a detector state")


def tick(core: GatewayCore, seconds: float) -> None:
    """Let ``seconds`` of simulated time pass for every counter of the house."""
    if seconds < 0:
        raise ValueError("seconds must be >= 0")
    hours = seconds / 3600
    for sensor in core.devices.values():
        changes: dict[str, Any] = {}
        for name, per_hour in COUNTERS_PER_HOUR.items():
            if not sensor.has_state(name) or not _is_number(sensor.value(name)):
                continue
            rate = per_hour
            if name == ENERGY and sensor.has_state(POWER):
                power = sensor.value(POWER)
                rate = float(power) if _is_number(power) else 0.0
            changes[name] = sensor.value(name) + rate * hours
        core.emit_states(sensor, sensor.apply(changes))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


async def count_time(core: GatewayCore, period: float) -> None:
    """Every ``period`` simulated seconds, let the counters grow (until cancelled)."""
    while True:
        await asyncio.sleep(period / core.clock.speed)
        tick(core, period)


def control(
    sim: GatewaySimulator, action: str, body: dict[str, Any]
) -> dict[str, Any] | None:
    """``POST /_sim/state``, ``/detect`` and ``/tick``; None for other actions."""
    if action == "state":
        value = body["value"]
        sim.set_state(str(body["device"]), str(body["state"]), value, type_of(value))
        return {"ok": True}
    if action == "detect":
        state = sim.detect(str(body["device"]), bool(body.get("detected", True)))
        return {"ok": True, "state": state}
    if action == "tick":
        sim.tick(float(body["seconds"]))
        return {"ok": True}
    return None
