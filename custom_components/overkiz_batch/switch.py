"""Switches: on/off plugs and receivers, pools, heaters, sirens and a camera shutter.

Keyed by widget, then by UI class, as Home Assistant's overkiz keys them, so a
device gets its switch here under the same unique id. Devices without states
(RTS, RTD) show what they were last told.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.components.switch.const import SwitchDeviceClass
from homeassistant.const import EntityCategory
from pyoverkiz.enums import (
    OverkizCommand,
    OverkizCommandParam,
    OverkizState,
    UIClass,
    UIWidget,
)

from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_str

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
class OverkizSwitchDescription(SwitchEntityDescription):
    """Commands and state of one kind of switch.

    ``on_args``/``off_args`` follow the command's name; the switch is on while
    ``on_off_state`` reads ``on_value`` (no state: what it was last told).
    """

    name: str | UndefinedType | None = None  # the device's main feature
    on_command: str = OverkizCommand.ON
    on_args: tuple[Any, ...] = ()
    off_command: str = OverkizCommand.OFF
    off_args: tuple[Any, ...] = ()
    on_off_state: str | None = OverkizState.CORE_ON_OFF
    on_value: str = OverkizCommandParam.ON


SWITCH_DESCRIPTIONS: dict[str, OverkizSwitchDescription] = {
    description.key: description
    for description in (
        # RTS receivers have the UI class too; without states they are assumed.
        OverkizSwitchDescription(
            key=UIClass.ON_OFF, device_class=SwitchDeviceClass.OUTLET
        ),
        OverkizSwitchDescription(key=UIClass.SWIMMING_POOL),
        OverkizSwitchDescription(key=UIWidget.DISCRETE_EXTERIOR_HEATING),
        # RTS terrace heaters and RTD sirens and alarms report no state.
        OverkizSwitchDescription(
            key=UIWidget.STATELESS_EXTERIOR_HEATING, on_off_state=None
        ),
        OverkizSwitchDescription(key=UIWidget.RTD_INDOOR_SIREN, on_off_state=None),
        OverkizSwitchDescription(key=UIWidget.RTD_OUTDOOR_SIREN, on_off_state=None),
        OverkizSwitchDescription(
            key=UIWidget.STATELESS_ALARM_CONTROLLER,
            on_command=OverkizCommand.ALARM_ON,
            off_command=OverkizCommand.ALARM_OFF,
            on_off_state=None,
        ),
        # A heat pump's hot water tank: heating forced on, or left to its schedule.
        OverkizSwitchDescription(
            key=UIWidget.DOMESTIC_HOT_WATER_TANK,
            translation_key="force_heating",  # not the tank itself
            on_command=OverkizCommand.SET_FORCE_HEATING,
            on_args=(OverkizCommandParam.ON,),
            off_command=OverkizCommand.SET_FORCE_HEATING,
            off_args=(OverkizCommandParam.OFF,),
            on_off_state=OverkizState.IO_FORCE_HEATING,
        ),
        # A Somfy Protect camera's privacy shutter: on while it is open.
        OverkizSwitchDescription(
            key=UIWidget.MY_FOX_SECURITY_CAMERA,
            translation_key="camera_shutter",
            entity_category=EntityCategory.CONFIG,
            on_command=OverkizCommand.OPEN,
            off_command=OverkizCommand.CLOSE,
            on_off_state=OverkizState.MYFOX_SHUTTER_STATUS,
            on_value=OverkizCommandParam.OPENED,
        ),
    )
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a switch for every on/off device, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _switches_of)


def _switches_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchSwitch]:
    description = SWITCH_DESCRIPTIONS.get(
        str(device.widget)
    ) or SWITCH_DESCRIPTIONS.get(str(device.ui_class))
    if description is not None and device.supports_command(description.on_command):
        yield OverkizBatchSwitch(coordinator, device.device_url, description)


class OverkizBatchSwitch(OverkizBatchEntity, SwitchEntity):
    """An Overkiz on/off device."""

    entity_description: OverkizSwitchDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizSwitchDescription,
    ) -> None:
        """Known as ``URL-key``, as overkiz knows its switches."""
        super().__init__(coordinator, device_url, description)
        self._attr_unique_id = f"{device_url}-{description.key}"

    @property
    def is_on(self) -> bool | None:
        """Return whether the device is on (what it was told, when stateless)."""
        value = as_str(self.state_of(self.entity_description.on_off_state))
        if value is None:
            return self._told
        return value == self.entity_description.on_value

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the device on."""
        description = self.entity_description
        command = self.command(description.on_command, *description.on_args)
        await self.async_execute_told(command, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the device off."""
        description = self.entity_description
        command = self.command(description.off_command, *description.off_args)
        await self.async_execute_told(command, False)
