"""The config flow's take-over step: a gateway overkiz already has.

Shown before the entry is made: how many entities and devices move, and which
entities of overkiz stay behind with its disabled entry. overkiz runs a whole
account: where it has other gateways too, the step (``take_over_account``)
says that they go unavailable until they are added as well; once one of them
was taken over, the entry is disabled already (``take_over_rest``). Confirming makes
our entry with a take-over request, carried out when it is first set up.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult

from .const import CONF_GATEWAY_ID
from .takeover import (
    CONF_TAKE_OVER,
    async_ours_online,
    core_entry,
    plan,
    plan_placeholders,
    plan_step,
)

_LOGGER = logging.getLogger(__name__)


class TakeOverFlow(ConfigFlow):
    """Offer to take over a gateway that overkiz is set up for."""

    _take_over: tuple[str, dict[str, Any], str] | None = None
    _take_over_placeholders: dict[str, str] | None = None

    async def async_offer_take_over(
        self, title: str, data: dict[str, Any]
    ) -> ConfigFlowResult | None:
        """Go to the take-over step if overkiz has the gateway; None otherwise."""
        core = core_entry(self.hass, data[CONF_GATEWAY_ID])
        if core is None:
            return None
        try:
            ours = await async_ours_online(self.hass, data)
        except Exception:
            _LOGGER.exception("Could not read the gateway to plan the take-over")
            return self.async_abort(reason="take_over_cannot_connect")
        self._take_over = (title, data, core.entry_id)
        the_plan = plan(self.hass, core, ours)
        self._take_over_placeholders = plan_placeholders(the_plan, core)
        if core.disabled_by is not None:  # other gateways were taken over first
            return await self.async_step_take_over_rest()
        return await self._async_take_over_step(plan_step("take_over", the_plan))

    async def async_step_take_over(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show what moves and what stays; confirming makes the entry."""
        return await self._async_take_over_step("take_over", user_input)

    async def async_step_take_over_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the same for an overkiz entry that runs other gateways too."""
        return await self._async_take_over_step("take_over_account", user_input)

    async def async_step_take_over_rest(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the same for a gateway whose overkiz entry is disabled already."""
        return await self._async_take_over_step("take_over_rest", user_input)

    async def _async_take_over_step(
        self, step_id: str, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        assert self._take_over is not None
        title, data, core_id = self._take_over
        if user_input is not None:
            return self.async_create_entry(
                title=title, data={**data, CONF_TAKE_OVER: core_id}
            )
        return self.async_show_form(
            step_id=step_id, description_placeholders=self._take_over_placeholders
        )
