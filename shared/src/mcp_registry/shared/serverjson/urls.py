"""URL checks shared by the schema's ``uri`` format and the semantic rules.

Everything here is pure string work: no DNS lookups, no network. A host name that merely
resolves to a private address is not caught (that is a publish-time concern); literal
addresses and ``localhost`` names are.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Final, NamedTuple
from urllib.parse import SplitResult, urlsplit

_TEMPLATE_VARIABLE: Final = re.compile(r"\{([^{}]+)\}")
# After a colon in the authority a variable stands for a port, which must stay numeric to parse.
_PORT_VARIABLE: Final = re.compile(r":\{[^{}]+\}(?=/|$|\?|#)")
_URI: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
# Shapes inet_aton accepts (decimal, octal, hex parts); checked first so that no stray text
# reaches it and ordinary host names are never mistaken for addresses.
_NUMERIC_HOST: Final = re.compile(
    r"^(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}$", re.I
)


def template_variables(url: str) -> list[str]:
    """Names used as ``{name}`` in a URL template, in order of appearance."""
    return _TEMPLATE_VARIABLE.findall(url)


def fill_placeholders(url: str) -> str:
    """The URL with every ``{variable}`` replaced by a parseable stand-in.

    Port positions get ``8080``, everything else ``placeholder``, so
    ``https://{tenant}.example.com:{port}/mcp`` parses as a normal URL.
    """
    return _TEMPLATE_VARIABLE.sub("placeholder", _PORT_VARIABLE.sub(":8080", url))


def is_absolute_uri(value: str) -> bool:
    """True for an RFC 3986 absolute URI (scheme, no spaces or characters URIs forbid).

    This is the ``uri`` format of our schema; jsonschema's own check needs an optional
    dependency, and the answer must not depend on what happens to be installed.
    """
    return bool(_URI.match(value))


class ParsedUrl(NamedTuple):
    """The parts of an http(s) URL the rules look at."""

    scheme: str
    host: str
    split: SplitResult


def parse_http_url(url: str) -> ParsedUrl | None:
    """Parse ``url`` (template variables allowed); ``None`` unless it is http(s) with a host."""
    try:
        split = urlsplit(fill_placeholders(url))
        split.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return None
    scheme = split.scheme.lower()
    host = (split.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host:
        return None
    return ParsedUrl(scheme, host, split)


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host spells literally (including ``127.1`` or ``0x7f000001``)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not _NUMERIC_HOST.match(host):
            return None
        try:
            # Browsers and resolvers read these shorthand forms as IPv4 addresses.
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_local_host(host: str) -> bool:
    """True for ``localhost`` names and loopback, private, link-local or other non-global IPs."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = literal_address(name)
    return address is not None and not address.is_global


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` names and loopback addresses only."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = literal_address(name)
    return address is not None and address.is_loopback


def normalized(url: str) -> str:
    """A comparison key: scheme and host lower-cased, trailing slash of the path dropped."""
    try:
        split = urlsplit(url)
    except ValueError:
        return url
    path = split.path.rstrip("/")
    return split._replace(
        scheme=split.scheme.lower(), netloc=split.netloc.lower(), path=path, fragment=""
    ).geturl()
