"""Where a discovered gateway answers, and whether a stored host must follow it."""

from __future__ import annotations

from ipaddress import ip_address

LOCAL_PORT = 8443
ZEROCONF_KIZBOXDEV = "_kizboxdev._tcp.local."


def dhcp_gateway_id(hostname: str) -> str | None:
    """Return the gateway id in a DHCP hostname (``gateway-<pin>``), or None."""
    name = hostname.lower()
    gateway_id = name.removeprefix("gateway-")
    return gateway_id if gateway_id and gateway_id != name else None


def zeroconf_host(gateway_id: str, kind: str, hostname: str, port: int | None) -> str:
    """Return the host (with port) of a gateway that announced itself over mDNS.

    With developer mode on, the local API answers on the announced port and name.
    """
    if kind == ZEROCONF_KIZBOXDEV and port:
        return f"{hostname.removesuffix('.')}:{port}"
    return default_host(gateway_id)


def default_host(gateway_id: str) -> str:
    """Return the name under which a gateway's local API answers."""
    return f"gateway-{gateway_id}.local:{LOCAL_PORT}"


def moved_host(stored: str, address: str) -> str | None:
    """Return the stored host with a newly discovered address, or None to keep it.

    Only a host stored as an IP address follows the gateway to a new address; a
    name (``gateway-PIN.local``) already does, and the certificate check needs it.
    """
    host, port = stored, ""
    if not _is_ip(stored):  # an address with its port, or a name
        host, _, port = stored.rpartition(":")
    if not _is_ip(host) or not _is_ip(address):
        return None
    new_ip = ip_address(address)
    new = f"[{new_ip}]" if new_ip.version == 6 else str(new_ip)
    if port:
        new = f"{new}:{port}"
    return None if new == stored else new


def _is_ip(host: str) -> bool:
    try:
        ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
