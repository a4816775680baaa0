"""Reading device states: odd values mean "unknown", never a broken poll."""

from __future__ import annotations

import logging
import math
from typing import Any

from homeassistant.components.cover import ATTR_CURRENT_POSITION
from homeassistant.core import HomeAssistant
import pytest

from custom_components.overkiz_batch.states import as_float, as_int, as_str
from tests.gateway_setup import (
    SimFactory,
    coordinator_of,
    entity_ids_of,
    poll,
    setup_entry,
)

NON_FINITE = [math.nan, math.inf, -math.inf, "NaN", "Infinity", "-Infinity", "nan"]


@pytest.mark.parametrize("value", NON_FINITE)
def test_non_finite_numbers_are_unknown(value: Any) -> None:
    assert as_float(value) is None
    assert as_int(value) is None


@pytest.mark.parametrize(
    ("value", "number"),
    [(40, 40.0), (40.6, 40.6), ("40", 40.0), (None, None), (True, None), ("x", None)],
)
def test_numbers(value: Any, number: float | None) -> None:
    assert as_float(value) == number
    assert as_int(value) == (None if number is None else round(number))
    assert as_str(value) == (None if value is None else str(value))


@pytest.mark.parametrize("mode", ["local", "cloud"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
async def test_non_finite_closure_is_an_unknown_position(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    mode: str,
    value: float,
) -> None:
    """Sent as the gateway writes them ("NaN", "-Infinity") for an integer state.

    pyoverkiz cannot read such an integer in an event: the devices are read again.
    """
    sim = await make_sim(house="default", mode=mode)
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = coordinator_of(entry)
    url = f"io://{sim.gateway_id}/1001"
    entity_id = next(e for e, u in entity_ids_of(hass, "cover").items() if u == url)

    with caplog.at_level(logging.WARNING):
        sim.set_state(url, "core:ClosureState", value)
        await poll(hass, coordinator)
        await poll(hass, coordinator)

    assert coordinator.last_update_success
    cover = hass.states.get(entity_id)
    assert cover is not None
    assert ATTR_CURRENT_POSITION not in cover.attributes
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
