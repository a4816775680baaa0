"""One batch of the action queue: its callers, its actions, what its errors mean."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyoverkiz.exceptions import (
    DuplicateActionOnDeviceError,
    ExecutionQueueFullError,
    InvalidCommandError,
    NoSuchDeviceError,
    OverkizError,
    TooManyConcurrentRequestsError,
    TooManyExecutionsError,
    UnsupportedOperationError,
)
from pyoverkiz.models import Action

if TYPE_CHECKING:
    import asyncio

    from .queue_settings import ActionQueueSettings

type Send = Callable[[], Awaitable[str]]

# The gateway answers these when it is busy; the batch was not executed, so it is
# safe to send it again. Any other error is final: a retry might run it twice.
BACK_PRESSURE_ERRORS: tuple[type[Exception], ...] = (
    ExecutionQueueFullError,
    TooManyExecutionsError,
    TooManyConcurrentRequestsError,
)


class NotTakenError(Exception):
    """The gateway certainly did not take a batch: its request was lost on the way.

    An executor raises it rather than sending the batch again itself, so that the
    queue, which knows whether a stop overtook the batch meanwhile, decides.
    """


# The gateway checks a whole action group before it runs any of it; these answers
# say the group is invalid (a device it does not know, a command a device lacks,
# bad parameters), so nothing of it ran and its callers' parts can be sent apart.
_INVALID_GROUP_ERRORS: tuple[type[Exception], ...] = (
    NoSuchDeviceError,
    InvalidCommandError,
    UnsupportedOperationError,
    DuplicateActionOnDeviceError,
)
# Error codes pyoverkiz has no class for: it raises OverkizError with the body.
_INVALID_GROUP_CODES = frozenset({"INVALID_PARAMETER", "MISSING_PARAMETERS"})


def refused_as_invalid(err: BaseException) -> bool:
    """Tell whether the gateway refused a group as invalid (so it did not run)."""
    if isinstance(err, _INVALID_GROUP_ERRORS):
        return True
    if type(err) is OverkizError and err.args:
        body = err.args[0]
        return isinstance(body, dict) and body.get("errorCode") in _INVALID_GROUP_CODES
    return False


@dataclass(slots=True)
class Part:
    """What one caller added: its actions (copies) and the future it waits on."""

    actions: list[Action]
    waiter: asyncio.Future[str]


@dataclass(slots=True, eq=False)
class Batch:
    """One future execution: one action per device, commands in order.

    ``devices`` is None for an arbitrary send (a scenario): its devices are
    unknown, so it is taken to touch every device.
    """

    seq: int  # creation order; split halves keep their parent's
    label: str | None
    settings: ActionQueueSettings
    alone: bool = False
    send: Send | None = None
    actions: list[Action] = field(default_factory=list)
    by_device: dict[str, Action] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    held: bool = False  # collected for the full delay because we were busy
    asked_at: float | None = None  # the request awaiting its answer went out then
    overtaken: bool = False  # a later batch for one of its devices went first

    @property
    def devices(self) -> frozenset[str] | None:
        """The devices the batch drives (None: unknown)."""
        return None if self.send is not None else frozenset(self.by_device)

    def has_device(self, actions: list[Action]) -> bool:
        """Tell whether any of these actions drives a device already in the batch."""
        return any(action.device_url in self.by_device for action in actions)

    def merge(self, part: Part) -> None:
        """Add a caller's actions: one action per device, commands in order."""
        by_device = self.by_device
        for action in part.actions:
            merged = by_device.get(action.device_url)
            if merged is None:
                merged = Action(
                    device_url=action.device_url, commands=list(action.commands)
                )
                self.actions.append(merged)
                by_device[action.device_url] = merged
            else:
                merged.commands.extend(action.commands)
        self.parts.append(part)

    def shares_device(self, other: Batch) -> bool:
        """Tell whether two batches may drive the same device."""
        mine, theirs = self.devices, other.devices
        return mine is None or theirs is None or not mine.isdisjoint(theirs)

    def halves(self) -> tuple[Batch, Batch]:
        """Split the callers in two batches, in order (at least two callers)."""
        middle = len(self.parts) // 2
        split: list[Batch] = []
        for parts in (self.parts[:middle], self.parts[middle:]):
            half = Batch(self.seq, self.label, self.settings, alone=self.alone)
            for part in parts:
                half.merge(part)
            split.append(half)
        return split[0], split[1]

    def resolve(self, exec_id: str) -> None:
        """Give every caller still waiting the execution id."""
        for part in self.parts:
            if not part.waiter.done():  # done: its caller was cancelled
                part.waiter.set_result(exec_id)

    def reject(self, error: BaseException) -> None:
        """Give every caller still waiting the error."""
        for part in self.parts:
            waiter = part.waiter
            if not waiter.done():
                waiter.set_exception(error)
                waiter.exception()  # retrieved: its caller raises it anyway
