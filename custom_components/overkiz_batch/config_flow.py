"""Config flow: one entry per Overkiz gateway, by cloud login or local API token.

Steps: pick the hub (``user``), the API where a hub has both (``local_or_cloud``),
log in (``cloud`` or ``local``), pick a gateway when the account has several
(``gateway``); ``reauth``, ``reconfigure``, and discovery (``zeroconf``, ``dhcp``),
which goes straight to ``local`` with the host filled in. A step that brings entry
data from elsewhere tests it with ``_async_connect`` and, like every other way in,
ends in ``_async_create_entry``. The connection test lives in connection.py, the
options in options_flow.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol
from pyoverkiz.enums import Server

from .client import LOCAL_API_HUBS, LOCAL_ONLY_HUBS, hub_names
from .connection import (
    AUTH_ERROR_KEYS,
    FoundGateway,
    NoGatewayError,
    async_find_gateways,
    connection_error,
)
from .const import (
    API_TYPE_CLOUD,
    API_TYPE_LOCAL,
    CONF_API_TYPE,
    CONF_GATEWAY_ID,
    CONF_HUB,
    DOMAIN,
)
from .discovery import default_host, dhcp_gateway_id, moved_host, zeroconf_host
from .options_flow import OverkizBatchOptionsFlow
from .takeover_flow import TakeOverFlow

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
    from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

DEFAULT_HUB = str(Server.SOMFY_EUROPE)

PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
TEXT_SELECTOR = TextSelector(TextSelectorConfig(autocomplete="off"))
USERNAME_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
)

CLOUD_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_USERNAME): USERNAME_SELECTOR,
        vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)
LOCAL_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): TEXT_SELECTOR,
        vol.Required(CONF_TOKEN): PASSWORD_SELECTOR,
        vol.Required(CONF_VERIFY_SSL, default=True): bool,
    }
)
RECONFIGURE_LOCAL_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): TEXT_SELECTOR,
        vol.Required(CONF_VERIFY_SSL): bool,
    }
)
# Stored values a reconfigure form starts with (never a password or a token).
RECONFIGURE_SHOWN = (CONF_HOST, CONF_VERIFY_SSL, CONF_USERNAME)


def _kept(user_input: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, Any]:
    """Return what a form shows again after an error: all but a refused secret."""
    kept = dict(user_input)
    if errors.get("base") in AUTH_ERROR_KEYS:
        kept.pop(CONF_PASSWORD, None)
        kept.pop(CONF_TOKEN, None)
    return kept


class OverkizBatchConfigFlow(TakeOverFlow, domain=DOMAIN):
    """Set up one Overkiz gateway per config entry."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with the most common hub and API."""
        self._hub = DEFAULT_HUB
        self._api_type = API_TYPE_CLOUD
        self._shown: dict[str, Any] = {}  # values the next form starts with
        self._data: dict[str, Any] = {}
        self._gateways: dict[str, FoundGateway] = {}

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OverkizBatchOptionsFlow:
        """Return the options flow."""
        return OverkizBatchOptionsFlow()

    # Hub, API type, credentials.

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the hub (the app the user logs in to)."""
        if user_input is not None:
            self._hub = user_input[CONF_HUB]
            if self._hub in LOCAL_ONLY_HUBS:
                return await self.async_step_local()
            if self._hub in LOCAL_API_HUBS:
                return await self.async_step_local_or_cloud()
            return await self.async_step_cloud()

        hubs = hub_names()
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_HUB, default=self._hub): vol.In(
                        dict(sorted(hubs.items(), key=lambda item: item[1]))
                    )
                }
            ),
        )

    async def async_step_local_or_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the gateway's local API or the cloud."""
        return self.async_show_menu(
            step_id="local_or_cloud", menu_options=[API_TYPE_LOCAL, API_TYPE_CLOUD]
        )

    async def async_step_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Log in to the hub's cloud with the app's username and password."""
        self._api_type = API_TYPE_CLOUD
        return await self._async_login_step("cloud", CLOUD_SCHEMA, user_input)

    async def async_step_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reach the gateway on the local network with a developer-mode token."""
        self._api_type = API_TYPE_LOCAL
        return await self._async_login_step("local", LOCAL_SCHEMA, user_input)

    async def _async_login_step(
        self, step_id: str, schema: vol.Schema, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Test what the user typed; show it again, with the error, if it fails."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            data = {CONF_HUB: self._hub, CONF_API_TYPE: self._api_type, **user_input}
            result = await self._async_connect(data, errors, placeholders)
            if result is not None:
                return result
            self._shown = _kept(user_input, errors)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, self._shown),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_connect(
        self,
        data: dict[str, Any],
        errors: dict[str, str],
        placeholders: dict[str, str],
    ) -> ConfigFlowResult | None:
        """Test the connection; go on with its gateways, or fill in the errors."""
        try:
            gateways = await async_find_gateways(self.hass, data)
        except NoGatewayError:
            return self.async_abort(reason="no_gateways")
        except Exception as exc:  # every failure is shown, none lost
            errors["base"], found = connection_error(exc, data[CONF_HUB])
            placeholders.update(found)
            return None
        self._data = data
        self._gateways = gateways
        return await self._async_gateways_found()

    # Which gateway the entry is for.

    async def _async_gateways_found(self) -> ConfigFlowResult:
        """Finish with the gateway the flow is about, or let the user pick one."""
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            return self._async_update_entry()

        # Discovery already knows which gateway it found.
        if self.unique_id is not None and self.unique_id in self._gateways:
            return await self._async_create_entry(self.unique_id)

        candidates = self._unconfigured()
        if not candidates:
            return self.async_abort(reason="already_configured")
        if len(candidates) == 1:
            return await self._async_create_entry(candidates[0].gateway_id)
        return await self.async_step_gateway()

    def _unconfigured(self) -> list[FoundGateway]:
        configured = self._async_current_ids(include_ignore=False)
        return [gw for gw in self._gateways.values() if gw.gateway_id not in configured]

    async def async_step_gateway(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the account's gateways that has no entry yet."""
        if user_input is not None:
            return await self._async_create_entry(user_input[CONF_GATEWAY_ID])
        choices = {gw.gateway_id: gw.label for gw in self._unconfigured()}
        return self.async_show_form(
            step_id="gateway",
            data_schema=vol.Schema({vol.Required(CONF_GATEWAY_ID): vol.In(choices)}),
        )

    async def _async_create_entry(self, gateway_id: str) -> ConfigFlowResult:
        """Make the entry for one gateway, unless it has one already."""
        await self.async_set_unique_id(gateway_id, raise_on_progress=False)
        self._abort_if_unique_id_configured()
        title = self._gateways[gateway_id].title
        data = {**self._data, CONF_GATEWAY_ID: gateway_id}
        if (take_over := await self.async_offer_take_over(title, data)) is not None:
            return take_over
        return self.async_create_entry(title=title, data=data)

    @callback
    def _async_update_entry(self) -> ConfigFlowResult:
        """Store new credentials or host if they still reach the entry's gateway.

        The entry's update listener reloads it when its data changed.
        """
        if self.source == SOURCE_REAUTH:
            entry = self._get_reauth_entry()
            wrong = "reauth_wrong_account"
        else:
            entry = self._get_reconfigure_entry()
            wrong = "reconfigure_wrong_account"
        if entry.data[CONF_GATEWAY_ID] not in self._gateways:
            return self.async_abort(reason=wrong)
        return self.async_update_and_abort(entry, data={**entry.data, **self._data})

    # Reauth and reconfigure.

    def _async_load_entry(self, entry: ConfigEntry) -> None:
        """Take hub, API type and connection settings from an existing entry."""
        self._hub = entry.data[CONF_HUB]
        self._api_type = entry.data[CONF_API_TYPE]
        self.context["title_placeholders"] = {"gateway_id": entry.data[CONF_GATEWAY_ID]}

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for a new password or token after the gateway refused the old one."""
        self._async_load_entry(self._get_reauth_entry())
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Test the new password or token against the entry's gateway."""
        entry = self._get_reauth_entry()
        secret = CONF_TOKEN if self._api_type == API_TYPE_LOCAL else CONF_PASSWORD
        errors: dict[str, str] = {}
        placeholders = {
            "account": entry.data.get(CONF_USERNAME) or entry.data.get(CONF_HOST, "")
        }
        if user_input is not None:
            data = {**entry.data, secret: user_input[secret]}
            result = await self._async_connect(data, errors, placeholders)
            if result is not None:
                return result
            self._shown = _kept(user_input, errors)
        schema = vol.Schema({vol.Required(secret): PASSWORD_SELECTOR})
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(schema, self._shown),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the host and SSL check (local) or the login (cloud)."""
        entry = self._get_reconfigure_entry()
        self._async_load_entry(entry)
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        shown = {k: v for k, v in entry.data.items() if k in RECONFIGURE_SHOWN}
        if user_input is not None:
            data = {**entry.data, **user_input}
            result = await self._async_connect(data, errors, placeholders)
            if result is not None:
                return result
            shown = _kept(data, errors)
        local = self._api_type == API_TYPE_LOCAL
        schema = RECONFIGURE_LOCAL_SCHEMA if local else CLOUD_SCHEMA
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, shown),
            errors=errors,
            description_placeholders=placeholders,
        )

    # Discovery of gateways on the local network.

    @override
    async def async_step_zeroconf(
        self, discovery_info: ZeroconfServiceInfo
    ) -> ConfigFlowResult:
        """Offer a gateway that announced itself over mDNS."""
        gateway_id = discovery_info.properties.get("gateway_pin")
        if not gateway_id:
            return self.async_abort(reason="not_overkiz_gateway")
        host = zeroconf_host(
            gateway_id,
            discovery_info.type,
            discovery_info.hostname,
            discovery_info.port,
        )
        return await self._async_discovered(gateway_id, host, discovery_info.host)

    @override
    async def async_step_dhcp(
        self, discovery_info: DhcpServiceInfo
    ) -> ConfigFlowResult:
        """Offer a gateway seen on DHCP; its hostname is gateway-<pin>."""
        if (gateway_id := dhcp_gateway_id(discovery_info.hostname)) is None:
            return self.async_abort(reason="not_overkiz_gateway")
        return await self._async_discovered(
            gateway_id, default_host(gateway_id), discovery_info.ip
        )

    async def _async_discovered(
        self, gateway_id: str, host: str, address: str
    ) -> ConfigFlowResult:
        """Update a known gateway's address, or offer the local API with its host."""
        await self.async_set_unique_id(gateway_id)
        updates = None
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, gateway_id
        )
        if (
            entry is not None
            and entry.data.get(CONF_API_TYPE) == API_TYPE_LOCAL
            and (new_host := moved_host(entry.data[CONF_HOST], address))
        ):
            updates = {CONF_HOST: new_host}
        # A loaded entry's update listener reloads it on its new host; an entry
        # waiting to retry its setup has no listener: it is retried at once.
        retrying = entry is not None and entry.state is ConfigEntryState.SETUP_RETRY
        self._abort_if_unique_id_configured(updates=updates, reload_on_update=retrying)
        self.context["title_placeholders"] = {"gateway_id": gateway_id}
        self._shown = {CONF_HOST: host}
        return await self.async_step_local()
