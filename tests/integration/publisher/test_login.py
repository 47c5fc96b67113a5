"""Every login method of ``mcp-publisher`` against a served registry and local fakes."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from urllib.parse import urlencode

from mcp_registry.cli.publisher.domain_keys import DomainKey
from mcp_registry.cli.publisher.token_info import publish_patterns
from tests.support.http import request
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.problems import problem_text
from tests.support.publisher_cli import ADMIN_AUDIENCE, DOMAIN, Stack, run


def token_file(stack: Stack) -> Path:
    return stack.home / ".config" / "mcp-publisher" / "token.json"


def stored(stack: Stack) -> dict[str, object]:
    data: dict[str, object] = json.loads(token_file(stack).read_text())
    return data


def patterns(stack: Stack) -> list[str]:
    return publish_patterns(str(stored(stack)["token"]))


def test_github_token_login_stores_a_private_token_file(stack: Stack) -> None:
    result = run(stack, "login", "github", "--token", "gho_alice")
    assert result.exit_code == 0, result.output
    assert "Logged in" in result.stdout
    assert "gho_alice" not in result.output
    path = token_file(stack)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    data = stored(stack)
    assert data["registry_url"] == stack.url
    assert data["method"] == "github-at"
    assert str(data["token"]) not in result.output
    assert patterns(stack) == ["io.github.alice/*", "io.github.acme/*"]


def test_github_token_from_the_environment(stack: Stack) -> None:
    result = run(stack, "login", "github", env={"MCP_GITHUB_TOKEN": "gho_alice"})
    assert result.exit_code == 0, result.output
    assert patterns(stack)[0] == "io.github.alice/*"


def test_github_device_flow_uses_the_registrys_client_id(stack: Stack) -> None:
    # The user "approves in the browser" as soon as the CLI starts polling.
    approve = stack.github.respond

    def respond(seen: Seen) -> Answer:
        answer = approve(seen)
        if seen.path == "/login/oauth/access_token" and b"authorization_pending" in answer.body:
            stack.github.approve_device_code("gho_alice")
        return answer

    with LocalServer(respond) as github:
        result = run(stack, "login", "github", "--github-url", github.url)
        device_request = next(r for r in github.requests if r.path == "/login/device/code")
    assert result.exit_code == 0, result.output
    assert "ABCD-1234" in result.stderr
    assert b"client_id=Iv1.test-client" in device_request.body
    assert patterns(stack) == ["io.github.alice/*", "io.github.acme/*"]


def test_a_bad_github_token_says_so_with_exit_code_3(stack: Stack) -> None:
    result = run(stack, "login", "github", "--token", "gho_nobody")
    assert result.exit_code == 3
    assert "401" in result.stderr
    assert not token_file(stack).exists()


def test_anonymous_login(stack: Stack) -> None:
    result = run(stack, "login", "none", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["method"] == "none"
    assert patterns(stack) == ["io.modelcontextprotocol.anonymous/*"]


def test_dns_login_with_a_generated_key(stack: Stack, tmp_path: Path) -> None:
    key_file = tmp_path / "key.hex"
    made = run(stack, "keygen", "--domain", DOMAIN, "--out", str(key_file))
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    record = made.stdout.strip()
    assert record.startswith("v=MCPv1; k=ed25519; p=")
    assert key_file.read_text().strip() not in made.output
    stack.dns.txt[DOMAIN] = [record]
    result = run(stack, "login", "dns", "--domain", DOMAIN, "--private-key", str(key_file))
    assert result.exit_code == 0, result.output
    assert patterns(stack) == ["com.example/*", "com.example.*"]


def test_keygen_refuses_to_overwrite_a_key(stack: Stack, tmp_path: Path) -> None:
    key_file = tmp_path / "key.hex"
    key_file.write_text("keep me")
    result = run(stack, "keygen", "--domain", DOMAIN, "--out", str(key_file))
    assert result.exit_code == 2
    assert key_file.read_text() == "keep me"


def test_http_login_with_a_p384_key_from_the_environment(stack: Stack) -> None:
    key = DomainKey.generate("ecdsap384")
    stack.web.body = key.record + "\n"
    result = run(
        stack,
        "login",
        "http",
        "--domain",
        DOMAIN,
        env={"MCP_PUBLISHER_PRIVATE_KEY": key.private_hex},
    )
    assert result.exit_code == 0, result.output
    assert patterns(stack) == ["com.example/*"]


def test_dns_login_with_the_wrong_key_explains(stack: Stack) -> None:
    stack.dns.txt[DOMAIN] = [DomainKey.generate().record]
    other = DomainKey.generate()
    result = run(stack, "login", "dns", "--domain", DOMAIN, "--private-key", other.private_hex)
    assert result.exit_code == 3
    assert "does not match" in result.stderr


def test_github_oidc_inside_actions(stack: Stack) -> None:
    id_token = stack.actions.id_token(
        {"sub": "repo:acme/tool:ref:refs/heads/main", "repository_owner": "acme"},
        audience=stack.url,
    )
    seen: list[Seen] = []

    def runtime(request: Seen) -> Answer:
        seen.append(request)
        return Answer.json({"value": id_token})

    with LocalServer(runtime) as actions_runtime:
        result = run(
            stack,
            "login",
            "github-oidc",
            env={
                "ACTIONS_ID_TOKEN_REQUEST_URL": actions_runtime.url + "/token?api-version=2.0",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "runtime-bearer",
            },
        )
    assert result.exit_code == 0, result.output
    # The audience asked for is the registry's URL (derived from --registry), which the
    # registry requires: a token minted for another registry is not replayable there.
    assert seen[0].path == "/token?" + urlencode({"api-version": "2.0", "audience": stack.url})
    assert seen[0].headers["authorization"] == "Bearer runtime-bearer"
    assert patterns(stack) == ["io.github.acme/*"]


def test_github_oidc_outside_actions_says_what_to_do(stack: Stack) -> None:
    result = run(stack, "login", "github-oidc")
    assert result.exit_code == 3
    assert "id-token: write" in result.stderr


def test_admin_login_with_an_id_token(stack: Stack) -> None:
    token = stack.google.id_token({"sub": "admin-1"}, audience=ADMIN_AUDIENCE)
    result = run(stack, "login", "google", "--token", token)
    assert result.exit_code == 0, result.output
    assert patterns(stack) == ["*"]
    assert stored(stack)["method"] == "oidc"


def test_a_plugin_method_logs_in_generically(stack: Stack) -> None:
    token = stack.gitlab.id_token(
        {"sub": "project_path:acme/tools/server", "namespace_path": "acme/tools"},
        audience=stack.url,
    )
    result = run(stack, "login", "gitlab", "--token", token)
    assert result.exit_code == 0, result.output
    assert patterns(stack) == ["io.gitlab.acme.tools/*"]


def test_an_unknown_method_points_at_login_list(stack: Stack) -> None:
    result = run(stack, "login", "keycloak", "--token", "x")
    assert result.exit_code == 6
    assert "login --list" in result.stderr


def test_generic_login_with_a_json_body(stack: Stack) -> None:
    result = run(stack, "login", "github-at", "--body-json", '{"github_token": "gho_alice"}')
    assert result.exit_code == 0, result.output
    assert patterns(stack)[0] == "io.github.alice/*"


def test_login_list_shows_the_registrys_methods(stack: Stack) -> None:
    result = run(stack, "login", "--list", "--json")
    assert result.exit_code == 0, result.output
    methods = {p["method"] for p in json.loads(result.stdout)}
    assert {"github-at", "github-oidc", "oidc", "dns", "http", "none"} <= methods


def test_registry_is_remembered_after_login_and_forgotten_on_logout(stack: Stack) -> None:
    assert run(stack, "login", "none").exit_code == 0
    # No --registry: the stored one is used.
    listed = run(stack, "search", "--json", registry=False)
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["servers"] == []
    token = str(stored(stack)["token"])
    out = run(stack, "logout", registry=False)
    assert out.exit_code == 0
    assert "revoked on the registry" in out.stdout
    assert not token_file(stack).exists()
    # The registry no longer takes the token, not only the local copy is gone.
    after = request(
        stack.url, "POST", "/v0/auth/revoke", headers={"Authorization": f"Bearer {token}"}
    )
    assert after.status == 401
    assert "revoked" in problem_text(after.json)
    again = run(stack, "logout", registry=False)
    assert "not logged in" in again.stdout


def test_unreachable_registry_exit_code_5(stack: Stack) -> None:
    result = run(stack, "--registry", "http://127.0.0.1:9", "login", "none", registry=False)
    assert result.exit_code == 5
    assert "Hint:" in result.stderr


def test_logout_still_deletes_the_token_when_the_registry_is_gone(stack: Stack) -> None:
    assert run(stack, "login", "none").exit_code == 0
    data = stored(stack)
    data["registry_url"] = "http://127.0.0.1:9"
    token_file(stack).write_text(json.dumps(data))
    out = run(stack, "logout", registry=False)
    assert out.exit_code == 0
    assert "stays valid there until it expires" in out.stderr
    assert not token_file(stack).exists()
