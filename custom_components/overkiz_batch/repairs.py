"""A repair issue while overkiz and Overkiz Batch both run the same gateway.

Both would send their own executions to it and poll its event listener, and
the gateway runs only about ten executions at a time. The issue's fix flow
takes the gateway over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import SIGNAL_CONFIG_ENTRY_CHANGED
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .const import DOMAIN
from .takeover import (
    CONF_TAKE_OVER,
    CORE_DOMAIN,
    async_ours_online,
    core_entry,
    plan,
    plan_placeholders,
    plan_step,
)

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry, ConfigEntryChange

ISSUE_COEXISTENCE = "coexistence"


def _issue_id(entry_id: str) -> str:
    return f"{ISSUE_COEXISTENCE}_{entry_id}"


@callback
def async_check_coexistence(hass: HomeAssistant) -> None:
    """Raise or clear the issue of every entry, as both integrations stand now."""
    for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False):
        core = core_entry(hass, entry.unique_id)
        issue_id = _issue_id(entry.entry_id)
        if (
            core is None
            or core.disabled_by is not None
            or entry.disabled_by is not None
            or CONF_TAKE_OVER in entry.data
        ):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
            continue
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            data={"entry_id": entry.entry_id},
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_COEXISTENCE,
            translation_placeholders={"title": core.title},
        )


@callback
def async_follow_coexistence(hass: HomeAssistant) -> None:
    """Check again whenever an entry of either integration changes."""

    @callback
    def changed(change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if entry.domain in (DOMAIN, CORE_DOMAIN):
            async_check_coexistence(hass)

    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, changed)


@callback
def async_clear_issue(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Forget the issue of a removed entry."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(entry.entry_id))


class TakeOverRepairFlow(RepairsFlow):
    """Take the gateway over from overkiz, after showing what stays behind."""

    def __init__(self, entry_id: str) -> None:
        """Remember which of our entries the issue is about."""
        self._entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Go straight to the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show what moves and what stays; on confirmation take over."""
        return await self._async_confirm("confirm", user_input)

    async def async_step_confirm_account(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the same for an overkiz entry that runs other gateways too."""
        return await self._async_confirm("confirm_account", user_input)

    async def _async_confirm(
        self, step_id: str, user_input: dict[str, str] | None
    ) -> RepairsFlowResult:
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        core = core_entry(self.hass, entry.unique_id if entry else None)
        if entry is None or core is None:
            return self.async_abort(reason="take_over_gone")
        if user_input is not None:
            # Unloaded first, so the request is not taken for new settings by
            # the entry's update listener; the setup then carries it out.
            entries = self.hass.config_entries
            await entries.async_unload(entry.entry_id)
            entries.async_update_entry(
                entry, data={**entry.data, CONF_TAKE_OVER: core.entry_id}
            )
            await entries.async_setup(entry.entry_id)
            return self.async_create_entry(data={})
        try:
            ours = await async_ours_online(self.hass, entry.data)
        except Exception:  # every failure is shown, none lost
            return self.async_abort(reason="take_over_cannot_connect")
        the_plan = plan(self.hass, core, ours)
        return self.async_show_form(
            step_id=plan_step(step_id.removesuffix("_account"), the_plan),
            description_placeholders=plan_placeholders(the_plan, core),
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the fix flow of a coexistence issue."""
    return TakeOverRepairFlow(str((data or {})["entry_id"]))
