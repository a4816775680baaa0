"""Action queue, adaptive sending: at once while we are idle, collect while busy."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from custom_components.overkiz_batch.action_queue import (
    ActionQueue,
    ActionQueueSettings,
)

from .queue_fakes import DEV, FakeGateway, FakeTime, act, queue_factory, turns

# How long a simulated execution runs (a shutter's travel at the benchmark speed).
RUN_TIME = 2.0


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def gateway(fake_time: FakeTime) -> FakeGateway:
    gateway = FakeGateway()
    gateway.clock = fake_time.clock
    return gateway


@pytest.fixture
async def make_queue(
    fake_time: FakeTime, gateway: FakeGateway
) -> AsyncIterator[Callable[..., ActionQueue]]:
    async for make in queue_factory(fake_time, gateway):
        yield make


def runner(fake_time: FakeTime, gateway: FakeGateway) -> Callable[[], int]:
    """Our executions still running: accepted less than RUN_TIME ago."""
    return lambda: sum(1 for at in gateway.accepted_at if fake_time.now - at < RUN_TIME)


def adaptive(make_queue: Callable[..., ActionQueue], **kwargs: object) -> ActionQueue:
    return make_queue(adaptive=True, **kwargs)


def test_adaptive_is_off_by_default() -> None:
    settings = ActionQueueSettings()
    assert not settings.adaptive
    assert (settings.quiet_gap, settings.busy_executions) == (0.02, 2)
    with pytest.raises(ValueError, match="adaptive"):
        ActionQueueSettings(adaptive=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="busy_executions"):
        ActionQueueSettings(busy_executions=-1)


async def test_idle_gateway_sends_after_a_quiet_gap(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = adaptive(make_queue, running=lambda: 0)
    task = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await fake_time.advance(0.019)
    assert gateway.calls == []
    await fake_time.advance(0.001)
    assert await task == "exec-1"
    assert fake_time.windows == [0.02]


async def test_a_scene_over_several_turns_goes_together(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = adaptive(make_queue, running=lambda: 0)
    tasks = []
    for device in DEV[:6]:  # one command every 15 ms: each inside the gap
        tasks.append(asyncio.create_task(queue.add([act(device, "close")])))
        await fake_time.advance(0.015)
    await fake_time.advance(0.02)
    assert set(await asyncio.gather(*tasks)) == {"exec-1"}


async def test_the_quiet_gap_never_outlasts_the_delay(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = adaptive(make_queue, running=lambda: 0, delay=0.05)
    tasks = []
    for device in DEV[:10]:
        tasks.append(asyncio.create_task(queue.add([act(device, "close")])))
        await fake_time.advance(0.01)
    await fake_time.advance(0.05)
    ids = await asyncio.gather(*tasks)
    assert ids[:5] == ["exec-1"] * 5  # closed 50 ms after the first command
    assert set(ids[5:]) == {"exec-2"}


async def test_busy_gateway_collects_for_the_delay(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = adaptive(make_queue, running=lambda: 2)
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await fake_time.advance(0.3)
    second = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    await fake_time.advance(0.19)
    assert gateway.calls == []
    await fake_time.advance(0.01)
    assert await first == await second == "exec-1"


async def test_waiting_in_vain_once_stops_the_waits(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """One command at a time (an automation): only the first wait is paid."""
    running = 2
    queue = adaptive(make_queue, running=lambda: running)
    assert list(
        await asyncio.gather(queue.add([act(DEV[1], "close")]), fake_time.advance(0.5))
    ) == ["exec-1", None]
    task = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    await fake_time.advance(0.02)
    assert await task == "exec-2"
    # Two callers in one batch: collecting pays again.
    both = [asyncio.create_task(queue.add([act(d, "open")])) for d in DEV[3:5]]
    await fake_time.advance(0.02)
    assert set(await asyncio.gather(*both)) == {"exec-3"}
    later = asyncio.create_task(queue.add([act(DEV[5], "close")]))
    await fake_time.advance(0.02)
    assert not later.done()
    # And so does an idle gateway.
    await fake_time.advance(0.5)
    assert await later == "exec-4"
    queue_futile = adaptive(make_queue, running=lambda: running)
    await asyncio.gather(queue_futile.add([act(DEV[6], "x")]), fake_time.advance(0.5))
    running = 0
    idle = asyncio.create_task(queue_futile.add([act(DEV[7], "x")]))
    await fake_time.advance(0.02)
    assert idle.done()
    running = 2
    busy = asyncio.create_task(queue_futile.add([act(DEV[8], "x")]))
    await fake_time.advance(0.02)
    assert not busy.done()
    await fake_time.advance(0.5)
    await busy


async def test_trickles_lose_nothing_in_few_executions(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """One command every 150 ms: 30 make at most 10 executions, 100 at most 30."""
    queue = adaptive(make_queue, running=runner(fake_time, gateway))
    tasks = []
    for count, limit in ((30, 10), (100, 30)):
        before = len(gateway.accepted)
        for n in range(count):
            tasks.append(asyncio.create_task(queue.add([act(DEV[n], f"c{n}")])))
            await fake_time.advance(0.15)
        await fake_time.advance(RUN_TIME + 1)  # everything ended
        assert len(gateway.accepted) - before <= limit
    await asyncio.gather(*tasks)
    assert sum(len(batch) for batch in gateway.accepted) == 130


async def test_a_burst_makes_two_executions(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = adaptive(make_queue, running=runner(fake_time, gateway))
    tasks = [asyncio.create_task(queue.add([act(d, "close")])) for d in DEV[:30]]
    await turns()
    await fake_time.advance(0.1)
    await asyncio.gather(*tasks)
    assert [len(batch) for batch in gateway.accepted] == [20, 10]


async def test_one_call_after_another_waits_less_than_a_fixed_window(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """Ten covers, each call waiting for its exec id: less than 10 x 100 ms."""
    queue = adaptive(make_queue, running=runner(fake_time, gateway))
    for device in DEV[:10]:
        task = asyncio.create_task(queue.add([act(device, "close")]))
        while not task.done():
            await fake_time.advance(0.005)
    assert fake_time.now < 1.0
    assert len(gateway.accepted) == 10


async def test_zero_delay_keeps_one_loop_turn(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """Adaptive with delay 0: what one loop turn issued goes together, no timer."""
    queue = adaptive(make_queue, running=lambda: 0, delay=0)
    scene = [asyncio.create_task(queue.add([act(d, "close")])) for d in DEV[:5]]
    assert set(await asyncio.gather(*scene)) == {"exec-1"}
    assert fake_time.windows == []
