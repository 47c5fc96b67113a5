"""The one module a ``mcp_registry`` plugin imports: everything a plugin may use, and no more.

A plugin is a module registered under the entry-point group ``mcp_registry`` (see
:data:`PROJECT`); it decorates the hooks it implements with :data:`hookimpl`. The hooks and
their contracts are in :mod:`mcp_registry.shared.plugins.hookspecs` and
:mod:`mcp_registry.shared.plugins.package_hookspecs`; the names below are what their
arguments and results are made of:

- identity providers (``mcp_registry_auth_methods``) build :class:`IdentityProvider` objects
  that return an :class:`Identity` carrying :class:`Permission` grants (:func:`publish_on`);
  an OIDC-style provider verifies ID tokens with :class:`IdTokenVerifier`;
- package validators (``mcp_registry_package_validators``) implement :class:`PackageValidator`,
  fetch through the :class:`RegistryFetch` they are handed (or :func:`fetch_version_metadata`)
  and refuse with :class:`PackageRejected`;
- errors a plugin raises are the registry's own (:class:`InvalidInput` 422,
  :class:`Unauthorized` 401, :class:`UpstreamUnavailable` 503), mapped to problem+json;
- configuration comes only from :class:`Settings` (``settings.plugin_option``), never from the
  environment; outbound HTTP goes through :func:`http_get` (bounded, SSRF-safe), DNS through
  :func:`make_resolver` with the configured resolvers.

The layering check (import-linter, ``./run lint``) holds every plugin, built-in or third
party, to this module: anything else in the registry may change without notice.
"""

from __future__ import annotations

from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, Permission, publish_on
from mcp_registry.shared.clock import Clock, parse_rfc3339, utcnow
from mcp_registry.shared.config import PREFIX, ConfigError, Settings
from mcp_registry.shared.dns_lookup import LookupFailed, addresses, make_resolver, txt_records
from mcp_registry.shared.errors import (
    ErrorDetail,
    InvalidInput,
    RegistryError,
    Unauthorized,
    UpstreamUnavailable,
)
from mcp_registry.shared.outbound_http import FetchError, HttpReply, http_get
from mcp_registry.shared.plugins.id_tokens import IdTokenVerifier
from mcp_registry.shared.plugins.identity import Identity, IdentityProvider, required_string
from mcp_registry.shared.plugins.markers import PROJECT, hookimpl
from mcp_registry.shared.plugins.package_http import origin_of
from mcp_registry.shared.plugins.packages import (
    PackageRejected,
    PackageValidator,
    RegistryFetch,
    fetch_version_metadata,
)
from mcp_registry.shared.serverjson.package_rules import parse_oci_reference

__all__ = [
    "EDIT",
    "PREFIX",
    "PROJECT",
    "PUBLISH",
    "Clock",
    "ConfigError",
    "ErrorDetail",
    "FetchError",
    "HttpReply",
    "IdTokenVerifier",
    "Identity",
    "IdentityProvider",
    "InvalidInput",
    "LookupFailed",
    "PackageRejected",
    "PackageValidator",
    "Permission",
    "RegistryError",
    "RegistryFetch",
    "Settings",
    "Unauthorized",
    "UpstreamUnavailable",
    "addresses",
    "fetch_version_metadata",
    "hookimpl",
    "http_get",
    "make_resolver",
    "origin_of",
    "parse_oci_reference",
    "parse_rfc3339",
    "publish_on",
    "required_string",
    "txt_records",
    "utcnow",
]
