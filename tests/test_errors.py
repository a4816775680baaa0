"""What a person reads when something fails: one sentence, the code as detail."""

from __future__ import annotations

from aiohttp import ClientConnectorError, ServerDisconnectedError
from aiohttp.client_reqrep import ConnectionKey
from homeassistant.components.cover import (
    ATTR_POSITION,
    DOMAIN as COVER_DOMAIN,
    SERVICE_SET_COVER_POSITION,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pyoverkiz import exceptions as ok
import pytest

from custom_components.overkiz_batch.errors import (
    ExecutionOutcomeUnknownError,
    command_error,
    error_detail,
    translated_error,
)
from simulator import GatewaySimulator, shutters_house
from tests.gateway_setup import SimFactory, setup_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")


def _lost_twice() -> ExecutionOutcomeUnknownError:
    """The answer lost, then the lookup failing the same way."""
    try:
        try:
            raise ServerDisconnectedError
        except ServerDisconnectedError as err:
            raise ExecutionOutcomeUnknownError(
                "Server disconnected, then Server disconnected"
            ) from err
    except ExecutionOutcomeUnknownError as outcome:
        return outcome


def _refused() -> ConnectionKey:
    return ConnectionKey("127.0.0.1", 8443, True, True, None, None, None)


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        # A code pyoverkiz does not know comes as the gateway's whole answer.
        (
            ok.OverkizError(
                {"errorCode": "INVALID_PARAMETER", "error": 'Bad parameters. ("x")'}
            ),
            "INVALID_PARAMETER",
        ),
        (ok.OverkizError({"error": "Something odd"}), "Something odd"),
        (ok.OverkizError({}), "OverkizError"),
        # A code it knows comes as the gateway's words.
        (ok.InvalidCommandError("No such command : fly"), "No such command : fly"),
        (_lost_twice(), "Server disconnected"),
        (ExecutionOutcomeUnknownError("no cause"), "no cause"),
        (TimeoutError(), "no answer in time"),
        (
            ClientConnectorError(_refused(), OSError(111, "refused")),
            "no connection to 127.0.0.1:8443",
        ),
        (KeyError(), "KeyError"),
        (ValueError("x" * 200), "x" * 79 + "…"),
    ],
)
def test_error_detail(error: Exception, detail: str) -> None:
    assert error_detail(error) == detail


def test_translated_error_gives_details_not_reprs() -> None:
    err = translated_error(
        "command_refused",
        ServiceValidationError,
        command="setClosure",
        error=ok.OverkizError({"errorCode": "INVALID_PARAMETER"}),
    )
    assert isinstance(err, ServiceValidationError)
    assert err.translation_placeholders == {
        "command": "setClosure",
        "error": "INVALID_PARAMETER",
    }
    assert translated_error("queue_closed").translation_placeholders is None


def test_a_refusal_with_a_code_pyoverkiz_does_not_know() -> None:
    err = command_error(ok.OverkizError({"errorCode": "INVALID_PARAMETER"}), "open")
    assert err.translation_key == "command_refused"


@pytest.fixture
async def shutter(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> GatewaySimulator:
    sim = await make_sim(house=shutters_house(1), mode="local")
    await setup_entry(hass, sim, monkeypatch)
    return sim


async def test_gateway_refusal_reads_as_one_sentence(
    hass: HomeAssistant, shutter: GatewaySimulator
) -> None:
    (entity_id,) = hass.states.async_entity_ids(COVER_DOMAIN)
    shutter.fail("exec/apply", "BAD_PARAMETERS")

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            COVER_DOMAIN,
            SERVICE_SET_COVER_POSITION,
            {"entity_id": entity_id, ATTR_POSITION: 30},
            blocking=True,
        )

    # Home Assistant drops the last full stop.
    assert str(err.value) == (
        'The gateway refused the command "setClosure" (INVALID_PARAMETER),'
        " so check the command and its parameters"
    )
