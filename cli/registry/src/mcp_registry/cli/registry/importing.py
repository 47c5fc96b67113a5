"""``mcp-registry import``: bulk-load server.json entries with a progress bar."""

from __future__ import annotations

import io

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
    try:
        with click.progressbar(
            read_source(source),
            label="Reading",
            show_pos=True,
            file=None if show_progress else io.StringIO(),
        ) as pages:
            for page in pages:
                entries.extend(entry_from_item(item) for item in page)
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
    return report


def print_report(report: ImportReport) -> None:
    click.echo(
        f"imported {report.imported}, already present {report.existing}, "
        f"rejected {len(report.rejected)}"
    )
    for label, reason in report.rejected[:20]:
        click.echo(f"  rejected {label}: {reason}", err=True)
    if len(report.rejected) > 20:
        click.echo(f"  … and {len(report.rejected) - 20} more", err=True)
