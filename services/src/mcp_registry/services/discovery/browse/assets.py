"""Static files served from a package directory: the browse UI's stylesheet and script, and
Swagger UI's bundle for ``/docs`` (nothing is ever loaded from a CDN).

Files are read once, on first request, and served with a strong ETag so a browser revalidates
with a 304. Only names in an allow-list are served: no path from the request reaches the disk.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable

import falcon

from mcp_registry.services.discovery.http_cache import etag_matches
from mcp_registry.shared.errors import NotFound
from mcp_registry.shared.web.paths import path_param

MEDIA_TYPES: Mapping[str, str] = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}

ASSET_CACHE_CONTROL = "public, max-age=3600"
"""Assets change only with a release; an hour, then a cheap revalidation."""


@dataclass(frozen=True)
class Asset:
    """One file's bytes, media type and validator."""

    body: bytes
    media_type: str
    etag: str


def asset_of(body: bytes, media_type: str) -> Asset:
    """An asset over ``body`` with its strong ETag."""
    etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    return Asset(body, media_type, etag)


def load_asset(source: Traversable) -> Asset:
    """Read ``source``; its media type follows its suffix."""
    suffix = "." + source.name.rsplit(".", 1)[-1] if "." in source.name else ""
    return asset_of(source.read_bytes(), MEDIA_TYPES.get(suffix, "application/octet-stream"))


class AssetsResource:
    """``GET {prefix}/{file}``: the files named in ``files`` (name → file), nothing else."""

    def __init__(
        self,
        files: Mapping[str, Traversable],
        *,
        generated: Mapping[str, tuple[bytes, str]] | None = None,
        content_security_policy: str | None = None,
    ) -> None:
        """``generated`` adds files made in memory: name → (bytes, media type)."""
        self._files = dict(files)
        self._loaded: dict[str, Asset] = {
            name: asset_of(body, media) for name, (body, media) in (generated or {}).items()
        }
        self._lock = threading.Lock()
        self._csp = content_security_policy

    def _asset(self, name: str) -> Asset:
        with self._lock:
            asset = self._loaded.get(name)
        if asset is not None:
            return asset
        source = self._files.get(name)
        if source is None:
            raise NotFound(f"No asset {name!r}")
        asset = load_asset(source)
        with self._lock:
            self._loaded[name] = asset
        return asset

    def on_get(self, req: falcon.Request, resp: falcon.Response, file: str) -> None:
        """The file, or 304 when the browser's copy is current; 404 (problem+json) for any
        other name."""
        asset = self._asset(path_param(file))
        resp.set_header("ETag", asset.etag)
        resp.set_header("Cache-Control", ASSET_CACHE_CONTROL)
        resp.set_header("X-Content-Type-Options", "nosniff")
        if self._csp:
            resp.set_header("Content-Security-Policy", self._csp)
        if_none_match = req.get_header("If-None-Match")
        if if_none_match is not None and etag_matches(asset.etag, if_none_match):
            resp.status = falcon.HTTP_304
            return
        resp.content_type = asset.media_type
        resp.data = asset.body

    on_head = on_get


def directory_files(directory: Traversable, names: tuple[str, ...]) -> dict[str, Traversable]:
    """``{name: file}`` for ``names`` inside ``directory``."""
    return {name: directory.joinpath(name) for name in names}
