"""``mcp-publisher keygen``: a domain key pair and the record to publish for it."""

from __future__ import annotations

import os
from pathlib import Path

import click

from mcp_registry.cli.publisher.domain_keys import ALGORITHMS, ED25519, WELL_KNOWN_PATH, DomainKey
from mcp_registry.cli.publisher.errors import ExitCode, PublisherError
from mcp_registry.cli.publisher.options import json_option
from mcp_registry.cli.publisher.session import session_of


@click.command()
@click.option("--domain", required=True, help="The domain you will prove, e.g. example.com.")
@click.option(
    "--method",
    type=click.Choice(["dns", "http"]),
    default="dns",
    show_default=True,
    help="Where the public key goes: a TXT record, or the HTTPS well-known file.",
)
@click.option("--algorithm", type=click.Choice(ALGORITHMS), default=ED25519, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mcp-publisher-key.hex"),
    show_default=True,
    help="Where to write the private key (created 0600, never overwritten).",
)
@json_option
@click.pass_context
def keygen(ctx: click.Context, domain: str, method: str, algorithm: str, out: Path) -> None:
    """Create a key for `login dns`/`login http` and print the record to publish.

    The private key goes to --out (keep it secret, e.g. as a CI secret); the public half is
    printed as the TXT record or the well-known file content.

    \b
    Example:
      mcp-publisher keygen --domain example.com
      # add the TXT record it prints, then:
      mcp-publisher login dns --domain example.com --private-key mcp-publisher-key.hex
    """
    session = session_of(ctx)
    domain = domain.lower().rstrip(".")
    key = DomainKey.generate(algorithm)
    try:
        # O_EXCL: never clobber an existing key; 0600 from the first byte on disk.
        handle = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PublisherError(
            f"{out} already exists; it may be a key you still use",
            code=ExitCode.USAGE,
            hint="pass --out with a new file name, or remove the old key first",
        ) from None
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(key.private_hex + "\n")
    where = (
        f"a TXT record at {domain}"
        if method == "dns"
        else f"the body of https://{domain}{WELL_KNOWN_PATH}"
    )
    if session.json_output:
        session.emit_json(
            {"domain": domain, "method": method, "record": key.record, "private_key_file": str(out)}
        )
        return
    session.err.print(f"Private key written to [bold]{out}[/] (keep it secret).")
    session.err.print(f"Publish this as {where}:")
    session.out.print(key.record)
    session.err.print(f"Then: mcp-publisher login {method} --domain {domain} --private-key {out}")
