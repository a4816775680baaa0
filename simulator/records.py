"""What a gateway keeps: statistics, its clock, listeners and executions.

Time: every delay is in simulated seconds, run at ``speed`` times loop time; the clock
turns "fast" while settling, so every pending wait returns at once.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .devices import SimDevice

TERMINAL = ("COMPLETED", "FAILED")
FAILURE_CODES = {
    "CMDCANCELLED": 106,
    "NON_EXECUTING": 11,
    "ERROR_WHILE_EXECUTING": 12,
    "ACTUATORNOANSWER": 102,
}


@dataclass
class Stats:
    """What the gateway saw: calls, executions, and the commands each device ran.

    ``device_commands`` lists, per device, every command in the order the device
    started it; a command interrupted by a newer one counts (the device got it), one
    cancelled before it started does not.
    """

    calls: Counter[str] = field(default_factory=Counter)
    executions_accepted: int = 0
    executions_rejected: int = 0
    device_commands: dict[str, list[tuple[str, list[Any]]]] = field(
        default_factory=dict
    )

    def reset(self) -> None:
        """Forget everything counted so far."""
        self.calls.clear()
        self.executions_accepted = 0
        self.executions_rejected = 0
        self.device_commands.clear()


class Clock:
    """Simulated time: ``speed`` times loop time, or instant while settling."""

    def __init__(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self.speed = speed
        self.fast = False
        self._fast_event = asyncio.Event()

    def elapsed(self, since: float) -> float:
        """Return the simulated seconds since loop time ``since``."""
        return (asyncio.get_running_loop().time() - since) * self.speed

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of simulated time, or not at all once settling."""
        if self.fast or seconds <= 0:
            await asyncio.sleep(0)
            return
        try:
            async with asyncio.timeout(seconds / self.speed):
                await self._fast_event.wait()
        except TimeoutError:
            pass

    def set_fast(self, fast: bool) -> None:
        """Enter or leave settling."""
        self.fast = fast
        if fast:
            self._fast_event.set()
        else:
            self._fast_event.clear()


@dataclass
class Listener:
    """An event listener: a buffer and the time of its last fetch."""

    id: str
    owner: str
    last_fetch: float
    fetched_at: float | None = None
    events: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=10000))


@dataclass
class ActionRun:
    """One action of an execution, running on one device."""

    device: SimDevice
    commands: list[tuple[str, list[Any]]]
    task: asyncio.Task[None] | None = None
    cancel_reason: str | None = None
    rank: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Execution:
    """An accepted action group and where it stands."""

    id: str
    label: str
    owner: str
    body: dict[str, Any]
    gateways: set[str]
    start_ms: int
    state: str = "INITIALIZED"
    actions: list[ActionRun] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    cancel_reason: str | None = None
    sub_type: str = "MANUAL_CONTROL"  # ACTION_GROUP: a stored scenario (exec/{oid})
    metadata: str | None = None

    @property
    def failed_commands(self) -> list[dict[str, Any]]:
        """Commands that failed, in the shape of ExecutionStateChangedEvent."""
        return [item for action in self.actions for item in action.failed]


def _failure(action: ActionRun, rank: int, reason: str) -> dict[str, Any]:
    """One failed command, in the shape of ExecutionStateChangedEvent."""
    return {
        "deviceURL": action.device.url,
        "command": action.commands[rank][0],
        "rank": rank,
        "failureType": reason,
    }
