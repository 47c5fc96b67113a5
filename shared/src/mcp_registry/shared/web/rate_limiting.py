"""Falcon middleware counting requests per client address against path-matched limits.

Each :class:`AddressRule` names a limit and the (method, raw path) requests it counts; a
request matching a rule is counted once per matching rule, refused 429 (problem+json with
``Retry-After``) when a quota is used up, and every counted response carries the
``RateLimit-Policy`` / ``RateLimit`` headers of its tightest rule. Identity-keyed limits
(writes) are counted by the resource after it verified the token, with the same
:class:`~mcp_registry.shared.rate_limits.Limiter`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import falcon

from mcp_registry.shared.rate_limits import Decision, Limiter, RateLimit
from mcp_registry.shared.web.client_address import ClientAddress

_DECISIONS = "rate_limit_decisions"


@dataclass(frozen=True)
class AddressRule:
    """Count ``methods`` on paths matching ``path`` against ``limit``, per client address."""

    limit: RateLimit
    methods: frozenset[str]
    path: re.Pattern[str]

    def matches(self, method: str, path: str) -> bool:
        return method in self.methods and self.path.match(path) is not None


def record(req: falcon.Request, decision: Decision) -> None:
    """Remember ``decision`` for the response headers, then refuse when it says so."""
    decisions: list[Decision] = getattr(req.context, _DECISIONS, None) or []
    decisions.append(decision)
    setattr(req.context, _DECISIONS, decisions)
    decision.require_allowed()


def set_headers(req: falcon.Request, resp: falcon.Response) -> None:
    """The headers of the tightest decision recorded for ``req``, if any."""
    decisions: list[Decision] = getattr(req.context, _DECISIONS, None) or []
    if decisions:
        tightest = min(decisions, key=lambda d: (d.allowed, d.remaining))
        for name, value in tightest.headers().items():
            resp.set_header(name, value)


class RateLimitMiddleware:
    """Apply ``rules`` to every request (see the module doc)."""

    def __init__(
        self, rules: Iterable[AddressRule], limiter: Limiter, addresses: ClientAddress
    ) -> None:
        self._rules = tuple(rules)
        self._limiter = limiter
        self._addresses = addresses

    def counts(self, method: str, path: str) -> bool:
        """Whether a request (method, raw path) is counted by some rule: such requests must
        reach this middleware, so an app may not answer them from memory."""
        return any(r.matches(method, path) for r in self._rules)

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        # Runs after the raw-path middleware: ``req.path`` is the undecoded request path.
        matching = [r for r in self._rules if r.matches(req.method, req.path)]
        if not matching:
            return
        who = self._addresses.of(req)
        for rule in matching:
            record(req, self._limiter.hit(rule.limit, who))

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        set_headers(req, resp)


class DecisionHeaders:
    """Set the headers of decisions a resource recorded (identity-keyed limits)."""

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        set_headers(req, resp)
