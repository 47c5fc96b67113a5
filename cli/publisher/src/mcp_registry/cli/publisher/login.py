"""``mcp-publisher login <method>`` and ``logout``.

Built-in methods mirror the official publisher (github, github-oidc, dns, http, none) plus
``oidc``/``google`` for administrators. Any other method the registry lists (a plugin such as
``gitlab``) works generically: ``login gitlab --token ID_TOKEN`` or ``--body-json '{...}'``.
"""

from __future__ import annotations

import json
from typing import Any

import click

from mcp_registry.cli.publisher import credentials
from mcp_registry.cli.publisher.client import ApiError, JsonHttp, Unreachable
from mcp_registry.cli.publisher.errors import (
    ExitCode,
    PublisherError,
    from_api_error,
    from_unreachable,
)
from mcp_registry.cli.publisher.exchange import exchange
from mcp_registry.cli.publisher.options import common_options
from mcp_registry.cli.publisher.session import Session, login_name, session_of

GITHUB_URL_ENV = "MCP_PUBLISHER_GITHUB_URL"


def finish_login(session: Session, method: str, body: dict[str, Any] | None) -> None:
    """Exchange, store, and tell the user (never the token) what they may now do."""
    stored, warnings = exchange(session.anonymous(), method, body)
    for warning in warnings:
        session.err.print(f"[yellow]Warning:[/] {warning}")
    summary = {
        "registry": stored.registry_url,
        "method": login_name(method),
        "expires_at": stored.expires_at,
        "token_file": str(credentials.token_path()),
    }
    if session.json_output:
        session.emit_json(summary)
        return
    session.out.print(f"[green]Logged in[/] to {stored.registry_url} with {login_name(method)}.")
    session.err.print(f"Token stored in {summary['token_file']}.")


