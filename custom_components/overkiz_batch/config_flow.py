"""Config flow and options flow for Overkiz Batch."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, override

from aiohttp import ClientConnectorCertificateError, ClientError
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlowResult,
    OptionsFlow,
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
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol
from pyoverkiz.enums import Server
from pyoverkiz.exceptions import (
    ApplicationNotAllowedError,
    BadCredentialsError,
    CozyTouchBadCredentialsError,
    InvalidTokenError,
    MaintenanceError,
    NoSuchTokenError,
    NotAuthenticatedError,
    ServiceUnavailableError,
    TooManyAttemptsBannedError,
    TooManyRequestsError,
    UnknownUserError,
)

from .client import LOCAL_API_HUBS, LOCAL_ONLY_HUBS, SERVERS, create_client
from .const import (
    API_TYPE_CLOUD,
    API_TYPE_LOCAL,
    BUSY_MODE_QUEUE,
    BUSY_MODE_REJECT,
    CONF_API_TYPE,
    CONF_BUSY_MODE,
    CONF_GATEWAY_ID,
    CONF_HUB,
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DEFAULT_BUSY_MODE,
    DEFAULT_MAX_ACTIONS,
    DEFAULT_QUEUE_DELAY,
    DEFAULT_REFRESH_THROTTLE,
    DOMAIN,
    MAX_MAX_ACTIONS,
    MAX_QUEUE_DELAY,
    MAX_REFRESH_THROTTLE,
    MIN_MAX_ACTIONS,
    MIN_QUEUE_DELAY,
    MIN_REFRESH_THROTTLE,
)
from .takeover_flow import TakeOverFlow

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
    from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
    from pyoverkiz.models import Gateway

_LOGGER = logging.getLogger(__name__)

DEFAULT_HUB = str(Server.SOMFY_EUROPE)
DEFAULT_LOCAL_HOST = "gateway-xxxx-xxxx-xxxx.local:8443"
LOCAL_PORT = 8443
ZEROCONF_KIZBOX = "_kizbox._tcp.local."
ZEROCONF_KIZBOXDEV = "_kizboxdev._tcp.local."

# Cozytouch accounts log in at Atlantic first; Overkiz refusing that login means the
# account's hardware does not live on the Overkiz platform.
COZYTOUCH_HUBS = frozenset(
    str(s)
    for s in (
        Server.ATLANTIC_COZYTOUCH,
        Server.SAUTER_COZYTOUCH,
        Server.THERMOR_COZYTOUCH,
    )
)
SOMFY_HUBS = frozenset(
    str(s)
    for s in (
        Server.SOMFY_EUROPE,
        Server.SOMFY_AMERICA,
        Server.SOMFY_OCEANIA,
        Server.SOMFY_DEVELOPER_MODE,
    )
)

PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
TEXT_SELECTOR = TextSelector(TextSelectorConfig(autocomplete="off"))
USERNAME_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
)


class NoGatewayError(Exception):
    """The account answered but holds no gateway."""


def _connection_error(exc: Exception, hub: str) -> tuple[str, dict[str, str]]:
    """Map a failed connection test to a translated error key and its placeholders."""
    match exc:
        case TooManyRequestsError():
            return "too_many_requests", {}
        case TooManyAttemptsBannedError():
            return "too_many_attempts", {}
        case MaintenanceError():
            return "server_in_maintenance", {}
        case ApplicationNotAllowedError():
            return "application_not_allowed", {}
        case UnknownUserError():
            return "unsupported_hardware", {"unsupported_device": _brand(hub)}
        case BadCredentialsError() if hub in COZYTOUCH_HUBS and not isinstance(
            exc, CozyTouchBadCredentialsError
        ):
            return "unsupported_hardware", {"unsupported_device": "Cozytouch"}
        case (
            BadCredentialsError()
            | NotAuthenticatedError()
            | NoSuchTokenError()
            | InvalidTokenError()
        ):
            return "invalid_auth", {}
        case ClientConnectorCertificateError():
            return "certificate_verify_failed", {}
        case TimeoutError() | ClientError() | ServiceUnavailableError():
            return "cannot_connect", {}
    _LOGGER.exception("Unexpected error while testing the connection")
    return "unknown", {}


def _brand(hub: str) -> str:
    """Name the hardware an unknown-user answer points at, for the error message."""
    if hub in COZYTOUCH_HUBS:
        return "Cozytouch"
    if hub in SOMFY_HUBS:
        return "Somfy Protect"
    return "Unknown"


def _gateway_label(gateway: Gateway) -> str:
    """Describe a gateway for the picker: its model when known, and its id."""
    if gateway.type is None or gateway.type.name == "UNKNOWN":
        return gateway.id
    return f"{gateway.type.beautify_name} ({gateway.id})"


class OverkizBatchConfigFlow(TakeOverFlow, domain=DOMAIN):
    """Set up one Overkiz gateway per config entry."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with the most common hub and API."""
        self._hub = DEFAULT_HUB
        self._api_type = API_TYPE_CLOUD
        self._host = DEFAULT_LOCAL_HOST
        self._verify_ssl = True
        self._username: str | None = None
        self._data: dict[str, Any] = {}
        self._gateways: dict[str, str] = {}

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

        hubs = {key: server.name for key, server in SERVERS.items()}
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
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            self._username = user_input[CONF_USERNAME]
            data = {CONF_HUB: self._hub, CONF_API_TYPE: API_TYPE_CLOUD, **user_input}
            result = await self._async_connect(data, errors, placeholders)
            if result is not None:
                return result

        return self.async_show_form(
            step_id="cloud",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_USERNAME, default=self._username or vol.UNDEFINED
                    ): USERNAME_SELECTOR,
                    vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
                }
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reach the gateway on the local network with a developer-mode token."""
        self._api_type = API_TYPE_LOCAL
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            self._host = user_input[CONF_HOST]
            self._verify_ssl = user_input[CONF_VERIFY_SSL]
            data = {CONF_HUB: self._hub, CONF_API_TYPE: API_TYPE_LOCAL, **user_input}
            result = await self._async_connect(data, errors, placeholders)
            if result is not None:
                return result

        return self.async_show_form(
            step_id="local",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_HOST, default=self._host): TEXT_SELECTOR,
                    vol.Required(CONF_TOKEN): PASSWORD_SELECTOR,
                    vol.Required(CONF_VERIFY_SSL, default=self._verify_ssl): bool,
                }
            ),
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
            gateways = await self._async_fetch_gateways(data)
        except NoGatewayError:
            return self.async_abort(reason="no_gateways")
        except Exception as exc:  # every failure is shown, none lost
            errors["base"], found = _connection_error(exc, data[CONF_HUB])
            placeholders.update(found)
            return None
        self._data = data
        self._gateways = {gateway.id: _gateway_label(gateway) for gateway in gateways}
        return await self._async_gateways_found()

    async def _async_fetch_gateways(self, data: Mapping[str, Any]) -> list[Gateway]:
        """Log in with the entry data and list the gateways it reaches."""
        client = create_client(self.hass, data)
        # No listener is registered; the session was made for this try alone, so
        # it is let go now rather than kept until Home Assistant stops. detach(),
        # as Home Assistant does itself: its sessions share one connector, and
        # close() only reports misuse.
        try:
            await client.login(register_event_listener=False)
            gateways = await client.get_gateways()
        finally:
            client.session.detach()
        if not gateways:
            raise NoGatewayError
        return gateways

    # Which gateway the entry is for.

    async def _async_gateways_found(self) -> ConfigFlowResult:
        """Finish with the gateway the flow is about, or let the user pick one."""
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            return self._async_update_entry()

        # Discovery already knows which gateway it found.
        if self.unique_id is not None and self.unique_id in self._gateways:
            return await self._async_create_entry(self.unique_id)

        configured = self._async_current_ids(include_ignore=False)
        candidates = [gw for gw in self._gateways if gw not in configured]
        if not candidates:
            return self.async_abort(reason="already_configured")
        if len(candidates) == 1:
            return await self._async_create_entry(candidates[0])
        return await self.async_step_gateway()

    async def async_step_gateway(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the account's gateways that has no entry yet."""
        if user_input is not None:
            return await self._async_create_entry(user_input[CONF_GATEWAY_ID])

        configured = self._async_current_ids(include_ignore=False)
        choices = {
            gateway_id: label
            for gateway_id, label in self._gateways.items()
            if gateway_id not in configured
        }
        return self.async_show_form(
            step_id="gateway",
            data_schema=vol.Schema({vol.Required(CONF_GATEWAY_ID): vol.In(choices)}),
        )

    async def _async_create_entry(self, gateway_id: str) -> ConfigFlowResult:
        """Make the entry for one gateway, unless it has one already."""
        await self.async_set_unique_id(gateway_id, raise_on_progress=False)
        self._abort_if_unique_id_configured()
        data = {**self._data, CONF_GATEWAY_ID: gateway_id}
        if self._api_type == API_TYPE_LOCAL:
            title = data[CONF_HOST]
        else:
            title = f"{data[CONF_USERNAME]} ({gateway_id})"
        if (take_over := await self.async_offer_take_over(title, data)) is not None:
            return take_over
        return self.async_create_entry(title=title, data=data)

    @callback
    def _async_update_entry(self) -> ConfigFlowResult:
        """Store new credentials or host if they still reach the entry's gateway."""
        if self.source == SOURCE_REAUTH:
            entry = self._get_reauth_entry()
            wrong = "reauth_wrong_account"
        else:
            entry = self._get_reconfigure_entry()
            wrong = "reconfigure_wrong_account"
        if entry.data[CONF_GATEWAY_ID] not in self._gateways:
            return self.async_abort(reason=wrong)
        result = self.async_update_and_abort(entry, data={**entry.data, **self._data})
        # Reload so the new credentials or host are used. Not through
        # async_update_reload_and_abort: the entry's update listener applies options
        # live, and Home Assistant refuses that helper to entries with a listener.
        self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return result

    # Reauth and reconfigure.

    def _async_load_entry(self, entry: ConfigEntry) -> None:
        """Take hub, API type and connection settings from an existing entry."""
        self._hub = entry.data[CONF_HUB]
        self._api_type = entry.data[CONF_API_TYPE]
        self._host = entry.data.get(CONF_HOST, DEFAULT_LOCAL_HOST)
        self._verify_ssl = entry.data.get(CONF_VERIFY_SSL, True)
        self._username = entry.data.get(CONF_USERNAME)
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

        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(secret): PASSWORD_SELECTOR}),
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
        if user_input is not None:
            data = {**entry.data, **user_input}
            result = await self._async_connect(data, errors, placeholders)
            if result is not None:
                return result
            if self._api_type == API_TYPE_LOCAL:
                self._host = user_input[CONF_HOST]
                self._verify_ssl = user_input[CONF_VERIFY_SSL]
            else:
                self._username = user_input[CONF_USERNAME]

        if self._api_type == API_TYPE_LOCAL:
            schema = vol.Schema(
                {
                    vol.Required(CONF_HOST, default=self._host): TEXT_SELECTOR,
                    vol.Required(CONF_VERIFY_SSL, default=self._verify_ssl): bool,
                }
            )
        else:
            schema = vol.Schema(
                {
                    vol.Required(CONF_USERNAME, default=self._username): (
                        USERNAME_SELECTOR
                    ),
                    vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
                }
            )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=schema,
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
        if discovery_info.type == ZEROCONF_KIZBOXDEV:
            # Developer mode is on: the local API answers on the announced port.
            hostname = discovery_info.hostname.removesuffix(".")
            self._host = f"{hostname}:{discovery_info.port}"
        else:
            self._host = f"gateway-{gateway_id}.local:{LOCAL_PORT}"
        return await self._async_discovered(gateway_id)

    @override
    async def async_step_dhcp(
        self, discovery_info: DhcpServiceInfo
    ) -> ConfigFlowResult:
        """Offer a gateway seen on DHCP; its hostname is gateway-<pin>."""
        gateway_id = discovery_info.hostname.lower().removeprefix("gateway-")
        if not gateway_id or gateway_id == discovery_info.hostname.lower():
            return self.async_abort(reason="not_overkiz_gateway")
        self._host = f"gateway-{gateway_id}.local:{LOCAL_PORT}"
        return await self._async_discovered(gateway_id)

    async def _async_discovered(self, gateway_id: str) -> ConfigFlowResult:
        """Continue a discovery as a user flow that already knows the gateway."""
        await self.async_set_unique_id(gateway_id)
        self._abort_if_unique_id_configured()
        self.context["title_placeholders"] = {"gateway_id": gateway_id}
        return await self.async_step_user()


