"""Batch device commands into as few gateway executions as possible.

A gateway runs about ten executions at a time and rejects more with
EXEC_QUEUE_FULL, so commands issued within a short window are sent as one action
group. The semantics follow pyoverkiz's action queue, plus what a Home Assistant
integration needs: back pressure retry, strict per-device order across batches,
live settings, a clean shutdown and caller cancellation that spares the batch.

Pure asyncio, no Home Assistant import. State changes happen in synchronous
sections (asyncio cannot switch tasks there), so no lock is needed at all, and
the executor only ever runs in the single sender task, in batch order.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import math
import random
import time
from typing import Protocol

from pyoverkiz.exceptions import (
    ExecutionQueueFullError,
    TooManyConcurrentRequestsError,
    TooManyExecutionsError,
)
from pyoverkiz.models import Action

type Executor = Callable[[list[Action], str | None], Awaitable[str]]

# The gateway answers these when it is busy; the batch was not executed, so it is
# safe to send it again. Any other error is final: a retry might run it twice.
BACK_PRESSURE_ERRORS: tuple[type[Exception], ...] = (
    ExecutionQueueFullError,
    TooManyExecutionsError,
    TooManyConcurrentRequestsError,
)
# Backoff before retry n (from 0): min(RETRY_MAX, RETRY_INITIAL * 2**n), of which
# the upper half is random (jitter) so that several queues do not retry in step.
RETRY_INITIAL = 0.5
RETRY_MAX = 8.0


class Cancellable(Protocol):
    """A scheduled call, such as the asyncio.TimerHandle of loop.call_later."""

    def cancel(self) -> object:
        """Drop the call."""


class ActionQueueClosedError(RuntimeError):
    """The queue was shut down (or stopped) before the actions could be sent."""


@dataclass(frozen=True, slots=True)
class ActionQueueSettings:
    """How the queue batches and retries.

    delay: seconds to collect commands before sending; 0 sends on the next
    event-loop turn, which still batches what one scene issues at once.
    max_actions: a batch is sent at once when it holds this many devices.
    retry_deadline: seconds during which a batch the gateway refused as busy is
    retried; its callers get the error after that.
    """

    delay: float = 0.5
    max_actions: int = 20
    retry_deadline: float = 30.0

    def __post_init__(self) -> None:
        """Refuse values that would stall or break the queue."""
        _check_seconds("delay", self.delay)
        _check_seconds("retry_deadline", self.retry_deadline)
        if (
            not isinstance(self.max_actions, int)
            or isinstance(self.max_actions, bool)
            or self.max_actions < 1
        ):
            raise ValueError(
                f"max_actions must be an integer >= 1, got {self.max_actions!r}"
            )


def _check_seconds(name: str, value: object) -> None:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


@dataclass(slots=True)
class ActionQueueStats:
    """Counters for diagnostics."""

    adds: int = 0  # add() calls accepted
    batches: int = 0  # batches the gateway accepted
    actions: int = 0  # actions (one per device) in accepted batches
    retries: int = 0  # sends repeated after back pressure
    failures: int = 0  # batches whose callers got an error
    largest_batch: int = 0  # most actions in one accepted batch


@dataclass(slots=True, eq=False)
class _Batch:
    """One future action group: one action per device, commands in order."""

    label: str | None
    settings: ActionQueueSettings
    actions: list[Action] = field(default_factory=list)
    by_device: dict[str, Action] = field(default_factory=dict)
    waiters: list[asyncio.Future[str]] = field(default_factory=list)

    def resolve(self, exec_id: str) -> None:
        """Give every caller still waiting the execution id."""
        for waiter in self.waiters:
            if not waiter.done():  # done: its caller was cancelled
                waiter.set_result(exec_id)

    def reject(self, error: BaseException) -> None:
        """Give every caller still waiting the error."""
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_exception(error)
                waiter.exception()  # retrieved: its caller raises it anyway


class ActionQueue:
    """Turn concurrent add() calls into few, ordered executor calls.

    A batch is closed when its delay expires, when it holds max_actions devices,
    when a call with another label arrives, and on flush() or shutdown(). Closed
    batches are sent one after the other by one sender task, so a command never
    overtakes an earlier one for the same device, even while that one is retried.
    A caller cancelling its add() only stops waiting: its commands are already
    merged into the batch and are still sent for the other callers.
    """

    def __init__(
        self,
        executor: Executor,
        settings: ActionQueueSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        call_later: Callable[[float, Callable[[], None]], Cancellable] | None = None,
        rand: Callable[[], float] = random.random,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """Set up the queue; clock, sleep, call_later and rand let tests control time.

        call_later (default: the running loop's) ends a delay window; sleep waits
        between retries; rand draws the backoff jitter. on_change is called when
        the pending actions count changed, whether or not a caller still waits.
        """
        self._executor = executor
        self._settings = self._checked(settings or ActionQueueSettings())
        self._clock = clock
        self._sleep = sleep
        self._call_later = call_later
        self._rand = rand
        self._on_change = on_change
        self._pending: _Batch | None = None  # the batch still collecting
        self._ready: deque[_Batch] = deque()  # closed, oldest first; [0] is sending
        self._timer: Cancellable | None = None  # ends the pending batch's window
        self._sender: asyncio.Task[None] | None = None
        self._closed = False
        self.stats = ActionQueueStats()

    @property
    def settings(self) -> ActionQueueSettings:
        """The settings new batches are opened with."""
        return self._settings

    def update_settings(self, settings: ActionQueueSettings) -> None:
        """Use new settings from the next batch on; queued batches keep theirs."""
        self._settings = self._checked(settings)

    @staticmethod
    def _checked(settings: object) -> ActionQueueSettings:
        if not isinstance(settings, ActionQueueSettings):
            raise TypeError(f"expected ActionQueueSettings, got {settings!r}")
        return settings

    def get_pending_actions_count(self) -> int:
        """Actions added but not yet accepted by the gateway (a snapshot)."""
        count = sum(len(batch.actions) for batch in self._ready)
        if self._pending is not None:
            count += len(self._pending.actions)
        return count

    async def add(self, actions: list[Action], label: str | None = None) -> str:
        """Queue actions and return the execution id of the batch they joined.

        Raises the batch's error if the gateway did not accept it, and
        ActionQueueClosedError after shutdown(). The caller's objects are not
        changed.
        """
        return await self._enqueue(actions, label)

    def _enqueue(self, actions: list[Action], label: str | None) -> asyncio.Future[str]:
        if self._closed:
            raise ActionQueueClosedError("the action queue is shut down")
        if not actions:
            raise ValueError("actions must contain at least one Action")
        batch = self._pending
        if batch is not None and batch.label != label:
            self._close(batch)
            batch = None
        if batch is None:
            batch = self._open(label)
        by_device = batch.by_device
        for action in actions:
            merged = by_device.get(action.device_url)
            if merged is None:
                merged = Action(
                    device_url=action.device_url, commands=list(action.commands)
                )
                batch.actions.append(merged)
                by_device[action.device_url] = merged
            else:
                merged.commands.extend(action.commands)
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        batch.waiters.append(waiter)
        self.stats.adds += 1
        if len(batch.actions) >= batch.settings.max_actions:
            self._close(batch)
        self._changed()
        return waiter

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def _open(self, label: str | None) -> _Batch:
        batch = self._pending = _Batch(label, self._settings)
        delay = batch.settings.delay
        if delay == 0:  # the next loop turn: what one turn issued goes together
            self._timer = asyncio.get_running_loop().call_soon(self._window_end)
        elif self._call_later is None:
            self._timer = asyncio.get_running_loop().call_later(delay, self._window_end)
        else:
            self._timer = self._call_later(delay, self._window_end)
        return batch

    def _window_end(self) -> None:
        if self._pending is not None:
            self._close(self._pending)

    def _close(self, batch: _Batch) -> None:
        """Stop a batch collecting and hand it to the sender."""
        self._pending = None
        batch.by_device = {}  # only needed while collecting
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._ready.append(batch)
        if self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(
                self._send_all(), name="overkiz_batch action queue sender"
            )

    async def _send_all(self) -> None:
        """Send closed batches in order until none is left."""
        try:
            while self._ready:
                await self._send(self._ready[0])
                self._ready.popleft()
                self._changed()
        except asyncio.CancelledError:
            error = ActionQueueClosedError("the action queue was stopped")
            for batch in self._ready:
                batch.reject(error)
            self._ready.clear()
            self._changed()
            raise
        finally:
            self._sender = None

    async def _send(self, batch: _Batch) -> None:
        deadline = self._clock() + batch.settings.retry_deadline
        attempt = 0
        while True:
            try:
                exec_id = await self._executor(batch.actions, batch.label)
            except BACK_PRESSURE_ERRORS as err:
                remaining = deadline - self._clock()
                if remaining <= 0:
                    self._fail(batch, err)
                    return
                self.stats.retries += 1
                await self._sleep(min(self._backoff(attempt), remaining))
                attempt += 1
            except Exception as err:  # every error reaches the callers
                self._fail(batch, err)
                return
            else:
                stats = self.stats
                stats.batches += 1
                stats.actions += len(batch.actions)
                stats.largest_batch = max(stats.largest_batch, len(batch.actions))
                batch.resolve(exec_id)
                return

    def _fail(self, batch: _Batch, error: Exception) -> None:
        self.stats.failures += 1
        batch.reject(error)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(RETRY_MAX, RETRY_INITIAL * 2.0**attempt)
        return ceiling / 2 * (1 + self._rand())

    async def flush(self) -> None:
        """Send what is queued now and wait until the gateway took it.

        Errors of the batches go to their callers, not to flush().
        """
        if self._pending is not None:
            self._close(self._pending)
        if not self._ready:
            return
        done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._ready[-1].waiters.append(done)  # batches complete in order
        await asyncio.wait([done])

    async def shutdown(self) -> None:
        """Send what is queued, wait for it and refuse later add() calls."""
        self._closed = True
        if self._pending is not None:
            self._close(self._pending)
        if self._sender is not None:
            await asyncio.wait([self._sender])
