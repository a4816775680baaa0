"""Job guards: concurrency and throttle rules per entity and per gateway group.

Time is frozen with the ``freezer`` fixture; calls in flight are held by events, so
no test sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import gc
from typing import Any, assert_type

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.overkiz_batch import jobs
from custom_components.overkiz_batch.jobs import (
    Job,
    JobConcurrency,
    JobException,
    JobGroup,
    JobThrottle,
)


class BusyError(Exception):
    """A caller's own refusal error (Home Assistant code passes its own)."""


async def turns(count: int = 5) -> None:
    """Let the event loop run other tasks for a few turns."""
    for _ in range(count):
        await asyncio.sleep(0)


class Device:
    """An entity: guarded calls that wait on a gate and record what ran."""

    def __init__(self, group: JobGroup | None = None) -> None:
        self.job_group = group
        self.gate = asyncio.Event()
        self.gate.set()
        self.log: list[str] = []
        self.running = 0

    async def _work(self, label: str) -> str:
        assert self.running == 0, "two guarded calls overlapped"
        self.running += 1
        self.log.append(f"start {label}")
        try:
            await self.gate.wait()
        finally:
            self.running -= 1
        self.log.append(f"end {label}")
        return label

    @Job(name="device_queue", concurrency=JobConcurrency.QUEUE)
    async def queued(self, label: str) -> str:
        return await self._work(label)

    @Job(name="device_reject", concurrency=JobConcurrency.REJECT)
    async def rejecting(self, label: str) -> str:
        return await self._work(label)

    @Job(
        name="device_reject_own_error",
        concurrency=JobConcurrency.REJECT,
        on_condition=BusyError,
    )
    async def rejecting_own_error(self, label: str) -> str:
        return await self._work(label)

    @Job(
        name="device_throttle",
        throttle=JobThrottle.THROTTLE,
        throttle_period=timedelta(seconds=10),
    )
    async def throttled(self, label: str) -> str:
        self.log.append(label)
        return label

    @Job(
        name="device_queue_throttle",
        concurrency=JobConcurrency.QUEUE,
        throttle=JobThrottle.THROTTLE,
        throttle_period=timedelta(hours=1),
    )
    async def queued_throttled(self, label: str) -> str:
        return await self._work(label)

    @Job(
        name="device_reject_throttle",
        concurrency=JobConcurrency.REJECT,
        throttle=JobThrottle.THROTTLE,
        throttle_period=timedelta(hours=1),
    )
    async def rejecting_throttled(self, label: str) -> str:
        return await self._work(label)

    @Job(name="device_group_reject", concurrency=JobConcurrency.GROUP_REJECT)
    async def group_rejecting(self, label: str) -> str:
        return await self._work(label)

    @Job(name="device_group_queue", concurrency=JobConcurrency.GROUP_QUEUE)
    async def group_queued(self, label: str) -> str:
        return await self._work(label)

    @Job(
        name="device_group_throttle",
        throttle=JobThrottle.GROUP_THROTTLE,
        throttle_period=timedelta(seconds=10),
    )
    async def group_throttled(self, label: str) -> str:
        self.log.append(label)
        return label


# Queue and reject (per object)


async def test_queue_runs_one_at_a_time_first_come_first_served() -> None:
    device = Device()
    device.gate.clear()
    tasks = [asyncio.create_task(device.queued(str(i))) for i in range(4)]
    await turns()
    assert device.log == ["start 0"]

    device.gate.set()
    assert await asyncio.gather(*tasks) == ["0", "1", "2", "3"]
    assert device.log == [f"{edge} {i}" for i in range(4) for edge in ("start", "end")]


async def test_queue_is_per_object_not_per_class() -> None:
    first, second = Device(), Device()
    first.gate.clear()
    blocked = asyncio.create_task(first.queued("first"))
    await turns()

    assert await second.queued("second") == "second"
    assert not blocked.done()
    first.gate.set()
    assert await blocked == "first"


async def test_reject_refuses_while_the_same_object_runs() -> None:
    device, other = Device(), Device()
    device.gate.clear()
    running = asyncio.create_task(device.rejecting("first"))
    await turns()

    with pytest.raises(JobException, match="Another job is running"):
        await device.rejecting("second")
    assert await other.rejecting("other") == "other"

    device.gate.set()
    assert await running == "first"
    assert await device.rejecting("third") == "third"
    assert device.log == ["start first", "end first", "start third", "end third"]


