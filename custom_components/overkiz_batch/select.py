"""Selects: a choice a device reports in one state and takes by command.

Gates that stop at a pedestrian or partial opening, a siren's memorised volume,
a heating interface's mode, an alarm's active zones. A select offers the options
whose command the device's definition lists; choosing one runs that command
through the entity's guard and the gateway's queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState
from pyoverkiz.models import Command

from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_str

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0

# An alarm's zones as the gateway names them; no zone (an empty state) means
# the alarm is off, offered by a name of its own.
NO_ZONE = "none"
ALARM_ZONES = (NO_ZONE, "A", "B", "C", "A,B", "B,C", "A,C", "A,B,C")


@dataclass(frozen=True, kw_only=True)
class OverkizSelectDescription(SelectEntityDescription):
    """A choice: ``key`` is the state holding it.

    ``command_fn`` returns the command of an option; an option whose command
    the device lacks is not offered.
    """

    command_fn: Callable[[str], Command]
    option_fn: Callable[[str], str] = str


def _by_option(commands: dict[str, str]) -> Callable[[str], Command]:
    """Each option has a command of its own, without parameters."""
    return lambda option: Command(name=commands[option])


def _with_option(command: str) -> Callable[[str], Command]:
    """One command takes the option as its parameter."""
    return lambda option: Command(name=command, parameters=[option])


def _alarm_zones(option: str) -> Command:
    if option == NO_ZONE:
        return Command(name=OverkizCommand.ALARM_OFF)
    return Command(name=OverkizCommand.ALARM_ZONE_ON, parameters=[option])


SELECT_DESCRIPTIONS: tuple[OverkizSelectDescription, ...] = (
    OverkizSelectDescription(
        key=OverkizState.CORE_OPEN_CLOSED_PEDESTRIAN,
        translation_key="open_closed_pedestrian",
        options=[
            OverkizCommandParam.OPEN,
            OverkizCommandParam.PEDESTRIAN,
            OverkizCommandParam.CLOSED,
        ],
        command_fn=_by_option(
            {
                OverkizCommandParam.OPEN: OverkizCommand.OPEN,
                OverkizCommandParam.PEDESTRIAN: OverkizCommand.SET_PEDESTRIAN_POSITION,
                OverkizCommandParam.CLOSED: OverkizCommand.CLOSE,
            }
        ),
    ),
    OverkizSelectDescription(
        key=OverkizState.CORE_OPEN_CLOSED_PARTIAL,
        translation_key="open_closed_partial",
        options=[
            OverkizCommandParam.OPEN,
            OverkizCommandParam.PARTIAL,
            OverkizCommandParam.CLOSED,
        ],
        command_fn=_by_option(
            {
                OverkizCommandParam.OPEN: OverkizCommand.OPEN,
                OverkizCommandParam.PARTIAL: OverkizCommand.PARTIAL_POSITION,
                OverkizCommandParam.CLOSED: OverkizCommand.CLOSE,
            }
        ),
    ),
    OverkizSelectDescription(
        key=OverkizState.IO_MEMORIZED_SIMPLE_VOLUME,
        translation_key="memorized_simple_volume",
        entity_category=EntityCategory.CONFIG,
        options=[OverkizCommandParam.STANDARD, OverkizCommandParam.HIGHEST],
        command_fn=_with_option(OverkizCommand.SET_MEMORIZED_SIMPLE_VOLUME),
    ),
    OverkizSelectDescription(
        key=OverkizState.OVP_HEATING_TEMPERATURE_INTERFACE_OPERATING_MODE,
        translation_key="operating_mode",
        entity_category=EntityCategory.CONFIG,
        options=[OverkizCommandParam.HEATING, OverkizCommandParam.COOLING],
        command_fn=_with_option(OverkizCommand.SET_OPERATING_MODE),
    ),
    OverkizSelectDescription(
        key=OverkizState.CORE_ACTIVE_ZONES,
        translation_key="active_zones",
        options=list(ALARM_ZONES),
        command_fn=_alarm_zones,
        option_fn=lambda zones: zones or NO_ZONE,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the selects of every device, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _selects_of)


def _selects_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchSelect]:
    for description in SELECT_DESCRIPTIONS:
        if description.key not in device.definition.states:
            continue
        options = [
            str(option)
            for option in description.options or []
            if device.supports_command(description.command_fn(option).name)
        ]
        if options:
            yield OverkizBatchSelect(coordinator, device, description, options)


class OverkizBatchSelect(OverkizBatchEntity, SelectEntity):
    """A choice of a device, read from its state and made by its commands."""

    entity_description: OverkizSelectDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device: Device,
        description: OverkizSelectDescription,
        options: list[str],
    ) -> None:
        """Offer ``options``; core's unique id scheme (URL and state name)."""
        super().__init__(coordinator, device.device_url, description)
        self._attr_unique_id = f"{device.device_url}-{description.key}"
        self._attr_options = options

    @property
    def current_option(self) -> str | None:
        """Return the choice the device reports."""
        value = as_str(self.state_of(self.entity_description.key))
        return None if value is None else self.entity_description.option_fn(value)

    async def async_select_option(self, option: str) -> None:
        """Run the option's command (Home Assistant checked it is offered)."""
        await self.async_execute(self.entity_description.command_fn(option))
