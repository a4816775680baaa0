"""The command path of one gateway: device guard, stops, action queue, tracking.

Every way of running a command (an entity, ``execute_command`` by entity, device
or device URL) goes through :meth:`GatewayCommands.async_execute`: one guard per
device (a command for a busy device waits or is refused, as the options say), a
stop never waits behind anything, and the queue sends what was issued together
as one execution.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from pyoverkiz.models import Action, Command

from .action_queue import ActionQueue, ActionQueueSettings, Executor
from .const import (
    ATTR_COMMAND,
    ATTR_DEVICE_URL,
    ATTR_EXEC_ID,
    ATTR_FAILURE_TYPE,
    BUSY_MODE_REJECT,
    CONF_ADAPTIVE_SENDING,
    CONF_BUSY_MODE,
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    DEFAULT_ADAPTIVE_SENDING,
    DEFAULT_BUSY_MODE,
    DEFAULT_MAX_ACTIONS,
    DEFAULT_QUEUE_DELAY,
    DOMAIN,
    EVENT_EXECUTION_FAILED,
    IDENTIFY_COMMANDS,
    STOP_COMMANDS,
)
from .errors import AUTH_ERRORS, TooManyCommandsError, command_error
from .jobs import Job, JobConcurrency, JobGroup, JobThrottle

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from homeassistant.config_entries import ConfigEntry

    from .executions import ExecutionEnd, ExecutionTracker, TrackedExecution


# Raw commands (execute_command) one gateway takes in a sliding period: enough
# for a scene of every device, not for a runaway automation.
RAW_COMMANDS_MAX = 60
RAW_COMMANDS_PERIOD = timedelta(seconds=10)


def queue_settings(options: Mapping[str, Any]) -> ActionQueueSettings:
    """Return the action queue settings the entry options ask for."""
    return ActionQueueSettings(
        delay=float(options.get(CONF_QUEUE_DELAY, DEFAULT_QUEUE_DELAY)),
        max_actions=int(options.get(CONF_MAX_ACTIONS, DEFAULT_MAX_ACTIONS)),
        adaptive=bool(options.get(CONF_ADAPTIVE_SENDING, DEFAULT_ADAPTIVE_SENDING)),
    )


def is_stop(commands: Iterable[Command]) -> bool:
    """Tell whether commands are stop-like: never held back, never merged."""
    return all(str(c.name) in STOP_COMMANDS for c in commands)


def is_identify(commands: Iterable[Command]) -> bool:
    """Tell whether commands only ask the device to show itself: never held back."""
    return all(str(c.name) in IDENTIFY_COMMANDS for c in commands)


class GatewayCommands:
    """Run commands on one gateway's devices, each exactly once or an error."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        executor: Executor,
        executions: ExecutionTracker,
        *,
        on_started: CALLBACK_TYPE,
        job_group: JobGroup,
    ) -> None:
        """Send with ``executor``; tell ``on_started`` when an execution starts."""
        self._hass = hass
        self._entry = entry
        self.executions = executions
        self._on_started = on_started
        self._pending_listeners: list[CALLBACK_TYPE] = []
        self.job_group = job_group  # the gateway's: raw commands rate limited
        self._guards: dict[str, _DeviceGuard] = {}
        self.queue = ActionQueue(
            executor,
            queue_settings(entry.options),
            on_change=self._notify_pending,
            running=executions.__len__,  # adaptive sending: are we busy?
        )

    @property
    def busy_concurrency(self) -> JobConcurrency:
        """The device guard: queue or reject a command for a busy device."""
        mode = self._entry.options.get(CONF_BUSY_MODE, DEFAULT_BUSY_MODE)
        return (
            JobConcurrency.REJECT if mode == BUSY_MODE_REJECT else JobConcurrency.QUEUE
        )

    @callback
    def async_apply_options(self) -> None:
        """Apply the queue settings of the entry options to the next batches."""
        self.queue.update_settings(queue_settings(self._entry.options))

    async def async_execute(
        self,
        device_url: str,
        commands: Iterable[Command | str],
        *,
        entity_id: str | None = None,
    ) -> str:
        """Run commands on a device; return the execution id they joined.

        Goes through the device's guard and the queue; a stop never waits behind
        anything, an identify never waits for the guard. Raises HomeAssistantError
        (translated) when the device is busy in reject mode or the gateway
        refused the commands.
        """
        action = Action(
            device_url=device_url,
            commands=[
                c if isinstance(c, Command) else Command(name=c) for c in commands
            ],
        )
        names = ", ".join(str(c.name) for c in action.commands)
        guard = self._guards.get(device_url)
        if guard is None:
            guard = self._guards[device_url] = _DeviceGuard(self)
        try:
            if is_stop(action.commands):
                guard.stops += 1
                return await self._async_stop(action, entity_id)
            if is_identify(action.commands):
                return await self.execute_action_group([action], entity_id=entity_id)
            return await guard.async_execute(action, guard.stops, names, entity_id)
        except HomeAssistantError:
            raise
        except Exception as err:
            raise self.command_error(err, names) from err

    async def async_execute_raw(
        self, device_url: str, command: Command, entity_id: str | None
    ) -> str:
        """Run a raw command (execute_command), rate limited per gateway."""
        try:
            return await self._async_execute_limited(device_url, command, entity_id)
        except TooManyCommandsError as err:
            raise self.command_error(err, str(command.name)) from err

    @Job(
        name="overkiz_batch_raw_command",
        throttle=JobThrottle.GROUP_RATE_LIMIT,
        throttle_period=RAW_COMMANDS_PERIOD,
        throttle_max_calls=RAW_COMMANDS_MAX,
        on_condition=TooManyCommandsError,
    )
    async def _async_execute_limited(
        self, device_url: str, command: Command, entity_id: str | None
    ) -> str:
        return await self.async_execute(device_url, [command], entity_id=entity_id)

    async def _async_stop(self, action: Action, entity_id: str | None) -> str:
        """Send a stop as its own execution, right after what is queued already.

        Merged into the open batch it would follow the move it should cancel
        (``[close, stop]`` in one action: the gateway runs both, the stop does
        nothing); the queue sends it alone instead, at once.
        """
        return await self.execute_action_group(
            [action], entity_id=entity_id, alone=True
        )

    async def execute_action_group(
        self,
        actions: list[Action],
        *,
        entity_id: str | None = None,
        alone: bool = False,
    ) -> str:
        """Queue actions as they are (no guard), return the execution id they joined.

        ``alone``: sent as an execution of their own, never merged (stops).
        Raises the gateway's error when the batch was refused. The execution is
        tracked until it ends.
        """
        exec_id = await self.queue.add(actions, alone=alone)
        self.async_track(exec_id, actions, entity_id=entity_id)
        return exec_id

    @callback
    def async_track(
        self,
        exec_id: str,
        actions: list[Action],
        *,
        label: str | None = None,
        entity_id: str | None = None,
    ) -> None:
        """Follow an execution we started until it ends."""
        execution, end = self.executions.start(
            exec_id, actions, label=label, entity_id=entity_id
        )
        if end is not None:
            self.async_execution_ended(execution, end)
        else:
            self._on_started()

    @callback
    def command_error(self, err: Exception, command: str) -> HomeAssistantError:
        """Return the error for a caller whose command failed; reauth if needed."""
        if isinstance(err, AUTH_ERRORS):
            self._entry.async_start_reauth(self._hass)
        return command_error(err, command)

    @callback
    def async_execution_ended(
        self, execution: TrackedExecution, end: ExecutionEnd
    ) -> None:
        """Tell automations which of our commands failed (the failure event)."""
        for command, failure in end.failures(execution):
            self._hass.bus.async_fire(
                EVENT_EXECUTION_FAILED,
                {
                    "entity_id": command.entity_id,
                    ATTR_DEVICE_URL: command.device_url,
                    ATTR_COMMAND: command.command,
                    ATTR_FAILURE_TYPE: failure,
                    ATTR_EXEC_ID: execution.exec_id,
                },
            )

    async def flush_action_queue(self) -> None:
        """Send the queued actions now and wait until the gateway took them."""
        await self.queue.flush()

    def get_pending_actions_count(self) -> int:
        """Return the number of actions waiting to be sent."""
        return self.queue.get_pending_actions_count()

    @callback
    def async_add_pending_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` when the pending actions count may have changed."""
        self._pending_listeners.append(listener)
        return lambda: self._pending_listeners.remove(listener)

    @callback
    def _notify_pending(self) -> None:
        for listener in list(self._pending_listeners):
            listener()

    async def async_shutdown(self) -> None:
        """Send what is queued, wait for it, and take no more commands."""
        await self.queue.shutdown()


def _busy_concurrency(guard: _DeviceGuard) -> JobConcurrency:
    return guard.commands.busy_concurrency


class _DeviceGuard:
    """One device's guard: one command at a time until the gateway took it."""

    def __init__(self, commands: GatewayCommands) -> None:
        self.commands = commands
        self.stops = 0  # stops issued so far: a command waiting since gives up

    @Job(name="overkiz_batch_device_execute", concurrency=_busy_concurrency)
    async def async_execute(
        self, action: Action, stops: int, names: str, entity_id: str | None
    ) -> str:
        """Queue a command once the device's previous one was taken.

        A command that waited here while a stop went out gives up (``stops`` is
        the count of stops it was issued after): sent now, it would undo the stop.
        """
        if stops != self.stops:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="superseded_by_stop",
                translation_placeholders={"command": names},
            )
        return await self.commands.execute_action_group([action], entity_id=entity_id)
