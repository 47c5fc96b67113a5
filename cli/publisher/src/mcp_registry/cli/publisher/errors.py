"""Exit codes and the one error type commands raise, with what to do next.

Exit codes (documented in ``mcp-publisher --help`` and the README):

===  =============================================================
0    success
1    the registry refused the request, or another failure
2    usage error (bad option or argument)
3    not logged in, token expired, or not allowed (401/403)
4    the server.json is invalid (local checks or the registry's 422)
5    the registry (or GitHub, DNS, ...) could not be reached (or answered 503)
6    not found (404)
===  =============================================================
"""

from __future__ import annotations

from enum import IntEnum
from typing import IO, Any

import click

from mcp_registry.cli.publisher.client import ApiError, Unreachable


class ExitCode(IntEnum):
    """The documented exit statuses."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    AUTH = 3
    INVALID = 4
    UNAVAILABLE = 5
    NOT_FOUND = 6


EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 refused or failed, 2 usage, 3 not logged in or not allowed, "
    "4 invalid server.json, 5 registry unreachable, 6 not found."
)


class PublisherError(click.ClickException):
    """A failure with an exit code and an optional next step for the user."""

    def __init__(
        self,
        message: str,
        *,
        code: ExitCode = ExitCode.FAILURE,
        hint: str | None = None,
        details: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        # click's ``exit_code`` is a class variable; the root group exits with ``code``.
        self.code = code
        self.hint = hint
        self.details = details or []

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``Error: ...``, the details, and ``Hint: ...`` to stderr."""
        to_stderr = file is None
        click.secho(f"Error: {self.format_message()}", fg="red", file=file, err=to_stderr)
        for line in self.details:
            click.echo(f"  - {line}", file=file, err=to_stderr)
        if self.hint:
            click.secho(f"Hint: {self.hint}", fg="yellow", file=file, err=to_stderr)


_CODE_BY_STATUS = {
    401: ExitCode.AUTH,
    403: ExitCode.AUTH,
    404: ExitCode.NOT_FOUND,
    422: ExitCode.INVALID,
    502: ExitCode.UNAVAILABLE,
    503: ExitCode.UNAVAILABLE,
    504: ExitCode.UNAVAILABLE,
}


def from_api_error(exc: ApiError, *, action: str, hint: str | None = None) -> PublisherError:
    """A :class:`PublisherError` saying what the registry answered to ``action``."""
    code = _CODE_BY_STATUS.get(exc.status, ExitCode.FAILURE)
    details = [
        f"{e['location']}: {e.get('message', '')}" if e.get("location") else str(e.get("message"))
        for e in exc.errors
    ]
    if hint is None and exc.status == 401:
        hint = "your login is missing or expired: run `mcp-publisher login <method>` again"
    message = f"{action} failed: {exc.status} {exc.title}"
    if exc.detail:
        message += f": {exc.detail}"
    return PublisherError(message, code=code, hint=hint, details=details)


def from_unreachable(exc: Unreachable) -> PublisherError:
    """The registry did not answer at all."""
    return PublisherError(
        str(exc),
        code=ExitCode.UNAVAILABLE,
        hint="check the URL (`--registry` or MCP_PUBLISHER_REGISTRY) and that the registry is up",
    )
