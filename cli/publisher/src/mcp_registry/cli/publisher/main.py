"""``mcp-publisher``: publish MCP servers to a registry from the command line.

Commands are loaded on first use (``LazyGroup``), so ``--help`` and shell completion stay
quick; the command habits follow the official publisher (init, login, logout, publish,
validate, status).
"""

from __future__ import annotations

import importlib

import click

from mcp_registry.cli.publisher.errors import EXIT_CODES_HELP, PublisherError
from mcp_registry.cli.publisher.options import common_options
from mcp_registry.cli.publisher.release import __version__
from mcp_registry.cli.publisher.session import Session

COMMANDS: dict[str, str] = {
    "init": "init_command:init",
    "validate": "publishing:validate",
    "login": "login:login",
    "logout": "login:logout",
    "keygen": "keygen:keygen",
    "publish": "publishing:publish",
    "status": "status:status",
    "verify-domain": "domains:verify_domain",
    "search": "reading:search",
    "show": "reading:show",
}


class LazyGroup(click.Group):
    """Imports a command's module only when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        module = importlib.import_module(f"mcp_registry.cli.publisher.{module_name}")
        command = getattr(module, attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a :class:`PublisherError` exits with its documented code."""
        try:
            return super().invoke(ctx)
        except PublisherError as exc:
            exc.show()
            raise click.exceptions.Exit(int(exc.code)) from None


EPILOG = f"""\b
A first publish:
  mcp-publisher init                      # writes server.json from your project
  mcp-publisher validate                  # local checks, then the registry's
  mcp-publisher login github --registry https://registry.example.com
  mcp-publisher publish                   # prints the new entry's URL

{EXIT_CODES_HELP}

\b
Shell completion (zsh_source, fish_source for other shells):
  eval "$(_MCP_PUBLISHER_COMPLETE=bash_source mcp-publisher)"
"""


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EPILOG,
)
@click.version_option(__version__, prog_name="mcp-publisher")
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="HTTP timeout in seconds."
)
@common_options
@click.pass_context
def cli(ctx: click.Context, timeout: float) -> None:
    """Publish MCP servers to an MCP registry.

    The registry URL comes from --registry (or MCP_PUBLISHER_REGISTRY), else the registry you
    last logged in to, else http://127.0.0.1:8080. Logins are stored in
    ~/.config/mcp-publisher/token.json (honours XDG_CONFIG_HOME).
    """
    session = ctx.ensure_object(Session)
    session.timeout = timeout
