"""Tests for the action queue, with time and the gateway under the test's control."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import dataclasses
import gc
import math
import random

from homeassistant.util.async_ import get_scheduled_timer_handles
from pyoverkiz.exceptions import (
    ExecutionQueueFullError,
    NotAuthenticatedError,
    TooManyConcurrentRequestsError,
    TooManyExecutionsError,
    TooManyRequestsError,
)
import pytest

from custom_components.overkiz_batch.action_queue import (
    ActionQueue,
    ActionQueueClosedError,
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


# Settings


def test_settings_defaults() -> None:
    settings = ActionQueueSettings()
    assert (settings.delay, settings.max_actions, settings.retry_deadline) == (
        0.5,
        20,
        30.0,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.delay = 1.0  # type: ignore[misc]


def test_settings_accept_zero_delay_and_deadline() -> None:
    settings = ActionQueueSettings(delay=0, max_actions=1, retry_deadline=0)
    assert settings.delay == 0
    assert settings.max_actions == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("delay", -0.1),
        ("delay", math.nan),
        ("delay", math.inf),
        ("delay", "0.5"),
        ("delay", True),
        ("max_actions", 0),
        ("max_actions", 2.5),
        ("max_actions", False),
        ("retry_deadline", -1),
        ("retry_deadline", math.inf),
    ],
)
def test_settings_reject_bad_values(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        ActionQueueSettings(**{field: value})  # type: ignore[arg-type]


# Batching


async def test_docs_example_two_devices_one_execution(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    second = asyncio.create_task(queue.add([act(DEV[2], "open")]))
    await fake_time.advance(0.5)
    assert await first == await second == "exec-1"
    assert gateway.batches() == [[(DEV[1], ["close"]), (DEV[2], ["open"])]]


async def test_window_waits_for_the_delay(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=2.0)
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await fake_time.advance(1.9)
    assert gateway.calls == []
    assert queue.get_pending_actions_count() == 1
    second = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    await fake_time.advance(0.1)
    assert await first == await second
    assert len(gateway.calls) == 1
    assert fake_time.windows == [2.0]
    assert queue.get_pending_actions_count() == 0


async def test_merges_one_callers_commands_per_device_in_order(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    mine = [act(DEV[1], "close"), act(DEV[2], "open"), act(DEV[1], "setClosure")]
    before = [(a.device_url, list(a.commands)) for a in mine]
    first = asyncio.create_task(queue.add(mine))
    second = asyncio.create_task(queue.add([act(DEV[3], "stop")]))
    await fake_time.advance(0.5)
    await asyncio.gather(first, second)
    assert gateway.batches() == [
        [(DEV[1], ["close", "setClosure"]), (DEV[2], ["open"]), (DEV[3], ["stop"])]
    ]
    assert [(a.device_url, a.commands) for a in mine] == before


async def test_a_device_already_collected_starts_the_next_batch(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """Close then open: two executions in order, never one close-then-open action."""
    queue = make_queue()
    close = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    other = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    await turns()
    reopen = asyncio.create_task(queue.add([act(DEV[3], "x"), act(DEV[1], "open")]))
    later = asyncio.create_task(queue.add([act(DEV[4], "close")]))
    await turns()
    assert gateway.batches() == [[(DEV[1], ["close"]), (DEV[2], ["close"])]]
    await fake_time.advance(0.5)
    assert await close == await other == "exec-1"
    assert await reopen == await later == "exec-2"
    assert gateway.batches()[1] == [
        (DEV[3], ["x"]),
        (DEV[1], ["open"]),
        (DEV[4], ["close"]),
    ]


async def test_zero_delay_batches_one_loop_turn(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0)
    scene = [asyncio.create_task(queue.add([act(d, "close")])) for d in DEV[:5]]
    ids = await asyncio.gather(*scene)
    assert set(ids) == {"exec-1"}
    assert await queue.add([act(DEV[9], "open")]) == "exec-2"
    assert [len(b) for b in gateway.batches()] == [5, 1]
    assert fake_time.windows == []  # the next loop turn, not a timer


async def test_max_actions_sends_at_once(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    queue = make_queue(delay=60, max_actions=3)
    tasks = [asyncio.create_task(queue.add([act(d, "close")])) for d in DEV[:4]]
    await turns()  # no time passes
    assert [len(b) for b in gateway.batches()] == [3]
    assert [t.result() for t in tasks[:3]] == ["exec-1"] * 3
    assert not tasks[3].done()
    assert queue.get_pending_actions_count() == 1
    await queue.flush()
    assert await tasks[3] == "exec-2"


async def test_same_device_does_not_count_twice_toward_max_actions(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    queue = make_queue(delay=60, max_actions=2)
    first = asyncio.create_task(queue.add([act(DEV[1], "close"), act(DEV[1], "x")]))
    await turns()
    assert gateway.calls == []
    other = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    assert await first == await other == "exec-1"
    assert gateway.batches() == [[(DEV[1], ["close", "x"]), (DEV[2], ["close"])]]


async def test_label_change_closes_the_batch(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    first = asyncio.create_task(queue.add([act(DEV[1], "close")], label="scene"))
    second = asyncio.create_task(queue.add([act(DEV[2], "close")], label="scene"))
    third = asyncio.create_task(queue.add([act(DEV[3], "open")], label="other"))
    await turns()
    assert [label for _, label in gateway.calls] == ["scene"]
    await fake_time.advance(0.5)
    assert await first == await second == "exec-1"
    assert await third == "exec-2"
    assert [label for _, label in gateway.calls] == ["scene", "other"]


async def test_flush_sends_now_and_waits(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    queue = make_queue(delay=3600)
    await queue.flush()  # nothing queued: returns
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    await queue.flush()
    assert task.done()
    assert task.result() == "exec-1"
    assert queue.stats.batches == 1


async def test_flush_waits_for_every_batch_queued_before_it(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=3600, max_actions=1)
    gateway.errors.extend([None, ExecutionQueueFullError("full")])
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    second = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    flushing = asyncio.create_task(queue.flush())
    await turns()
    assert first.done()
    assert not flushing.done()  # the second batch waits for its retry
    await fake_time.advance(RETRY_MAX)
    assert flushing.done()
    assert second.result() == "exec-3"


async def test_flush_leaves_batch_errors_to_callers(
    make_queue: Callable[..., ActionQueue],
    gateway: FakeGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue = make_queue(delay=3600)
    gateway.errors.append(NotAuthenticatedError("Not authenticated"))
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    await queue.flush()
    with pytest.raises(NotAuthenticatedError):
        await task
    del task  # its error's traceback holds the batch and its futures
    gc.collect()  # an unread error in flush's own future would be logged now
    assert "never retrieved" not in caplog.text


async def test_empty_add_is_refused(make_queue: Callable[..., ActionQueue]) -> None:
    queue = make_queue()
    with pytest.raises(ValueError, match="at least one"):
        await queue.add([])


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
