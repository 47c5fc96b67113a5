"""Which domains may be verified, in what form, and the namespaces a verified one unlocks.

A domain is accepted when it is a syntactically valid host name of at least two labels, is
not itself a public suffix (``com``, ``co.uk``, ``github.io``: anyone can register below
those, so nobody owns them) according to the Public Suffix List bundled with
``publicsuffixlist`` (a snapshot shipped in the wheel; nothing is fetched at run time), and
does not reach into ``io.github``, whose namespaces belong to GitHub logins.
"""

from __future__ import annotations

import re
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

from mcp_registry.shared.auth.permissions import Permission, publish_on
from mcp_registry.shared.errors import BadRequest, ErrorDetail, InvalidInput

MAX_DOMAIN_LENGTH = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
RESERVED = ("github.io",)
"""Domains whose reverse-DNS namespaces are granted by other auth methods, not by DNS."""


@lru_cache(maxsize=2)
def _suffixes(*, accept_unknown: bool = True) -> PublicSuffixList:
    # Parsing the bundled list takes a moment; once per process is enough.
    return PublicSuffixList(accept_unknown=accept_unknown)


def _invalid(raw: str, why: str) -> InvalidInput:
    return InvalidInput(
        f"{raw!r} is not a valid domain name: {why}",
        [ErrorDetail(why, "body.domain")],
    )


def normalize_domain(raw: object) -> str:
    """The canonical form of a domain to verify: lower case, no trailing dot, IDNA (punycode).

    Raises :class:`InvalidInput` (422) for something that is not a host name and
    :class:`BadRequest` (400) for a public suffix or a reserved domain.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput(
            "Field 'domain' is required", [ErrorDetail("expected a domain name", "body.domain")]
        )
    text = raw.strip().rstrip(".").lower()
    if "://" in text or "/" in text or "@" in text or ":" in text:
        raise _invalid(raw, "give the bare domain, e.g. example.com (no scheme, path or port)")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise _invalid(raw, "it cannot be encoded as an internationalized domain name") from None
    labels = text.split(".")
    if len(text) > MAX_DOMAIN_LENGTH:
        raise _invalid(raw, f"it is longer than {MAX_DOMAIN_LENGTH} characters")
    if len(labels) < 2:
        if _suffixes(accept_unknown=False).publicsuffix(text) == text:
            raise _public_suffix(text)
        raise _invalid(raw, "it needs at least two labels, e.g. example.com")
    bad = [label for label in labels if not _LABEL.match(label)]
    if bad:
        raise _invalid(raw, f"label {bad[0]!r} must be 1-63 letters, digits or inner hyphens")
    if labels[-1].isdigit():
        raise _invalid(raw, "an IP address is not a domain name")
    _refuse_reserved(text)
    if _suffixes().privatesuffix(text) is None:
        raise _public_suffix(text)
    return text


def _public_suffix(domain: str) -> BadRequest:
    return BadRequest(
        f"{domain} is a public suffix: names below it belong to many different owners, so "
        "it cannot be verified. Verify the domain you registered under it instead "
        f"(e.g. example.{domain})",
        [ErrorDetail("public suffix", "body.domain")],
    )


def _refuse_reserved(domain: str) -> None:
    for reserved in RESERVED:
        if domain == reserved or domain.endswith("." + reserved):
            namespace = reverse_dns(reserved)
            raise BadRequest(
                f"{domain} cannot be verified: the {namespace}.* namespaces belong to GitHub "
                "logins (log in with github-at or github-oidc to publish io.github.<login>/*)",
                [ErrorDetail("reserved domain", "body.domain")],
            )


def reverse_dns(domain: str) -> str:
    """``example.com`` → ``com.example``."""
    return ".".join(reversed(domain.split(".")))


def namespaces(domain: str) -> tuple[str, str]:
    """The resource patterns a verified ``domain`` unlocks: ``com.example/*``, ``com.example.*``."""
    base = reverse_dns(domain)
    return (f"{base}/*", f"{base}.*")


def grants_for_domains(domains: list[str]) -> tuple[Permission, ...]:
    """``publish`` on the namespaces of every domain, in the order given."""
    return tuple(p for domain in domains for p in publish_on(*namespaces(domain)))
