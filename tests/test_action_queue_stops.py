"""Action queue: stops that go alone, late answers, refused groups split by caller."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from pyoverkiz.exceptions import (
    ExecutionQueueFullError,
    InvalidCommandError,
    NoSuchDeviceError,
    OverkizError,
    ServiceUnavailableError,
    UnsupportedOperationError,
)
import pytest

from custom_components.overkiz_batch.action_queue import (
    LATE_ANSWER,
    ActionQueue,
    NotTakenError,
    refused_as_invalid,
)

from .queue_fakes import DEV, FakeGateway, FakeTime, act, queue_factory, turns

BAD_PARAMETERS = OverkizError(
    {"error": 'Bad parameters. ("setClosure")', "errorCode": "INVALID_PARAMETER"}
)


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


# Alone


async def test_alone_is_never_merged_with_the_move_it_stops(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    close = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    other = asyncio.create_task(queue.add([act(DEV[2], "close")]))
    await turns()
    stop = asyncio.create_task(queue.add([act(DEV[1], "stop")], alone=True))
    after = asyncio.create_task(queue.add([act(DEV[3], "open")]))
    await turns()
    # The collecting batch went at once, the stop right after it, alone.
    assert await close == await other == "exec-1"
    assert await stop == "exec-2"
    assert gateway.batches() == [
        [(DEV[1], ["close"]), (DEV[2], ["close"])],
        [(DEV[1], ["stop"])],
    ]
    # A later command is not merged ahead of the stop: it waits for its window.
    await fake_time.advance(0.5)
    assert await after == "exec-3"


async def test_alone_calls_each_go_alone_in_order(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway
) -> None:
    queue = make_queue(delay=60)
    stops = [
        asyncio.create_task(queue.add([act(d, "stop")], alone=True)) for d in DEV[:3]
    ]
    assert await asyncio.gather(*stops) == ["exec-1", "exec-2", "exec-3"]
    assert gateway.batches() == [[(d, ["stop"])] for d in DEV[:3]]


async def test_run_alone_goes_in_queue_order_with_back_pressure_retry(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    sent: list[str] = []
    answers: list[Exception | str] = [ExecutionQueueFullError("full"), "scenario-exec"]

    async def scenario() -> str:
        sent.append("scenario")
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    close = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    run = asyncio.create_task(queue.run_alone(scenario))
    await turns()
    assert await close == "exec-1"  # what was queued before went first
    assert sent == ["scenario"]
    await fake_time.advance(1)
    assert await run == "scenario-exec"
    assert sent == ["scenario", "scenario"]
    assert queue.stats.retries == 1


async def test_run_alone_error_reaches_its_caller_only(
    make_queue: Callable[..., ActionQueue], fake_time: FakeTime
) -> None:
    queue = make_queue()

    async def scenario() -> str:
        raise OverkizError("No such action group")

    with pytest.raises(OverkizError):
        await queue.run_alone(scenario)
    assert queue.stats.failures == 1


# Late answers


async def test_a_stop_does_not_wait_behind_an_unanswered_execution(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0)
    hung = asyncio.Event()
    gateway.holds.append(hung)
    close = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    stop = asyncio.create_task(queue.add([act(DEV[1], "stop")], alone=True))
    await fake_time.advance(LATE_ANSWER - 0.1)
    assert len(gateway.calls) == 1  # a normal answer would have come by now
    await fake_time.advance(0.1)
    assert await stop == "exec-2"
    assert queue.stats.overtakes == 1
    hung.set()
    assert await close == "exec-1"


async def test_an_overtaken_batch_is_never_sent_again(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """Its late answer is back pressure: sending it again would undo the stop."""
    queue = make_queue(delay=0)
    hung = asyncio.Event()
    gateway.holds.append(hung)
    gateway.refuse[DEV[2]] = ExecutionQueueFullError("full")
    close = asyncio.create_task(queue.add([act(DEV[1], "close"), act(DEV[2], "x")]))
    await turns()
    stop = asyncio.create_task(queue.add([act(DEV[1], "stop")], alone=True))
    await fake_time.advance(LATE_ANSWER)
    assert await stop == "exec-2"
    hung.set()
    with pytest.raises(ExecutionQueueFullError):
        await close
    await fake_time.advance(60)
    assert len(gateway.calls) == 2


def not_taken() -> NotTakenError:
    """What the executor raises when the request never reached the gateway."""
    try:
        raise NotTakenError("lost on the way") from ConnectionResetError("dropped")
    except NotTakenError as err:
        return err


async def test_a_batch_the_gateway_never_got_is_sent_again_at_once(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0)
    gateway.errors.append(not_taken())
    close = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    assert await close == "exec-2"
    assert len(gateway.calls) == 2
    assert queue.stats.retries == 1


async def test_a_batch_never_got_but_overtaken_by_a_stop_is_not_sent_again(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """The stop went first: the close sent now would run after it and undo it."""
    queue = make_queue(delay=0)
    hung = asyncio.Event()
    gateway.holds.append(hung)
    close = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    stop = asyncio.create_task(queue.add([act(DEV[1], "stop")], alone=True))
    await fake_time.advance(LATE_ANSWER)
    assert await stop == "exec-2"
    gateway.errors.append(not_taken())  # the close's answer: it never got there
    hung.set()
    with pytest.raises(ConnectionResetError):  # its cause: nothing ran
        await close
    await fake_time.advance(60)
    assert gateway.batches() == [[(DEV[1], ["close"])], [(DEV[1], ["stop"])]]


async def test_a_hung_batchs_callers_get_its_error_without_a_resend(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    """The executor's timeout error (outcome unknown) reaches them; nothing resent."""
    queue = make_queue(delay=0)
    hung = asyncio.Event()
    gateway.holds.append(hung)
    gateway.errors.append(TimeoutError("no answer"))
    close = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await fake_time.advance(30)
    hung.set()
    with pytest.raises(TimeoutError):
        await close
    await fake_time.advance(60)
    assert len(gateway.calls) == 1


