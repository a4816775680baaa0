"""What the cover, climate and switch entities share on top of the base entity.

Typed reading of device states (tolerant: a cloud event may carry a float where
the setup had an int), commands built the way the gateway wants them (RTS
durations) and the device's running commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ServiceValidationError
from pyoverkiz.enums import Protocol
from pyoverkiz.models import Command, Device

from .const import DOMAIN
from .coordinator import base_device_url
from .entity import OverkizBatchEntity

if TYPE_CHECKING:
    from homeassistant.helpers.entity import EntityDescription

    from .coordinator import OverkizBatchCoordinator

# RTS moves run for a duration given as their last parameter; 0 lets the motor
# use its own. pyoverkiz (2.1 and 2.3 alike) adds none unless asked to.
RTS_DURATION = 0


def rts_command(device: Device, name: str, *parameters: Any) -> Command:
    """Return the command, with the RTS duration when the device expects one.

    The definition's ``nparams`` tells whether the duration slot exists: some
    RTS receivers declare their moves without parameters.
    """
    params = list(parameters)
    if device.identifier.protocol == Protocol.RTS:
        definition = device.definition.commands.get(name)
        if definition is not None and len(params) == definition.nparams - 1:
            params.append(RTS_DURATION)
    return Command(name=name, parameters=params or None)


def state_value(device: Device | None, name: str | None) -> Any:
    """Return a state's value, or None when the device or state is missing."""
    if device is None or name is None or (state := device.states.get(name)) is None:
        return None
    return state.value


def as_float(value: Any) -> float | None:
    """Return a number state as a float (None for anything else)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except TypeError, ValueError:
        return None


def as_int(value: Any) -> int | None:
    """Return a number state rounded to an int (None for anything else)."""
    number = as_float(value)
    return None if number is None else round(number)


def as_str(value: Any) -> str | None:
    """Return a text state (None when absent)."""
    return None if value is None else str(value)


def validation_error(key: str, **placeholders: Any) -> ServiceValidationError:
    """Return the translated error for bad service data."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()},
    )


class OverkizBatchDeviceEntity(OverkizBatchEntity):
    """An entity driven by a description, with typed state access."""

    # What a device without states (RTS) was last told to do; None until then.
    _told: bool | None = None

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: EntityDescription,
        unique_id_suffix: str | None = None,
    ) -> None:
        """Attach the description; a second entity of a device gets a suffix.

        The description decides the name: a translation key names a further
        entity of the device, none leaves the device's name alone.
        """
        self.entity_description = description
        super().__init__(coordinator, device_url)
        if unique_id_suffix:
            self._attr_unique_id = f"{device_url}_{unique_id_suffix}"

    async def async_execute_told(self, command: Command, told: bool | None) -> None:
        """Run a command; a device without states (RTS) then shows ``told``.

        ``told`` is what the command makes true (closed for a cover, on for a
        switch; None when unknown, as after a stop): a stateless device can only
        show what it was last told to do.
        """
        await self.async_execute(command)
        if self.assumed_state:
            self._told = told
            self.async_write_ha_state()

    def state_of(self, name: str | None) -> Any:
        """Return the value of one of the device's states."""
        return state_value(self.coordinator.data.get(self.device_url), name)

    def linked_device(self, index: int) -> Device | None:
        """Return the sub-device ``#index`` of this device (a heater's sensor)."""
        base = base_device_url(self.device_url)
        return self.coordinator.data.get(f"{base}#{index}")

    def supports(self, command: str | None) -> bool:
        """Tell whether the device's definition lists the command."""
        return command is not None and self.device.supports_command(command)

    def command(self, name: str, *parameters: Any) -> Command:
        """Build a command for this device (RTS duration added)."""
        return rts_command(self.device, name, *parameters)

    def is_running(self, *names: str | None) -> bool:
        """Tell whether one of our executions runs one of these commands here."""
        wanted = {name for name in names if name}
        return any(command.command in wanted for command in self.running_commands)
