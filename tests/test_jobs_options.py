"""Job guards: options read at each call (the busy mode and the refresh period).

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
    Device,
    turns,
)

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
