"""Scenarios: the action groups an account keeps (``GET actionGroups``, ``exec/{oid}``).

Users build them in the vendor app; the gateway stores them with an ``oid`` and runs
one on ``POST exec/{oid}`` as an execution of its own (sub type ``ACTION_GROUP``,
the scenario's label and actions). A house file lists them under ``actionGroups``
in this format; a real setup dump has none, so its account has an empty list.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .errors import api_error

if TYPE_CHECKING:
    from collections.abc import Iterable

HOUSE_KEY = "actionGroups"
_EPOCH_MS = 1_700_000_000_000

type Step = tuple[str, str, list[Any]]  # device URL, command, parameters


def scenario(oid: str, label: str | None, steps: Iterable[Step]) -> dict[str, Any]:
    """One action group as ``GET actionGroups`` lists it; a device's steps in order."""
    actions: dict[str, dict[str, Any]] = {}
    for url, command, parameters in steps:
        action = actions.setdefault(url, {"deviceURL": url, "commands": []})
        action["commands"].append(
            {"type": 1, "name": command, "parameters": list(parameters)}
        )
    group: dict[str, Any] = {
        "creationTime": _EPOCH_MS,
        "lastUpdateTime": _EPOCH_MS,
        "metadata": f'{{"tahoma":{{"version":1,"oid":"{oid}"}}}}',
        "shortcut": False,
        "notificationTypeMask": 0,
        "notificationCondition": "NEVER",
        "actions": list(actions.values()),
        "oid": oid,
    }
    if label is not None:  # the app allows a scenario without a label
        group["label"] = label
    return group


def default_scenarios(gateway_id: str) -> list[dict[str, Any]]:
    """Return the default house's scenarios: a real account has a few."""
    shutters = [f"io://{gateway_id}/{1001 + n}" for n in range(12)]
    return [
        scenario(
            "5c1e4a2b-0001-4000-8000-00000000a001",
            "Close every shutter",
            [(url, "close", []) for url in shutters],
        ),
        scenario(
            "5c1e4a2b-0002-4000-8000-00000000a002",
            "Good morning",
            [
                (shutters[2], "open", []),
                (shutters[8], "open", []),
                (f"io://{gateway_id}/4001", "setHeatingLevel", ["comfort"]),
            ],
        ),
        scenario(
            "5c1e4a2b-0003-4000-8000-00000000a003",
            "Leaving home",
            [
                (f"io://{gateway_id}/3001", "off", []),
                (f"io://{gateway_id}/3003", "off", []),
                (shutters[0], "close", []),
                (f"rts://{gateway_id}/16000001", "close", [0]),
            ],
        ),
    ]


class Scenarios:
    """The account's action groups, by oid, in the order the app lists them."""

    def __init__(self, groups: object) -> None:
        if groups is None:
            groups = []
        if not isinstance(groups, list):
            raise ValueError(f"{HOUSE_KEY} must be a list of action groups")
        self.groups: dict[str, dict[str, Any]] = {}
        for group in groups:
            self.add(group)

    def listing(self) -> list[dict[str, Any]]:
        """Return what ``GET actionGroups`` answers."""
        return list(self.groups.values())

    def add(self, group: object) -> str:
        """Keep a (copied) action group; return its oid."""
        if (
            not isinstance(group, dict)
            or not isinstance(group.get("oid"), str)
            or not isinstance(group.get("actions"), list)
        ):
            raise ValueError("An action group needs an 'oid' and an 'actions' list")
        self.groups[group["oid"]] = copy.deepcopy(group)
        return str(group["oid"])

    def remove(self, oid: str) -> None:
        """Forget an action group (KeyError when unknown)."""
        del self.groups[oid]

    def body(self, oid: str) -> dict[str, Any]:
        """Return the group ``exec/{oid}`` runs; NO_SUCH_ACTION_GROUP when unknown."""
        group = self.groups.get(oid)
        if group is None:
            raise api_error("NO_SUCH_ACTION_GROUP", oid=oid)
        return {
            "label": group.get("label") or "",
            "metadata": group.get("metadata"),
            "actions": [
                {
                    "deviceURL": action.get("deviceURL"),
                    "commands": [
                        {
                            "name": command.get("name"),
                            "parameters": command.get("parameters") or [],
                        }
                        for command in action.get("commands") or []
                        if isinstance(command, dict)
                    ],
                }
                for action in group["actions"]
                if isinstance(action, dict)
            ],
        }