async def test_reject_raises_the_given_on_condition() -> None:
    device = Device()
    device.gate.clear()
    running = asyncio.create_task(device.rejecting_own_error("first"))
    await turns()

    with pytest.raises(BusyError, match="Another job is running"):
        await device.rejecting_own_error("second")

    device.gate.set()
    await running


async def test_gather_of_reject_calls_lets_only_the_first_through() -> None:
    device = Device()
    device.gate.clear()
    results: list[Any] = []

    async def run_all() -> None:
        results.extend(
            await asyncio.gather(
                device.rejecting("a"),
                device.rejecting("b"),
                device.rejecting("c"),
                return_exceptions=True,
            )
        )

    task = asyncio.create_task(run_all())
    await turns()
    device.gate.set()
    await task
    assert results[0] == "a"
    assert all(isinstance(result, JobException) for result in results[1:])
    assert device.log == ["start a", "end a"]


# Locks come back on every way out


class Failing:
    """Guarded calls that fail or are cancelled."""

    def __init__(self, group: JobGroup | None = None) -> None:
        self.job_group = group
        self.gate = asyncio.Event()
        self.ran: list[str] = []

    @Job(name="failing_reject", concurrency=JobConcurrency.REJECT)
    async def reject_fail(self) -> None:
        raise ValueError("boom")

    @Job(name="failing_queue", concurrency=JobConcurrency.QUEUE)
    async def queue_wait(self, label: str) -> None:
        self.ran.append(label)
        await self.gate.wait()

    @Job(name="failing_group_queue", concurrency=JobConcurrency.GROUP_QUEUE)
    async def group_wait(self, label: str) -> None:
        self.ran.append(label)
        await self.gate.wait()

    @Job(name="failing_group_reject", concurrency=JobConcurrency.GROUP_REJECT)
    async def group_fail(self) -> None:
        raise ValueError("boom")


async def test_an_exception_releases_the_object_lock() -> None:
    failing = Failing()
    for _ in range(2):
        with pytest.raises(ValueError, match="boom"):
            await failing.reject_fail()


async def test_an_exception_releases_the_group_lock() -> None:
    group = JobGroup("gateway")
    failing = Failing(group)
    for _ in range(2):
        with pytest.raises(ValueError, match="boom"):
            await failing.group_fail()
    assert group.active_job is None


async def test_cancelling_the_running_call_releases_the_object_lock() -> None:
    failing = Failing()
    running = asyncio.create_task(failing.queue_wait("first"))
    waiting = asyncio.create_task(failing.queue_wait("second"))
    await turns()
    assert failing.ran == ["first"]

    running.cancel()
    await turns()
    assert failing.ran == ["first", "second"]
    failing.gate.set()
    await waiting
    assert running.cancelled()


async def test_cancelling_a_waiting_call_keeps_the_queue_in_order() -> None:
    failing = Failing()
    tasks = [asyncio.create_task(failing.queue_wait(str(i))) for i in range(3)]
    await turns()
    tasks[1].cancel()
    failing.gate.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert failing.ran == ["0", "2"]
    assert tasks[1].cancelled()

    failing.gate.clear()
    again = asyncio.create_task(failing.queue_wait("again"))
    await turns()
    assert failing.ran[-1] == "again"
    failing.gate.set()
    await again


async def test_cancelling_the_group_lock_holder_releases_the_group() -> None:
    group = JobGroup("gateway")
    first, second = Failing(group), Failing(group)
    running = asyncio.create_task(first.group_wait("first"))
    waiting = asyncio.create_task(second.group_wait("second"))
    await turns()
    assert group.active_job == "failing_group_queue"
    assert second.ran == []

    running.cancel()
    await turns()
    assert second.ran == ["second"]
    second.gate.set()
    await waiting
    assert group.active_job is None


async def test_cancelling_a_group_waiter_does_not_leave_the_group_busy() -> None:
    group = JobGroup("gateway")
    holder, waiter = Failing(group), Failing(group)
    running = asyncio.create_task(holder.group_wait("holder"))
    waiting = asyncio.create_task(waiter.group_wait("waiter"))
    await turns()
    waiting.cancel()
    await turns()
    holder.gate.set()
    await running

    # Nothing holds or waits now: a GROUP_REJECT call must go through.
    with pytest.raises(ValueError, match="boom"):
        await holder.group_fail()
    assert waiter.ran == []


