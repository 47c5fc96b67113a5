"""Where webhooks may be sent: public ``https://`` addresses, checked when a subscription is
made and again, after DNS, before every delivery (so a name re-pointed at an internal address
later is refused too, and the connection goes to the very address that was checked).

``allow_private`` (``MCP_REGISTRY_WEBHOOKS_ALLOW_PRIVATE_TARGETS``, tests and development)
also admits ``http://`` and loopback, private and link-local addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

_LOCAL_NAMES = ("localhost", "localhost.localdomain")


class TargetRefused(ValueError):
    """A webhook URL that may not be used; the message says why."""


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_target_url(url: str, *, allow_private: bool) -> None:
    """Raise :class:`TargetRefused` unless ``url`` may be a webhook target (before DNS)."""
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise TargetRefused("webhook URLs must use https://")
    if not parts.hostname:
        raise TargetRefused("the webhook URL has no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("webhook URLs may not carry credentials")
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise TargetRefused("the webhook URL's port is not a number") from None
    if allow_private:
        return
    host = parts.hostname.lower().rstrip(".")
    address = _address(host)
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        raise TargetRefused("webhook URLs may not point at loopback addresses")
    if address is not None and not address.is_global:
        raise TargetRefused("webhook URLs must point at public addresses")


def resolve_target(url: str, *, allow_private: bool) -> str:
    """The address to connect to for ``url``, after checking every address its host resolves
    to; raises :class:`TargetRefused` (also when the name does not resolve)."""
    check_target_url(url, allow_private=allow_private)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise TargetRefused(f"the webhook host does not resolve: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise TargetRefused("the webhook host has no address")
    if not allow_private:
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if not address.is_global:
                raise TargetRefused(f"the webhook host resolves to a non-public address {text}")
    return addresses[0]
