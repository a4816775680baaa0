"""Base entity of the platforms: one device, commands through guard and queue."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.typing import UNDEFINED
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from pyoverkiz.models import Action, Command, Device

from .const import DOMAIN, STOP_COMMANDS
from .coordinator import (
    OverkizBatchConfigEntry,
    OverkizBatchCoordinator,
)
from .jobs import Job, JobConcurrency, JobGroup, JobThrottle

if TYPE_CHECKING:
    from datetime import timedelta

    from homeassistant.helpers.entity import Entity
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


def _busy_concurrency(entity: OverkizBatchEntity) -> JobConcurrency:
    return entity.coordinator.busy_concurrency


def _refresh_throttle(entity: OverkizBatchEntity) -> timedelta:
    return entity.coordinator.refresh_throttle


class OverkizBatchEntity(CoordinatorEntity[OverkizBatchCoordinator]):
    """An entity of one Overkiz device.

    Commands go through the entity's job guard (queued or rejected while its
    previous command is in flight, as the options say) and then the gateway's
    action queue. A command is in flight until the gateway accepted the batch it
    joined.
    """

    _attr_has_entity_name = True

    def __init__(self, coordinator: OverkizBatchCoordinator, device_url: str) -> None:
        """Describe the entity from the device as the setup reported it."""
        super().__init__(coordinator)
        self.device_url = device_url
        self._stops = 0  # stops issued so far: a command waiting since gives up
        device = coordinator.data[device_url]
        self._attr_unique_id = device_url
        self._attr_assumed_state = not device.states
        self._attr_device_info = coordinator.device_info(device)
        description = getattr(self, "entity_description", None)
        if "name" not in self._attr_device_info:
            # A further part of a device (a heater's sensor): named on its own.
            self._attr_name = device.label
        elif description is None or (
            description.translation_key is None and description.name is UNDEFINED
        ):
            # The device's main entity: named after the device alone.
            self._attr_name = None

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

    async def async_added_to_hass(self) -> None:
        """Let services find the entity by its entity id."""
        await super().async_added_to_hass()
        entity_id = self.entity_id
        self.coordinator.entities[entity_id] = self

        @callback
        def forget() -> None:
            self.coordinator.entities.pop(entity_id, None)

        self.async_on_remove(forget)

    async def async_execute(self, *commands: Command | str) -> str:
        """Run commands on the device; return the execution id they joined.

        Goes through the entity's guard and the gateway's queue; a stop never
        waits behind anything. Raises HomeAssistantError (translated) when the
        device is busy in reject mode or the gateway refused the commands.
        """
        action = Action(
            device_url=self.device_url,
            commands=[
                c if isinstance(c, Command) else Command(name=c) for c in commands
            ],
        )
        names = ", ".join(str(c.name) for c in action.commands)
        exec_id: str | None
        try:
            if all(str(c.name) in STOP_COMMANDS for c in action.commands):
                self._stops += 1
                exec_id = await self._async_stop(action)
            else:
                exec_id = await self._async_execute_guarded(action, self._stops, names)
        except HomeAssistantError:
            raise
        except Exception as err:
            raise self.coordinator.command_error(err, names) from err
        if exec_id is None:  # pragma: no cover - the guard has no throttle
            raise HomeAssistantError(f"{names} was not executed")
        self.async_write_ha_state()  # running commands changed
        return exec_id

    @Job(name="overkiz_batch_entity_execute", concurrency=_busy_concurrency)
    async def _async_execute_guarded(
        self, action: Action, stops: int, names: str
    ) -> str:
        """One command at a time per entity, until the gateway accepted it.

        A command that waited here while a stop went out gives up (``stops`` is
        the count of stops it was issued after): sent now, it would undo the stop.
        """
        if stops != self._stops:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="superseded_by_stop",
                translation_placeholders={"command": names},
            )
        return await self._async_execute_now(action)

    async def _async_stop(self, action: Action) -> str:
        """Send a stop as its own execution, right after what is queued already.

        Merged into the open batch it would follow the move it should cancel
        (``[close, stop]`` in one action: the gateway runs both, the stop does
        nothing). So the open batch is closed first, the stop gets a batch of
        its own and that one is sent at once. Both steps start eagerly: nothing
        else can join the stop's batch ahead of it.
        """
        hass = self.hass
        flush = self.coordinator.flush_action_queue
        hass.async_create_task(flush(), eager_start=True)  # closes the open batch
        stop = hass.async_create_task(self._async_execute_now(action), eager_start=True)
        hass.async_create_task(flush(), eager_start=True)  # sends the stop's batch
        return await stop

    async def _async_execute_now(self, action: Action) -> str:
        return await self.coordinator.execute_action_group(
            [action], entity_id=self.entity_id
        )

    async def async_update(self) -> None:
        """Ask the gateway to read the states again (``update_entity``).

        Throttled per gateway: many entities updated at once cost one request.
        """
        try:
            await self._async_refresh_states()
        except HomeAssistantError:
            raise
        except Exception as err:
            raise self.coordinator.command_error(err, "refresh") from err

    @Job(
        name="overkiz_batch_entity_refresh",
        throttle=JobThrottle.GROUP_THROTTLE,
        throttle_period=_refresh_throttle,
    )
    async def _async_refresh_states(self) -> None:
        await self.coordinator.async_refresh_states()
