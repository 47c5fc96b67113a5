"""Thin HTTP resources of the domains service."""

from __future__ import annotations

from typing import Any

import falcon

from mcp_registry.services.domains.admin import DomainAdmin, parse_state, require_admin
from mcp_registry.services.domains.verification import DomainVerifier
from mcp_registry.services.domains.views import record_view
from mcp_registry.shared.auth.tokens import RegistryClaims, TokenVerifier
from mcp_registry.shared.errors import ErrorDetail, InvalidInput
from mcp_registry.shared.storage.domain_records import Owner
from mcp_registry.shared.web.body import read_json_object
from mcp_registry.shared.web.paths import path_param, query_params


class Caller:
    """The verified registry token of a request (401 otherwise) and its identity."""

    def __init__(self, verifier: TokenVerifier, max_body_bytes: int) -> None:
        self._verifier = verifier
        self.max_body_bytes = max_body_bytes

    def claims(self, req: falcon.Request) -> RegistryClaims:
        return self._verifier.verify_authorization(req.get_header("Authorization"))

    def owner(self, req: falcon.Request) -> Owner:
        claims = self.claims(req)
        return Owner(claims.auth_method, claims.auth_method_sub)

    def body(self, req: falcon.Request, *, optional: bool = False) -> dict[str, Any]:
        return read_json_object(req, max_bytes=self.max_body_bytes, optional=optional)


def _private(resp: falcon.Response) -> None:
    # Answers depend on the caller's token: never cached by anyone.
    resp.cache_control = ["no-store"]


class VerifyDomainResource:
    """``POST /verify-domain {"domain"}`` (challenge) and ``GET /verify-domain`` (mine)."""

    def __init__(self, caller: Caller, verifier: DomainVerifier) -> None:
        self._caller, self._verifier = caller, verifier

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        owner = self._caller.owner(req)
        record = self._verifier.start(owner, self._caller.body(req).get("domain"))
        resp.media = record_view(record)
        _private(resp)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        records = self._verifier.mine(self._caller.owner(req))
        resp.media = {"domains": [record_view(r) for r in records], "count": len(records)}
        _private(resp)


class CheckResource:
    """``POST /verify-domain/check {"domain"}``: confirm by DNS."""

    def __init__(self, caller: Caller, verifier: DomainVerifier) -> None:
        self._caller, self._verifier = caller, verifier

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        owner = self._caller.owner(req)
        record = self._verifier.check(owner, self._caller.body(req).get("domain"))
        resp.media = record_view(record)
        _private(resp)


class DomainResource:
    """``GET /verify-domain/{domain}``: the caller's verification of one domain."""

    def __init__(self, caller: Caller, verifier: DomainVerifier) -> None:
        self._caller, self._verifier = caller, verifier

    def on_get(self, req: falcon.Request, resp: falcon.Response, domain: str) -> None:
        record = self._verifier.get(self._caller.owner(req), path_param(domain))
        resp.media = record_view(record)
        _private(resp)


class AdminListResource:
    """``GET /admin/domains?state=&limit=``."""

    def __init__(self, caller: Caller, admin: DomainAdmin) -> None:
        self._caller, self._admin = caller, admin

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        require_admin(self._caller.claims(req))
        params = query_params(req)
        try:
            limit = int(params.get("limit", "100"))
        except ValueError:
            raise InvalidInput(
                "limit must be an integer", [ErrorDetail(params["limit"], "query.limit")]
            ) from None
        records = self._admin.list_records(parse_state(params.get("state")), limit)
        resp.media = {
            "domains": [record_view(r, with_owner=True) for r in records],
            "count": len(records),
        }
        _private(resp)


class AdminDomainResource:
    """``GET /admin/domains/{domain}``: every identity's record of one domain."""

    def __init__(self, caller: Caller, admin: DomainAdmin) -> None:
        self._caller, self._admin = caller, admin

    def on_get(self, req: falcon.Request, resp: falcon.Response, domain: str) -> None:
        require_admin(self._caller.claims(req))
        records = self._admin.of_domain(path_param(domain))
        resp.media = {"domains": [record_view(r, with_owner=True) for r in records]}
        _private(resp)


class AdminRevokeResource:
    """``POST /admin/domains/{domain}/revoke``: revoke the verified owner now."""

    def __init__(self, caller: Caller, admin: DomainAdmin) -> None:
        self._caller, self._admin = caller, admin

    def on_post(self, req: falcon.Request, resp: falcon.Response, domain: str) -> None:
        actor = require_admin(self._caller.claims(req))
        resp.media = record_view(self._admin.revoke(path_param(domain), actor), with_owner=True)
        _private(resp)


class AdminRestoreResource:
    """``POST /admin/domains/{domain}/restore {"owner"?}``: make a revoked record verified."""

    def __init__(self, caller: Caller, admin: DomainAdmin) -> None:
        self._caller, self._admin = caller, admin

    def on_post(self, req: falcon.Request, resp: falcon.Response, domain: str) -> None:
        actor = require_admin(self._caller.claims(req))
        owner = self._caller.body(req, optional=True).get("owner")
        if owner is not None and not isinstance(owner, str):
            raise InvalidInput("owner must be a string", [ErrorDetail("", "body.owner")])
        record = self._admin.restore(path_param(domain), owner, actor)
        resp.media = record_view(record, with_owner=True)
        _private(resp)