def _number(step: float, unit: str | None = None) -> NumberSelector:
    """Return a box for a number.

    No min/max in the selector: the flow checks the range itself, so that a value
    out of range gets a translated message naming the range.
    """
    config = NumberSelectorConfig(mode=NumberSelectorMode.BOX, step=step)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def _in_range(value: Any, low: float, high: float, *, whole: bool = False) -> bool:
    """Tell whether ``value`` is a number from ``low`` to ``high`` (whole if asked).

    Compares before converting: NaN fails every comparison, and an infinity or a
    huge value is never turned into an int (OverflowError).
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if not low <= value <= high:
        return False
    return not whole or float(value).is_integer()


def validate_options(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Return an error key per option that is out of its range."""
    errors: dict[str, str] = {}
    if not _in_range(user_input[CONF_QUEUE_DELAY], MIN_QUEUE_DELAY, MAX_QUEUE_DELAY):
        errors[CONF_QUEUE_DELAY] = "queue_delay_out_of_range"
    if not _in_range(
        user_input[CONF_MAX_ACTIONS], MIN_MAX_ACTIONS, MAX_MAX_ACTIONS, whole=True
    ):
        errors[CONF_MAX_ACTIONS] = "max_actions_out_of_range"
    if not _in_range(
        user_input[CONF_REFRESH_THROTTLE], MIN_REFRESH_THROTTLE, MAX_REFRESH_THROTTLE
    ):
        errors[CONF_REFRESH_THROTTLE] = "refresh_throttle_out_of_range"
    return errors


