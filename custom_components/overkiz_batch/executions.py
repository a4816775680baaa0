"""Track the executions the integration started, by execution id.

Entities ask which commands are running on their device (a cover is "opening" while
our ``open`` runs); the coordinator polls faster while anything is tracked. An
execution whose end never arrives is forgotten after a bounded time.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
import logging
from typing import TYPE_CHECKING, Any

from pyoverkiz.enums import ExecutionState

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable
    from datetime import datetime, timedelta

    from pyoverkiz.client import OverkizClient
    from pyoverkiz.models import Action, HistoryExecution

_LOGGER = logging.getLogger(__package__)

TERMINAL_STATES = frozenset({ExecutionState.COMPLETED, ExecutionState.FAILED})

# Ends seen before the execution id was known (an events fetch racing exec/apply).
_EARLY_ENDS_KEPT = 64


@dataclass(slots=True)
class TrackedCommand:
    """One command of a tracked execution."""

    device_url: str
    command: str
    parameters: list[Any]
    entity_id: str | None


@dataclass(slots=True)
class TrackedExecution:
    """An execution we started, with its commands and last known state."""

    exec_id: str
    commands: list[TrackedCommand]
    started: datetime
    state: ExecutionState = ExecutionState.INITIALIZED
    label: str | None = None  # a scenario's name; None for our own batches

    def as_dict(self) -> dict[str, Any]:
        """Plain data for diagnostics."""
        return {
            "exec_id": self.exec_id,
            "state": str(self.state),
            "started": self.started.isoformat(),
            "label": self.label,
            "commands": [
                {
                    "device_url": c.device_url,
                    "command": c.command,
                    "parameters": c.parameters,
                    "entity_id": c.entity_id,
                }
                for c in self.commands
            ],
        }


@dataclass(frozen=True, slots=True)
class FailedCommand:
    """A command the gateway reports failed: device, command (None: any), reason."""

    device_url: str
    command: str | None
    failure_type: str | None

    @classmethod
    def from_event(cls, item: dict[str, Any]) -> FailedCommand:
        """Read one entry of an event's ``failedCommands`` (either key style)."""
        name = item.get("command")
        if isinstance(name, dict):
            name = name.get("name")
        return cls(
            device_url=str(item.get("deviceURL") or item.get("device_url")),
            command=str(name) if name else None,
            failure_type=item.get("failureType") or item.get("failure_type"),
        )


@dataclass(slots=True)
class ExecutionEnd:
    """How an execution ended, from its end event or its history entry."""

    state: ExecutionState
    failure_type: str | None = None
    failed_commands: list[FailedCommand] = field(default_factory=list)

    @classmethod
    def from_history(cls, past: HistoryExecution | None) -> ExecutionEnd:
        """Return how an execution ended by its history entry (UNKNOWN without)."""
        if past is None:
            return cls(state=ExecutionState.UNKNOWN)
        failed = [
            FailedCommand(command.device_url, command.command, command.failure_type)
            for command in past.commands
            if command.state == ExecutionState.FAILED
        ]
        failure = past.failure_type if past.failure_type != "NO_FAILURE" else None
        return cls(state=past.state, failure_type=failure, failed_commands=failed)

    def failures(
        self, execution: TrackedExecution
    ) -> list[tuple[TrackedCommand, str | None]]:
        """Return our commands this end failed, each with its failure type.

        The gateway names the failed commands (a device alone means all of its
        commands); without such a list, every command of a failed execution.
        """
        if self.state != ExecutionState.FAILED:
            return []
        named = {
            (f.device_url, f.command): f.failure_type for f in self.failed_commands
        }
        result = []
        for command in execution.commands:
            key = (command.device_url, command.command)
            any_key = (command.device_url, None)
            if named and key not in named and any_key not in named:
                continue
            failure = named.get(key) or named.get(any_key) or self.failure_type
            result.append((command, failure))
        return result


async def async_ended_unseen(
    client: OverkizClient, tracker: ExecutionTracker
) -> list[tuple[TrackedExecution, ExecutionEnd]]:
    """Stop tracking the executions the gateway no longer runs; say how they ended.

    For when their end events went with a lost listener: without this a cover
    would show "closing" until the maximum age. How each ended comes from the
    history (cloud), so a failure is still reported; without one it is unknown.
    """
    known = [e.exec_id for e in tracker.values()]
    if not known:
        return []
    running = {e.id for e in await client.get_current_executions()}
    history: dict[str, HistoryExecution] = {}
    if not running.issuperset(known):
        try:
            history = {p.id: p for p in await client.get_execution_history()}
        except Exception:  # the local API has no history
            _LOGGER.debug("No execution history to reconcile with", exc_info=True)
    ended = []
    for execution in tracker.drop_ended(known, running):
        end = ExecutionEnd.from_history(history.get(execution.exec_id))
        execution.state = end.state
        _LOGGER.debug("Execution %s ended unseen", execution.exec_id)
        ended.append((execution, end))
    return ended


