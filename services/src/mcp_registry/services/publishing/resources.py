"""Thin Falcon resources of the write API: authenticate, parse, call the domain, answer."""

from __future__ import annotations

import falcon

from mcp_registry.services.publishing.authorization import actor_of, require_publish
from mcp_registry.services.publishing.blocks import NamespaceBlocks
from mcp_registry.services.publishing.changes import Changes, parse_status_change
from mcp_registry.services.publishing.domain_check import DomainGrantCheck
from mcp_registry.services.publishing.rules import Publisher
from mcp_registry.shared.api_items import to_item
from mcp_registry.shared.auth.tokens import RegistryClaims, TokenVerifier
from mcp_registry.shared.errors import ErrorDetail, InvalidInput
from mcp_registry.shared.rate_limits import Limiter, RateLimit
from mcp_registry.shared.serverjson.validate import VALIDATION_FAILED, validate_server
from mcp_registry.shared.web.body import read_json_body
from mcp_registry.shared.web.paths import path_param
from mcp_registry.shared.web.rate_limiting import record as record_decision


class Authenticated:
    """Verifies the request's Bearer registry token (401 otherwise).

    :meth:`writer` also counts the request against the ``writes`` limit of the token's
    subject (429 once used up); without a limit, writes are not counted.
    """

    def __init__(
        self,
        verifier: TokenVerifier,
        limiter: Limiter | None = None,
        writes: RateLimit | None = None,
    ) -> None:
        self._verifier = verifier
        self._limiter, self._writes = limiter, writes

    def claims(self, req: falcon.Request) -> RegistryClaims:
        return self._verifier.verify_authorization(req.get_header("Authorization"))

    def writer(self, req: falcon.Request) -> RegistryClaims:
        """The claims of a write's token, once the write is counted against its subject."""
        claims = self.claims(req)
        if self._limiter is not None and self._writes is not None:
            record_decision(req, self._limiter.hit(self._writes, claims.subject))
        return claims


class PublishResource:
    """``POST /publish``: a new version, answered with its item (200)."""

    def __init__(
        self,
        auth: Authenticated,
        domains: DomainGrantCheck,
        publisher: Publisher,
        max_body_bytes: int,
        blocks: NamespaceBlocks | None = None,
    ) -> None:
        self._auth, self._domains = auth, domains
        self._publisher, self._max = publisher, max_body_bytes
        self._blocks = blocks

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        claims = self._auth.writer(req)
        document = read_json_body(req, max_bytes=self._max)
        # The body's schema (the name pattern included) before permissions, as official.
        server = self._publisher.validated(document)
        require_publish(claims, server["name"])
        if self._blocks is not None:
            self._blocks.require_open(server["name"])
        self._domains.require_still_granted(claims, server["name"])
        record = self._publisher.publish_valid(server, actor_of(claims))
        resp.media = to_item(record)


class ValidateResource:
    """``POST /validate``: ``{"valid", "issues"}``, no authentication.

    A body that is not a JSON object at all is not a server.json to report on: 422, as the
    official registry (whose body schema refuses it) answers; rule failures of an object are
    200 ``{"valid": false}``.
    """

    def __init__(self, max_body_bytes: int) -> None:
        self._max = max_body_bytes

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        document = read_json_body(req, max_bytes=self._max)
        if not isinstance(document, dict):
            raise InvalidInput(
                VALIDATION_FAILED,
                [ErrorDetail("expected a server.json object", "body")],
            )
        resp.media = validate_server(document).to_dict()


class EditResource:
    """``PUT /servers/{name}/versions/{version}``: admin replacement of a server.json."""

    def __init__(self, auth: Authenticated, changes: Changes, max_body_bytes: int) -> None:
        self._auth, self._changes, self._max = auth, changes, max_body_bytes

    def on_put(self, req: falcon.Request, resp: falcon.Response, name: str, version: str) -> None:
        claims = self._auth.writer(req)
        document = read_json_body(req, max_bytes=self._max)
        record = self._changes.edit_version(claims, path_param(name), path_param(version), document)
        resp.media = to_item(record)


class VersionStatusResource:
    """``PATCH /servers/{name}/versions/{version}/status``."""

    def __init__(self, auth: Authenticated, changes: Changes, max_body_bytes: int) -> None:
        self._auth, self._changes, self._max = auth, changes, max_body_bytes

    def on_patch(self, req: falcon.Request, resp: falcon.Response, name: str, version: str) -> None:
        claims = self._auth.writer(req)
        change = parse_status_change(read_json_body(req, max_bytes=self._max))
        record = self._changes.set_version_status(
            claims, path_param(name), path_param(version), change
        )
        resp.media = to_item(record)


class ServerStatusResource:
    """``PATCH /servers/{name}/status``: every version at once."""

    def __init__(self, auth: Authenticated, changes: Changes, max_body_bytes: int) -> None:
        self._auth, self._changes, self._max = auth, changes, max_body_bytes

    def on_patch(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        claims = self._auth.writer(req)
        change = parse_status_change(read_json_body(req, max_bytes=self._max))
        outcome = self._changes.set_server_status(claims, path_param(name), change)
        resp.media = {
            "updatedCount": outcome.updated_count,
            "servers": [to_item(r) for r in outcome.records],
        }