OPTION_RANGES = {
    "min_queue_delay": f"{MIN_QUEUE_DELAY:g}",
    "max_queue_delay": f"{MAX_QUEUE_DELAY:g}",
    "min_max_actions": f"{MIN_MAX_ACTIONS}",
    "max_max_actions": f"{MAX_MAX_ACTIONS}",
    "min_refresh_throttle": f"{MIN_REFRESH_THROTTLE:g}",
    "max_refresh_throttle": f"{MAX_REFRESH_THROTTLE:g}",
}


class OverkizBatchOptionsFlow(OptionsFlow):
    """Tune the action queue and the job guards of a gateway.

    Only writes the options; the entry's update listener applies them live.
    """

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and check the options."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = validate_options(user_input)
            if not errors:
                options = {
                    **self.config_entry.options,
                    **user_input,
                    CONF_MAX_ACTIONS: int(user_input[CONF_MAX_ACTIONS]),
                }
                return self.async_create_entry(data=options)
        current = {**self.config_entry.options, **(user_input or {})}

        schema = vol.Schema(
            {
                vol.Required(
                    CONF_QUEUE_DELAY,
                    default=current.get(CONF_QUEUE_DELAY, DEFAULT_QUEUE_DELAY),
                ): _number(0.1, "s"),
                vol.Required(
                    CONF_MAX_ACTIONS,
                    default=current.get(CONF_MAX_ACTIONS, DEFAULT_MAX_ACTIONS),
                ): _number(1),
                vol.Required(
                    CONF_BUSY_MODE,
                    default=current.get(CONF_BUSY_MODE, DEFAULT_BUSY_MODE),
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=[BUSY_MODE_QUEUE, BUSY_MODE_REJECT],
                        mode=SelectSelectorMode.LIST,
                        translation_key=CONF_BUSY_MODE,
                    )
                ),
                vol.Required(
                    CONF_REFRESH_THROTTLE,
                    default=current.get(
                        CONF_REFRESH_THROTTLE, DEFAULT_REFRESH_THROTTLE
                    ),
                ): _number(1, "s"),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=schema,
            errors=errors,
            description_placeholders=OPTION_RANGES,
        )
