"""Buttons: one-shot commands of a device (favourite position, identify, bells...).

A button exists for each command of the table that the device's definition lists;
a press runs that command once, through the entity's guard and the gateway's
queue like every other command.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, Protocol

from .commands import is_identify
from .entity import OverkizBatchEntity, async_add_device_entities
from .errors import translated_error
from .jobs import Job, JobException, JobThrottle
from .sensor import NOT_DEVICES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import Command, Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0

# Presses one button takes in a sliding period: enough to step a dimmer along,
# not enough for a stuck automation or a hammered bell to flood the gateway.
PRESSES_MAX = 10
PRESSES_PERIOD = timedelta(seconds=10)
# A second identify while the device still shows itself changes nothing: skipped.
IDENTIFY_PERIOD = timedelta(seconds=3)

# Step of a dimmer's brightness buttons (the command takes 1-127).
BRIGHTNESS_STEP = 5


def _always(device: Device) -> bool:
    return True


def _lacks_start_identify(device: Device) -> bool:
    """``identify`` is the identify button only where ``startIdentify`` is absent."""
    return not device.supports_command(OverkizCommand.START_IDENTIFY)


@dataclass(frozen=True, kw_only=True)
class OverkizButtonDescription(ButtonEntityDescription):
    """A device command that makes a button; ``key`` is the command's name.

    ``enabled_fn`` tells, per device, whether the button is enabled by default.
    """

    args: tuple[Any, ...] = ()
    enabled_fn: Callable[[Device], bool] = _always


_IDENTIFY = OverkizButtonDescription(
    key=OverkizCommand.START_IDENTIFY,
    translation_key="identify",
    device_class=ButtonDeviceClass.IDENTIFY,
    entity_category=EntityCategory.DIAGNOSTIC,
)

BUTTON_DESCRIPTIONS: dict[str, OverkizButtonDescription] = {
    description.key: description
    for description in (
        # The Somfy favourite position of covers and lights.
        OverkizButtonDescription(key=OverkizCommand.MY, translation_key="my_position"),
        # Screens that keep their favourite as alias 1.
        OverkizButtonDescription(
            key=OverkizCommand.GO_TO_ALIAS, translation_key="my_position", args=("1",)
        ),
        # startIdentify blinks once; identify keeps blinking until stopIdentify.
        _IDENTIFY,
        # Named "Identify" on a device that has no other (see _buttons_of).
        replace(
            _IDENTIFY,
            key=OverkizCommand.IDENTIFY,
            translation_key="start_identify",
            enabled_fn=_lacks_start_identify,
        ),
        OverkizButtonDescription(
            key=OverkizCommand.STOP_IDENTIFY,
            translation_key="stop_identify",
            entity_category=EntityCategory.DIAGNOSTIC,
            enabled_fn=lambda device: False,
        ),
        # Gates and doors driven by one start/stop/reverse command.
        OverkizButtonDescription(key=OverkizCommand.CYCLE, translation_key="cycle"),
        # RTS dimmers.
        OverkizButtonDescription(
            key=OverkizCommand.STEP_POSITIVE,
            translation_key="brightness_up",
            args=(BRIGHTNESS_STEP,),
        ),
        OverkizButtonDescription(
            key=OverkizCommand.STEP_NEGATIVE,
            translation_key="brightness_down",
            args=(BRIGHTNESS_STEP,),
        ),
        # Sirens and bells.
        OverkizButtonDescription(key=OverkizCommand.BIP, translation_key="bip"),
        OverkizButtonDescription(
            key=OverkizCommand.DING_DONG, translation_key="ding_dong"
        ),
        OverkizButtonDescription(
            key=OverkizCommand.FAST_BIP_SEQUENCE, translation_key="fast_bip_sequence"
        ),
        OverkizButtonDescription(key=OverkizCommand.RING, translation_key="ring"),
        # Smoke detectors: sound the alarm briefly.
        OverkizButtonDescription(
            key=OverkizCommand.CHECK_EVENT_TRIGGER,
            translation_key="test_alarm",
            entity_category=EntityCategory.DIAGNOSTIC,
            args=(OverkizCommandParam.SHORT,),
        ),
    )
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons of every device, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _buttons_of)


def _buttons_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchButton]:
    if {str(device.ui_class), str(device.widget)} & NOT_DEVICES:
        return  # the gateway itself or its radio: nothing to press
    for command in device.definition.commands:
        if (description := BUTTON_DESCRIPTIONS.get(str(command))) is None:
            continue
        if command == OverkizCommand.IDENTIFY and _lacks_start_identify(device):
            description = replace(
                description, translation_key=_IDENTIFY.translation_key
            )
        yield OverkizBatchButton(coordinator, device, description)


class OverkizBatchButton(OverkizBatchEntity, ButtonEntity):
    """One command of a device, run at each press."""

    entity_description: OverkizButtonDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device: Device,
        description: OverkizButtonDescription,
    ) -> None:
        """Name the button by its command; core's unique id scheme (URL-command)."""
        super().__init__(coordinator, device.device_url, description)
        self._attr_unique_id = f"{device.device_url}-{description.key}"
        # A command needing parameters a press does not give (an IO siren's
        # ``ring``) would be refused: the button is there, but disabled. RTS
        # commands count their duration, which the client adds.
        definition = device.definition.commands.get(description.key)
        given = len(description.args) + (device.identifier.protocol == Protocol.RTS)
        unpressable = definition is not None and definition.nparams > given
        self._attr_entity_registry_enabled_default = (
            description.enabled_fn(device) and not unpressable
        )

    async def async_press(self) -> None:
        """Run the command once (an identify again only once the last one is over)."""
        description = self.entity_description
        command = self.command(description.key, *description.args)
        if is_identify([command]):
            await self._async_identify(command)
            return
        try:
            await self._async_press_limited(command)
        except JobException as err:
            raise translated_error(
                "too_many_presses", command=description.key, max=PRESSES_MAX
            ) from err

    @Job(
        name="overkiz_batch_button_identify",
        throttle=JobThrottle.THROTTLE,
        throttle_period=IDENTIFY_PERIOD,
    )
    async def _async_identify(self, command: Command) -> None:
        await self.async_execute(command)

    @Job(
        name="overkiz_batch_button_press",
        throttle=JobThrottle.RATE_LIMIT,
        throttle_period=PRESSES_PERIOD,
        throttle_max_calls=PRESSES_MAX,
    )
    async def _async_press_limited(self, command: Command) -> None:
        await self.async_execute(command)
