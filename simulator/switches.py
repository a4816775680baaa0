"""Device kinds Home Assistant shows as switches beyond plugs, and a house of them.

What is sourced and what is assumed, per kind (names a real gateway would report):

- IO indoor siren (``io:SomfyIndoorSimpleSirenIOComponent``, widget ``IOSiren``,
  UI class ``Siren``): controllable, widget, UI class, command names and parameter
  counts from an Overkiz IO device catalogue (ring and ringWithSingleSimpleSequence
  take 4 parameters, the double sequence 8, the triple 12; setMemorizedSimpleVolume
  takes highest or standard); states core:OnOffState, io:MemorizedSimpleVolumeState.
- RTD sirens (widgets ``RTDIndoorSiren``/``RTDOutdoorSiren``, pyoverkiz's enum):
  bip, dingDong, fastBipSequence and ring without parameters (Home Assistant's
  overkiz has buttons for them), on and off (its switch). Assumed: the
  controllable names (after the RTD naming of ``rtd:AlarmRTDComponent``), the UI
  class ``Siren`` and that the device reports no state (one-way radio; core's
  switch reads none).
- Stateless alarm (widget ``StatelessAlarmController``): alarmOn and alarmOff, no
  state (core reads none). Controllable ``rtd:AlarmRTDComponent`` (the Protexiom
  alarm, from integrations' device lists); UI class ``Alarm`` assumed.
- Terrace heaters: ``io:DiscreteExteriorHeatingIOComponent`` (sourced from an
  integration's device list), widget ``DiscreteExteriorHeating``, on/off with
  core:OnOffState; the RTS one (widget ``StatelessExteriorHeating``, UI class
  ``ExteriorHeatingSystem``, on/off/my: sourced from earlier integrations) has an
  assumed controllable name.
- Hot water tank: ``io:DomesticHotWaterTankComponent``, UI class
  ``WaterHeatingSystem`` (sourced), setForceHeating on/off with io:ForceHeatingState
  (sourced from integrations driving it); refreshForceHeating assumed.
- Somfy Protect camera: ``myfox:SomfyProtectSecurityCameraController``, UI class
  ``Camera``, widget ``MyFoxSecurityCamera``, open/close of its shutter with
  myfox:ShutterStatusState opened/closed (sourced; ``closed`` is the assumed
  counterpart of ``opened``).
- Swimming pool (UI class ``SwimmingPool``, pyoverkiz's enum): on/off with
  core:OnOffState; controllable name assumed.
"""

from __future__ import annotations

from typing import Any

from .devices import SimDevice, _bad
from .houses import DEFAULT_GATEWAY_ID, T_STRING, device, setup
from .setup_format import _IO_MAINTENANCE, _STATUS

SHUTTER_STATUS = "myfox:ShutterStatusState"
FORCE_HEATING = "io:ForceHeatingState"
_ON_OFF = {"core:OnOffState": ["off", "on"]}
_IO_IDENTIFY = {**_IO_MAINTENANCE, "startIdentify": 0, "stopIdentify": 0}
_RINGS = {"ring": 4, "ringWithSingleSimpleSequence": 4}
_RINGS |= {"ringWithDoubleSimpleSequence": 8, "ringWithThreeSimpleSequence": 12}


def io_indoor_siren(url: str, label: str) -> dict[str, Any]:
    """Build the IO indoor siren: sound sequences, a memorised volume."""
    return device(
        url,
        label,
        "io:SomfyIndoorSimpleSirenIOComponent",
        "Siren",
        "IOSiren",
        {"off": 0, "stop": 0, **_RINGS, "setMemorizedSimpleVolume": 1, **_IO_IDENTIFY},
        [
            _STATUS,
            ("core:OnOffState", T_STRING, "off"),
            ("io:MemorizedSimpleVolumeState", T_STRING, "standard"),
        ],
        discrete={**_ON_OFF, "io:MemorizedSimpleVolumeState": ["highest", "standard"]},
    )


def rtd_siren(url: str, label: str, *, outdoor: bool = False) -> dict[str, Any]:
    """Build an RTD siren (one-way): bells, a ring, on and off, no state."""
    where = "Outdoor" if outdoor else "Indoor"
    return device(
        url,
        label,
        f"rtd:{where}SirenRTDComponent",
        "Siren",
        f"RTD{where}Siren",
        {"bip": 0, "dingDong": 0, "fastBipSequence": 0, "ring": 0, "on": 0, "off": 0},
        [],
    )


