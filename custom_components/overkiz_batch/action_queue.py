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
- Sending (queue_sender.py): in order, one batch after the other; a stop does
  not wait behind a late answer; back pressure is retried; a group the gateway
  refused as invalid is split by caller and sent again; nothing else is resent.
- Adaptive sending (``ActionQueueSettings.adaptive``; off by default, the
  integration turns it on): while fewer than ``busy_executions`` of our
  executions run or are being sent, a batch goes once no command came for
  ``quiet_gap`` (a scene's commands, issued over a few loop turns, still go
  together); while more run, it collects for up to ``delay``. When such a wait
  caught only its own command (one call after another, as an automation makes
  them), the next ones go after the quiet gap, until a batch catches several
  callers again or we are idle.

Pure asyncio, no Home Assistant import. State changes happen in synchronous
sections (asyncio cannot switch tasks there), so no lock is needed at all.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import TYPE_CHECKING

from .queue_batch import (
    BACK_PRESSURE_ERRORS,
    Batch,
    NotTakenError,
    Part,
    Send,
    refused_as_invalid,
)
from .queue_sender import (
    LATE_ANSWER,
    ActionQueueClosedError,
    BatchSender,
    Cancellable,
    Executor,
)
from .queue_settings import ActionQueueSettings, ActionQueueStats

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from pyoverkiz.models import Action

__all__ = [
    "BACK_PRESSURE_ERRORS",
    "LATE_ANSWER",
    "ActionQueue",
    "ActionQueueClosedError",
    "ActionQueueSettings",
    "ActionQueueStats",
    "Executor",
    "NotTakenError",
    "refused_as_invalid",
]


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
        self._settings = self._checked(settings or ActionQueueSettings())
        self._clock = clock
        self._call_later = call_later
        self._on_change = on_change
        self._running = running
        self._pending: Batch | None = None  # the batch still collecting
        self._pending_end = 0.0  # adaptive: when the pending batch must close
        self._timer: Cancellable | None = None  # ends the pending batch's window
        self._seq = 0
        self._futile = False  # adaptive: the last full wait caught nobody else
        self._closed = False
        self.stats = ActionQueueStats()
        self._sender = BatchSender(
            executor,
            self.stats,
            clock=clock,
            sleep=sleep,
            later=self._later,
            rand=rand,
            on_change=self._changed,
        )

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
        count = self._sender.pending_actions()
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
        if not actions:
            raise ValueError("actions must contain at least one Action")
        waiter = self._waiter()
        part = Part(list(actions), waiter)
        if alone:
            single = self._new_batch(label, alone=True)
            single.merge(part)
            self._queue_alone(single)
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
        self._sender.push(batch)
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
            if remaining <= 0:  # the window is due: its timer stands
                return
            self._cancel_timer()
            self._arm(min(settings.quiet_gap, remaining))

    def _busy(self) -> int:
        """Our executions running, being sent or about to be."""
        running = self._running() if self._running is not None else 0
        return running + len(self._sender)

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
        self._sender.push(batch)

    async def flush(self) -> None:
        """Send what is queued now and wait until the gateway answered it all.

        Errors of the batches go to their callers, not to flush().
        """
        if self._pending is not None:
            self._close(self._pending)
        await self._sender.flush()

    async def shutdown(self) -> None:
        """Send what is queued, wait for it and refuse later add() calls."""
        self._closed = True
        if self._pending is not None:
            self._close(self._pending)
        await self._sender.wait_idle()
