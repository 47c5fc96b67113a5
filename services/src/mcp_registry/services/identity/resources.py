"""Thin HTTP resources of the identity service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import falcon

from mcp_registry.services.identity.exchange import TokenExchange
from mcp_registry.services.identity.revoking import Revoking
from mcp_registry.shared.web.body import read_json_object
from mcp_registry.shared.web.paths import path_param


class AuthExchangeResource:
    """``POST /v0/auth/{method}``: a provider credential in, ``{"registry_token", ...}`` out."""

    def __init__(self, exchange: TokenExchange, *, max_body_bytes: int) -> None:
        self._exchange = exchange
        self._max = max_body_bytes

    def on_post(self, req: falcon.Request, resp: falcon.Response, method: str) -> None:
        body = self._body(req)
        result = self._exchange.exchange(path_param(method), body)
        resp.media = result.to_response()
        resp.cache_control = ["no-store"]

    def _body(self, req: falcon.Request) -> dict[str, Any]:
        # Some methods (``none``) take no body at all; an absent body is an empty object.
        return read_json_object(req, max_bytes=self._max, optional=True)


class RevokeResource:
    """``POST /v0/auth/revoke``: the presented token (or, admin, a subject's) stops working."""

    def __init__(self, revoking: Revoking, *, max_body_bytes: int) -> None:
        self._revoking = revoking
        self._max = max_body_bytes

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_json_object(req, max_bytes=self._max, optional=True)
        resp.media = self._revoking.revoke(req.get_header("Authorization"), body)
        resp.cache_control = ["no-store"]


class ProvidersResource:
    """``GET /v0/auth/providers``: the enabled auth methods."""

    def __init__(self, exchange: TokenExchange) -> None:
        self._exchange = exchange

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"providers": self._exchange.methods()}
        resp.cache_control = ["no-store"]


class JwksResource:
    """``GET /.well-known/jwks.json``: the public keys that verify registry tokens."""

    def __init__(self, document: Callable[[], dict[str, Any]]) -> None:
        self._document = document

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self._document()
        # Not cached by intermediaries: a rotation counts on the new key being served from the
        # moment it is written (verifiers cache the keys themselves, see ``JwksCache``).
        resp.cache_control = ["no-cache"]
