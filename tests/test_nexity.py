"""Nexity: the config flow logs in through Cognito (SRP) and Nexity's API, offline.

pyoverkiz's Nexity login runs unchanged. Only the network around it is pointed
at the simulator, by the means each client offers: boto3's standard endpoint
variable for Cognito, Home Assistant's resolver and trusted authority for
Nexity's API host (served on 127.0.0.1 with a certificate for its name).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import locale
from pathlib import Path
import socket
import ssl
from typing import Any
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import ssl as ssl_util
from pyoverkiz.enums import APIType, Server
from pyoverkiz.utils import create_server_config
import pytest

from custom_components.overkiz_batch.const import CONF_HUB, DOMAIN
from simulator import GatewaySimulator
from simulator.nexity import API_HOST, NexityCloud
from tests.gateway_setup import SimFactory, register_hub

pytestmark = pytest.mark.usefixtures("socket_enabled", "no_retry_waits")

HUB = str(Server.NEXITY)
GLIBC_C_UTF8 = Path("/usr/lib/locale/C.utf8")


@pytest.fixture
def english_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the en_US.UTF-8 locale warrant-lite switches to while signing exist.

    A minimal glibc system has only C.UTF-8; its day and month names are the
    English ones the signature needs, so it serves under that name.
    """
    try:
        previous = locale.setlocale(locale.LC_ALL)
        locale.setlocale(locale.LC_ALL, "en_US.UTF-8")
        locale.setlocale(locale.LC_ALL, previous)
    except locale.Error:
        if not GLIBC_C_UTF8.is_dir():
            pytest.skip("no en_US.UTF-8 locale to sign Cognito's challenge with")
        (tmp_path / "en_US.UTF-8").symlink_to(GLIBC_C_UTF8)
        monkeypatch.setenv("LOCPATH", str(tmp_path))


class _NexityResolver(AsyncResolver):
    """Resolve Nexity's API host to the simulator, other names as usual."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port
        self.real_close = self.close

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[Any]:
        if host != API_HOST:
            return await super().resolve(host, port, family)
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": self.port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]


@pytest.fixture
async def nexity(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    english_locale: None,
) -> AsyncIterator[tuple[GatewaySimulator, NexityCloud]]:
    """A Nexity account: Cognito and Nexity's API in front of a cloud simulator."""
    sim = await make_sim(house="default", mode="cloud")
    register_hub(
        monkeypatch,
        HUB,
        create_server_config(
            name="Nexity Eugénie",
            endpoint=sim.base_url,
            manufacturer="Nexity",
            server=Server.NEXITY,
            api_type=APIType.CLOUD,
        ),
    )
    async with NexityCloud(sim) as cloud:
        authority = tmp_path / "authority.pem"
        authority.write_bytes(cloud.ca_pem)
        # boto3's own settings: where Cognito is and which authority to trust.
        monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", cloud.endpoint)
        monkeypatch.setenv("AWS_CA_BUNDLE", str(authority))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        # Home Assistant's: the authority it trusts (as REQUESTS_CA_BUNDLE at
        # start) and the address its resolver gives Nexity's API host.
        trusted = await hass.async_add_executor_job(_trusting, cloud.ca_pem)
        monkeypatch.setattr(ssl_util, "client_context", lambda *_: trusted)
        with patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            side_effect=lambda _: _NexityResolver(cloud.port),
        ):
            yield sim, cloud


def _trusting(ca_pem: bytes) -> ssl.SSLContext:
    return ssl.create_default_context(cadata=ca_pem.decode())


async def _log_in(hass: HomeAssistant, username: str, password: str) -> Any:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: HUB}
    )
    assert result["step_id"] == "cloud"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: username, CONF_PASSWORD: password}
    )


async def test_nexity_login_creates_a_working_entry(
    hass: HomeAssistant, nexity: tuple[GatewaySimulator, NexityCloud]
) -> None:
    sim, cloud = nexity
    result = await _log_in(hass, sim.username, sim.password)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_HUB] == HUB
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED  # logged in again to set up
    assert cloud.calls["InitiateAuth"] == cloud.calls["RespondToAuthChallenge"] == 2
    assert cloud.calls["token"] == 2
    assert sim.stats.calls["login"] == 2
    assert hass.states.async_entity_ids("cover")


async def test_nexity_wrong_password_is_invalid_auth(
    hass: HomeAssistant, nexity: tuple[GatewaySimulator, NexityCloud]
) -> None:
    """Cognito refuses the password proof: nothing reaches Overkiz."""
    sim, cloud = nexity
    result = await _log_in(hass, sim.username, "not the password")

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert cloud.calls["RespondToAuthChallenge"] == 1
    assert "token" not in cloud.calls
    assert sim.stats.calls["login"] == 0


async def test_nexity_unknown_user_is_invalid_auth(
    hass: HomeAssistant, nexity: tuple[GatewaySimulator, NexityCloud]
) -> None:
    sim, cloud = nexity
    result = await _log_in(hass, "nobody@example.com", sim.password)

    assert result["errors"] == {"base": "invalid_auth"}
    assert "RespondToAuthChallenge" not in cloud.calls
