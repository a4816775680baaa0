"""Job guards: throttle and rate limit shared by a gateway's group.

Time is frozen with the ``freezer`` fixture; calls in flight are held by events, so
no test sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.overkiz_batch.jobs import (
    Job,
    JobConcurrency,
    JobException,
    JobGroup,
    JobThrottle,
)
from tests.job_devices import (
    BusyError,
    Device,
    rate_limited_class,
    turns,
)


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
