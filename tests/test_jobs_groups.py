"""Job guards: concurrency modes shared by a gateway's group.

Time is frozen with the ``freezer`` fixture; calls in flight are held by events, so
no test sleeps.
"""

from __future__ import annotations

import asyncio

import pytest

from custom_components.overkiz_batch import jobs
from custom_components.overkiz_batch.jobs import (
    Job,
    JobConcurrency,
    JobException,
    JobGroup,
)
from tests.job_devices import (
    Device,
    Failing,
    turns,
)

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
