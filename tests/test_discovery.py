"""Where a discovered gateway answers, and when a stored host follows it."""

from __future__ import annotations

import pytest

from custom_components.overkiz_batch.discovery import (
    dhcp_gateway_id,
    moved_host,
    zeroconf_host,
)


@pytest.mark.parametrize(
    ("stored", "address", "moved"),
    [
        ("192.168.1.20:8443", "192.168.1.31", "192.168.1.31:8443"),
        ("192.168.1.20:8443", "192.168.1.20", None),  # unchanged
        ("192.168.1.20", "192.168.1.31", "192.168.1.31"),
        ("[fe80::1]:8443", "fe80::2", "[fe80::2]:8443"),
        ("fe80::1", "fe80::2", "[fe80::2]"),
        ("gateway-1234-5678-9012.local:8443", "192.168.1.31", None),  # a name
        ("192.168.1.20:8443", "not-an-address", None),
    ],
)
def test_moved_host(stored: str, address: str, moved: str | None) -> None:
    assert moved_host(stored, address) == moved


def test_dhcp_gateway_id() -> None:
    assert dhcp_gateway_id("Gateway-1234-5678-9012") == "1234-5678-9012"
    assert dhcp_gateway_id("gateway-") is None
    assert dhcp_gateway_id("printer") is None


def test_zeroconf_host() -> None:
    gw = "1234-5678-9012"
    assert zeroconf_host(gw, "_kizbox._tcp.local.", "x.local.", 443) == (
        f"gateway-{gw}.local:8443"
    )
    dev = "_kizboxdev._tcp.local."
    assert zeroconf_host(gw, dev, f"gateway-{gw}.local.", 8444) == (
        f"gateway-{gw}.local:8444"
    )
