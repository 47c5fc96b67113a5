"""``mcp-registry import``: bulk-load server.json entries with a progress bar."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click

from mcp_registry.services.publishing.importing import (
    ImportEntry,
    ImportReport,
    ImportSourceError,
    entry_from_item,
    import_entries,
    read_source,
)
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.storage.port import ServerStore


def run_import(
    source: str,
    store: ServerStore,
    *,
    show_progress: bool = True,
    ownership: OwnershipChecker | None = None,
) -> ImportReport:
    """Read ``source`` (file or URL), then store every entry; errors name the bad entries.

    ``ownership`` checks packages as a publish would (``ENABLE_REGISTRY_VALIDATION``).
    """
    entries: list[ImportEntry] = []
    malformed: list[tuple[str, str]] = []
    index = 0
    try:
        with click.progressbar(
            read_source(source),
            label="Reading",
            show_pos=True,
            file=None if show_progress else io.StringIO(),
        ) as pages:
            for page in pages:
                for item in page:
                    if isinstance(item, dict):
                        entries.append(entry_from_item(item))
                    else:
                        # Named by its position (0-based, across pages): it has no name.
                        malformed.append(
                            (f"entry {index}", f"not a JSON object ({_json_type(item)})")
                        )
                    index += 1
    except ImportSourceError as exc:
        raise click.ClickException(str(exc)) from None
    with click.progressbar(
        length=len(entries),
        label="Importing",
        show_pos=True,
        file=None if show_progress else io.StringIO(),
    ) as bar:
        report = import_entries(
            entries,
            store=store,
            clock=utcnow,
            progress=lambda _: bar.update(1),
            ownership=ownership,
        )
    report.rejected[:0] = malformed
    return report


def _json_type(value: object) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, int | float) else type(value).__name__


SHOWN_REJECTIONS = 20
"""Rejections listed on the terminal; ``--rejections FILE`` keeps all of them."""


def write_rejections(report: ImportReport, path: Path) -> None:
    """Every rejection as a JSON array of ``{"entry", "reason"}``."""
    rows = [{"entry": label, "reason": reason} for label, reason in report.rejected]
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def print_report(report: ImportReport, *, rejections_file: Path | None = None) -> None:
    """The rejections (the first :data:`SHOWN_REJECTIONS`), then the summary as the last line,
    so it is what a terminal shows at the end."""
    for label, reason in report.rejected[:SHOWN_REJECTIONS]:
        click.echo(f"  rejected {label}: {reason}", err=True)
    hidden = len(report.rejected) - SHOWN_REJECTIONS
    if rejections_file is not None:
        write_rejections(report, rejections_file)
        if report.rejected:
            click.echo(
                f"  every rejection ({len(report.rejected)}) is in {rejections_file}", err=True
            )
    elif hidden > 0:
        click.echo(f"  … and {hidden} more (--rejections FILE writes all of them)", err=True)
    click.echo(
        f"imported {report.imported}, already present {report.existing}, "
        f"rejected {len(report.rejected)}"
    )
