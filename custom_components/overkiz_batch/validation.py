"""Refuse bad commands before they are queued, with translated errors.

The gateway refuses a whole batch when one of its commands is bad, so what can
be checked here must not reach the queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN

if TYPE_CHECKING:
    from pyoverkiz.models import Command, Device


def validation_error(key: str, **placeholders: Any) -> ServiceValidationError:
    """Return the translated error for bad service data."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()} or None,
    )


def check_command(device: Device, command: Command) -> None:
    """Refuse a command the device's definition lacks, or with too few parameters.

    Extra parameters may be optional ones (the definition pyoverkiz gives
    counts only the required ones): the gateway judges those. A definition that
    lists no commands (some setups) tells nothing: the command goes as it is.
    """
    if not device.definition.commands:
        return
    name = str(command.name)
    definition = device.definition.commands.get(name)
    if definition is None:
        raise validation_error("unknown_command", command=name, device=device.label)
    given = len(command.parameters or [])
    if given < definition.nparams:
        raise validation_error(
            "missing_parameters",
            command=name,
            nparams=definition.nparams,
            given=given,
        )
