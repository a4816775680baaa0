"""Action queue: errors, back pressure and live settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import random

from pyoverkiz.exceptions import (
    ExecutionQueueFullError,
    TooManyConcurrentRequestsError,
    TooManyExecutionsError,
    TooManyRequestsError,
)
import pytest

from custom_components.overkiz_batch.action_queue import (
    ActionQueue,
    ActionQueueSettings,
)
from custom_components.overkiz_batch.queue_sender import RETRY_INITIAL, RETRY_MAX

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


# Errors and back pressure


async def test_error_reaches_every_caller(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    gateway.errors.append(TooManyRequestsError("Too many requests"))
    tasks = [asyncio.create_task(queue.add([act(d, "close")])) for d in DEV[:3]]
    await fake_time.advance(0.5)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, TooManyRequestsError) for r in results)
    assert len(gateway.calls) == 1  # not a back pressure error: never retried
    assert (queue.stats.failures, queue.stats.batches, queue.stats.retries) == (1, 0, 0)


@pytest.mark.parametrize(
    "error",
    [
        ExecutionQueueFullError("Execution queue is full on gateway"),
        TooManyExecutionsError("Server busy, please try again later."),
        TooManyConcurrentRequestsError("too many concurrent requests"),
    ],
)
async def test_back_pressure_is_retried_with_backoff(
    make_queue: Callable[..., ActionQueue],
    gateway: FakeGateway,
    fake_time: FakeTime,
    error: Exception,
) -> None:
    draws = iter([0.0, 1.0, 0.25])
    queue = make_queue(rand=lambda: next(draws), delay=0)
    gateway.errors.extend([error, error, error])
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await fake_time.advance(60)
    assert await task == "exec-4"
    assert fake_time.slept == [
        RETRY_INITIAL / 2,  # jitter 0: half the first step
        RETRY_INITIAL * 2,  # jitter 1: the whole second step
        RETRY_INITIAL * 4 * 0.625,
    ]
    assert queue.stats.retries == 3
    assert queue.stats.batches == 1
    assert queue.stats.failures == 0


async def test_backoff_is_capped(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(rand=lambda: 1.0, delay=0, retry_deadline=1000)
    gateway.errors.extend([ExecutionQueueFullError("full")] * 8)
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await fake_time.advance(1000)
    assert await task == "exec-9"
    assert max(fake_time.slept) == RETRY_MAX
    assert fake_time.slept == sorted(fake_time.slept)


async def test_back_pressure_gives_up_at_the_deadline(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0, retry_deadline=10)
    gateway.errors.extend([ExecutionQueueFullError("full")] * 50)
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await fake_time.advance(9.9)
    assert not task.done()
    await fake_time.advance(0.2)
    with pytest.raises(ExecutionQueueFullError):
        await task
    # The last wait is cut to the deadline, and one last try happens there.
    assert sum(fake_time.slept) == pytest.approx(10)
    assert len(gateway.calls) == len(fake_time.slept) + 1
    assert queue.stats.failures == 1


async def test_zero_retry_deadline_means_no_retry(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    queue = make_queue(delay=0, retry_deadline=0)
    gateway.errors.append(TooManyExecutionsError("busy"))
    with pytest.raises(TooManyExecutionsError):
        await queue.add([act(DEV[1], "close")])
    assert len(gateway.calls) == 1


async def test_later_batches_wait_behind_a_retried_one(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0)
    gateway.errors.extend([ExecutionQueueFullError("full")] * 2)
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    second = asyncio.create_task(queue.add([act(DEV[1], "open"), act(DEV[2], "x")]))
    await turns()
    assert queue.get_pending_actions_count() == 3
    assert len(gateway.calls) == 1  # the second batch is held back
    await fake_time.advance(60)
    assert await first == "exec-3"
    assert await second == "exec-4"
    assert gateway.batches() == [
        [(DEV[1], ["close"])],
        [(DEV[1], ["close"])],
        [(DEV[1], ["close"])],
        [(DEV[1], ["open"]), (DEV[2], ["x"])],
    ]


async def test_random_traffic_keeps_device_order_and_loses_nothing(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    rng = random.Random(4)
    queue = make_queue(rand=rng.random, delay=0.3, max_actions=4, retry_deadline=900)
    issued: dict[str, list[str]] = {}
    tasks = []
    for step in range(300):
        devices = rng.choices(DEV[:8], k=rng.randint(1, 3))
        actions = [act(d, f"c{step}.{i}") for i, d in enumerate(devices)]
        for device, action in zip(devices, actions, strict=True):
            issued.setdefault(device, []).append(str(action.commands[0].name))
        label = rng.choice([None, None, None, "scene"])
        tasks.append(asyncio.create_task(queue.add(actions, label=label)))
        if rng.random() < 0.15:
            gateway.errors.append(ExecutionQueueFullError("full"))
        await fake_time.advance(rng.choice([0, 0, 0.1, 0.4]))
    await fake_time.advance(900)  # busy answers pile up: retries take a while
    results = await asyncio.gather(*tasks)
    executed: dict[str, list[str]] = {}
    for batch in gateway.accepted:
        assert len({device for device, _ in batch}) == len(batch)
        for device, names in batch:
            executed.setdefault(device, []).extend(names)
    assert executed == issued  # each command once, in the order it was issued
    assert len(set(results)) == len(gateway.accepted) == queue.stats.batches
    assert queue.stats.retries > 0
    assert queue.stats.adds == 300
    assert queue.stats.actions == sum(len(b) for b in gateway.accepted)
    assert gateway.most_running == 1


async def test_adding_continues_while_the_gateway_is_busy(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    queue = make_queue(delay=0, max_actions=2)
    gateway.hold = asyncio.Event()
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    assert gateway.running == 1
    # Nothing the executor holds blocks add(): later calls keep being batched.
    later = [asyncio.create_task(queue.add([act(d, "open")])) for d in DEV[2:7]]
    await turns()
    assert queue.get_pending_actions_count() == 6
    assert not any(t.done() for t in later)
    gateway.hold.set()
    assert await first == "exec-1"
    assert await asyncio.gather(*later) == ["exec-2"] * 2 + ["exec-3"] * 2 + ["exec-4"]
    assert gateway.most_running == 1


# Live settings


async def test_update_settings_applies_from_the_next_window(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=1.0, max_actions=20)
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    new = ActionQueueSettings(delay=5.0, max_actions=2, retry_deadline=1)
    queue.update_settings(new)
    assert queue.settings is new
    # The open window keeps its settings: not delayed, not cut at 2 devices.
    more = [asyncio.create_task(queue.add([act(d, "open")])) for d in DEV[2:4]]
    await fake_time.advance(1.0)
    assert await first == "exec-1"
    assert await asyncio.gather(*more) == ["exec-1", "exec-1"]
    assert gateway.batches() == [
        [(DEV[1], ["close"]), (DEV[2], ["open"]), (DEV[3], ["open"])]
    ]
    # The next window uses the new ones.
    nxt = asyncio.create_task(queue.add([act(DEV[4], "stop")]))
    await fake_time.advance(4.9)
    assert not nxt.done()
    await fake_time.advance(0.1)
    assert await nxt == "exec-2"
    assert fake_time.windows == [1.0, 5.0]


async def test_update_settings_refuses_other_objects(
    make_queue: Callable[..., ActionQueue],
) -> None:
    queue = make_queue()
    with pytest.raises(TypeError):
        queue.update_settings({"delay": 1})  # type: ignore[arg-type]
    assert queue.settings == ActionQueueSettings()
