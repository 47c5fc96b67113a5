"""A fake GitHub: the REST endpoints ``github-at`` calls and the OAuth device flow's.

Users are registered with their access token, login and org memberships; anything else
answers as GitHub does (401 for an unknown token, 403 on memberships without ``read:org``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.support.local_http import Answer, Seen


@dataclass
class GitHubUser:
    login: str
    # org login -> role ("admin" = owner, "member")
    orgs: dict[str, str] = field(default_factory=dict)
    read_org_scope: bool = True


class FakeGitHub:
    """The fake's state; serve it with ``LocalServer(github.respond)``."""

    def __init__(self) -> None:
        self.users: dict[str, GitHubUser] = {}
        self.down = False
        self.device_codes: dict[str, str] = {}  # device_code -> token once approved

    def add_user(self, token: str, user: GitHubUser) -> None:
        self.users[token] = user

    def respond(self, seen: Seen) -> Answer:
        if self.down:
            return Answer.json({"message": "Service Unavailable"}, 503)
        parts = urlsplit(seen.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if seen.method == "POST" and parts.path == "/login/device/code":
            self.device_codes["dev-code-1"] = ""
            return Answer.json(
                {
                    "device_code": "dev-code-1",
                    "user_code": "ABCD-1234",
                    "verification_uri": "https://github.invalid/login/device",
                    "expires_in": 900,
                    "interval": 1,
                }
            )
        if seen.method == "POST" and parts.path == "/login/oauth/access_token":
            token = self.device_codes.get("dev-code-1")
            if not token:
                return Answer.json({"error": "authorization_pending"})
            return Answer.json({"access_token": token, "token_type": "bearer", "scope": "read:org"})
        user = self.users.get(seen.headers.get("authorization", "").removeprefix("Bearer "))
        if user is None:
            return Answer.json({"message": "Bad credentials"}, 401)
        if parts.path == "/user":
            return Answer.json({"login": user.login, "id": abs(hash(user.login)) % 10**6})
        if parts.path == "/user/memberships/orgs":
            if not user.read_org_scope:
                return Answer.json({"message": "Resource not accessible"}, 403)
            every = [
                {"state": "active", "role": role, "organization": {"login": org, "id": i}}
                for i, (org, role) in enumerate(sorted(user.orgs.items()))
            ]
            size, page = int(query.get("per_page", "30")), int(query.get("page", "1"))
            return Answer.json(every[(page - 1) * size : page * size])
        return Answer.json({"message": "Not Found"}, 404)

    def approve_device_code(self, token: str) -> None:
        """The user entered the code in the browser: the device flow now yields ``token``."""
        self.device_codes["dev-code-1"] = token
