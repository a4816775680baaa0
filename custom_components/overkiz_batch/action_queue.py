"""Batch device commands into as few gateway executions as possible.

A gateway runs about ten executions at a time and rejects more with
EXEC_QUEUE_FULL, so commands issued within a short window are sent as one action
group. The semantics follow pyoverkiz's action queue, plus what a Home Assistant
integration needs: back pressure retry, strict per-device order across batches,
live settings, a clean shutdown and caller cancellation that spares the batch.

- Merging: one action per device, the commands of one add() call in order. A
  later call for a device already in the collecting batch closes that batch and
  starts the next one: the two go as separate executions, in order, so the later
  command supersedes the earlier one (a gateway interrupts what a device does
  when a new execution drives it) instead of running after it (close then open
  would otherwise travel fully down, then up).
- ``add(actions, alone=True)`` (stop-like commands) closes the collecting batch
  and goes as its own execution right after what is already queued: nothing is
  merged into it, nothing is merged ahead of it.
- ``run_alone(send)`` runs any other request that starts an execution, such as
  a scenario's ``exec/{oid}``, in queue order, alone, with the same back-pressure
  retry: ``await queue.run_alone(lambda: client.execute_scenario(oid))``.
- Batches go one after the other by one sender. Only when the answer to a
  request is late (``LATE_ANSWER``) may later batches go without waiting for it:
  an ``alone`` batch always (a stop never waits behind an unanswered execution),
  others when they share no device with it. A late batch a later one overtook on
  a shared device is never sent again (its callers get the error): resending it
  would undo the stop.
- A group the gateway refuses as invalid did not run: its callers are split in
  two halves sent again in order, down to the one caller whose command is bad,
  who alone gets the refusal. No other error is ever resent, except back pressure.
- Adaptive sending (``ActionQueueSettings.adaptive``): see its docstring.

Pure asyncio, no Home Assistant import. State changes happen in synchronous
sections (asyncio cannot switch tasks there), so no lock is needed at all.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
import math
import random
import time
from typing import Protocol

from pyoverkiz.models import Action

from .queue_batch import BACK_PRESSURE_ERRORS, Batch, Part, Send, refused_as_invalid
from .queue_settings import ActionQueueSettings, ActionQueueStats

__all__ = [
    "BACK_PRESSURE_ERRORS",
    "LATE_ANSWER",
    "RETRY_INITIAL",
    "RETRY_MAX",
    "ActionQueue",
    "ActionQueueClosedError",
    "ActionQueueSettings",
    "ActionQueueStats",
    "refused_as_invalid",
]

type Executor = Callable[[list[Action], str | None], Awaitable[str]]

# Backoff before retry n (from 0): min(RETRY_MAX, RETRY_INITIAL * 2**n), of which
# the upper half is random (jitter) so that several queues do not retry in step.
RETRY_INITIAL = 0.5
RETRY_MAX = 8.0
# Seconds after which an unanswered request no longer holds back a stop (an
# exec/apply normally answers within a few hundred milliseconds).
LATE_ANSWER = 1.0


class Cancellable(Protocol):
    """A scheduled call, such as the asyncio.TimerHandle of loop.call_later."""

    def cancel(self) -> object:
        """Drop the call."""


class ActionQueueClosedError(RuntimeError):
    """The queue was shut down (or stopped) before the actions could be sent."""


class ActionQueue:
    """Turn concurrent add() calls into few, ordered executor calls.

    A batch is closed when its window ends, when it holds max_actions devices,
    when a call with another label or for a device it already drives arrives, on
    an ``alone`` call, and on flush() or shutdown(). A caller cancelling its add()
    only stops waiting: its commands are still sent for the other callers.
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
        running: Callable[[], int] | None = None,
    ) -> None:
        """Set up the queue; clock, sleep, call_later and rand let tests control time.

        call_later (default: the running loop's) ends a window; sleep waits
        between retries; rand draws the backoff jitter. on_change is called when
        the pending actions count changed, whether or not a caller still waits.
        running counts our executions the gateway still runs (adaptive sending).
        """
        self._executor = executor
        self._settings = self._checked(settings or ActionQueueSettings())
        self._clock = clock
        self._sleep = sleep
        self._call_later = call_later
        self._rand = rand
        self._on_change = on_change
        self._running = running
        self._pending: Batch | None = None  # the batch still collecting
        self._pending_end = 0.0  # adaptive: when the pending batch must close
        self._ready: deque[Batch] = deque()  # closed, not sent yet, oldest first
        self._sending: list[Batch] = []  # sent, not answered yet (or retried)
        self._tasks: set[asyncio.Task[None]] = set()  # one per batch in _sending
        self._timer: Cancellable | None = None  # ends the pending batch's window
        self._sender: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()  # the sender may have something to do
        self._flushes: list[tuple[int, asyncio.Future[None]]] = []
        self._seq = 0
        self._futile = False  # adaptive: the last full wait caught nobody else
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
        count = sum(len(b.actions) for b in (*self._ready, *self._sending))
        if self._pending is not None:
            count += len(self._pending.actions)
        return count

    async def add(
        self, actions: list[Action], label: str | None = None, *, alone: bool = False
    ) -> str:
        """Queue actions and return the execution id of the batch they joined.

        alone: close the collecting batch and send these actions as their own
        execution right after what is already queued (stop-like commands).
        Raises the batch's error if the gateway did not accept it, and
        ActionQueueClosedError after shutdown(). The caller's objects are not
        changed.
        """
        return await self._enqueue(actions, label, alone)

    async def run_alone(self, send: Send, label: str | None = None) -> str:
        """Run ``send`` in queue order as its own execution; return its result.

        For requests that start an execution other than an action group, such as
        a scenario (``lambda: client.execute_scenario(oid)``). It goes after what
        is already queued; back pressure is retried as for batches, any other
        error reaches the caller. Its devices are unknown, so it is taken to
        touch every device.
        """
        waiter = self._waiter()
        batch = self._new_batch(label, alone=True, send=send)
        batch.parts.append(Part([], waiter))
        self._queue_alone(batch)
        return await waiter

    def _waiter(self) -> asyncio.Future[str]:
        if self._closed:
            raise ActionQueueClosedError("the action queue is shut down")
        return asyncio.get_running_loop().create_future()

    def _enqueue(
        self, actions: list[Action], label: str | None, alone: bool
    ) -> asyncio.Future[str]:
        waiter = self._waiter()
        if not actions:
            raise ValueError("actions must contain at least one Action")
        part = Part(list(actions), waiter)
        if alone:
            batch = self._new_batch(label, alone=True)
            batch.merge(part)
            self._queue_alone(batch)
            return waiter
        batch = self._pending
        if batch is not None and (batch.label != label or batch.has_device(actions)):
            self._close(batch)
            batch = None
        if batch is None:
            batch = self._open(label)
        else:
            self._extend(batch)
        batch.merge(part)
        self.stats.adds += 1
        if len(batch.actions) >= batch.settings.max_actions:
            self._close(batch)
        self._changed()
        return waiter

    def _queue_alone(self, batch: Batch) -> None:
        if self._pending is not None:
            self._close(self._pending)
        self.stats.adds += 1
        self._ready.append(batch)
        self._start_sender()
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def _new_batch(
        self, label: str | None, *, alone: bool = False, send: Send | None = None
    ) -> Batch:
        self._seq += 1
        return Batch(self._seq, label, self._settings, alone=alone, send=send)

    # Windows.

    def _open(self, label: str | None) -> Batch:
        batch = self._pending = self._new_batch(label)
        settings = batch.settings
        wait = settings.delay
        if settings.adaptive:
            self._pending_end = self._clock() + settings.delay
            if self._busy() < settings.busy_executions:
                self._futile = False
                wait = min(settings.quiet_gap, settings.delay)
            elif self._futile:  # commands come one at a time: waiting gains nothing
                wait = min(settings.quiet_gap, settings.delay)
            else:
                batch.held = True
        self._arm(wait)
        return batch

    def _extend(self, batch: Batch) -> None:
        """Adaptive: a batch not held closes after a quiet gap, at most at its end."""
        settings = batch.settings
        if settings.adaptive and not batch.held:
            remaining = self._pending_end - self._clock()
            self._cancel_timer()
            self._arm(max(0.0, min(settings.quiet_gap, remaining)))

    def _busy(self) -> int:
        """Our executions running, being sent or about to be."""
        running = self._running() if self._running is not None else 0
        return running + len(self._sending) + len(self._ready)

    def _arm(self, wait: float) -> None:
        loop = asyncio.get_running_loop()
        if wait == 0:  # the next loop turn: what one turn issued goes together
            self._timer = loop.call_soon(self._window_end)
        else:
            self._timer = self._later(wait, self._window_end)

    def _later(self, wait: float, callback: Callable[[], None]) -> Cancellable:
        if self._call_later is None:
            return asyncio.get_running_loop().call_later(wait, callback)
        return self._call_later(wait, callback)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _window_end(self) -> None:
        self._timer = None
        if self._pending is not None:
            self._close(self._pending)

    def _close(self, batch: Batch) -> None:
        """Stop a batch collecting and hand it to the sender."""
        self._pending = None
        self._cancel_timer()
        if batch.held:
            self._futile = len(batch.parts) == 1
        elif len(batch.parts) > 1:
            self._futile = False
        self._ready.append(batch)
        self._start_sender()

    # Sending.

    def _start_sender(self) -> None:
        if self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(
                self._send_all(), name="overkiz_batch action queue sender"
            )
        else:
            self._wake.set()

    async def _send_all(self) -> None:
        """Start closed batches in order until none is left and none is sending."""
        try:
            while self._ready or self._sending:
                if self._ready and self._may_start(self._ready[0]):
                    self._start(self._ready.popleft())
                    continue
                await self._wait_for_change()
        except asyncio.CancelledError:
            error = ActionQueueClosedError("the action queue was stopped")
            for batch in (*self._sending, *self._ready):
                batch.reject(error)
            self._ready.clear()
            for task in self._tasks:
                task.cancel()
            self._changed()
            self._flushed()
            raise
        finally:
            self._sender = None

    async def _wait_for_change(self) -> None:
        """Sleep until a batch is added, answered, or an answer becomes late."""
        self._wake.clear()
        timer: Cancellable | None = None
        asked = [b.asked_at for b in self._sending]
        if self._ready and asked and None not in asked:
            late_at = max(a for a in asked if a is not None) + LATE_ANSWER
            if (wait := late_at - self._clock()) > 0:  # else lateness is no help
                timer = self._later(wait, self._wake.set)
        try:
            await self._wake.wait()
        finally:
            if timer is not None:
                timer.cancel()

    def _may_start(self, batch: Batch) -> bool:
        """Tell whether a batch may go now: nothing is sending, or it is all late."""
        if not self._sending:
            return True
        now = self._clock()
        for sending in self._sending:
            if sending.asked_at is None or now - sending.asked_at < LATE_ANSWER:
                return False
        return batch.alone or not any(batch.shares_device(s) for s in self._sending)

    def _start(self, batch: Batch) -> None:
        if self._sending:
            self.stats.overtakes += 1
            for sending in self._sending:
                if batch.shares_device(sending):
                    sending.overtaken = True
        self._sending.append(batch)
        task = asyncio.get_running_loop().create_task(self._send_one(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_one(self, batch: Batch) -> None:
        try:
            await self._send(batch)
        finally:
            self._sending.remove(batch)
            self._wake.set()
            self._changed()
            self._flushed()

    async def _send(self, batch: Batch) -> None:
        deadline = self._clock() + batch.settings.retry_deadline
        attempt = 0
        while True:
            batch.asked_at = self._clock()
            self._wake.set()  # the sender may now wait for this answer to be late
            try:
                if batch.send is not None:
                    exec_id = await batch.send()
                else:
                    exec_id = await self._executor(batch.actions, batch.label)
            except BACK_PRESSURE_ERRORS as err:
                batch.asked_at = None
                remaining = deadline - self._clock()
                if remaining <= 0 or batch.overtaken:
                    self._fail(batch, err)
                    return
                self.stats.retries += 1
                await self._sleep(min(self._backoff(attempt), remaining))
                attempt += 1
            except Exception as err:  # every error reaches the callers
                batch.asked_at = None
                if (
                    len(batch.parts) > 1
                    and not batch.overtaken
                    and refused_as_invalid(err)
                ):
                    self.stats.splits += 1
                    self._ready.extendleft(reversed(batch.halves()))
                    return
                self._fail(batch, err)
                return
            else:
                stats = self.stats
                stats.batches += 1
                stats.actions += len(batch.actions)
                stats.largest_batch = max(stats.largest_batch, len(batch.actions))
                batch.resolve(exec_id)
                return

    def _fail(self, batch: Batch, error: Exception) -> None:
        self.stats.failures += 1
        batch.reject(error)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(RETRY_MAX, RETRY_INITIAL * 2.0**attempt)
        return ceiling / 2 * (1 + self._rand())

    def _flushed(self) -> None:
        """Wake the flush() calls whose batches are all done."""
        if not self._flushes:
            return
        oldest = min((b.seq for b in (*self._ready, *self._sending)), default=math.inf)
        for entry in list(self._flushes):
            target, done = entry
            if oldest > target:
                self._flushes.remove(entry)
                if not done.done():
                    done.set_result(None)

    async def flush(self) -> None:
        """Send what is queued now and wait until the gateway answered it all.

        Errors of the batches go to their callers, not to flush().
        """
        if self._pending is not None:
            self._close(self._pending)
        queued = (*self._ready, *self._sending)
        if not queued:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (max(b.seq for b in queued), done)
        self._flushes.append(entry)
        try:
            await asyncio.wait([done])
        finally:
            if entry in self._flushes:
                self._flushes.remove(entry)

    async def shutdown(self) -> None:
        """Send what is queued, wait for it and refuse later add() calls."""
        self._closed = True
        if self._pending is not None:
            self._close(self._pending)
        if self._sender is not None:
            await asyncio.wait([self._sender])
