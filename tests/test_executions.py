"""Execution tracking and error sorting, without a gateway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import logging

from aiohttp import ClientConnectionError
from homeassistant.exceptions import HomeAssistantError
from pyoverkiz import exceptions as ok
from pyoverkiz.enums import ExecutionState
from pyoverkiz.models import Action, Command
import pytest

from custom_components.overkiz_batch.action_queue import ActionQueueClosedError
from custom_components.overkiz_batch.errors import (
    ExecutionOutcomeUnknownError,
    command_error,
)
from custom_components.overkiz_batch.executions import ExecutionEnd, ExecutionTracker
from custom_components.overkiz_batch.jobs import JobException

START = datetime(2026, 1, 1, tzinfo=UTC)
MAX_AGE = timedelta(minutes=5)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def action(url: str, *names: str) -> Action:
    return Action(device_url=url, commands=[Command(name=n) for n in names])


def test_callers_of_one_batch_share_its_execution() -> None:
    tracker = ExecutionTracker(MAX_AGE, Clock())
    tracker.start("e1", [action("io://g/1", "close")], entity_id="cover.one")
    execution, end = tracker.start(
        "e1", [action("io://g/2", "open", "stop")], entity_id="cover.two"
    )

    assert end is None
    assert len(tracker) == 1
    assert [(c.device_url, c.command, c.entity_id) for c in execution.commands] == [
        ("io://g/1", "close", "cover.one"),
        ("io://g/2", "open", "cover.two"),
        ("io://g/2", "stop", "cover.two"),
    ]
    assert [c.command for c in tracker.commands_for("io://g/2")] == ["open", "stop"]


def test_terminal_state_ends_an_execution() -> None:
    tracker = ExecutionTracker(MAX_AGE, Clock())
    tracker.start("e1", [action("io://g/1", "close")])

    running = tracker.update("e1", ExecutionEnd(ExecutionState.IN_PROGRESS))
    assert running is not None
    assert running.state is ExecutionState.IN_PROGRESS
    assert "e1" in tracker
    assert tracker.update("e1", ExecutionEnd(ExecutionState.COMPLETED)) is running
    assert "e1" not in tracker
    assert not tracker.commands_for("io://g/1")


def test_end_seen_before_the_id_is_remembered_briefly() -> None:
    tracker = ExecutionTracker(MAX_AGE, Clock())
    assert tracker.update("early", ExecutionEnd(ExecutionState.FAILED, "X")) is None
    for n in range(100):  # bounded: old early ends are dropped
        tracker.update(f"other{n}", ExecutionEnd(ExecutionState.COMPLETED))
    tracker.update("late", ExecutionEnd(ExecutionState.COMPLETED))

    _, dropped = tracker.start("early", [action("io://g/1", "close")])
    execution, end = tracker.start("late", [action("io://g/1", "open")])

    assert dropped is None  # forgotten among the newer ones
    assert end is not None
    assert end.state is ExecutionState.COMPLETED
    assert execution.state is ExecutionState.COMPLETED
    assert "late" not in tracker


def test_execution_is_forgotten_after_max_age() -> None:
    clock = Clock()
    tracker = ExecutionTracker(MAX_AGE, clock)
    tracker.start("old", [action("io://g/1", "close")])
    clock.now += timedelta(minutes=1)
    tracker.start("new", [action("io://g/2", "close")])

    clock.now = START + MAX_AGE - timedelta(microseconds=1)
    assert tracker.expire() == []
    clock.now = START + MAX_AGE
    assert [e.exec_id for e in tracker.expire()] == ["old"]
    assert [e.exec_id for e in tracker.values()] == ["new"]
    assert tracker.get("new") is not None


def test_as_dict_is_plain_data() -> None:
    tracker = ExecutionTracker(MAX_AGE, Clock())
    execution, _ = tracker.start(
        "e1",
        [
            Action(
                device_url="io://g/1",
                commands=[Command(name="setClosure", parameters=[5])],
            )
        ],
        label="Scene",
    )
    assert execution.as_dict() == {
        "exec_id": "e1",
        "state": "INITIALIZED",
        "started": START.isoformat(),
        "label": "Scene",
        "commands": [
            {
                "device_url": "io://g/1",
                "command": "setClosure",
                "parameters": [5],
                "entity_id": None,
            }
        ],
    }


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (JobException("busy"), "device_busy"),
        (ActionQueueClosedError("closed"), "queue_closed"),
        (ok.NotAuthenticatedError("no"), "authentication_failed"),
        (ok.BadCredentialsError("no"), "authentication_failed"),
        (ok.ExecutionQueueFullError("full"), "rate_limited"),
        (ok.TooManyExecutionsError("busy"), "rate_limited"),
        (ok.TooManyConcurrentRequestsError("busy"), "rate_limited"),
        (ok.TooManyRequestsError("slow down"), "rate_limited"),
        (ok.NoSuchDeviceError("gone"), "command_refused"),
        (ok.InvalidCommandError("no such command"), "command_refused"),
        (ok.MaintenanceError("down"), "gateway_unavailable"),
        (TimeoutError(), "cannot_connect"),
        (ClientConnectionError("refused"), "cannot_connect"),
        (ok.UnknownObjectError("?"), "execution_failed"),
        (ExecutionOutcomeUnknownError("answer lost"), "outcome_unknown"),
        (json.JSONDecodeError("Expecting value", "{oops", 0), "unreadable_answer"),
        (KeyError("execId"), "unexpected_error"),
    ],
)
def test_command_errors_are_translated(error: Exception, key: str) -> None:
    translated = command_error(error, "close")
    assert isinstance(translated, HomeAssistantError)
    assert translated.translation_key == key
    assert translated.translation_placeholders is not None
    assert translated.translation_placeholders["command"] == "close"
    assert translated.translation_placeholders["error"]


def test_unexpected_error_is_logged_once_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The callers of one batch share its error: one log record, with traceback."""
    try:
        dict[str, str]()["execId"]
    except KeyError as err:
        error = err
    with caplog.at_level(logging.ERROR):
        for command in ("close", "open"):
            translated = command_error(error, command)
            assert translated.translation_key == "unexpected_error"
    records = [r for r in caplog.records if "Unexpected error" in r.getMessage()]
    assert len(records) == 1
    assert records[0].exc_info is not None
    assert records[0].exc_info[1] is error


def test_tracker_drops_ended_executions_it_knew_before_asking() -> None:
    tracker = ExecutionTracker(MAX_AGE, Clock())
    tracker.start("ended", [action("io://g/1", "close")])
    tracker.start("running", [action("io://g/2", "close")])
    known = [e.exec_id for e in tracker.values()]
    tracker.start("started-since", [action("io://g/3", "close")])

    ended = tracker.drop_ended(known, running={"running"})

    assert [e.exec_id for e in ended] == ["ended"]
    assert "ended" not in tracker
    assert "running" in tracker
    assert "started-since" in tracker  # not in the answer, but newer than it
