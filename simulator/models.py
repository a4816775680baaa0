"""Which behaviour model a device of the house gets.

Most devices behave from their definition alone (``devices.SimDevice``); the
families whose commands need more (dictionaries, several states at once) have
models of their own, chosen by widget, then by UI class.
"""

from __future__ import annotations

from typing import Any

from .actuators import ACTUATOR_CLASS_MODELS, ACTUATOR_MODELS
from .climate_models import CLIMATE_MODELS
from .control_models import CONTROL_MODELS
from .devices import SimDevice
from .heating import HEATING_MODELS
from .switches import SWITCH_MODELS

_BY_WIDGET: dict[str, type[SimDevice]] = {
    **ACTUATOR_MODELS,
    **HEATING_MODELS,
    **CLIMATE_MODELS,
    **CONTROL_MODELS,
    **SWITCH_MODELS,
}
_BY_UI_CLASS: dict[str, type[SimDevice]] = {**ACTUATOR_CLASS_MODELS}


def make_device(raw: dict[str, Any]) -> SimDevice:
    """Return the simulated device for one entry of the house."""
    definition = raw.get("definition") or {}
    widget = raw.get("widget") or definition.get("widgetName")
    ui_class = raw.get("uiClass") or definition.get("uiClass")
    model = _BY_WIDGET.get(str(widget)) or _BY_UI_CLASS.get(str(ui_class))
    return (model or SimDevice)(raw)
