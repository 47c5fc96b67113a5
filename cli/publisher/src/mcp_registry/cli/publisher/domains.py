"""``mcp-publisher verify-domain``: prove a domain with a TXT record (DESIGN §7).

``POST /v0/verify-domain {"domain"}`` answers a challenge; the user adds the TXT record
``mcp-verify=<token>`` at the domain apex; ``POST /v0/verify-domain/check {"domain"}`` makes
the registry look it up. ``GET /v0/verify-domain`` lists the caller's domains. The answer
fields are read leniently (``record``/``txt_record``/``token``...) so small naming choices of
the service do not break the CLI.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from rich.markup import escape

from mcp_registry.cli.publisher.client import ApiError, JsonHttp, Unreachable
from mcp_registry.cli.publisher.errors import (
    ExitCode,
    PublisherError,
    from_api_error,
    from_unreachable,
)
from mcp_registry.cli.publisher.options import common_options
from mcp_registry.cli.publisher.session import Session, session_of

RETRYABLE = frozenset({400, 409, 422, 425, 429, 502, 503, 504})


def txt_record(answer: Any, domain: str) -> tuple[str, str]:
    """``(record name, record value)`` from a start answer, whatever its field names."""
    if not isinstance(answer, dict):
        raise PublisherError("the registry's verify-domain answer was not understood")
    record = answer.get("record") or answer.get("txt_record") or answer.get("txtRecord")
    if isinstance(record, dict):
        value = record.get("value") or record.get("content") or record.get("text")
        if isinstance(value, str):
            return str(record.get("name") or domain), value
    if isinstance(record, str):
        return domain, record
    token = answer.get("token") or answer.get("challenge") or answer.get("challenge_token")
    if isinstance(token, str):
        return domain, f"mcp-verify={token}"
    raise PublisherError("the registry's verify-domain answer carried no record to add")


def state_of(answer: Any) -> str:
    """``verified``, ``pending``, ... from a check or status answer."""
    if isinstance(answer, dict):
        for key in ("state", "status"):
            if isinstance(answer.get(key), str):
                return str(answer[key])
        if answer.get("verified") is True:
            return "verified"
    return "unknown"


@dataclass(frozen=True)
class CheckProgress:
    """Where a ``--wait`` stands after a check that did not verify the domain."""

    attempt: int
    elapsed: float
    reason: str

    def line(self, domain: str) -> str:
        """``check 3 after 25 s: state is pending`` (the elapsed time is measured)."""
        return f"{domain}: check {self.attempt} after {self.elapsed:.0f} s: {self.reason}"


def poll_check(
    client: JsonHttp,
    domain: str,
    *,
    timeout: float,
    interval: float,
    on_wait: Callable[[CheckProgress], None],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Any:
    """Ask the registry to check until it says verified; the last answer.

    Checks every ``interval`` seconds, the last one at the deadline (the final wait is
    shortened to reach it). ``on_wait`` hears about every check that did not verify; the
    error after ``timeout`` gives the time actually waited and the number of checks.
    """
    started = clock()
    deadline = started + timeout
    attempt = 0
    while True:
        attempt += 1
        try:
            answer = client.post("/v0/verify-domain/check", {"domain": domain})
            if state_of(answer) == "verified":
                return answer
            reason = f"state is {state_of(answer)}"
        except ApiError as exc:
            if exc.status not in RETRYABLE:
                raise from_api_error(exc, action=f"checking {domain}") from None
            reason = exc.detail or exc.title
        except Unreachable as exc:
            reason = str(exc)
        now = clock()
        remaining = deadline - now
        if remaining <= 0:
            checks = "1 check" if attempt == 1 else f"{attempt} checks"
            raise PublisherError(
                f"{domain} was not verified after {now - started:.0f} s ({checks}; "
                f"last answer: {reason})",
                code=ExitCode.FAILURE,
                hint="DNS changes can take a while; run the same command again later",
            )
        on_wait(CheckProgress(attempt, now - started, reason))
        sleep(min(interval, remaining))


@click.command("verify-domain")
@click.argument("domain", required=False)
@click.option("--check", "check_only", is_flag=True, help="Only check the record you added.")
@click.option("--wait", is_flag=True, help="Keep checking until verified or --timeout.")
@click.option("--timeout", type=float, default=600.0, show_default=True, help="Seconds.")
@click.option("--interval", type=float, default=10.0, show_default=True, help="Seconds.")
@click.option("--list", "list_domains", is_flag=True, help="List your domains and their state.")
@common_options
@click.pass_context
def verify_domain(
    ctx: click.Context,
    domain: str | None,
    check_only: bool,
    wait: bool,
    timeout: float,
    interval: float,
    list_domains: bool,
) -> None:
    """Verify DOMAIN with a TXT record, unlocking com.example/* style names.

    \b
    Examples:
      mcp-publisher verify-domain example.com          # prints the TXT record to add
      mcp-publisher verify-domain example.com --check  # after adding it
      mcp-publisher verify-domain example.com --wait   # or: add it and let this poll
      mcp-publisher verify-domain --list
    Afterwards log in again so your token carries the new namespaces.
    """
    session = session_of(ctx)
    client = session.authenticated()
    if list_domains:
        _list(session, client)
        return
    if not domain:
        raise PublisherError("give a DOMAIN (or --list)", code=ExitCode.USAGE)
    domain = domain.lower().rstrip(".")
    result: dict[str, Any] = {"domain": domain}
    if not check_only:
        try:
            started = client.post("/v0/verify-domain", {"domain": domain})
        except Unreachable as exc:
            raise from_unreachable(exc) from None
        except ApiError as exc:
            raise from_api_error(exc, action=f"starting verification of {domain}") from None
        name, value = txt_record(started, domain)
        result.update(record={"type": "TXT", "name": name, "value": value}, challenge=started)
        if not session.json_output:
            session.out.print(f"Add this TXT record at [bold]{escape(name)}[/]:")
            session.out.print(f"  {escape(value)}", markup=True)
        if not wait:
            if session.json_output:
                session.emit_json(result)
            else:
                session.err.print(
                    f"Then run: mcp-publisher verify-domain {domain} --check  (or --wait)"
                )
            return
    if wait:
        begun = time.monotonic()
        with session.err.status(f"Waiting for the TXT record of {domain}...") as spinner:

            def progress(step: CheckProgress) -> None:
                line = escape(step.line(domain))
                if session.err.is_terminal:
                    spinner.update(f"{line} (next check in {interval:.0f} s, Ctrl-C stops)")
                else:
                    # No spinner without a terminal: one line per check, so logs show it.
                    session.err.print(line)

            answer = poll_check(
                client, domain, timeout=timeout, interval=interval, on_wait=progress
            )
        result["elapsed_seconds"] = round(time.monotonic() - begun, 1)
        if not session.json_output:
            session.err.print(f"Verified after {result['elapsed_seconds']:.0f} s.")
    else:
        try:
            answer = client.post("/v0/verify-domain/check", {"domain": domain})
        except Unreachable as exc:
            raise from_unreachable(exc) from None
        except ApiError as exc:
            raise from_api_error(
                exc,
                action=f"checking {domain}",
                hint="add the TXT record first; `--wait` keeps checking while DNS catches up",
            ) from None
    result.update(state=state_of(answer), check=answer)
    if session.json_output:
        session.emit_json(result)
        return
    session.out.print(f"[green]{domain} is {state_of(answer)}.[/]")
    session.err.print("Log in again so your token includes the domain's namespaces.")


def _list(session: Session, client: JsonHttp) -> None:
    try:
        answer = client.get("/v0/verify-domain")
    except Unreachable as exc:
        raise from_unreachable(exc) from None
    except ApiError as exc:
        raise from_api_error(exc, action="listing your domains") from None
    if session.json_output:
        session.emit_json(answer)
        return
    rows = answer
    if isinstance(answer, dict):
        rows = answer.get("domains") or answer.get("verifications") or []
    if not rows:
        session.out.print("You have no domains yet: mcp-publisher verify-domain <domain>")
        return
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict):
            session.out.print(f"{escape(str(row.get('domain', '?')))}\t{state_of(row)}")
