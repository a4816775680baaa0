"""The gateway itself, without HTTP: devices, executions, listeners, statistics.

Time: every delay is in simulated seconds, run at ``speed`` times loop time.
``settle()`` switches the clock to "fast", so every pending wait returns at once and
every movement jumps to its target; tests use it instead of sleeping.

Records live in ``records``, listeners in ``listeners``, the API's views of
executions in ``views``; ``Stats`` and ``java_numbers`` are re-exported here.
"""

from __future__ import annotations

import asyncio
from collections import deque
import logging
import random
import time
from typing import Any
import uuid

from .devices import MOVING, TARGET_CLOSURE, Change, Move, SimDevice, Stop
from .errors import api_error
from .listeners import ListenerHub
from .models import make_device
from .records import (
    FAILURE_CODES,
    TERMINAL,
    ActionRun,
    Clock,
    Execution,
    Listener,
    Stats,
    _failure,
)
from .views import ExecutionViews
from .wire import _as_text, _type_of, java_numbers

__all__ = ["GatewayCore", "Stats", "java_numbers"]

_LOGGER = logging.getLogger(__name__)


class GatewayCore(ListenerHub, ExecutionViews):
    """A gateway's behaviour: what exec/apply, events and the rest do."""

    def __init__(
        self,
        house: dict[str, Any],
        *,
        cloud: bool,
        speed: float,
        exec_limit: int,
        seed: int,
        listener_timeout: float,
        travel_time: float,
        command_delay: float,
        min_fetch_interval: float | None = None,
    ) -> None:
        self.house = house
        self.cloud = cloud
        self.clock = Clock(speed)
        self.exec_limit = exec_limit
        self.listener_timeout = listener_timeout
        self.travel_time = travel_time
        self.command_delay = command_delay
        self.min_fetch_interval = min_fetch_interval
        self.step = 1.0
        self.stats = Stats()
        self._rng = random.Random(seed)
        self.devices: dict[str, SimDevice] = {
            raw["deviceURL"]: make_device(raw)
            for raw in house["devices"]
            if isinstance(raw, dict) and raw.get("deviceURL")
        }
        self.gateways: dict[str, dict[str, Any]] = {
            gw["gatewayId"]: gw for gw in house["gateways"]
        }
        self.gateway_id: str = next(iter(self.gateways))
        self.setup_oid = str(house.get("oid") or self.new_id())
        self.listeners: dict[str, Listener] = {}
        self.executions: dict[str, Execution] = {}
        self.history: deque[Execution] = deque(maxlen=500)
        self._busy: dict[str, ActionRun] = {}
        self._settling = 0

    # -- ids and time -------------------------------------------------------------

    def new_id(self) -> str:
        """Return a random UUID, reproducible for a given seed."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    # -- executions ---------------------------------------------------------------

    def running(self, gateway_id: str | None = None) -> list[Execution]:
        """List executions running or waiting (on one gateway, or all)."""
        return [
            execution
            for execution in self.executions.values()
            if gateway_id is None or gateway_id in execution.gateways
        ]

    def _parse(self, body: Any) -> tuple[str, list[tuple[SimDevice, list[Any]]]]:
        """Check an action group as the gateway does; return its label and actions."""
        if not isinstance(body, dict) or not isinstance(body.get("actions"), list):
            raise api_error("MALFORMED_ACTION_GROUP")
        if not body["actions"]:
            raise api_error("MALFORMED_ACTION_GROUP")
        seen: set[str] = set()
        parsed: list[tuple[SimDevice, list[Any]]] = []
        for action in body["actions"]:
            if not isinstance(action, dict) or not isinstance(
                action.get("deviceURL"), str
            ):
                raise api_error("MALFORMED_ACTION_GROUP")
            url = action["deviceURL"]
            device = self.devices.get(url)
            if device is None:
                raise api_error("NO_SUCH_DEVICE", device=url)
            if url in seen:
                raise api_error("DUPLICATE_ACTION_ON_DEVICE", device=url)
            seen.add(url)
            commands = action.get("commands")
            if not isinstance(commands, list) or not commands:
                raise api_error("MALFORMED_ACTION_GROUP")
            checked: list[Any] = []
            for command in commands:
                if not isinstance(command, dict) or not isinstance(
                    command.get("name"), str
                ):
                    raise api_error("MALFORMED_ACTION_GROUP")
                params = command.get("parameters") or []
                if not isinstance(params, list):
                    raise api_error("MALFORMED_ACTION_GROUP")
                device.check(command["name"], params)
                checked.append((command["name"], params))
            parsed.append((device, checked))
        label = body.get("label")
        return (label if isinstance(label, str) else ""), parsed

    def apply(
        self,
        body: Any,
        owner: str,
        *,
        sub_type: str = "MANUAL_CONTROL",
        metadata: str | None = None,
    ) -> str:
        """Accept an action group and start it; raise the gateway's error otherwise.

        ``sub_type`` ACTION_GROUP (with the scenario's ``metadata``) is a stored
        scenario run by ``exec/{oid}``.
        """
        label, parsed = self._parse(body)
        gateways = {device.gateway_id for device, _ in parsed}
        for gateway_id in sorted(gateways):
            if len(self.running(gateway_id)) >= self.exec_limit:
                raise api_error(
                    "EXEC_QUEUE_FULL", gateway=gateway_id, limit=self.exec_limit
                )
        execution = Execution(
            id=self.new_id(),
            label=label,
            owner=owner,
            body=body,
            gateways=gateways,
            start_ms=int(time.time() * 1000),
            sub_type=sub_type,
            metadata=metadata,
        )
        execution.actions = [ActionRun(device, commands) for device, commands in parsed]
        self.executions[execution.id] = execution
        self.emit(self._registered_event(execution))
        if self.cloud:
            self._transition(execution, "NOT_TRANSMITTED")
            if not all(self.gateways[g].get("alive", True) for g in gateways):
                execution.cancel_reason = "NON_EXECUTING"
            else:
                self._transition(execution, "TRANSMITTED")
                self._transition(execution, "IN_PROGRESS")
        else:
            self._transition(execution, "IN_PROGRESS")
        execution.task = asyncio.create_task(
            self._run(execution), name=f"simulator execution {execution.id}"
        )
        return execution.id

    def _registered_event(self, execution: Execution) -> dict[str, Any]:
        if self.cloud:
            actions: list[dict[str, Any]] = [
                {
                    "deviceURL": action.device.url,
                    "commands": [
                        {
                            "name": name,
                            "parameters": [
                                {"type": _type_of(value), "value": _as_text(value)}
                                for value in params
                            ],
                        }
                        for name, params in action.commands
                    ],
                }
                for action in execution.actions
            ]
            extra: dict[str, Any] = {
                "metadata": execution.metadata or "",
                "type": 1,
                "subType": 1,
                "source": "simulator",
                "owner": execution.owner,
            }
        else:
            actions = [
                {
                    "deviceURL": action.device.url,
                    "command": name,
                    "parameters": params,
                    "rank": rank,
                    "state": "INITIALIZED",
                }
                for action in execution.actions
                for rank, (name, params) in enumerate(action.commands)
            ]
            extra = {}
        return {
            "name": "ExecutionRegisteredEvent",
            "execId": execution.id,
            "label": execution.label,
            **extra,
            "actions": actions,
        }

    def _transition(self, execution: Execution, new_state: str) -> None:
        event: dict[str, Any] = {
            "name": "ExecutionStateChangedEvent",
            "execId": execution.id,
            "oldState": execution.state,
            "newState": new_state,
            "timeToNextState": -1 if new_state in TERMINAL else 0,
        }
        if new_state == "FAILED":
            reason = execution.cancel_reason or "CMDCANCELLED"
            event["failedCommands"] = execution.failed_commands
            event["failureType"] = reason
            event["failureTypeCode"] = FAILURE_CODES.get(reason, 12)
        if self.cloud:
            event |= {"ownerKey": self.setup_oid, "type": 1, "subType": 1}
        execution.state = new_state
        self.emit(event)

    async def _run(self, execution: Execution) -> None:
        try:
            if execution.cancel_reason is None:
                for action in execution.actions:
                    action.task = asyncio.create_task(
                        self._run_action(action),
                        name=f"simulator action {action.device.url}",
                    )
                tasks = [action.task for action in execution.actions if action.task]
                await asyncio.gather(*tasks, return_exceptions=True)
                for action in execution.actions:
                    self._note_unstarted(action)
        finally:
            self.executions.pop(execution.id, None)
            self.history.appendleft(execution)
        failed = execution.cancel_reason is not None or execution.failed_commands
        self._transition(execution, "FAILED" if failed else "COMPLETED")

    @staticmethod
    def _note_unstarted(action: ActionRun) -> None:
        """Fail the first command of an action cancelled before it ran."""
        task = action.task
        if task is None or action.failed:
            return
        if task.cancelled() and action.cancel_reason is not None:
            action.failed.append(_failure(action, 0, action.cancel_reason))
        elif not task.cancelled() and task.exception() is not None:
            _LOGGER.error("Simulated action failed", exc_info=task.exception())
            action.failed.append(_failure(action, 0, "ERROR_WHILE_EXECUTING"))

    async def _run_action(self, action: ActionRun) -> None:
        device = action.device
        previous = self._busy.get(device.url)
        self._busy[device.url] = action
        try:
            if previous is not None and previous.task is not None:
                # A new command interrupts whatever the device was doing.
                if not previous.task.done():
                    previous.cancel_reason = "CMDCANCELLED"
                    previous.task.cancel()
                await asyncio.wait({previous.task})
            for rank, (name, params) in enumerate(action.commands):
                action.rank = rank
                self.stats.device_commands.setdefault(device.url, []).append(
                    (name, list(params))
                )
                await self.clock.sleep(self.command_delay)
                await self._perform(device, name, params)
        except asyncio.CancelledError:
            if action.cancel_reason is None:
                raise
            action.failed.append(_failure(action, action.rank, action.cancel_reason))
        finally:
            if self._busy.get(device.url) is action:
                del self._busy[device.url]

    async def _perform(self, device: SimDevice, name: str, params: list[Any]) -> None:
        effect = device.effect(name, params)
        if isinstance(effect, Move):
            await self._move(device, effect.target)
        elif isinstance(effect, Stop):
            changes = device.position_changes(device.position, moving=False)
            changes[TARGET_CLOSURE] = device.position
            self.emit_states(device, device.apply(changes))
        elif isinstance(effect, Change):
            self.emit_states(device, device.apply(effect.states))

    async def _move(self, device: SimDevice, target: int) -> None:
        start = device.position
        if start == target:  # the motor reports at once that it is there
            changes = device.position_changes(target, moving=False)
            changes[TARGET_CLOSURE] = target
            self.emit_states(device, device.report(changes))
            return
        self.emit_states(device, device.apply({MOVING: True, TARGET_CLOSURE: target}))
        distance = abs(target - start)
        duration = distance / 100 * self.travel_time
        direction = 1 if target >= start else -1
        began = self._now()
        position = start
        try:
            while position != target:
                remaining = duration - self.clock.elapsed(began)
                await self.clock.sleep(min(self.step, max(remaining, 0)))
                if self.clock.fast or duration <= 0:
                    position = target
                else:
                    done = self.clock.elapsed(began) / duration
                    position = start + direction * round(min(done, 1.0) * distance)
                if position != target:
                    changes = device.position_changes(position, moving=None)
                    self.emit_states(device, device.apply(changes))
        except asyncio.CancelledError:
            if duration > 0 and not self.clock.fast:
                done = min(self.clock.elapsed(began) / duration, 1.0)
                position = start + direction * round(done * distance)
            changes = device.position_changes(position, moving=False)
            changes[TARGET_CLOSURE] = position
            self.emit_states(device, device.apply(changes))
            raise
        self.emit_states(device, device.apply(device.position_changes(target, False)))

    def cancel(self, exec_id: str) -> bool:
        """Cancel a running execution; False when there is no such execution."""
        execution = self.executions.get(exec_id)
        if execution is None:
            return False
        execution.cancel_reason = "CMDCANCELLED"
        for action in execution.actions:
            if action.task is not None and not action.task.done():
                action.cancel_reason = "CMDCANCELLED"
                action.task.cancel()
        return True

    async def settle(self) -> None:
        """Finish every running execution and movement now."""
        self._settling += 1
        self.clock.set_fast(True)
        try:
            while self.executions:
                tasks = [e.task for e in self.executions.values() if e.task]
                await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            self._settling -= 1
            if not self._settling:
                self.clock.set_fast(False)

    async def close(self) -> None:
        """Stop every execution task; nothing is left running."""
        tasks: list[asyncio.Task[None]] = []
        for execution in list(self.executions.values()):
            for action in execution.actions:
                if action.task is not None:
                    tasks.append(action.task)
            if execution.task is not None:
                tasks.append(execution.task)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.executions.clear()
        self._busy.clear()
