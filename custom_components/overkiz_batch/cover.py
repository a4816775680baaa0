"""Covers: shutters, screens, awnings, pergolas, windows, curtains, doors and gates."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from homeassistant.components.cover import (
    ATTR_POSITION,
    ATTR_TILT_POSITION,
    CoverEntity,
    CoverEntityFeature,
)
from homeassistant.helpers.typing import UNDEFINED
from pyoverkiz.enums import OverkizCommandParam, OverkizState

from .cover_descriptions import (
    COVER_DESCRIPTIONS,
    LOW_SPEED_COMMAND,
    POSITION_AND_TILT_COMMAND,
    OverkizCoverDescription,
)
from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_int, as_str
from .validation import validation_error

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0

# Closure values some motors report instead of a position.
_POSITION_MY = 108  # at the "my" preset
_POSITION_UNKNOWN = 124
# What those mean: the position is in another state.
_SENTINEL_FALLBACK = {
    _POSITION_MY: OverkizState.CORE_MEMORIZED_1_POSITION,
    _POSITION_UNKNOWN: OverkizState.CORE_TARGET_CLOSURE,
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a cover for every device that is one, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _covers_of)


def cover_description(device: Device) -> OverkizCoverDescription | None:
    """Return how to drive the device as a cover, or None if it is no cover."""
    return COVER_DESCRIPTIONS.get(str(device.widget)) or COVER_DESCRIPTIONS.get(
        str(device.ui_class)
    )


def _covers_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchCover]:
    """Return the cover entities of one device (none when it is no cover)."""
    if (description := cover_description(device)) is None:
        return
    cover = OverkizBatchCover(coordinator, device.device_url, description)
    if not cover.supported_features:
        return
    yield cover
    if device.supports_command(LOW_SPEED_COMMAND):
        yield OverkizBatchLowSpeedCover(
            coordinator,
            device.device_url,
            replace(description, name=UNDEFINED, translation_key="low_speed"),
            unique_id_suffix="low_speed",
        )


def _closed_from_state(value: str | None) -> bool | None:
    """Read an open/closed state (``open``, ``closed``, ``partial``, ``unknown``)."""
    if value is None or value == OverkizCommandParam.UNKNOWN:
        return None
    return value == OverkizCommandParam.CLOSED


class OverkizBatchCover(OverkizBatchEntity, CoverEntity):
    """An Overkiz cover; position 0 is closed, 100 open."""

    entity_description: OverkizCoverDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizCoverDescription,
        unique_id_suffix: str | None = None,
    ) -> None:
        """Offer the features whose commands the device has."""
        super().__init__(coordinator, device_url, description, unique_id_suffix)
        self._attr_supported_features = self._features()

    def _features(self) -> CoverEntityFeature:
        desc = self.entity_description
        features = CoverEntityFeature(0)
        for command, feature in (
            (desc.open_command, CoverEntityFeature.OPEN),
            (desc.close_command, CoverEntityFeature.CLOSE),
            (desc.stop_command, CoverEntityFeature.STOP),
            (desc.set_position_command, CoverEntityFeature.SET_POSITION),
            (desc.open_tilt_command, CoverEntityFeature.OPEN_TILT),
            (desc.close_tilt_command, CoverEntityFeature.CLOSE_TILT),
            (desc.set_tilt_command, CoverEntityFeature.SET_TILT_POSITION),
        ):
            if self.supports(command):
                features |= feature
        tilt = CoverEntityFeature.OPEN_TILT | CoverEntityFeature.SET_TILT_POSITION
        if features & CoverEntityFeature.STOP and features & tilt:
            features |= CoverEntityFeature.STOP_TILT
        return features

    # State.

    @property
    def current_cover_position(self) -> int | None:
        """Return the position, 0 closed to 100 open, or None when unknown."""
        desc = self.entity_description
        value = as_int(self.state_of(desc.position_state))
        if value in _SENTINEL_FALLBACK:
            value = as_int(self.state_of(_SENTINEL_FALLBACK[value]))
        if value is None:
            return None
        value = max(0, min(100, value))
        return 100 - value if desc.invert_position else value

    @property
    def current_cover_tilt_position(self) -> int | None:
        """Return the slats' opening, 0 closed to 100 open."""
        value = as_int(self.state_of(self.entity_description.tilt_state))
        if value is None:
            return None
        return 100 - max(0, min(100, value))

    @property
    def is_closed(self) -> bool | None:
        """Return whether the cover is closed, None when nothing tells."""
        closed = _closed_from_state(
            as_str(self.state_of(self.entity_description.is_closed_state))
        )
        if closed is not None:
            return closed
        if (position := self.current_cover_position) is not None:
            return position == 0
        if (tilt := self.current_cover_tilt_position) is not None:
            return tilt == 0
        return self._told

    @property
    def is_opening(self) -> bool | None:
        """Return whether the cover is opening, from our commands or its motor."""
        direction = self._direction()
        return None if direction is None else direction > 0

    @property
    def is_closing(self) -> bool | None:
        """Return whether the cover is closing, from our commands or its motor."""
        direction = self._direction()
        return None if direction is None else direction < 0

    def _direction(self) -> int | None:
        """Return +1 opening, -1 closing, 0 still, None unknown.

        Our latest running command wins (the gateway runs a device's commands in
        order, a new one supersedes the move); else the motor's moving state.
        """
        desc = self.entity_description
        for running in reversed(self.running_commands):
            name = running.command
            if desc.open_command != desc.close_command:
                if name in (desc.open_command, desc.close_command):
                    return self._moving_to_end(opening=name == desc.open_command)
                if name == desc.open_tilt_command:
                    return 1
                if name == desc.close_tilt_command:
                    return -1
            if name in (desc.set_position_command, LOW_SPEED_COMMAND):
                target = as_int(running.parameters[0]) if running.parameters else None
                return self._towards(target)
        if not self.state_of(OverkizState.CORE_MOVING):
            return None if self.assumed_state else 0
        return self._towards(as_int(self.state_of(OverkizState.CORE_TARGET_CLOSURE)))

    def _moving_to_end(self, *, opening: bool) -> int:
        """Return the direction of an open or close: none once the end is reached.

        A motor already at that end reports so at once, while the execution it
        shares with other devices may run on for a while.
        """
        end = 100 if opening else 0
        desc = self.entity_description
        if self._towards(100 - end if desc.invert_position else end) == 0:
            return 0
        return 1 if opening else -1

    def _towards(self, target: int | None) -> int | None:
        """Return the direction from the current position to a raw target value."""
        current = as_int(self.state_of(self.entity_description.position_state))
        if target is None or current is None or target == current:
            return None if target is None or current is None else 0
        opening = target < current
        if not self.entity_description.invert_position:
            opening = not opening
        return 1 if opening else -1

    # Commands.

    def _position_value(self, position: Any) -> int:
        """Return the device value of a Home Assistant position (checked)."""
        if not isinstance(position, int) or not 0 <= position <= 100:
            raise validation_error("position_out_of_range", position=position)
        return 100 - position if self.entity_description.invert_position else position

    async def _async_move(self, command: str | None, closed: bool | None) -> None:
        if command is None:
            return
        await self.async_execute_told(self.command(command), closed)

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open the cover."""
        await self._async_move(self.entity_description.open_command, False)

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close the cover."""
        await self._async_move(self.entity_description.close_command, True)

    async def async_stop_cover(self, **kwargs: Any) -> None:
        """Stop the cover; never waits behind its running command."""
        await self._async_move(self.entity_description.stop_command, None)

    async def async_set_cover_position(self, **kwargs: Any) -> None:
        """Move the cover to a position."""
        value = self._position_value(kwargs[ATTR_POSITION])
        if command := self.entity_description.set_position_command:
            await self.async_execute(self.command(command, value))

    async def async_open_cover_tilt(self, **kwargs: Any) -> None:
        """Open the slats."""
        if command := self.entity_description.open_tilt_command:
            await self.async_execute(
                self.command(command, *self.entity_description.tilt_args)
            )

    async def async_close_cover_tilt(self, **kwargs: Any) -> None:
        """Close the slats."""
        if command := self.entity_description.close_tilt_command:
            await self.async_execute(
                self.command(command, *self.entity_description.tilt_args)
            )

    async def async_stop_cover_tilt(self, **kwargs: Any) -> None:
        """Stop the slats."""
        await self.async_stop_cover()

    async def async_set_cover_tilt_position(self, **kwargs: Any) -> None:
        """Orient the slats."""
        tilt = kwargs[ATTR_TILT_POSITION]
        if not isinstance(tilt, int) or not 0 <= tilt <= 100:
            raise validation_error("tilt_position_out_of_range", position=tilt)
        if command := self.entity_description.set_tilt_command:
            await self.async_execute(self.command(command, 100 - tilt))

    async def async_set_cover_position_and_tilt(
        self, position: Any, tilt_position: Any
    ) -> None:
        """Move the cover and orient its slats (``set_cover_position_and_tilt``).

        One ``setClosureAndOrientation`` where the device has it: the motor
        does not stop between the move and the slats. Otherwise the position
        then the orientation, as one action.
        """
        desc = self.entity_description
        closure = self._position_value(position)
        if not isinstance(tilt_position, int) or not 0 <= tilt_position <= 100:
            raise validation_error("tilt_position_out_of_range", position=tilt_position)
        orientation = 100 - tilt_position
        if self.supports(POSITION_AND_TILT_COMMAND):
            await self.async_execute(
                self.command(POSITION_AND_TILT_COMMAND, closure, orientation)
            )
            return
        if not (
            self.supports(desc.set_position_command)
            and self.supports(desc.set_tilt_command)
        ):
            raise validation_error("no_position_and_tilt")
        await self.async_execute(
            self.command(str(desc.set_position_command), closure),
            self.command(str(desc.set_tilt_command), orientation),
        )


class OverkizBatchLowSpeedCover(OverkizBatchCover):
    """The same cover moved at low speed (quieter), as a second entity."""

    def _features(self) -> CoverEntityFeature:
        return (
            CoverEntityFeature.OPEN
            | CoverEntityFeature.CLOSE
            | CoverEntityFeature.SET_POSITION
            | (super()._features() & CoverEntityFeature.STOP)
        )

    async def _async_low_speed(self, position: int) -> None:
        await self.async_execute(
            self.command(
                LOW_SPEED_COMMAND,
                self._position_value(position),
                OverkizCommandParam.LOWSPEED,
            )
        )

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open the cover slowly."""
        await self._async_low_speed(100)

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close the cover slowly."""
        await self._async_low_speed(0)

    async def async_set_cover_position(self, **kwargs: Any) -> None:
        """Move the cover slowly to a position."""
        await self._async_low_speed(kwargs[ATTR_POSITION])
