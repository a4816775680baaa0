"""Action queue: shutdown, cancellation and stats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import dataclasses

from homeassistant.util.async_ import get_scheduled_timer_handles
from pyoverkiz.exceptions import NotAuthenticatedError, TooManyConcurrentRequestsError
import pytest

from custom_components.overkiz_batch.action_queue import (
    ActionQueue,
    ActionQueueClosedError,
    ActionQueueSettings,
)

from .queue_fakes import DEV, FakeGateway, FakeTime, act, queue_factory, turns


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
async def make_queue(
    fake_time: FakeTime, gateway: FakeGateway
) -> AsyncIterator[Callable[..., ActionQueue]]:
    async for make in queue_factory(fake_time, gateway):
        yield make


# Shutdown and cancellation


async def test_shutdown_sends_pending_and_closes(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    tasks_before = asyncio.all_tasks()
    queue = make_queue(delay=3600)
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    await queue.shutdown()
    assert task.done()
    assert task.result() == "exec-1"
    await turns(1)
    assert asyncio.all_tasks() - tasks_before == set()
    with pytest.raises(ActionQueueClosedError):
        await queue.add([act(DEV[2], "open")])
    await queue.shutdown()  # twice is fine
    assert len(gateway.calls) == 1


async def test_real_loop_timer_is_not_left_behind() -> None:
    gateway = FakeGateway()
    loop = asyncio.get_running_loop()
    before = set(get_scheduled_timer_handles(loop))
    queue = ActionQueue(gateway, ActionQueueSettings(delay=3600))
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    window = set(get_scheduled_timer_handles(loop)) - before
    assert [handle.when() - loop.time() for handle in window] == [
        pytest.approx(3600, abs=5)
    ]
    await queue.shutdown()
    assert await task == "exec-1"
    assert all(handle.cancelled() for handle in window)


async def test_shutdown_waits_for_a_batch_being_retried(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0)
    gateway.errors.extend([TooManyConcurrentRequestsError("busy")] * 3)
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    closing = asyncio.create_task(queue.shutdown())
    await turns()
    assert not closing.done()
    await fake_time.advance(60)
    assert closing.done()
    assert await task == "exec-4"


async def test_cancelled_caller_does_not_cancel_the_batch(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    leaving = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    staying = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    await turns()
    leaving.cancel()
    await fake_time.advance(0.5)
    assert await staying == "exec-1"
    assert leaving.cancelled()
    # Its commands were already merged and still went out.
    assert gateway.batches() == [[(DEV[1], ["close"]), (DEV[2], ["close"])]]


async def test_lone_cancelled_caller_still_sends_and_fails_quietly(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    gateway.hold = asyncio.Event()
    gateway.errors.append(NotAuthenticatedError("Not authenticated"))
    leaving = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await fake_time.advance(0.5)
    assert gateway.running == 1
    leaving.cancel()
    await turns()
    gateway.hold.set()
    await turns()
    assert leaving.cancelled()
    assert queue.stats.failures == 1


async def test_stopped_sender_fails_its_callers(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    queue = make_queue(delay=0, max_actions=1)
    gateway.hold = asyncio.Event()
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    second = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    await turns()
    sender = queue._sender.task
    assert sender is not None
    sender.cancel()  # as when the event loop is torn down
    await asyncio.wait([sender])
    for task in (first, second):
        with pytest.raises(ActionQueueClosedError):
            await task
    assert queue.get_pending_actions_count() == 0
    # The queue still works: a new sender starts for new batches.
    gateway.hold.set()
    assert await queue.add([act(DEV[3], "open")]) == "exec-2"


async def test_stats_are_plain_data(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    queue = make_queue(delay=0)
    await asyncio.gather(
        queue.add([act(DEV[1], "close"), act(DEV[2], "close")]),
        queue.add([act(DEV[3], "open")]),
    )
    assert dataclasses.asdict(queue.stats) == {
        "adds": 2,
        "batches": 1,
        "actions": 3,
        "retries": 0,
        "failures": 0,
        "largest_batch": 3,
        "splits": 0,
        "overtakes": 0,
    }


async def test_on_change_follows_the_pending_count(
    gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """Told at each change, also when no caller waits for the batch any more."""
    counts: list[int] = []
    queue = ActionQueue(
        gateway,
        ActionQueueSettings(delay=1.0),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        call_later=fake_time.call_later,
        on_change=lambda: counts.append(queue.get_pending_actions_count()),
    )
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    second = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    await turns()
    assert counts == [1, 2]

    first.cancel()
    second.cancel()
    await fake_time.advance(1.0)

    assert gateway.accepted == [[(DEV[1], ["close"]), (DEV[2], ["close"])]]
    assert counts == [1, 2, 0]
    await queue.shutdown()