class ExecutionTracker:
    """Executions in flight on one gateway, keyed by execution id."""

    def __init__(self, max_age: timedelta, clock: Callable[[], datetime]) -> None:
        """Forget executions older than ``max_age`` by ``clock`` (injectable)."""
        self.max_age = max_age
        self.clock = clock
        self._executions: dict[str, TrackedExecution] = {}
        # The execution that last drove each device: it supersedes earlier ones.
        self._latest: dict[str, str] = {}
        self._early_ends: OrderedDict[str, ExecutionEnd] = OrderedDict()

    def __len__(self) -> int:
        return len(self._executions)

    def __contains__(self, exec_id: object) -> bool:
        return exec_id in self._executions

    def get(self, exec_id: str) -> TrackedExecution | None:
        """Return the tracked execution with this id, if any."""
        return self._executions.get(exec_id)

    def values(self) -> list[TrackedExecution]:
        """Return every tracked execution."""
        return list(self._executions.values())

    def start(
        self,
        exec_id: str,
        actions: list[Action],
        *,
        label: str | None = None,
        entity_id: str | None = None,
    ) -> tuple[TrackedExecution, ExecutionEnd | None]:
        """Track the commands a batch accepted under ``exec_id``.

        Several callers share one execution id when their actions went in the same
        batch: their commands are added to it. Returns the execution and, when its
        end was already seen, that end (the execution is then not kept).
        """
        execution = self._executions.get(exec_id)
        if execution is None:
            execution = TrackedExecution(
                exec_id=exec_id, commands=[], started=self.clock(), label=label
            )
            self._executions[exec_id] = execution
        for action in actions:
            self._latest[action.device_url] = exec_id
        execution.commands.extend(
            TrackedCommand(
                device_url=action.device_url,
                command=str(command.name),
                parameters=list(command.parameters or []),
                entity_id=entity_id,
            )
            for action in actions
            for command in action.commands
        )
        if (end := self._early_ends.get(exec_id)) is not None:
            del self._executions[exec_id]
            execution.state = end.state
            return execution, end
        return execution, None

    def update(self, exec_id: str, end: ExecutionEnd) -> TrackedExecution | None:
        """Apply a state change; returns the execution if it is ours.

        A terminal state removes it. A terminal state for an id we do not know yet is
        remembered briefly, since exec/apply's answer may come after the event.
        """
        execution = self._executions.get(exec_id)
        if execution is None:
            if end.state in TERMINAL_STATES:
                self._early_ends[exec_id] = end
                while len(self._early_ends) > _EARLY_ENDS_KEPT:
                    self._early_ends.popitem(last=False)
            return None
        execution.state = end.state
        if end.state in TERMINAL_STATES:
            del self._executions[exec_id]
        return execution

    def expire(self) -> list[TrackedExecution]:
        """Forget executions older than ``max_age``; returns the ones dropped."""
        now = self.clock()
        expired = [
            execution
            for execution in self._executions.values()
            if now - execution.started >= self.max_age
        ]
        for execution in expired:
            del self._executions[execution.exec_id]
        return expired

    def drop_ended(
        self, known: Iterable[str], running: Collection[str]
    ) -> list[TrackedExecution]:
        """Forget the executions of ``known`` that are not ``running``; return them.

        For when their end events were lost. ``known`` are the ids tracked before
        the gateway was asked which executions run, so that an execution started
        since is not taken for ended.
        """
        return [
            execution
            for exec_id in known
            if exec_id not in running
            and (execution := self._executions.pop(exec_id, None)) is not None
        ]

    def commands_for(self, device_url: str) -> list[TrackedCommand]:
        """Return the commands running on a device: its latest execution's.

        A device runs what it was sent last: a newer execution (a stop, another
        move) interrupts its part of an older one, even while that older one
        still runs for other devices it shares. Once the newer one ends, nothing
        of ours runs there, and the device's own states tell what it does.
        """
        execution = self._executions.get(self._latest.get(device_url, ""))
        if execution is None:
            return []
        return [c for c in execution.commands if c.device_url == device_url]
