"""Lights, alarms, locks, sirens and water heaters of the real gateway dumps."""

from __future__ import annotations

import logging
from pathlib import Path

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from tests.conftest import shared_dumps
from tests.gateway_setup import gateway

pytestmark = pytest.mark.usefixtures("socket_enabled")

# What each platform takes, by widget (then UI class), as on real gateways.
WIDGETS = {
    Platform.ALARM_CONTROL_PANEL: {
        "TSKAlarmController",
        "StatefulAlarmController",
        "MyFoxAlarmController",
        "AlarmPanelController",
    },
    Platform.FAN: {"VentilationInlet", "VentilationOutlet", "VentilationTransfer"},
    Platform.WATER_HEATER: {
        "DomesticHotWaterProduction",
        "AtlanticPassAPCDHW",
        "HitachiDHW",
    },
}
UI_CLASSES = {
    Platform.LIGHT: {"Light"},
    Platform.LOCK: {"DoorLock"},
    Platform.SIREN: {"Siren"},
}


@pytest.mark.parametrize("platform", [*WIDGETS, *UI_CLASSES])
@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant,
    dump: Path,
    platform: Platform,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with gateway(hass, platform, house=str(dump)) as gw:
        # Alarms and fans carry core's description key (the widget) in their ids.
        expected = {
            f"{d.device_url}-{d.widget}"
            if platform in (Platform.ALARM_CONTROL_PANEL, Platform.FAN)
            else d.device_url
            for d in gw.coordinator.data.values()
            if str(d.widget) in WIDGETS.get(platform, ())
            or str(d.ui_class) in UI_CLASSES.get(platform, ())
        }
        entries = er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        )
        assert {e.unique_id for e in entries} == expected
        for entry in entries:
            if entry.disabled_by is None:
                assert hass.states.get(entry.entity_id) is not None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