# Throttle and rate limit


async def test_throttle_skips_calls_within_the_period(
    freezer: FrozenDateTimeFactory,
) -> None:
    device, other = Device(), Device()
    assert await device.throttled("a") == "a"
    assert await device.throttled("b") is None
    assert await other.throttled("other") == "other"

    freezer.tick(timedelta(seconds=9.9))
    assert await device.throttled("c") is None
    freezer.tick(timedelta(seconds=0.1))
    assert await device.throttled("d") == "d"
    assert device.log == ["a", "d"]
    assert other.log == ["other"]


async def test_throttle_period_counts_from_the_last_started_call(
    freezer: FrozenDateTimeFactory,
) -> None:
    device = Device()
    await device.throttled("a")
    freezer.tick(timedelta(seconds=5))
    assert await device.throttled("skipped") is None
    # A skipped call does not restart the period.
    freezer.tick(timedelta(seconds=5))
    assert await device.throttled("b") == "b"


async def test_queue_with_throttle_skips_the_queued_calls(
    freezer: FrozenDateTimeFactory,
) -> None:
    device = Device()
    device.gate.clear()
    tasks = [asyncio.create_task(device.queued_throttled(str(i))) for i in range(3)]
    await turns()
    device.gate.set()
    assert await asyncio.gather(*tasks) == ["0", None, None]
    assert await device.queued_throttled("later") is None
    assert device.log == ["start 0", "end 0"]

    freezer.tick(timedelta(hours=1))
    assert await device.queued_throttled("next hour") == "next hour"


def rate_limited_class(error: type[Exception] | None, **job: Any) -> type[Any]:
    """A class with a rate-limited method; `error` is its on_condition."""

    class Limited:
        def __init__(self, group: JobGroup | None = None) -> None:
            self.job_group = group
            self.calls = 0

        @Job(
            name="limited",
            throttle_period=timedelta(hours=1),
            throttle_max_calls=2,
            on_condition=error,
            **job,
        )
        async def execute(self) -> int:
            self.calls += 1
            return self.calls

    return Limited


@pytest.mark.parametrize("error", [None, BusyError])
async def test_rate_limit(
    freezer: FrozenDateTimeFactory, error: type[Exception] | None
) -> None:
    limited = rate_limited_class(error, throttle=JobThrottle.RATE_LIMIT)()
    other = rate_limited_class(error, throttle=JobThrottle.RATE_LIMIT)()
    assert list(await asyncio.gather(limited.execute(), limited.execute())) == [1, 2]

    freezer.tick(timedelta(milliseconds=1))
    with pytest.raises(
        error or JobException,
        match=r"Rate limit exceeded, more than 2 calls in 1:00:00",
    ):
        await limited.execute()
    assert limited.calls == 2
    assert await other.execute() == 1

    freezer.tick(timedelta(hours=1))
    assert await limited.execute() == 3


async def test_rate_limit_window_slides(freezer: FrozenDateTimeFactory) -> None:
    limited = rate_limited_class(None, throttle=JobThrottle.RATE_LIMIT)()
    await limited.execute()
    freezer.tick(timedelta(minutes=30))
    await limited.execute()
    freezer.tick(timedelta(minutes=30))
    # The first call left the window, the second has not.
    await limited.execute()
    with pytest.raises(JobException):
        await limited.execute()
    freezer.tick(timedelta(minutes=30))
    await limited.execute()
    assert limited.calls == 4


async def test_reject_with_throttle() -> None:
    device = Device()
    device.gate.clear()
    tasks = [asyncio.create_task(device.rejecting_throttled(str(i))) for i in range(3)]
    await turns()
    device.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[0] == "0"
    assert all(isinstance(result, JobException) for result in results[1:])
    assert await device.rejecting_throttled("later") is None
    assert device.log == ["start 0", "end 0"]


class RejectRateLimited:
    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.calls = 0

    @Job(
        name="reject_rate_limited",
        concurrency=JobConcurrency.REJECT,
        throttle=JobThrottle.RATE_LIMIT,
        throttle_period=timedelta(hours=1),
        throttle_max_calls=1,
        on_condition=BusyError,
    )
    async def execute(self, wait: bool = False) -> None:
        if wait:
            await self.gate.wait()
        self.calls += 1