async def test_other_devices_pass_a_late_answer_but_not_the_same_device(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0)
    hung = asyncio.Event()
    gateway.holds.append(hung)
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    same = asyncio.create_task(queue.add([act(DEV[1], "open")]))
    await turns()
    other = asyncio.create_task(queue.add([act(DEV[2], "open")]))
    await fake_time.advance(LATE_ANSWER)
    # The open for DEV[1] waits in order, so the one for DEV[2] behind it does too.
    assert len(gateway.calls) == 1
    hung.set()
    assert list(await asyncio.gather(first, same, other)) == [
        "exec-1",
        "exec-2",
        "exec-3",
    ]


async def test_a_disjoint_batch_passes_a_late_answer(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0)
    hung = asyncio.Event()
    gateway.holds.append(hung)
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    other = asyncio.create_task(queue.add([act(DEV[2], "open")]))
    await fake_time.advance(LATE_ANSWER / 2)
    assert len(gateway.calls) == 1
    await fake_time.advance(LATE_ANSWER / 2)
    assert await other == "exec-2"
    hung.set()
    assert await first == "exec-1"
    await queue.flush()


async def test_flush_waits_for_late_and_overtaking_batches(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue(delay=0)
    hung = asyncio.Event()
    gateway.holds.append(hung)
    first = asyncio.create_task(queue.add([act(DEV[1], "close")]))
    await turns()
    stop = asyncio.create_task(queue.add([act(DEV[2], "stop")], alone=True))
    await fake_time.advance(LATE_ANSWER)
    flushing = asyncio.create_task(queue.flush())
    await turns()
    assert stop.done()
    assert not flushing.done()
    hung.set()
    await flushing
    assert first.done()


# Refused groups


@pytest.mark.parametrize(
    "refusal",
    [
        BAD_PARAMETERS,
        OverkizError({"error": "Malformed", "errorCode": "MISSING_PARAMETERS"}),
        NoSuchDeviceError('No such device : "io://1234-5678-1234/5"'),
        InvalidCommandError("No such command : setClosure"),
        UnsupportedOperationError("unsupported"),
    ],
)
async def test_a_refused_group_runs_everyone_but_the_bad_caller(
    make_queue: Callable[..., ActionQueue],
    gateway: FakeGateway,
    fake_time: FakeTime,
    refusal: Exception,
) -> None:
    queue = make_queue()
    gateway.refuse[DEV[5]] = refusal
    tasks = [asyncio.create_task(queue.add([act(d, "close")])) for d in DEV[:5]]
    bad = asyncio.create_task(queue.add([act(DEV[5], "setClosure")]))
    await fake_time.advance(0.5)
    with pytest.raises(type(refusal)):
        await bad
    ids = await asyncio.gather(*tasks)
    executed = sorted(device for batch in gateway.accepted for device, _ in batch)
    assert executed == DEV[:5]
    assert set(ids) == {f"exec-{n}" for n in range(1, len(gateway.calls) + 1)} - {
        f"exec-{n + 1}"
        for n, (batch, _) in enumerate(gateway.calls)
        if any(device == DEV[5] for device, _ in batch)
    }
    assert len(gateway.accepted) == 3  # halves, not one execution per caller
    assert queue.stats.failures == 1
    assert queue.stats.splits >= 1


async def test_a_split_keeps_each_callers_actions_together(
    make_queue: Callable[..., ActionQueue], gateway: FakeGateway, fake_time: FakeTime
) -> None:
    queue = make_queue()
    gateway.refuse[DEV[9]] = BAD_PARAMETERS
    good = asyncio.create_task(queue.add([act(DEV[1], "a"), act(DEV[2], "b")]))
    bad = asyncio.create_task(queue.add([act(DEV[3], "c"), act(DEV[9], "d")]))
    await fake_time.advance(0.5)
    assert await good == "exec-2"
    with pytest.raises(OverkizError):
        await bad
    assert gateway.batches()[1:] == [
        [(DEV[1], ["a"]), (DEV[2], ["b"])],
        [(DEV[3], ["c"]), (DEV[9], ["d"])],
    ]


@pytest.mark.parametrize(
    "error",
    [
        TimeoutError("no answer"),
        ServiceUnavailableError("503"),
        OverkizError({"error": "Bus error", "errorCode": "DBUS_ERROR"}),
        OverkizError({"error": None, "errorCode": "UNSPECIFIED_ERROR"}),
        OverkizError("Unknown error"),
    ],
)
async def test_an_error_that_may_mean_it_ran_is_never_split(
    make_queue: Callable[..., ActionQueue],
    gateway: FakeGateway,
    fake_time: FakeTime,
    error: Exception,
) -> None:
    queue = make_queue()
    gateway.errors.append(error)
    tasks = [asyncio.create_task(queue.add([act(d, "close")])) for d in DEV[:4]]
    await fake_time.advance(0.5)
    for task in tasks:
        with pytest.raises(type(error)):
            await task
    assert len(gateway.calls) == 1


def test_refused_as_invalid_reads_the_gateways_answer() -> None:
    assert refused_as_invalid(BAD_PARAMETERS)
    assert refused_as_invalid(NoSuchDeviceError("gone"))
    assert not refused_as_invalid(ExecutionQueueFullError("full"))
    assert not refused_as_invalid(OverkizError("INVALID_PARAMETER"))
    assert not refused_as_invalid(ValueError("x"))