class LoginGroup(click.Group):
    """Built-in methods, and a generic command for any other method name."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        known = super().get_command(ctx, cmd_name)
        return known if known is not None else generic_login(cmd_name)


@click.group(cls=LoginGroup, invoke_without_command=True)
@click.option("--list", "list_methods", is_flag=True, help="List the registry's login methods.")
@common_options
@click.pass_context
def login(ctx: click.Context, list_methods: bool) -> None:
    """Log in to the registry; the token is stored for later commands.

    \b
    Examples:
      mcp-publisher login github --registry https://registry.example.com
      MCP_GITHUB_TOKEN=$(gh auth token) mcp-publisher login github
      mcp-publisher login dns --domain example.com --private-key key.hex
      mcp-publisher login none              # local development registries
      mcp-publisher login --list            # what this registry offers
    """
    if ctx.invoked_subcommand is not None:
        return
    if not list_methods:
        click.echo(ctx.get_help())
        return
    session = session_of(ctx)
    try:
        answer = session.anonymous().get("/v0/auth/providers")
    except Unreachable as exc:
        raise from_unreachable(exc) from None
    except ApiError as exc:
        raise from_api_error(exc, action="listing login methods") from None
    providers = answer.get("providers", []) if isinstance(answer, dict) else []
    if session.json_output:
        session.emit_json(providers)
        return
    for provider in providers:
        method = provider.get("method", "?")
        shown = login_name(str(method))
        session.out.print(f"[bold]{shown}[/]\t{provider.get('description', '')}")


@login.command("github")
@click.option(
    "--token",
    envvar="MCP_GITHUB_TOKEN",
    help="A GitHub access token (skips the device flow). Env: MCP_GITHUB_TOKEN.",
)
@click.option(
    "--github-url",
    envvar=GITHUB_URL_ENV,
    default="https://github.com",
    show_default=True,
    help=f"GitHub's base URL for the device flow. Env: {GITHUB_URL_ENV}.",
)
@click.option("--client-id", help="OAuth app client id (default: from the registry's /v0/health).")
@common_options
@click.pass_context
def login_github(
    ctx: click.Context, token: str | None, github_url: str, client_id: str | None
) -> None:
    """Log in as a GitHub user: publish under io.github.<you>/* and your orgs'.

    Without --token this runs GitHub's device flow: open the URL shown, enter the code,
    approve, and the login completes by itself.
    """
    from mcp_registry.cli.publisher.github_device import (
        client_id_from,
        request_code,
        wait_for_token,
    )

    session = session_of(ctx)
    if not token:
        cid = client_id or client_id_from(session.anonymous())
        github = JsonHttp(github_url, timeout=session.timeout)
        code = request_code(github, cid)
        session.err.print(
            f"Open [bold]{code.verification_uri}[/] and enter the code "
            f"[bold cyan]{code.user_code}[/]"
        )
        with session.err.status("Waiting for you to approve in the browser..."):
            token = wait_for_token(github, cid, code)
    finish_login(session, "github-at", {"github_token": token})


@login.command("github-oidc")
@click.option("--token", envvar="MCP_OIDC_TOKEN", help="An ID token (default: from Actions).")
@click.option("--audience", help="Token audience (default: the registry URL, as it expects).")
@common_options
@click.pass_context
def login_github_oidc(ctx: click.Context, token: str | None, audience: str | None) -> None:
    """Log in from GitHub Actions (needs `permissions: id-token: write`)."""
    from mcp_registry.cli.publisher.id_tokens import github_actions_token
    from mcp_registry.shared.oidc_audience import audience_for_url

    session = session_of(ctx)
    # The registry only takes ID tokens minted for itself (no replay from another registry).
    wanted = audience or audience_for_url(session.registry_url)
    finish_login(session, "github-oidc", {"oidc_token": token or github_actions_token(wanted)})


def _oidc_login(ctx: click.Context, token: str | None) -> None:
    from mcp_registry.cli.publisher.id_tokens import gcloud_identity_token

    session = session_of(ctx)
    finish_login(session, "oidc", {"oidc_token": token or gcloud_identity_token()})


_ID_HELP = "An ID token (default: `gcloud auth print-identity-token`). Env: MCP_OIDC_TOKEN."


@login.command("oidc")
@click.option("--token", envvar="MCP_OIDC_TOKEN", help=_ID_HELP)
@common_options
@click.pass_context
def login_oidc(ctx: click.Context, token: str | None) -> None:
    """Log in with the registry's OpenID Connect issuer (administrators)."""
    _oidc_login(ctx, token)


@login.command("google")
@click.option("--token", envvar="MCP_OIDC_TOKEN", help=_ID_HELP)
@common_options
@click.pass_context
def login_google(ctx: click.Context, token: str | None) -> None:
    """Log in with a Google Cloud Identity ID token (the `oidc` method)."""
    _oidc_login(ctx, token)


def _key_login(ctx: click.Context, method: str, domain: str, private_key: str) -> None:
    from mcp_registry.cli.publisher.domain_keys import load_key

    key = load_key(private_key)
    finish_login(session_of(ctx), method, key.login_body(domain.lower().rstrip(".")))


_KEY_HELP = "Hex private key, or a file holding it (hex or PEM). Env: MCP_PUBLISHER_PRIVATE_KEY."


@login.command("dns")
@click.option("--domain", required=True, help="The domain whose TXT records hold your key.")
@click.option("--private-key", envvar="MCP_PUBLISHER_PRIVATE_KEY", required=True, help=_KEY_HELP)
@common_options
@click.pass_context
def login_dns(ctx: click.Context, domain: str, private_key: str) -> None:
    """Prove a domain with a key in its DNS TXT records: publish under com.example/*.

    Create the key and the record with `mcp-publisher keygen --domain example.com`.
    """
    _key_login(ctx, "dns", domain, private_key)


@login.command("http")
@click.option("--domain", required=True, help="The domain serving your key over HTTPS.")
@click.option("--private-key", envvar="MCP_PUBLISHER_PRIVATE_KEY", required=True, help=_KEY_HELP)
@common_options
@click.pass_context
def login_http(ctx: click.Context, domain: str, private_key: str) -> None:
    """Prove a domain with a key at https://<domain>/.well-known/mcp-registry-auth.

    Create the key and the file's content with `mcp-publisher keygen --method http`.
    """
    _key_login(ctx, "http", domain, private_key)


@login.command("none")
@common_options
@click.pass_context
def login_none(ctx: click.Context) -> None:
    """Anonymous login (development registries): io.modelcontextprotocol.anonymous/*."""
    finish_login(session_of(ctx), "none", None)


def generic_login(method: str) -> click.Command:
    """``login <method>`` for a method only the registry knows (e.g. a plugin)."""

    @click.command(method)
    @click.option("--token", help='Sent as {"oidc_token": TOKEN} (most OIDC plugins).')
    @click.option("--body-json", help="The exact JSON body the method expects.")
    @common_options
    @click.pass_context
    def command(ctx: click.Context, token: str | None, body_json: str | None) -> None:
        body: dict[str, Any] | None = None
        if body_json:
            try:
                parsed = json.loads(body_json)
            except ValueError as exc:
                raise PublisherError(
                    f"--body-json is not JSON: {exc}", code=ExitCode.USAGE
                ) from None
            if not isinstance(parsed, dict):
                raise PublisherError("--body-json must be a JSON object", code=ExitCode.USAGE)
            body = parsed
        elif token:
            body = {"oidc_token": token}
        finish_login(session_of(ctx), method, body)

    command.help = f"Log in with the registry's `{method}` method (--token or --body-json)."
    return command


@click.command()
@common_options
@click.pass_context
def logout(ctx: click.Context) -> None:
    """Revoke the stored token on the registry, then delete it."""
    session = session_of(ctx)
    stored = credentials.load()
    revoked = False
    if stored is not None and not stored.expired():
        try:
            JsonHttp(stored.registry_url, token=stored.token).post("/v0/auth/revoke")
            revoked = True
        except (ApiError, Unreachable) as exc:
            # Deleting the local copy still matters; say the registry may accept it until expiry.
            session.err.print(
                f"[yellow]Warning:[/] the registry did not revoke the token ({exc}); "
                "it stays valid there until it expires."
            )
    removed = credentials.remove()
    if session.json_output:
        session.emit_json({"logged_out": removed, "revoked": revoked})
    elif removed:
        what = "revoked on the registry and deleted" if revoked else "deleted"
        session.out.print(
            f"Logged out; the stored token was {what} ({session.registry_url} stays the "
            "default registry)."
        )
    else:
        session.out.print("You were not logged in.")
