"""``mcp-registry export`` and the restore branch of ``mcp-registry import``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from mcp_registry.shared.catalog_dump import DumpError, export_catalog, is_dump, restore_catalog
from mcp_registry.shared.storage.port import ServerStore


def write_export(store: ServerStore, target: str) -> int:
    """Write the export document to ``target`` (``-`` = stdout); the number of versions."""
    document = export_catalog(store)
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if target == "-":
        sys.stdout.write(text)
    else:
        path = Path(target)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # A reader never sees half an export.
    return len(document["versions"])


def read_export(source: str) -> dict[str, Any] | None:
    """The export document in file ``source``, or None when it is something else to import."""
    path = Path(source)
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None  # The regular import reports what is wrong with the file.
    return document if is_dump(document) and isinstance(document, dict) else None


def restore_export(document: dict[str, Any], store: ServerStore) -> None:
    """Restore ``document`` into ``store``; a clean CLI error when it cannot be."""
    try:
        report = restore_catalog(document, store)
    except DumpError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {report.restored} versions")
    if report.differences:
        shown = ", ".join(report.differences[:20])
        raise click.ClickException(
            f"{len(report.differences)} versions differ from the export: {shown}"
        )
