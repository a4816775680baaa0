"""Bad input: out-of-range options and bad service data.

Each gets a clear translated error (or the bad part is skipped) and the
integration keeps working: a command issued afterwards runs exactly once.
"""

from __future__ import annotations

import math
from typing import Any

from homeassistant.components.cover import (
    DOMAIN as COVER_DOMAIN,
    SERVICE_SET_COVER_POSITION,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import probatio
import pytest

from custom_components.overkiz_batch.const import (
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DOMAIN,
    SERVICE_EXECUTE_COMMAND,
)
from custom_components.overkiz_batch.options_flow import validate_options
from simulator import shutters_house
from tests.bad_input_helpers import (
    TRANSLATIONS,
    VALID_OPTIONS,
    assert_translated,
    covers_of,
    ran,
    still_works,
)
from tests.gateway_setup import SimFactory, start_gateway

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture
async def gateway(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Three shutters, loaded; unloaded at the end."""
    gw = await start_gateway(
        hass, make_sim, monkeypatch, house=shutters_house(3), options=VALID_OPTIONS
    )
    sim, entry = gw.sim, gw.entry
    assert entry.state is ConfigEntryState.LOADED
    yield sim, entry
    if entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


# Options.


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        (CONF_QUEUE_DELAY, -0.5, "queue_delay_out_of_range"),
        (CONF_QUEUE_DELAY, 10.5, "queue_delay_out_of_range"),
        (CONF_QUEUE_DELAY, math.nan, "queue_delay_out_of_range"),
        (CONF_MAX_ACTIONS, 0, "max_actions_out_of_range"),
        (CONF_MAX_ACTIONS, 51, "max_actions_out_of_range"),
        (CONF_MAX_ACTIONS, 2.5, "max_actions_out_of_range"),
        (CONF_REFRESH_THROTTLE, 0.5, "refresh_throttle_out_of_range"),
        (CONF_REFRESH_THROTTLE, 301, "refresh_throttle_out_of_range"),
        (CONF_REFRESH_THROTTLE, math.inf, "refresh_throttle_out_of_range"),
        # Not finite, negative or huge, for every option: the range error, no crash.
        *(
            (option, value, error)
            for option, error in [
                (CONF_QUEUE_DELAY, "queue_delay_out_of_range"),
                (CONF_MAX_ACTIONS, "max_actions_out_of_range"),
                (CONF_REFRESH_THROTTLE, "refresh_throttle_out_of_range"),
            ]
            for value in [math.inf, -math.inf, math.nan, -1, 1e308]
        ),
    ],
)
async def test_out_of_range_options(
    hass: HomeAssistant, gateway: Any, option: str, value: float, error: str
) -> None:
    sim, entry = gateway
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], user_input={**VALID_OPTIONS, option: value}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {option: error}
    assert error in TRANSLATIONS["options"]["error"]
    assert dict(entry.options) == VALID_OPTIONS  # nothing stored
    # The form can be corrected in the same flow.
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], user_input={**VALID_OPTIONS, CONF_MAX_ACTIONS: 5}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_MAX_ACTIONS] == 5
    await still_works(hass, sim, sim.device_urls[0])


@pytest.mark.parametrize("value", [10**400, -(10**400), "20", True, None])
@pytest.mark.parametrize(
    ("option", "error"),
    [
        (CONF_QUEUE_DELAY, "queue_delay_out_of_range"),
        (CONF_MAX_ACTIONS, "max_actions_out_of_range"),
        (CONF_REFRESH_THROTTLE, "refresh_throttle_out_of_range"),
    ],
)
def test_validate_options_beyond_floats(option: str, error: str, value: object) -> None:
    """Values the form's number box refuses itself are still judged, not raised on."""
    assert validate_options({**VALID_OPTIONS, option: value}) == {option: error}


# Service data of the wrong type or range.


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"command": "close"}, "no_target"),
        (
            {"command": "close", "device_url": "io://x/1", "entity_id": "cover.x"},
            "one_target",
        ),
    ],
)
async def test_execute_command_needs_one_target(
    hass: HomeAssistant, gateway: Any, data: dict[str, Any], key: str
) -> None:
    sim, _ = gateway
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, SERVICE_EXECUTE_COMMAND, data, blocking=True
        )
    assert_translated(err.value)
    assert err.value.translation_key == key
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, sim.device_urls[0])


@pytest.mark.parametrize(
    "data",
    [
        {"command": {"name": "close"}},  # not a string
        {"command": ["close"]},
        {"parameters": [{1, 2}]},  # not a JSON value
        {"entity_id": "not an entity id"},
    ],
)
async def test_execute_command_data_of_wrong_type(
    hass: HomeAssistant, gateway: Any, data: dict[str, Any]
) -> None:
    sim, _ = gateway
    call = {"device_url": sim.device_urls[0], "command": "close", **data}
    if "entity_id" in data:
        del call["device_url"]
    with pytest.raises(probatio.Invalid):
        await hass.services.async_call(
            DOMAIN, SERVICE_EXECUTE_COMMAND, call, blocking=True
        )
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, sim.device_urls[0])


@pytest.mark.parametrize("parameters", [[150], ["half"], [10, 20], [10**40]])
async def test_execute_command_parameters_out_of_range(
    hass: HomeAssistant, gateway: Any, parameters: list[Any]
) -> None:
    """The gateway would refuse them: refused before they are queued."""
    sim, _ = gateway
    url = sim.device_urls[0]
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {"device_url": url, "command": "setClosure", "parameters": parameters},
            blocking=True,
        )
    assert isinstance(err.value, ServiceValidationError)
    assert_translated(err.value)
    assert ran(sim, url, "setClosure") == 0
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, url)


@pytest.mark.parametrize("position", [150, -1, "half"])
async def test_cover_position_out_of_range(
    hass: HomeAssistant, gateway: Any, position: Any
) -> None:
    sim, entry = gateway
    url = sim.device_urls[0]
    with pytest.raises((probatio.Invalid, ServiceValidationError)):
        await hass.services.async_call(
            COVER_DOMAIN,
            SERVICE_SET_COVER_POSITION,
            {"entity_id": covers_of(entry)[url], "position": position},
            blocking=True,
        )
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, url)
