"""Action queue under the test's control of time and gateway: settings, batching."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import dataclasses
import gc
import math

from pyoverkiz.exceptions import ExecutionQueueFullError, NotAuthenticatedError
import pytest

from custom_components.overkiz_batch.action_queue import (
    ActionQueue,
    ActionQueueSettings,
)
from custom_components.overkiz_batch.queue_sender import RETRY_MAX

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
