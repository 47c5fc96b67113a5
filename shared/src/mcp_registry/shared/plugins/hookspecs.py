"""The hooks a ``mcp_registry`` plugin may implement: the contracts between registry and plugins.

A plugin is a module or object registered under the entry-point group ``mcp_registry``; it
implements any of these hooks with :data:`~mcp_registry.shared.plugins.markers.hookimpl`
and the same argument names (it may accept fewer). Built-in plugins are registered the same
way, from this project's own entry points.
"""

from __future__ import annotations

from collections.abc import Sequence

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.identity import Identity, IdentityProvider
from mcp_registry.shared.plugins.markers import hookspec


@hookspec
def mcp_registry_auth_methods(settings: Settings) -> Sequence[IdentityProvider]:
    """The identity providers this plugin contributes under these settings.

    Called once per process when the identity service starts. Return one provider per auth
    method; each owns ``POST /v0/auth/{provider.method}``. Return ``[]`` when the settings
    leave the method disabled (e.g. ``none`` without ``MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH``),
    so it is neither routed nor listed. Read configuration only from ``settings`` (a plugin's
    own options via ``settings.plugin_option``), never from the environment. Do no network
    I/O here: upstreams are asked per exchange. Two plugins returning the same ``method`` stop
    the service from starting.
    """
    raise NotImplementedError


@hookspec
def mcp_registry_extra_permissions(identity: Identity) -> Sequence[Permission]:
    """Permissions to add to a successful login, beyond what its provider granted.

    Called for every exchange after the provider returned ``identity``; every
    implementation's result is added (duplicates collapse). Must be fast and must not
    raise: it runs on the login path. Use it for operator policy, e.g. granting a team
    namespace to named GitHub logins. It cannot remove permissions.
    """
    raise NotImplementedError


@hookspec
def mcp_registry_cdn_purge(surrogate_keys: Sequence[str]) -> None:
    """Purge what a CDN in front of the registry cached under any of ``surrogate_keys``.

    Discovery tags every read with a ``Surrogate-Key`` header: ``servers`` on each list,
    ``server:<name>`` for each server a response names. After each server event, one discovery
    worker of the deployment (a NATS queue group shares the events) calls this with the keys
    the change affects: ``servers`` and ``server:<name>``. It runs on a worker thread, never on
    a request, one event at a time: bound network calls with timeouts. An exception is logged
    and affects neither the other implementations nor later events. Freshness of the
    registry's own responses never depends on this hook.
    """
    raise NotImplementedError
