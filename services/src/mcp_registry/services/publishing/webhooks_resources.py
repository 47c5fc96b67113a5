"""Thin Falcon resources of ``/v0.1/x/<namespace>/webhooks``."""

from __future__ import annotations

import falcon

from mcp_registry.services.publishing.resources import Authenticated
from mcp_registry.services.publishing.webhooks import Webhooks
from mcp_registry.shared.web.body import read_json_body
from mcp_registry.shared.web.paths import path_param


class WebhooksResource:
    """``POST`` (201 with the secret) and ``GET`` (the caller's subscriptions)."""

    def __init__(self, auth: Authenticated, webhooks: Webhooks, max_body_bytes: int) -> None:
        self._auth, self._webhooks, self._max = auth, webhooks, max_body_bytes

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        claims = self._auth.claims(req)
        resp.media = self._webhooks.create(claims, read_json_body(req, max_bytes=self._max))
        resp.status = falcon.HTTP_201

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self._webhooks.list(self._auth.claims(req))
        resp.cache_control = ["private", "no-store"]


class WebhookResource:
    """``DELETE /{id}`` (204)."""

    def __init__(self, auth: Authenticated, webhooks: Webhooks) -> None:
        self._auth, self._webhooks = auth, webhooks

    def on_delete(self, req: falcon.Request, resp: falcon.Response, webhook_id: str) -> None:
        self._webhooks.delete(self._auth.claims(req), path_param(webhook_id))
        resp.status = falcon.HTTP_204


class WebhookDeliveriesResource:
    """``GET /{id}/deliveries``: recent attempts with status and error."""

    def __init__(self, auth: Authenticated, webhooks: Webhooks) -> None:
        self._auth, self._webhooks = auth, webhooks

    def on_get(self, req: falcon.Request, resp: falcon.Response, webhook_id: str) -> None:
        resp.media = self._webhooks.deliveries(self._auth.claims(req), path_param(webhook_id))
        resp.cache_control = ["private", "no-store"]