async def test_reject_with_rate_limit(freezer: FrozenDateTimeFactory) -> None:
    limited = RejectRateLimited()
    first = asyncio.create_task(limited.execute(wait=True))
    await turns()
    results = await asyncio.gather(
        limited.execute(), limited.execute(), return_exceptions=True
    )
    assert [str(result) for result in results] == ["Another job is running"] * 2
    limited.gate.set()
    await first
    assert limited.calls == 1

    freezer.tick(timedelta(milliseconds=1))
    with pytest.raises(BusyError, match="Rate limit exceeded"):
        await limited.execute()
    assert limited.calls == 1

    freezer.tick(timedelta(hours=1))
    await limited.execute()
    assert limited.calls == 2


# Group modes


class Gateway(JobGroup):
    """A group that guards its own methods too (the object is the group)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.event = asyncio.Event()
        self.count = 0
        self.other_count = 0

    @Job(name="gateway_reject_inner", concurrency=JobConcurrency.GROUP_REJECT)
    async def reject_inner(self) -> bool:
        await self.event.wait()
        return True

    @Job(name="gateway_reject_outer", concurrency=JobConcurrency.GROUP_REJECT)
    async def reject_outer(self) -> bool:
        return await self.reject_inner()

    @Job(name="gateway_reject_separate", concurrency=JobConcurrency.GROUP_REJECT)
    async def reject_separate(self) -> bool:
        return True

    @Job(name="gateway_unrelated", concurrency=JobConcurrency.REJECT)
    async def unrelated(self) -> bool:
        return True

    @Job(name="gateway_queue_inner", concurrency=JobConcurrency.GROUP_QUEUE)
    async def queue_inner(self) -> None:
        self.count += 1
        await self.event.wait()

    @Job(name="gateway_queue_outer", concurrency=JobConcurrency.GROUP_QUEUE)
    async def queue_outer(self) -> None:
        await self.queue_inner()

    @Job(name="gateway_queue_separate", concurrency=JobConcurrency.GROUP_QUEUE)
    async def queue_separate(self) -> None:
        self.other_count += 1


async def test_group_reject() -> None:
    gateway = Gateway("gateway")
    assert gateway.group_name == "gateway"
    running = asyncio.create_task(gateway.reject_outer())
    await turns()
    assert str(gateway.active_job) == "gateway_reject_inner"

    for call in (gateway.reject_outer, gateway.reject_inner, gateway.reject_separate):
        with pytest.raises(
            JobException, match="Another job is running for job group gateway"
        ):
            await call()
    assert await gateway.unrelated()

    gateway.event.set()
    assert await running
    assert gateway.active_job is None
    assert await gateway.reject_separate()


async def test_group_queue() -> None:
    gateway = Gateway("gateway")
    running = asyncio.create_task(gateway.queue_outer())
    await turns()
    repeat = asyncio.create_task(gateway.queue_outer())
    other = asyncio.create_task(gateway.queue_separate())
    await turns()
    assert gateway.count == 1
    assert gateway.other_count == 0

    gateway.event.set()
    await asyncio.gather(running, repeat, other)
    assert gateway.count == 2
    assert gateway.other_count == 1


async def test_group_is_shared_by_its_entities_only() -> None:
    one, two = JobGroup("gateway"), JobGroup("gateway")
    first, second, elsewhere = Device(one), Device(one), Device(two)
    first.gate.clear()
    running = asyncio.create_task(first.group_rejecting("first"))
    await turns()

    # Same gateway: refused, whichever entity and method.
    with pytest.raises(JobException):
        await second.group_rejecting("second")
    waiting = asyncio.create_task(second.group_queued("second"))
    await turns()
    assert second.log == []
    # Another gateway, even of the same name, is independent.
    assert await elsewhere.group_rejecting("elsewhere") == "elsewhere"

    first.gate.set()
    assert await running == "first"
    assert await waiting == "second"


async def test_group_queue_is_first_come_first_served() -> None:
    group = JobGroup("gateway")
    devices = [Device(group) for _ in range(3)]
    devices[0].gate.clear()
    order: list[str] = []

    async def call(index: int) -> None:
        order.append(await devices[index].group_queued(str(index)))

    tasks = [asyncio.create_task(call(i)) for i in range(3)]
    await turns()
    assert devices[1].log == devices[2].log == []
    devices[0].gate.set()
    await asyncio.gather(*tasks)
    assert order == ["0", "1", "2"]


class Hub(JobGroup):
    """Re-entrancy and spawned tasks."""

    def __init__(self) -> None:
        super().__init__("hub")
        self.event = asyncio.Event()
        self.seen: list[str] = []

    @Job(name="hub_outer", concurrency=JobConcurrency.GROUP_REJECT)
    async def outer(self) -> None:
        assert self.has_lock
        await self.plain()

    @Job(name="hub_plain")
    async def plain(self) -> None:
        # A call from a job that has no concurrency of its own, inside the owner.
        await self.inner()

    @Job(name="hub_inner", concurrency=JobConcurrency.GROUP_QUEUE)
    async def inner(self) -> None:
        assert self.has_lock
        self.seen.append("inner")

    @Job(name="hub_spawn", concurrency=JobConcurrency.GROUP_REJECT)
    async def spawn(self) -> asyncio.Task[None]:
        return asyncio.create_task(self.spawned())

    @Job(name="hub_spawned")
    async def spawned(self) -> None:
        assert not self.has_lock
        self.seen.append("spawned")
        await self.event.wait()

    @Job(name="hub_spawn_group_call", concurrency=JobConcurrency.GROUP_QUEUE)
    async def spawn_group_call(self) -> asyncio.Task[None]:
        task = asyncio.create_task(self.inner())
        await turns()
        # The spawned call waits for this job although it came from it.
        assert self.seen == []
        return task

    @Job(name="hub_spawn_group_reject", concurrency=JobConcurrency.GROUP_REJECT)
    async def spawn_group_reject(self) -> None:
        with pytest.raises(JobException):
            await asyncio.create_task(self.outer())
        self.seen.append("refused")


async def test_group_lock_is_reentrant_for_the_owning_job() -> None:
    hub = Hub()
    assert not hub.has_lock
    await hub.outer()
    assert hub.seen == ["inner"]
    assert hub.active_job is None


async def test_task_started_from_a_job_does_not_inherit_the_group_lock() -> None:
    hub = Hub()
    task = await hub.spawn()
    await turns()
    assert hub.seen == ["spawned"]
    # The spawning job has ended: its lock is free although its task still runs.
    await hub.outer()
    hub.event.set()
    await task
    assert hub.seen == ["spawned", "inner"]


async def test_a_finished_job_leaves_no_current_job_behind() -> None:
    hub = Hub()
    await hub.outer()
    assert jobs._CURRENT_RUN.get() is None
    with pytest.raises(ValueError, match="boom"):
        await Failing().reject_fail()
    assert jobs._CURRENT_RUN.get() is None


async def test_group_call_in_a_spawned_task_waits_for_the_job() -> None:
    hub = Hub()
    task = await hub.spawn_group_call()
    await task
    assert hub.seen == ["inner"]


async def test_group_call_in_a_spawned_task_is_refused_while_the_job_runs() -> None:
    hub = Hub()
    await hub.spawn_group_reject()
    assert hub.seen == ["refused"]


class ThrottledGroup(JobGroup):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.run = asyncio.Lock()
        self.gate = asyncio.Event()
        self.gate.set()
        self.calls = 0

    @Job(
        name="throttled_group",
        throttle=JobThrottle.GROUP_THROTTLE,
        throttle_period=timedelta(milliseconds=95),
    )
    async def execute(self) -> None:
        await self.gate.wait()
        self.calls += 1

    @Job(
        name="throttled_group_queue",
        concurrency=JobConcurrency.QUEUE,
        throttle=JobThrottle.GROUP_THROTTLE,
        throttle_period=timedelta(milliseconds=95),
    )
    async def execute_queued(self) -> None:
        assert not self.run.locked()
        async with self.run:
            await self.gate.wait()
        self.calls += 1


async def test_group_throttle(freezer: FrozenDateTimeFactory) -> None:
    test1, test2 = ThrottledGroup("test1"), ThrottledGroup("test2")
    await asyncio.gather(
        test1.execute(), test1.execute(), test2.execute(), test2.execute()
    )
    assert (test1.calls, test2.calls) == (1, 1)

    freezer.tick(timedelta(milliseconds=100))
    await asyncio.gather(
        test1.execute(), test1.execute(), test2.execute(), test2.execute()
    )
    assert (test1.calls, test2.calls) == (2, 2)


async def test_group_throttle_with_queue(freezer: FrozenDateTimeFactory) -> None:
    test1, test2 = ThrottledGroup("test1"), ThrottledGroup("test2")
    await asyncio.gather(
        test1.execute_queued(),
        test1.execute_queued(),
        test2.execute_queued(),
        test2.execute_queued(),
    )
    assert (test1.calls, test2.calls) == (1, 1)

    # Calls queue behind one that lasts longer than the period: all of them run.
    freezer.tick(timedelta(milliseconds=100))
    test1.gate.clear()
    test2.gate.clear()
    tasks = [
        asyncio.create_task(group.execute_queued())
        for group in (test1, test1, test2, test2)
    ]
    await turns()
    freezer.tick(timedelta(milliseconds=100))
    test1.gate.set()
    test2.gate.set()
    await asyncio.gather(*tasks)
    assert (test1.calls, test2.calls) == (3, 3)


async def test_group_throttle_is_shared_by_the_group_entities(
    freezer: FrozenDateTimeFactory,
) -> None:
    group = JobGroup("gateway")
    first, second, elsewhere = Device(group), Device(group), Device(JobGroup("x"))
    assert await first.group_throttled("first") == "first"
    assert await second.group_throttled("second") is None
    assert await elsewhere.group_throttled("elsewhere") == "elsewhere"
    freezer.tick(timedelta(seconds=10))
    assert await second.group_throttled("second") == "second"


@pytest.mark.parametrize("error", [None, BusyError])
async def test_group_rate_limit(
    freezer: FrozenDateTimeFactory, error: type[Exception] | None
) -> None:
    limited_class = rate_limited_class(error, throttle=JobThrottle.GROUP_RATE_LIMIT)
    group1, group2 = JobGroup("test1"), JobGroup("test2")
    a1, b1, a2 = limited_class(group1), limited_class(group1), limited_class(group2)
    await asyncio.gather(a1.execute(), b1.execute(), a2.execute(), a2.execute())
    assert (a1.calls, b1.calls, a2.calls) == (1, 1, 2)

    freezer.tick(timedelta(milliseconds=1))
    for limited in (a1, b1, a2):
        with pytest.raises(error or JobException, match="Rate limit exceeded"):
            await limited.execute()

    freezer.tick(timedelta(hours=1))
    await a1.execute()
    await a2.execute()
    assert (a1.calls, b1.calls, a2.calls) == (2, 1, 3)


class GroupQueueThrottle(JobGroup):
    def __init__(self) -> None:
        super().__init__("group_queue_throttle")
        self.calls = 0
        self.nested_calls = 0

    @Job(
        name="group_queue_throttle_main",
        concurrency=JobConcurrency.GROUP_QUEUE,
        throttle=JobThrottle.GROUP_THROTTLE,
        throttle_period=timedelta(milliseconds=50),
    )
    async def main(self) -> bool:
        self.calls += 1
        await self.nested()
        return True

    @Job(
        name="group_queue_throttle_nested",
        concurrency=JobConcurrency.GROUP_QUEUE,
        throttle=JobThrottle.GROUP_THROTTLE,
        throttle_period=timedelta(milliseconds=50),
    )
    async def nested(self) -> None:
        self.nested_calls += 1

    @Job(name="group_queue_throttle_other", concurrency=JobConcurrency.GROUP_REJECT)
    async def other(self) -> bool:
        return True


async def test_group_concurrency_with_group_throttling(
    freezer: FrozenDateTimeFactory,
) -> None:
    group = GroupQueueThrottle()
    assert await group.main()
    assert (group.calls, group.nested_calls) == (1, 1)

    freezer.tick(timedelta(milliseconds=1))
    assert await group.main() is None
    assert (group.calls, group.nested_calls) == (1, 1)
    # The throttled call gave the group lock back.
    assert group.active_job is None
    assert await group.other()

    freezer.tick(timedelta(milliseconds=60))
    assert await group.main()
    assert (group.calls, group.nested_calls) == (2, 2)


async def test_throttled_calls_queued_on_the_group_do_not_deadlock(
    freezer: FrozenDateTimeFactory,
) -> None:
    group = GroupQueueThrottle()
    results = await asyncio.gather(*(group.main() for _ in range(5)))
    assert results == [True, None, None, None, None]
    assert (group.calls, group.nested_calls) == (1, 1)
    assert await group.other()


# Options read at each call (the integration's busy mode and refresh period)


class Configurable:
    def __init__(self, group: JobGroup | None = None) -> None:
        self.job_group = group
        self.mode: JobConcurrency | None = JobConcurrency.QUEUE
        self.period = timedelta(seconds=10)
        self.gate = asyncio.Event()
        self.started: list[str] = []

    @Job(name="configurable_command", concurrency=lambda obj: obj.mode)
    async def command(self, label: str) -> str:
        self.started.append(label)
        await self.gate.wait()
        return label

    @Job(
        name="configurable_refresh",
        throttle=JobThrottle.THROTTLE,
        throttle_period=lambda obj: obj.period,
    )
    async def refresh(self) -> bool:
        return True


async def test_concurrency_callable_is_read_at_each_call() -> None:
    entity = Configurable()
    first = asyncio.create_task(entity.command("first"))
    queued = asyncio.create_task(entity.command("queued"))
    await turns()
    assert entity.started == ["first"]

    entity.mode = JobConcurrency.REJECT
    # Rejected while calls run or wait, not only while the lock is held.
    with pytest.raises(JobException):
        await entity.command("rejected")

    entity.mode = None
    free = asyncio.create_task(entity.command("unguarded"))
    await turns()
    assert entity.started == ["first", "unguarded"]

    entity.gate.set()
    assert list(await asyncio.gather(first, queued, free)) == [
        "first",
        "queued",
        "unguarded",
    ]
    assert entity.started == ["first", "unguarded", "queued"]


async def test_reject_counts_a_queued_call_the_lock_was_just_handed_to() -> None:
    entity = Configurable()
    outcome: list[str] = []

    async def finish_then_reject() -> None:
        await entity.command("first")
        # Nothing yielded since "first" ended: the lock is free for a moment, but
        # it already belongs to "queued".
        entity.mode = JobConcurrency.REJECT
        try:
            await entity.command("rejected")
        except JobException:
            outcome.append("rejected")

    first = asyncio.create_task(finish_then_reject())
    await turns()
    queued = asyncio.create_task(entity.command("queued"))
    await turns()
    assert entity.started == ["first"]
    entity.gate.set()
    await asyncio.gather(first, queued)
    assert outcome == ["rejected"]
    assert entity.started == ["first", "queued"]


async def test_group_reject_counts_a_queued_call_the_lock_was_just_handed_to() -> None:
    group = JobGroup("gateway")
    holder, waiter = Device(group), Device(group)
    holder.gate.clear()
    outcome: list[str] = []

    async def finish_then_reject() -> None:
        await holder.group_queued("holder")
        try:
            await holder.group_rejecting("rejected")
        except JobException:
            outcome.append("rejected")

    first = asyncio.create_task(finish_then_reject())
    await turns()
    queued = asyncio.create_task(waiter.group_queued("waiter"))
    await turns()
    holder.gate.set()
    await asyncio.gather(first, queued)
    assert outcome == ["rejected"]
    assert holder.log == ["start holder", "end holder"]
    assert waiter.log == ["start waiter", "end waiter"]


async def test_concurrency_callable_may_choose_a_group_mode() -> None:
    group = JobGroup("gateway")
    one, two = Configurable(group), Configurable(group)
    one.mode = two.mode = JobConcurrency.GROUP_REJECT
    running = asyncio.create_task(one.command("one"))
    await turns()
    with pytest.raises(JobException, match="job group gateway"):
        await two.command("two")
    one.gate.set()
    await running

    orphan = Configurable()
    orphan.mode = JobConcurrency.GROUP_QUEUE
    with pytest.raises(RuntimeError, match="group_queue"):
        await orphan.command("orphan")
    assert orphan.started == []


async def test_throttle_period_callable_is_read_at_each_call(
    freezer: FrozenDateTimeFactory,
) -> None:
    entity = Configurable()
    assert await entity.refresh()
    freezer.tick(timedelta(seconds=5))
    assert await entity.refresh() is None
    entity.period = timedelta(seconds=2)
    assert await entity.refresh()


# Mistakes caught early


def test_throttle_without_period_is_refused_at_decoration() -> None:
    for throttle in JobThrottle:
        with pytest.raises(RuntimeError, match="without a throttle period"):
            Job(name=f"no_period_{throttle}", throttle=throttle, throttle_max_calls=1)


@pytest.mark.parametrize("max_calls", [None, 0])
@pytest.mark.parametrize(
    "throttle", [JobThrottle.RATE_LIMIT, JobThrottle.GROUP_RATE_LIMIT]
)
def test_rate_limit_without_max_calls_is_refused_at_decoration(
    throttle: JobThrottle, max_calls: int | None
) -> None:
    with pytest.raises(RuntimeError, match="without throttle max calls"):
        Job(
            name="no_max_calls",
            throttle=throttle,
            throttle_period=timedelta(seconds=1),
            throttle_max_calls=max_calls,
        )


def test_a_plain_function_is_refused_at_decoration() -> None:
    def not_async(obj: object) -> None:
        return None

    with pytest.raises(TypeError, match="async def"):
        Job(name="not_async")(not_async)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "job",
    [
        {"concurrency": JobConcurrency.GROUP_REJECT},
        {"concurrency": JobConcurrency.GROUP_QUEUE},
        {
            "throttle": JobThrottle.GROUP_THROTTLE,
            "throttle_period": timedelta(seconds=1),
        },
        {
            "throttle": JobThrottle.GROUP_RATE_LIMIT,
            "throttle_period": timedelta(seconds=1),
            "throttle_max_calls": 1,
        },
    ],
)
@pytest.mark.parametrize("job_group", [None, "not a group", False])
async def test_group_mode_without_group_is_refused_at_first_call(
    job: dict[str, Any], job_group: Any
) -> None:
    class Lonely:
        def __init__(self) -> None:
            if job_group is not False:
                self.job_group = job_group
            self.ran = False

        @Job(name="lonely", **job)
        async def execute(self) -> None:
            self.ran = True

    lonely = Lonely()
    with pytest.raises(RuntimeError, match=r"Lonely is not a JobGroup"):
        await lonely.execute()
    assert not lonely.ran


# Decorated methods stay what they were


async def test_results_keep_their_type_unless_a_call_may_be_skipped() -> None:
    device = Device()
    assert_type(await device.queued("a"), str)
    assert_type(await device.throttled("b"), str | None)
    limited = RejectRateLimited()
    assert_type(await limited.execute(), None)


def test_throttle_period_of_a_job_without_one() -> None:
    job = Job(name="no_throttle")
    with pytest.raises(RuntimeError, match="no throttle period"):
        job.throttle_period(object())
    assert Job(
        name="period", throttle=JobThrottle.THROTTLE, throttle_period=lambda obj: obj
    ).throttle_period(timedelta(seconds=3)) == timedelta(seconds=3)


async def test_wrapper_keeps_name_doc_and_arguments() -> None:
    class Entity:
        @Job(name="documented", concurrency=JobConcurrency.QUEUE)
        async def set_position(self, position: int, *, fast: bool = False) -> str:
            """Move to a position."""
            return f"{position} {fast}"

    assert Entity.set_position.__name__ == "set_position"
    assert Entity.set_position.__doc__ == "Move to a position."
    assert await Entity().set_position(40, fast=True) == "40 True"


async def test_state_is_dropped_with_its_object() -> None:
    job = Job(name="weak", concurrency=JobConcurrency.QUEUE)

    class Entity:
        @job
        async def execute(self) -> None:
            return None

    entities = [Entity() for _ in range(3)]
    for entity in entities:
        await entity.execute()
    assert len(job._object_states) == 3

    del entity, entities
    gc.collect()
    assert len(job._object_states) == 0


async def test_unhashable_objects_are_guarded_by_identity() -> None:
    class Entity:
        __hash__ = None  # type: ignore[assignment]

        def __init__(self) -> None:
            self.gate = asyncio.Event()

        def __eq__(self, other: object) -> bool:
            return True

        @Job(name="unhashable", concurrency=JobConcurrency.REJECT)
        async def execute(self) -> None:
            await self.gate.wait()

    busy, free = Entity(), Entity()
    running = asyncio.create_task(busy.execute())
    await turns()
    free.gate.set()
    await free.execute()
    with pytest.raises(JobException):
        await busy.execute()
    busy.gate.set()
    await running
