"""The action queue's sending side: closed batches to the gateway, in order.

One task starts the batches one after the other, each once the one before was
answered. Only when an answer is late (``LATE_ANSWER``) may later batches go
without waiting: an ``alone`` batch always (a stop never waits behind an
unanswered execution), others when they share no device with what is in flight.
A late batch overtaken on a shared device is never sent again (its callers get
the error): resending it would undo the stop. A batch whose request never
reached the gateway (NotTakenError) is sent again at once unless so overtaken.
Back pressure is retried with
backoff until the batch's deadline; a group the gateway refused as invalid did
not run, so its callers are split in two halves, sent again in order, down to
the caller whose command is bad. No other error is ever resent.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
import math
from typing import TYPE_CHECKING, Protocol

from .queue_batch import BACK_PRESSURE_ERRORS, Batch, NotTakenError, refused_as_invalid

if TYPE_CHECKING:
    from pyoverkiz.models import Action

    from .queue_settings import ActionQueueStats

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


class BatchSender:
    """Send closed batches in order; every caller gets an exec id or an error."""

    def __init__(
        self,
        executor: Executor,
        stats: ActionQueueStats,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[object]],
        later: Callable[[float, Callable[[], None]], Cancellable],
        rand: Callable[[], float],
        on_change: Callable[[], None],
    ) -> None:
        """Send with ``executor``; the callables are the queue's (time for tests)."""
        self._executor = executor
        self._stats = stats
        self._clock = clock
        self._sleep = sleep
        self._later = later
        self._rand = rand
        self._on_change = on_change
        self.ready: deque[Batch] = deque()  # closed, not sent yet, oldest first
        self.sending: list[Batch] = []  # sent, not answered yet (or retried)
        self._tasks: set[asyncio.Task[None]] = set()  # one per batch in sending
        self.task: asyncio.Task[None] | None = None  # starts the batches
        self._wake = asyncio.Event()  # the task may have something to do
        self._flushes: list[tuple[int, asyncio.Future[None]]] = []

    def __len__(self) -> int:
        """Batches closed and not answered yet."""
        return len(self.ready) + len(self.sending)

    def pending_actions(self) -> int:
        """Actions closed and not accepted yet."""
        return sum(len(b.actions) for b in (*self.ready, *self.sending))

    def push(self, batch: Batch) -> None:
        """Send a closed batch after the ones before it."""
        self.ready.append(batch)
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(
                self._send_all(), name="overkiz_batch action queue sender"
            )
        else:
            self._wake.set()

    async def flush(self) -> None:
        """Wait until every batch closed so far was answered."""
        queued = (*self.ready, *self.sending)
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

    async def wait_idle(self) -> None:
        """Wait until nothing is left to send."""
        if self.task is not None:
            await asyncio.wait([self.task])

    async def _send_all(self) -> None:
        """Start closed batches in order until none is left and none is sending."""
        try:
            while self.ready or self.sending:
                if self.ready and self._may_start(self.ready[0]):
                    self._start(self.ready.popleft())
                    continue
                await self._wait_for_change()
        except asyncio.CancelledError:
            error = ActionQueueClosedError("the action queue was stopped")
            for batch in (*self.sending, *self.ready):
                batch.reject(error)
            self.ready.clear()
            for task in self._tasks:
                task.cancel()
            self._on_change()
            self._flushed()
            raise
        finally:
            self.task = None

    async def _wait_for_change(self) -> None:
        """Sleep until a batch is added, answered, or an answer becomes late."""
        self._wake.clear()
        timer: Cancellable | None = None
        asked = [b.asked_at for b in self.sending]
        if self.ready and asked and None not in asked:
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
        if not self.sending:
            return True
        now = self._clock()
        for sending in self.sending:
            if sending.asked_at is None or now - sending.asked_at < LATE_ANSWER:
                return False
        return batch.alone or not any(batch.shares_device(s) for s in self.sending)

    def _start(self, batch: Batch) -> None:
        if self.sending:
            self._stats.overtakes += 1
            for sending in self.sending:
                if batch.shares_device(sending):
                    sending.overtaken = True
        self.sending.append(batch)
        task = asyncio.get_running_loop().create_task(self._send_one(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_one(self, batch: Batch) -> None:
        try:
            await self._send(batch)
        finally:
            self.sending.remove(batch)
            self._wake.set()
            self._on_change()
            self._flushed()

    async def _send(self, batch: Batch) -> None:
        deadline = self._clock() + batch.settings.retry_deadline
        attempt = 0
        while True:
            batch.asked_at = self._clock()
            self._wake.set()  # the task may now wait for this answer to be late
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
                self._stats.retries += 1
                await self._sleep(min(self._backoff(attempt), remaining))
                attempt += 1
            except NotTakenError as err:
                batch.asked_at = None
                if batch.overtaken or self._clock() >= deadline:
                    cause = err.__cause__
                    self._fail(batch, cause if isinstance(cause, Exception) else err)
                    return
                self._stats.retries += 1
            except Exception as err:  # every error reaches the callers
                batch.asked_at = None
                if (
                    len(batch.parts) > 1
                    and not batch.overtaken
                    and refused_as_invalid(err)
                ):
                    self._stats.splits += 1
                    self.ready.extendleft(reversed(batch.halves()))
                    return
                self._fail(batch, err)
                return
            else:
                stats = self._stats
                stats.batches += 1
                stats.actions += len(batch.actions)
                stats.largest_batch = max(stats.largest_batch, len(batch.actions))
                batch.resolve(exec_id)
                return

    def _fail(self, batch: Batch, error: Exception) -> None:
        self._stats.failures += 1
        batch.reject(error)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(RETRY_MAX, RETRY_INITIAL * 2.0**attempt)
        return ceiling / 2 * (1 + self._rand())

    def _flushed(self) -> None:
        """Wake the flush() calls whose batches are all answered."""
        if not self._flushes:
            return
        oldest = min((b.seq for b in (*self.ready, *self.sending)), default=math.inf)
        for entry in list(self._flushes):
            target, done = entry
            if oldest > target:
                self._flushes.remove(entry)
                if not done.done():
                    done.set_result(None)
