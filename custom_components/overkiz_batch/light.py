"""Lights: on/off, dimmable and colour lights (IO, Z-Wave, Hue bridged, RTS)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.light import LightEntity, LightEntityDescription
from homeassistant.components.light.const import (
    ATTR_BRIGHTNESS,
    ATTR_RGB_COLOR,
    ColorMode,
)
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState, UIClass

from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_int, as_str

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import UndefinedType
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OverkizLightDescription(LightEntityDescription):
    """Commands and states of a light; the device's commands pick the colour mode.

    Brightness is a percentage on the device (``intensity_state``,
    ``intensity_command``), colour three 0-255 values (``rgb_states``,
    ``rgb_command``).
    """

    name: str | UndefinedType | None = None  # the device's main feature
    on_command: str = OverkizCommand.ON
    off_command: str = OverkizCommand.OFF
    on_off_state: str = OverkizState.CORE_ON_OFF
    intensity_state: str = OverkizState.CORE_LIGHT_INTENSITY
    intensity_command: str = OverkizCommand.SET_INTENSITY
    rgb_states: tuple[str, str, str] = (
        OverkizState.CORE_RED_COLOR_INTENSITY,
        OverkizState.CORE_GREEN_COLOR_INTENSITY,
        OverkizState.CORE_BLUE_COLOR_INTENSITY,
    )
    rgb_command: str = OverkizCommand.SET_RGB


LIGHT_DESCRIPTIONS: dict[str, OverkizLightDescription] = {
    description.key: description
    for description in (OverkizLightDescription(key=UIClass.LIGHT),)
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a light for every device that is one, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _lights_of)


def _lights_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchLight]:
    description = LIGHT_DESCRIPTIONS.get(str(device.widget)) or LIGHT_DESCRIPTIONS.get(
        str(device.ui_class)
    )
    if description is not None and device.supports_command(description.on_command):
        yield OverkizBatchLight(coordinator, device.device_url, description)


def _percent_to_brightness(percent: int) -> int:
    return round(max(0, min(100, percent)) * 255 / 100)


def _brightness_to_percent(brightness: Any) -> int:
    return round(max(0, min(255, float(brightness))) * 100 / 255)


class OverkizBatchLight(OverkizBatchEntity, LightEntity):
    """An Overkiz light."""

    entity_description: OverkizLightDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizLightDescription,
    ) -> None:
        """Pick the colour mode from the commands the device has."""
        super().__init__(coordinator, device_url, description)
        if self.supports(description.rgb_command):
            mode = ColorMode.RGB
        elif self.supports(description.intensity_command):
            mode = ColorMode.BRIGHTNESS
        else:
            mode = ColorMode.ONOFF
        self._attr_color_mode = mode
        self._attr_supported_color_modes = {mode}

    @property
    def is_on(self) -> bool | None:
        """Return whether the light is on (what it was told, when stateless)."""
        value = as_str(self.state_of(self.entity_description.on_off_state))
        if value is None:
            return self._told
        return value == OverkizCommandParam.ON

    @property
    def brightness(self) -> int | None:
        """Return the brightness, 0-255, from the device's percentage."""
        if self.color_mode == ColorMode.ONOFF:
            return None
        value = as_int(self.state_of(self.entity_description.intensity_state))
        return None if value is None else _percent_to_brightness(value)

    @property
    def rgb_color(self) -> tuple[int, int, int] | None:
        """Return the colour, when the device reports all three parts."""
        if self.color_mode != ColorMode.RGB:
            return None
        red, green, blue = (
            as_int(self.state_of(name)) for name in self.entity_description.rgb_states
        )
        if red is None or green is None or blue is None:
            return None
        return (red, green, blue)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the light on, at a colour and brightness when given.

        Colour and brightness given together go as one action: the device
        takes the colour, then the brightness.
        """
        desc = self.entity_description
        commands = []
        if (rgb := kwargs.get(ATTR_RGB_COLOR)) is not None and self.supports(
            desc.rgb_command
        ):
            commands.append(self.command(desc.rgb_command, *(round(c) for c in rgb)))
        if (brightness := kwargs.get(ATTR_BRIGHTNESS)) is not None and self.supports(
            desc.intensity_command
        ):
            commands.append(
                self.command(desc.intensity_command, _brightness_to_percent(brightness))
            )
        if not commands:
            await self.async_execute_told(self.command(desc.on_command), True)
            return
        await self.async_execute(*commands)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the light off."""
        await self.async_execute_told(
            self.command(self.entity_description.off_command), False
        )
