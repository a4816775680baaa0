"""Executions as the API shows them: ``exec/current`` and ``history/executions``.

A mixin of ``GatewayCore``: it reads the core's finished executions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections import deque

    from .records import Execution


class ExecutionViews:
    """Render running and finished executions."""

    history: deque[Execution]

    def execution_view(self, execution: Execution) -> dict[str, Any]:
        """Render an execution as ``GET exec/current`` shows it."""
        body = execution.body
        return {
            "id": execution.id,
            "description": f"Execution : {execution.label}",
            "owner": execution.owner,
            "state": execution.state,
            "startTime": execution.start_ms,
            "executionType": "Immediate execution",
            "executionSubType": execution.sub_type,
            "actionGroup": {
                "label": execution.label,
                "shortcut": False,
                "notificationTypeMask": 0,
                "notificationCondition": "NEVER",
                "actions": [
                    {
                        "deviceURL": action["deviceURL"],
                        "commands": [
                            {
                                "type": 1,
                                "name": command["name"],
                                "parameters": command.get("parameters") or [],
                            }
                            for command in action["commands"]
                        ],
                    }
                    for action in body["actions"]
                ],
            },
        }

    def history_view(self) -> list[dict[str, Any]]:
        """Finished executions as ``GET history/executions`` lists them."""
        views = []
        for execution in self.history:
            failed = {
                (item["deviceURL"], item["rank"]): item["failureType"]
                for item in execution.failed_commands
            }
            views.append(
                {
                    "id": execution.id,
                    "eventTime": execution.start_ms,
                    "owner": execution.owner,
                    "source": "simulator",
                    "endTime": execution.start_ms,
                    "effectiveStartTime": execution.start_ms,
                    "duration": 0,
                    "label": execution.label,
                    "type": "Immediate execution",
                    "state": execution.state,
                    "failureType": execution.cancel_reason or "NO_FAILURE",
                    "commands": [
                        {
                            "deviceURL": action.device.url,
                            "command": name,
                            "rank": rank,
                            "dynamic": False,
                            "state": "FAILED"
                            if (action.device.url, rank) in failed
                            else execution.state,
                            "failureType": failed.get(
                                (action.device.url, rank), "NO_FAILURE"
                            ),
                            "parameters": params,
                        }
                        for action in execution.actions
                        for rank, (name, params) in enumerate(action.commands)
                    ],
                    "executionType": "Immediate execution",
                    "executionSubType": execution.sub_type,
                }
            )
        return views
