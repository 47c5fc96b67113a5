"""CORS as the official registry sends it, plus PATCH, and ``Allow`` from the route table.

Every response carries ``Access-Control-Allow-Origin`` (``*`` by default, no credentials) and
exposes the validators and hints a browser client needs (``ETag``, ``Last-Modified``,
``Retry-After``, ``Location``). A preflight (``OPTIONS`` with
``Access-Control-Request-Method``) on a known path answers 204 at once, listing the methods
the unified API's route table holds for that path, whichever service receives it: a path
shared by services (``/servers/{name}/versions/{version}``: GET/HEAD here, PUT there) gets
the same answer from each. The official registry leaves PATCH out, which breaks status
changes from a browser; we list it.

The same method list goes into ``Allow`` on a 405 and on a plain ``OPTIONS``, so a client
learns every method of the path, not only the ones the answering service implements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import falcon

MethodsOf = Callable[[str], tuple[str, ...]]
"""Maps a raw request path to the methods the API serves on it (empty: unknown path)."""

EXPOSED_HEADERS = ("ETag", "Last-Modified", "Retry-After", "Location")
PREFLIGHT_MAX_AGE = 86400
ANY_ORIGIN = "*"


def router_methods(app: falcon.App[falcon.Request, falcon.Response]) -> MethodsOf:
    """Methods of a path as ``app``'s own router knows them (apps outside the route table)."""

    def methods_of(path: str) -> tuple[str, ...]:
        # Falcon offers no public lookup of a path's resource; its router's ``find`` is stable.
        found = app._router.find(path)
        if found is None:
            return ()
        resource = found[0]
        names = [m for m in falcon.COMBINED_METHODS if hasattr(resource, f"on_{m.lower()}")]
        return canonical_order((*names, "OPTIONS"))

    return methods_of


def _no_methods(path: str) -> tuple[str, ...]:
    return ()


METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def canonical_order(methods: Iterable[str]) -> tuple[str, ...]:
    """``methods`` without duplicates, in the order of :data:`METHOD_ORDER` (others last)."""
    unique = set(methods)
    known = [m for m in METHOD_ORDER if m in unique]
    return (*known, *sorted(unique - set(METHOD_ORDER)))


class CorsPolicy:
    """Which origins may read the API, and the headers that says on a response.

    ``allowed_origins`` holds ``*`` (any origin, the default) or exact origins
    (``https://app.example``); with exact origins the response names the request's origin
    when it is listed, omits CORS headers otherwise, and varies on ``Origin``.
    """

    def __init__(self, allowed_origins: Iterable[str]) -> None:
        origins = tuple(allowed_origins) or (ANY_ORIGIN,)
        self._any = ANY_ORIGIN in origins
        self._origins = frozenset(origins)
        self._exposed = ", ".join(EXPOSED_HEADERS)

    @property
    def any_origin(self) -> bool:
        """Whether every origin may read (the answer does not depend on ``Origin``)."""
        return self._any

    def headers_for(self, origin: str | None, vary: str | None) -> list[tuple[str, str]]:
        """The headers to set on a response to a request from ``origin`` (None: no
        ``Origin`` header) whose ``Vary`` so far is ``vary``: ``Vary`` itself (only with
        exact origins), then the allowed origin and the exposed headers when it is allowed.
        Each replaces a header of the same name."""
        headers: list[tuple[str, str]] = []
        if self._any:
            allowed: str | None = ANY_ORIGIN
        else:
            headers.append(("Vary", f"{vary}, Origin" if vary else "Origin"))
            allowed = origin if origin in self._origins else None
        if allowed is not None:
            headers.append(("Access-Control-Allow-Origin", allowed))
            headers.append(("Access-Control-Expose-Headers", self._exposed))
        return headers


class CorsMiddleware:
    """Answer preflights, set CORS headers on every response (:class:`CorsPolicy`), and fix
    ``Allow``."""

    def __init__(self, allowed_origins: Iterable[str], methods_of: MethodsOf | None) -> None:
        self.policy = CorsPolicy(allowed_origins)
        self.methods_of: MethodsOf = methods_of or _no_methods
        """Set after construction when it depends on the app being built."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        """A preflight on a known path is answered here, before routing."""
        if req.method != "OPTIONS" or not req.get_header("Access-Control-Request-Method"):
            return
        methods = self.methods_of(req.path)
        if not methods:
            return  # unknown path: routing answers 404
        resp.status = falcon.HTTP_204
        resp.set_header("Access-Control-Allow-Methods", ", ".join(methods))
        requested = req.get_header("Access-Control-Request-Headers")
        if requested:
            # Any header may be sent (the official registry allows all of them).
            resp.set_header("Access-Control-Allow-Headers", requested)
        resp.set_header("Access-Control-Max-Age", str(PREFLIGHT_MAX_AGE))
        resp.set_header("Allow", ", ".join(methods))
        resp.complete = True

    def process_response(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        resource: object,
        req_succeeded: bool,
    ) -> None:
        """CORS headers on every answer; ``Allow`` from the route table on 405 and OPTIONS."""
        for name, value in self.policy.headers_for(
            req.get_header("Origin"), resp.get_header("Vary")
        ):
            resp.set_header(name, value)
        if resp.status_code == 405 or (req.method == "OPTIONS" and resp.get_header("Allow")):
            methods = self.methods_of(req.path)
            if methods:
                resp.set_header("Allow", ", ".join(methods))
