"""Base entity of the platforms: one device, described by a description.

Typed reading of device states (tolerant: a cloud event may carry a float where
the setup had an int), commands built the way the gateway wants them (RTS
durations), and every command through the gateway's command path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from pyoverkiz.models import Command, Device

from .const import CONF_REFRESH_THROTTLE, DEFAULT_REFRESH_THROTTLE, DOMAIN
from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator
from .devices import base_device_url
from .jobs import Job, JobGroup, JobThrottle
from .states import state_value

if TYPE_CHECKING:
    from homeassistant.helpers.entity import Entity, EntityDescription
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .executions import TrackedCommand

type EntityFactory = Callable[[OverkizBatchCoordinator, Device], Iterable[Entity]]


@callback
def async_add_device_entities(
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    factory: EntityFactory,
) -> None:
    """Add a platform's entities for today's devices and for those added later.

    ``factory`` returns the entities of one device (none when the platform has
    nothing for it).
    """
    coordinator = entry.runtime_data

    @callback
    def add(devices: list[Device]) -> None:
        if entities := [e for d in devices for e in factory(coordinator, d)]:
            async_add_entities(entities)

    add(list(coordinator.data.values()))
    entry.async_on_unload(coordinator.async_add_devices_listener(add))


def _refresh_throttle(entity: OverkizBatchEntity) -> timedelta:
    """Return the shortest time between two state refreshes (entry options)."""
    options = entity.coordinator.config_entry.options
    return timedelta(
        seconds=float(options.get(CONF_REFRESH_THROTTLE, DEFAULT_REFRESH_THROTTLE))
    )


class OverkizBatchEntity(CoordinatorEntity[OverkizBatchCoordinator]):
    """An entity of one Overkiz device, driven by its description.

    Named by the description's translation key; without one it is the device's
    main feature and bears the device's name alone. Commands go through the
    gateway's command path (commands.py): the device's guard, then the queue.
    """

    _attr_has_entity_name = True
    # What a device without states (RTS) was last told to do; None until then.
    _told: bool | None = None
    # Platforms whose parts are devices of their own (a heat pump's zones).
    _part_named_by_label = False

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: EntityDescription,
        unique_id_suffix: str | None = None,
    ) -> None:
        """Describe the entity; a further entity of a device gets a suffix."""
        super().__init__(coordinator)
        self.entity_description = description
        self.device_url = device_url
        device = coordinator.data[device_url]
        self._attr_unique_id = device_url
        if unique_id_suffix:
            self._attr_unique_id = f"{device_url}_{unique_id_suffix}"
        self._attr_assumed_state = not device.states
        self._attr_device_info = coordinator.devices.device_info(device)
        if self._part_named_by_label and "name" not in self._attr_device_info:
            # A further part of a device standing on its own: its own label.
            self._attr_name = device.label
        elif description.translation_key is None:
            self._attr_name = None  # the device's main feature: the device's name

    @property
    def device(self) -> Device:
        """Return the device, as last updated by the gateway's events.

        Raises the translated unknown_device error when the gateway just removed
        it (the entity goes a moment later): a command for it cannot be sent.
        """
        if (device := self.coordinator.data.get(self.device_url)) is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_device",
                translation_placeholders={"device": self.device_url},
            )
        return device

    @property
    def available(self) -> bool:
        """Available while the gateway answers, is alive and has the device up."""
        device = self.coordinator.data.get(self.device_url)
        return (
            super().available
            and self.coordinator.gateway_alive
            and device is not None
            and device.available
        )

    @property
    def job_group(self) -> JobGroup:
        """The gateway's job group: refreshes are throttled per gateway."""
        return self.coordinator.job_group

    @property
    def running_commands(self) -> list[TrackedCommand]:
        """Commands of our executions still running on this device, oldest first."""
        return self.coordinator.executions.commands_for(self.device_url)

    async def async_execute(self, *commands: Command | str) -> str:
        """Run commands on the device; return the execution id they joined.

        Through the device's guard and the gateway's queue (commands.py); raises
        HomeAssistantError (translated) when they cannot run.
        """
        exec_id = await self.coordinator.commands.async_execute(
            self.device_url, commands, entity_id=self.entity_id
        )
        self.async_write_ha_state()  # running commands changed
        return exec_id

    async def async_update(self) -> None:
        """Ask the gateway to read the states again (``update_entity``).

        Throttled per gateway: many entities updated at once cost one request.
        """
        try:
            await self._async_refresh_states()
        except HomeAssistantError:
            raise
        except Exception as err:
            raise self.coordinator.commands.command_error(err, "refresh") from err

    @Job(
        name="overkiz_batch_entity_refresh",
        throttle=JobThrottle.GROUP_THROTTLE,
        throttle_period=_refresh_throttle,
    )
    async def _async_refresh_states(self) -> None:
        await self.coordinator.async_refresh_states()

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
        """Build a command for this device (pyoverkiz adds an RTS move's duration)."""
        return Command(name=name, parameters=list(parameters) or None)

    def is_running(self, *names: str | None) -> bool:
        """Tell whether one of our executions runs one of these commands here."""
        wanted = {name for name in names if name}
        return any(command.command in wanted for command in self.running_commands)
