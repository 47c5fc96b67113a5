"""Reading a public image's config from an OCI registry (distribution HTTP API v2).

The anonymous pull flow every public registry speaks: a request without credentials is
answered ``401`` with ``WWW-Authenticate: Bearer realm=…,service=…,scope=…``; the realm
hands out a pull token for that scope without credentials; the request is repeated with
``Authorization: Bearer <token>``. The manifest may be an index (manifest list): then the
``linux/amd64`` entry is read, or the first one that is not an attestation. The image
manifest names the config blob, whose ``config.Labels`` the caller inspects. Manifests
fetched by digest and the config blob are checked against their digests.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from mcp_registry.shared.plugin_api import HttpReply, PackageRejected, RegistryFetch, origin_of

INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
IMAGE_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
MANIFEST_ACCEPT = ", ".join(INDEX_TYPES + IMAGE_TYPES)
MAX_INDEX_DEPTH = 2

_CHALLENGE_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """The scheme (lower case) and parameters of a ``WWW-Authenticate`` header."""
    scheme, _, rest = header.strip().partition(" ")
    params = {
        m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _CHALLENGE_PARAM.finditer(rest)
    }
    return scheme.lower(), params


class OciImage:
    """One image ``repository`` on the registry at ``api_base``, read anonymously."""

    def __init__(
        self,
        http: RegistryFetch,
        *,
        api_base: str,
        repository: str,
        origins: frozenset[str],
        display: str,
    ) -> None:
        self._http = http
        self._base = f"{api_base.rstrip('/')}/v2/{repository}"
        self._repository = repository
        self._origins = origins
        self._display = display
        self._token: str | None = None

    def config(self, reference: str) -> dict[str, Any]:
        """The image config (``{"config": {"Labels": …}, …}``) of a tag or digest."""
        manifest = self._manifest(reference)
        for _ in range(MAX_INDEX_DEPTH):
            if not _is_index(manifest):
                break
            manifest = self._manifest(_pick_platform(manifest, self._display))
        if _is_index(manifest) or not isinstance(manifest.get("config"), dict):
            raise PackageRejected(
                f"OCI image '{self._display}': the manifest is not an image manifest "
                f"(media type {manifest.get('mediaType', 'unknown')!r})"
            )
        digest = str(manifest["config"].get("digest", ""))
        reply = self._get(f"blobs/{digest}", "application/json, */*")
        if reply.status != 200:
            raise PackageRejected(
                f"OCI image '{self._display}': config blob {digest} could not be read "
                f"(status: {reply.status})"
            )
        _verify_digest(reply.body, digest, f"OCI image '{self._display}' config blob")
        document = _json(reply.body, f"OCI image '{self._display}': the config blob")
        return document

    def _manifest(self, reference: str) -> dict[str, Any]:
        reply = self._get(f"manifests/{reference}", MANIFEST_ACCEPT)
        if reply.status in (401, 403, 404):
            raise PackageRejected(
                f"OCI image '{self._display}' not found or not accessible (status: "
                f"{reply.status} for {self._base}/manifests/{reference})"
            )
        if reply.status != 200:
            raise PackageRejected(
                f"OCI image '{self._display}': manifest {reference} could not be read "
                f"(status: {reply.status})"
            )
        if reference.startswith("sha") and ":" in reference:
            _verify_digest(reply.body, reference, f"OCI image '{self._display}' manifest")
        document = _json(reply.body, f"OCI image '{self._display}': the manifest")
        content_type = reply.headers.get("content-type", "").split(";")[0].strip()
        document.setdefault("mediaType", content_type)
        return document

    def _get(self, path: str, accept: str) -> HttpReply:
        url = f"{self._base}/{path}"
        reply = self._http.fetch(url, headers=self._headers(accept))
        if reply.status == 401 and self._token is None:
            self._token = self._anonymous_token(reply.headers.get("www-authenticate", ""))
            reply = self._http.fetch(url, headers=self._headers(accept))
        return reply

    def _headers(self, accept: str) -> dict[str, str]:
        headers = {"Accept": accept}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _anonymous_token(self, challenge: str) -> str:
        scheme, params = parse_challenge(challenge)
        realm = params.get("realm", "")
        if scheme != "bearer" or not realm:
            raise PackageRejected(
                f"OCI image '{self._display}' needs credentials to pull (challenge: "
                f"{challenge or 'none'}); only public images can be checked"
            )
        if origin_of(realm) not in self._origins:
            raise PackageRejected(
                f"OCI image '{self._display}': the registry's token endpoint {realm} is not "
                "on a host this registry is configured to contact"
            )
        query = {"scope": params.get("scope") or f"repository:{self._repository}:pull"}
        if params.get("service"):
            query = {"service": params["service"], **query}
        separator = "&" if "?" in realm else "?"
        reply = self._http.fetch(f"{realm}{separator}{urlencode(query)}")
        if reply.status != 200:
            raise PackageRejected(
                f"OCI image '{self._display}': the token endpoint {realm} refused an anonymous "
                f"pull token (status: {reply.status}); only public images can be checked"
            )
        document = _json(reply.body, f"OCI image '{self._display}': the token response")
        token = document.get("token") or document.get("access_token")
        if not isinstance(token, str) or not token:
            raise PackageRejected(
                f"OCI image '{self._display}': the token endpoint {realm} answered no token"
            )
        return token


def _is_index(manifest: Mapping[str, Any]) -> bool:
    return manifest.get("mediaType") in INDEX_TYPES or isinstance(manifest.get("manifests"), list)


def _pick_platform(index: Mapping[str, Any], display: str) -> str:
    """Digest of the ``linux/amd64`` entry, else of the first non-attestation entry."""
    entries = [e for e in index.get("manifests") or [] if isinstance(e, dict) and e.get("digest")]
    if not entries:
        raise PackageRejected(f"OCI image '{display}': the image index lists no manifests")

    def platform(entry: Mapping[str, Any]) -> tuple[str, str]:
        found = entry.get("platform")
        p: Mapping[str, Any] = found if isinstance(found, dict) else {}
        return str(p.get("os", "")), str(p.get("architecture", ""))

    for entry in entries:
        if platform(entry) == ("linux", "amd64"):
            return str(entry["digest"])
    images = [e for e in entries if platform(e)[0] != "unknown"] or entries
    return str(images[0]["digest"])


def _verify_digest(body: bytes, digest: str, what: str) -> None:
    algorithm, _, expected = digest.partition(":")
    if algorithm not in ("sha256", "sha512"):
        raise PackageRejected(f"{what}: unsupported digest {digest!r}")
    actual = hashlib.new(algorithm, body).hexdigest()
    if actual != expected.lower():
        raise PackageRejected(f"{what} does not match its digest {digest}")


def _json(body: bytes, what: str) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRejected(f"{what} is not JSON") from None
    if not isinstance(document, dict):
        raise PackageRejected(f"{what} is not a JSON object")
    return document
