"""Which domains may be verified, their canonical form and the namespaces they unlock."""

from __future__ import annotations

import pytest

from mcp_registry.services.domains.names import grants_for_domains, namespaces, normalize_domain
from mcp_registry.shared.errors import BadRequest, InvalidInput


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("example.com", "example.com"),
        (" Example.COM. ", "example.com"),
        ("sub.example.co.uk", "sub.example.co.uk"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("alice.example", "alice.example"),
    ],
)
def test_canonical_form(raw: str, canonical: str) -> None:
    assert normalize_domain(raw) == canonical


@pytest.mark.parametrize("raw", ["com", "co.uk", "github.io", "pages.dev", "uk"])
def test_public_suffixes_are_refused(raw: str) -> None:
    with pytest.raises(BadRequest):
        normalize_domain(raw)


@pytest.mark.parametrize("raw", ["github.io", "alice.github.io", "x.alice.github.io"])
def test_github_io_is_reserved(raw: str) -> None:
    with pytest.raises(BadRequest, match="belong to GitHub logins"):
        normalize_domain(raw)


@pytest.mark.parametrize(
    "raw", [None, 3, "", "localhost", "a..b", "x" * 64 + ".com", "1.2.3.4", "a_b.com", "e.com:80"]
)
def test_malformed_names_are_invalid_input(raw: object) -> None:
    with pytest.raises(InvalidInput):
        normalize_domain(raw)


def test_namespaces_and_grants() -> None:
    assert namespaces("example.com") == ("com.example/*", "com.example.*")
    assert [p.resource for p in grants_for_domains(["a.example.org"])] == [
        "org.example.a/*",
        "org.example.a.*",
    ]
