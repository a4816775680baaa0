"""The device registry: the gateway, its devices through it, and their parts.

A device may come in parts (``#1`` a heater, ``#2`` its temperature sensor): the
registry knows it by its URL without ``#n``, described by its first part.

On the cloud the setup holds the home's places (the root place, the home itself,
with its floors and rooms) and each device its ``placeOID``: a device new to the
registry is suggested the area of its room. The local API tells no places.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from pyoverkiz.enums import OverkizAttribute, OverkizState

from .const import DOMAIN
from .naming import gateway_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from pyoverkiz.models import Device, Gateway, Place, ServerConfig, Setup

# States naming a device's model, best first; without them its UI class does.
_MODEL_STATES: list[str] = [
    OverkizState.CORE_MODEL,
    OverkizState.CORE_PRODUCT_MODEL_NAME,
    OverkizState.IO_MODEL,
]


def base_device_url(device_url: str) -> str:
    """Return the device URL without its ``#n`` sub-device suffix."""
    return device_url.split("#", 1)[0]


def _part_index(device_url: str) -> int:
    """Return ``n`` of a ``#n`` device URL (0 without a suffix)."""
    _, _, index = device_url.partition("#")
    return int(index) if index.isdigit() else 0


def main_part(device_urls: Iterable[str], base: str) -> str | None:
    """Return the URL of a device's first part (lowest ``#n``), or None.

    A device in parts is described and driven by its first part.
    """
    return next(iter(_parts(device_urls, base)), None)


def _parts(device_urls: Iterable[str], base: str) -> list[str]:
    """Return the URLs of a device's parts, in ``#n`` order."""
    parts = [url for url in device_urls if base_device_url(url) == base]
    return sorted(parts, key=_part_index)


def place_areas(root: Place | None) -> dict[str, str]:
    """Map the OID of each place under the home (floor, room) to its label.

    The root place is the home itself, which is no area of it; an unnamed place
    suggests nothing.
    """
    areas: dict[str, str] = {}
    places = list(root.sub_places) if root is not None else []
    while places:
        place = places.pop()
        if label := place.label.strip():
            areas[place.oid] = label
        places.extend(place.sub_places)
    return areas


def own_devices(
    setup: Setup, devices: list[Device], gateway_id: str
) -> dict[str, Device]:
    """Return the devices of one gateway by URL (an account may hold several).

    A device naming no known gateway belongs to the account's first one.
    """
    gateway_ids = {g.gateway_id for g in setup.gateways}
    first = setup.gateways[0].gateway_id if setup.gateways else None
    return {
        d.device_url: d
        for d in devices
        if d.identifier.gateway_id == gateway_id
        or (d.identifier.gateway_id not in gateway_ids and first == gateway_id)
    }


class GatewayDevices:
    """One gateway's entries in the device registry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        server: ServerConfig,
        devices: dict[str, Device],
        places: Place | None = None,
    ) -> None:
        """Register under ``entry``; ``devices`` is the coordinator's live map.

        ``places`` is the setup's root place, when the API tells it.
        """
        self._hass = hass
        self._entry = entry
        self._server = server
        self._devices = devices
        self._areas = place_areas(places)
        self.gateway_device_id = ""  # device registry id, once registered

    @callback
    def async_register(self, gateway_id: str, gateway: Gateway | None) -> None:
        """Put the gateway in the device registry, then every device via it."""
        registry = dr.async_get(self._hass)
        model = gateway.type.beautify_name if gateway and gateway.type else None
        self.gateway_device_id = registry.async_get_or_create(
            config_entry_id=self._entry.entry_id,
            identifiers={(DOMAIN, gateway_id)},
            name=gateway_name(gateway, gateway_id, self._server.manufacturer),
            manufacturer=self._server.manufacturer,
            model=model,
            sw_version=gateway.connectivity.protocol_version if gateway else None,
            configuration_url=self._server.configuration_url,
        ).id
        self.async_add(list(self._devices.values()))

    @callback
    def async_add(self, devices: list[Device]) -> None:
        """Register devices (their first parts; the others link to them)."""
        registry = dr.async_get(self._hass)
        for device in devices:
            info = self.device_info(device)
            if "name" in info:  # not a part of another device
                registry.async_get_or_create(
                    config_entry_id=self._entry.entry_id, **info
                )

    @callback
    def async_remove(self, device_url: str) -> None:
        """Remove a device's registry entry once its last part is gone."""
        base = base_device_url(device_url)
        if any(base_device_url(url) == base for url in self._devices):
            return
        registry = dr.async_get(self._hass)
        if device := registry.async_get_device_by_identifier(
            (DOMAIN, base), self._entry.entry_id
        ):
            registry.async_remove_device(device.id)

    def device_info(self, device: Device) -> DeviceInfo:
        """Describe an Overkiz device for the registry, reached through the gateway.

        As Home Assistant's overkiz does: the model the device tells (else its UI
        class), its widget as model id, its controllable as hardware.
        """
        base = base_device_url(device.device_url)
        if device.device_url != main_part(self._devices, base):
            return DeviceInfo(identifiers={(DOMAIN, base)})
        manufacturer = device.attributes.get_value(
            OverkizAttribute.CORE_MANUFACTURER
        ) or device.states.get_value(OverkizState.CORE_MANUFACTURER_NAME)
        # The definition's names stay readable where pyoverkiz knows no such enum.
        model = device.states.first_value(_MODEL_STATES) or (
            device.definition.ui_class or device.ui_class
        )
        firmware = device.attributes.get_value(OverkizAttribute.CORE_FIRMWARE_REVISION)
        return DeviceInfo(
            identifiers={(DOMAIN, base)},
            name=device.label,
            manufacturer=str(manufacturer)
            if manufacturer
            else self._server.manufacturer,
            model=str(model),
            model_id=device.definition.widget_name or str(device.widget),
            hw_version=device.controllable_name,
            sw_version=str(firmware) if firmware else None,
            suggested_area=self._area(base),
            via_device_id=self.gateway_device_id,
        )

    def _area(self, base: str) -> str | None:
        """Return the area of a device's first part placed in a room, if any.

        The parts of one device may sit in different places (a heater in its
        room, its sensors left at the home's root).
        """
        for url in _parts(self._devices, base):
            if (oid := self._devices[url].place_oid) and oid in self._areas:
                return self._areas[oid]
        return None
