"""Options flow: tune a gateway's action queue and job guards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio as vol

from . import const

if TYPE_CHECKING:
    from collections.abc import Mapping


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
    if not _in_range(
        user_input[const.CONF_QUEUE_DELAY], const.MIN_QUEUE_DELAY, const.MAX_QUEUE_DELAY
    ):
        errors[const.CONF_QUEUE_DELAY] = "queue_delay_out_of_range"
    if not _in_range(
        user_input[const.CONF_MAX_ACTIONS],
        const.MIN_MAX_ACTIONS,
        const.MAX_MAX_ACTIONS,
        whole=True,
    ):
        errors[const.CONF_MAX_ACTIONS] = "max_actions_out_of_range"
    if not _in_range(
        user_input[const.CONF_REFRESH_THROTTLE],
        const.MIN_REFRESH_THROTTLE,
        const.MAX_REFRESH_THROTTLE,
    ):
        errors[const.CONF_REFRESH_THROTTLE] = "refresh_throttle_out_of_range"
    return errors


OPTION_RANGES = {
    "min_queue_delay": f"{const.MIN_QUEUE_DELAY:g}",
    "max_queue_delay": f"{const.MAX_QUEUE_DELAY:g}",
    "min_max_actions": f"{const.MIN_MAX_ACTIONS}",
    "max_max_actions": f"{const.MAX_MAX_ACTIONS}",
    "min_refresh_throttle": f"{const.MIN_REFRESH_THROTTLE:g}",
    "max_refresh_throttle": f"{const.MAX_REFRESH_THROTTLE:g}",
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
                    const.CONF_MAX_ACTIONS: int(user_input[const.CONF_MAX_ACTIONS]),
                }
                return self.async_create_entry(data=options)
        current = {**self.config_entry.options, **(user_input or {})}

        schema = vol.Schema(
            {
                vol.Required(
                    const.CONF_QUEUE_DELAY,
                    default=current.get(
                        const.CONF_QUEUE_DELAY, const.DEFAULT_QUEUE_DELAY
                    ),
                ): _number(0.1, "s"),
                vol.Required(
                    const.CONF_MAX_ACTIONS,
                    default=current.get(
                        const.CONF_MAX_ACTIONS, const.DEFAULT_MAX_ACTIONS
                    ),
                ): _number(1),
                vol.Required(
                    const.CONF_ADAPTIVE_SENDING,
                    default=current.get(
                        const.CONF_ADAPTIVE_SENDING, const.DEFAULT_ADAPTIVE_SENDING
                    ),
                ): bool,
                vol.Required(
                    const.CONF_BUSY_MODE,
                    default=current.get(const.CONF_BUSY_MODE, const.DEFAULT_BUSY_MODE),
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=[const.BUSY_MODE_QUEUE, const.BUSY_MODE_REJECT],
                        mode=SelectSelectorMode.LIST,
                        translation_key=const.CONF_BUSY_MODE,
                    )
                ),
                vol.Required(
                    const.CONF_REFRESH_THROTTLE,
                    default=current.get(
                        const.CONF_REFRESH_THROTTLE, const.DEFAULT_REFRESH_THROTTLE
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
