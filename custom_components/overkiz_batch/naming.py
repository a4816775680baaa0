"""Names a person recognises a gateway by: its model and the end of its id.

Two TaHoma Switches would otherwise both be "TaHoma Switch", and a local entry
would be titled by its address. The gateway device and the config entry are named
from what the gateway tells: its type (when the API says it; the local API often
does not) and the last group of its id, which is printed on the box. On the cloud
the entry title also names the account's home (the setup's root place).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyoverkiz.models import Gateway, Setup


def short_gateway_id(gateway_id: str) -> str:
    """Return the last group of a gateway id (``1234-5678-9012`` gives ``9012``)."""
    return gateway_id.rsplit("-", 1)[-1] or gateway_id


def gateway_model(gateway: Gateway | None, manufacturer: str) -> str:
    """Return the gateway's model, or the vendor's gateway when it is not told."""
    kind = gateway.type if gateway is not None else None
    if kind is not None and kind.name != "UNKNOWN":
        return kind.beautify_name
    return f"{manufacturer} gateway"


def gateway_name(gateway: Gateway | None, gateway_id: str, manufacturer: str) -> str:
    """Return the gateway device's name: ``TaHoma Switch 9012``."""
    return f"{gateway_model(gateway, manufacturer)} {short_gateway_id(gateway_id)}"


def home_name(setup: Setup) -> str | None:
    """Return the name of the account's home, when the setup has one."""
    place = setup.root_place
    label = place.label.strip() if place is not None and place.label else ""
    return label or None


def entry_title(name: str, home: str | None) -> str:
    """Return a config entry title: the gateway's name, after the home's if known."""
    return f"{home} ({name})" if home else name
