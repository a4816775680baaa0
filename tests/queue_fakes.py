"""Fakes for the action queue tests: time and a gateway under the test's control."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable

from pyoverkiz.models import Action, Command

from custom_components.overkiz_batch.action_queue import (
    ActionQueue,
    ActionQueueSettings,
)

DEV = [f"io://1234-5678-1234/{n}" for n in range(100)]


async def turns(count: int = 10) -> None:
    """Let ready tasks run (loop turns only, no time passes)."""
    for _ in range(count):
        await asyncio.sleep(0)


class FakeTime:
    """A clock and sleep that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []  # sleep() calls: retry backoff
        self.windows: list[float] = []  # call_later() calls: batch windows
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.slept.append(delay)
        entry = (self.now + delay, asyncio.get_running_loop().create_future())
        self._sleepers.append(entry)
        try:
            await entry[1]
        finally:
            self._sleepers.remove(entry)

    def call_later(
        self, delay: float, callback: Callable[[], None]
    ) -> asyncio.Future[None]:
        self.windows.append(delay)
        entry = (self.now + delay, asyncio.get_running_loop().create_future())
        self._sleepers.append(entry)

        def fire(future: asyncio.Future[None]) -> None:
            self._sleepers.remove(entry)
            if not future.cancelled():
                callback()

        entry[1].add_done_callback(fire)
        return entry[1]  # cancel() drops the call

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking sleepers in order."""
        target = self.now + seconds
        await turns()
        while due := [
            s for s in self._sleepers if s[0] <= target + 1e-9 and not s[1].done()
        ]:
            wake = min(when for when, _ in due)
            self.now = max(self.now, wake)
            for when, future in due:
                if when == wake and not future.done():
                    future.set_result(None)
            await turns()
        self.now = target


class FakeGateway:
    """An executor that records batches and can fail or hold them."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[tuple[str, list[str]]], str | None]] = []
        self.errors: deque[Exception | None] = deque()  # None: accept
        self.hold: asyncio.Event | None = None
        self.accepted: list[list[tuple[str, list[str]]]] = []
        self.running = 0
        self.most_running = 0
        self.refuse: dict[str, Exception] = {}  # device URL -> the group's refusal
        self.holds: deque[asyncio.Event] = deque()  # the next calls wait for these
        self.clock: Callable[[], float] | None = None  # to stamp accepted batches
        self.accepted_at: list[float] = []

    async def __call__(self, actions: list[Action], label: str | None) -> str:
        batch = [(a.device_url, [str(c.name) for c in a.commands]) for a in actions]
        self.calls.append((batch, label))
        number = len(self.calls)
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            if self.hold is not None:
                await self.hold.wait()
            if self.holds:
                await self.holds.popleft().wait()
            if self.errors and (error := self.errors.popleft()) is not None:
                raise error
            for action in actions:
                if (refusal := self.refuse.get(action.device_url)) is not None:
                    raise refusal
            self.accepted.append(batch)
            if self.clock is not None:
                self.accepted_at.append(self.clock())
            return f"exec-{number}"
        finally:
            self.running -= 1

    def batches(self) -> list[list[tuple[str, list[str]]]]:
        return [actions for actions, _ in self.calls]


def act(device: str, *names: str) -> Action:
    return Action(device_url=device, commands=[Command(name=n) for n in names])


async def queue_factory(
    fake_time: FakeTime, gateway: FakeGateway
) -> AsyncIterator[Callable[..., ActionQueue]]:
    """Build queues on fake time; each is shut down and checked for leftovers.

    Test modules wrap it in their ``make_queue`` fixture.
    """
    queues: list[ActionQueue] = []
    tasks_before = asyncio.all_tasks()

    def make(
        rand: Callable[[], float] = lambda: 0.5,
        running: Callable[[], int] | None = None,
        **settings: float,
    ) -> ActionQueue:
        queue = ActionQueue(
            gateway,
            ActionQueueSettings(**settings),  # type: ignore[arg-type]
            clock=fake_time.clock,
            sleep=fake_time.sleep,
            call_later=fake_time.call_later,
            rand=rand,
            running=running,
        )
        queues.append(queue)
        return queue

    yield make
    if gateway.hold is not None:
        gateway.hold.set()
    for queue in queues:
        closing = asyncio.ensure_future(queue.shutdown())
        for _ in range(100):
            if closing.done():
                break
            await fake_time.advance(10)
        assert closing.done(), "shutdown did not finish"
        await closing
    await turns()
    left = asyncio.all_tasks() - tasks_before - {asyncio.current_task()}
    assert left == set(), "tasks left behind"
