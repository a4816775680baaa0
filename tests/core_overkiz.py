"""What Home Assistant core's overkiz integration creates, read from its own tables.

The real-setup tests compare our entities with core's on the same devices: a user
moving over keeps every entity (same unique id) core gave them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.overkiz import (
    button as core_button,
    number as core_number,
    select as core_select,
)
from homeassistant.components.overkiz.const import IGNORED_OVERKIZ_DEVICES
from homeassistant.const import Platform

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pyoverkiz.models import Device


def core_enabled_unique_ids(platform: Platform, devices: Iterable[Device]) -> set[str]:
    """Unique ids of the entities core's ``platform`` enables by default."""
    ids: set[str] = set()
    for device in devices:
        if (
            device.widget in IGNORED_OVERKIZ_DEVICES
            or device.ui_class in IGNORED_OVERKIZ_DEVICES
        ):
            continue
        if platform is Platform.BUTTON:
            keys = [
                str(command)
                for command in device.definition.commands
                if (d := core_button.SUPPORTED_COMMANDS.get(command))
                and d.entity_registry_enabled_default
            ]
        elif platform is Platform.NUMBER:
            keys = [
                str(state)
                for state in device.definition.states
                if (n := core_number.SUPPORTED_STATES.get(state))
                and device.supports_command(n.command)
            ]
        else:
            keys = [
                str(state)
                for state in device.definition.states
                if state in core_select.SUPPORTED_STATES
            ]
        ids.update(f"{device.device_url}-{key}" for key in keys)
    return ids
