"""Job guards: queue and reject per object, and locks released on every way out.

Time is frozen with the ``freezer`` fixture; calls in flight are held by events, so
no test sleeps.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from custom_components.overkiz_batch.jobs import (
    JobException,
    JobGroup,
)
from tests.job_devices import (
    BusyError,
    Device,
    Failing,
    turns,
)

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