def stateless_alarm(url: str, label: str) -> dict[str, Any]:
    """Build an RTD alarm (one-way): switched on or off, no state."""
    return device(
        url,
        label,
        "rtd:AlarmRTDComponent",
        "Alarm",
        "StatelessAlarmController",
        {"alarmOn": 0, "alarmOff": 0},
        [],
    )


def io_terrace_heater(url: str, label: str, on: bool = False) -> dict[str, Any]:
    """Build an IO terrace heater that is on or off."""
    return device(
        url,
        label,
        "io:DiscreteExteriorHeatingIOComponent",
        "ExteriorHeatingSystem",
        "DiscreteExteriorHeating",
        {"on": 0, "off": 0, **_IO_IDENTIFY},
        [_STATUS, ("core:OnOffState", T_STRING, "on" if on else "off")],
        discrete=_ON_OFF,
    )


def rts_terrace_heater(url: str, label: str) -> dict[str, Any]:
    """Build an RTS terrace heater: on, off and its favourite level, no state."""
    return device(
        url,
        label,
        "rts:ExteriorHeatingRTSComponent",
        "ExteriorHeatingSystem",
        "StatelessExteriorHeating",
        {"on": 0, "off": 0, "my": 0},
        [],
    )


def hot_water_tank(url: str, label: str) -> dict[str, Any]:
    """Build a heat pump's hot water tank whose heating can be forced on."""
    return device(
        url,
        label,
        "io:DomesticHotWaterTankComponent",
        "WaterHeatingSystem",
        "DomesticHotWaterTank",
        {"setForceHeating": 1, "refreshForceHeating": 0},
        [_STATUS, (FORCE_HEATING, T_STRING, "off")],
        discrete={FORCE_HEATING: ["off", "on"]},
        manufacturer="Atlantic",
    )


def security_camera(url: str, label: str) -> dict[str, Any]:
    """Build a Somfy Protect camera whose privacy shutter opens and closes."""
    return device(
        url,
        label,
        "myfox:SomfyProtectSecurityCameraController",
        "Camera",
        "MyFoxSecurityCamera",
        {"open": 0, "close": 0},
        [_STATUS, (SHUTTER_STATUS, T_STRING, "closed")],
        discrete={SHUTTER_STATUS: ["closed", "opened"]},
    )


def pool(url: str, label: str, on: bool = True) -> dict[str, Any]:
    """Build a swimming pool's filtration, on or off."""
    return device(
        url,
        label,
        "io:SwimmingPoolIOComponent",
        "SwimmingPool",
        "SwimmingPool",
        {"on": 0, "off": 0, **_IO_IDENTIFY},
        [_STATUS, ("core:OnOffState", T_STRING, "on" if on else "off")],
        discrete=_ON_OFF,
    )


class CameraShutter(SimDevice):
    """A camera's privacy shutter: opened or closed at once."""

    def _changes(self, command: str, params: list[Any]) -> dict[str, Any]:
        if command in ("open", "close"):
            return {SHUTTER_STATUS: "opened" if command == "open" else "closed"}
        return super()._changes(command, params)


class HotWaterTank(SimDevice):
    """A hot water tank: ``setForceHeating`` takes on or off, nothing else."""

    def check(self, command: str, params: list[Any]) -> None:
        """Refuse a forced heating other than on or off."""
        super().check(command, params)
        if command == "setForceHeating" and params[0] not in ("on", "off"):
            raise _bad("setForceHeating: value must be 'on' or 'off'")


SWITCH_MODELS: dict[str, type[SimDevice]] = {
    "MyFoxSecurityCamera": CameraShutter,
    "DomesticHotWaterTank": HotWaterTank,
}
"""Models by widget."""


def switches_house(gateway_id: str = DEFAULT_GATEWAY_ID) -> dict[str, Any]:
    """Build a house with one device of each switch kind beyond plugs."""
    gw = gateway_id
    return setup(
        gateway_id,
        [
            pool(f"io://{gw}/8001", "Pool"),
            io_terrace_heater(f"io://{gw}/8002", "Terrace heater"),
            rts_terrace_heater(f"rts://{gw}/16008003", "Patio heater"),
            rtd_siren(f"rtd://{gw}/8004", "Hall bell"),
            rtd_siren(f"rtd://{gw}/8005", "Garden siren", outdoor=True),
            stateless_alarm(f"rtd://{gw}/8006", "Alarm"),
            hot_water_tank(f"io://{gw}/8007#1", "Hot water tank"),
            security_camera(f"myfox://{gw}/8008", "Living room camera"),
        ],
    )
