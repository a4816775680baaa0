"""Refuse bad commands before they are queued, with translated errors.

The gateway refuses a whole batch when one of its commands is bad, so what can
be checked here must not reach the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import TYPE_CHECKING, Any, Final

from homeassistant.exceptions import ServiceValidationError
from pyoverkiz.enums import Protocol

from .const import DOMAIN

if TYPE_CHECKING:
    from pyoverkiz.models import Command, Device


@dataclass(frozen=True, slots=True)
class Parameter:
    """What one parameter of a well-known command accepts: an integer in a range."""

    minimum: int
    maximum: int

    def accepts(self, value: Any) -> bool:
        """Tell whether ``value`` is an integer in range (a bool is no integer)."""
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and self.minimum <= value <= self.maximum
        )


_PERCENT = Parameter(0, 100)

# Commands whose parameters are known whatever the device: a position, an
# orientation or an intensity in percent.
KNOWN_PARAMETERS: Final[dict[str, tuple[Parameter, ...]]] = {
    "setClosure": (_PERCENT,),
    "setDeployment": (_PERCENT,),
    "setOrientation": (_PERCENT,),
    "setPosition": (_PERCENT,),
    "setIntensity": (_PERCENT,),
}

# The gateway reads integers as Java longs and cannot read NaN or infinities.
_LONG = Parameter(-(2**63), 2**63 - 1)


def validation_error(key: str, **placeholders: Any) -> ServiceValidationError:
    """Return the translated error for bad service data."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()} or None,
    )


def check_command(device: Device, command: Command) -> None:
    """Refuse a command the gateway would refuse, and with it the whole batch.

    Checked: values the gateway cannot read at all, the command against the
    device's definition (absent, or fewer parameters than it needs), and the
    parameters of well-known commands (a position is one integer 0-100). Other
    extra parameters may be optional ones (pyoverkiz's definition counts only
    the required ones): the gateway judges those. A definition that lists no
    commands (some setups) tells nothing.
    """
    name = str(command.name)
    params = list(command.parameters or [])
    for index, value in enumerate(params, start=1):
        if not _readable(value):
            raise validation_error(
                "unreadable_parameter", command=name, index=index, value=value
            )
    if device.definition.commands:
        definition = device.definition.commands.get(name)
        if definition is None:
            raise validation_error("unknown_command", command=name, device=device.label)
        if len(params) < definition.nparams:
            raise validation_error(
                "missing_parameters",
                command=name,
                nparams=definition.nparams,
                given=len(params),
            )
    if (known := KNOWN_PARAMETERS.get(name)) is not None:
        _check_known(device, name, params, known)


def _check_known(
    device: Device, name: str, params: list[Any], known: tuple[Parameter, ...]
) -> None:
    """Check the parameters of a well-known command (an RTS duration may follow)."""
    most = len(known) + (device.identifier.protocol == Protocol.RTS)
    if len(params) < len(known):
        raise validation_error(
            "missing_parameters", command=name, nparams=len(known), given=len(params)
        )
    if len(params) > most:
        raise validation_error(
            "too_many_parameters", command=name, nparams=most, given=len(params)
        )
    for index, (spec, value) in enumerate(zip(known, params, strict=False), start=1):
        if not spec.accepts(value):
            raise validation_error(
                "parameter_out_of_range",
                command=name,
                index=index,
                value=value,
                minimum=spec.minimum,
                maximum=spec.maximum,
            )


def _readable(value: Any) -> bool:
    """Tell whether the gateway can read a value (no NaN, no integer beyond long)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return _LONG.accepts(value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_readable(item) for item in value)
    if isinstance(value, dict):
        return all(_readable(item) for item in value.values())
    return False
