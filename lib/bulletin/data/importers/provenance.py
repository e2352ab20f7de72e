"""Provenance records: for each imported table, which source files its official rows came from.

This module writes and reads the records of ``data/provenance/``; ``bulletin.data.trust`` (once
a module called provenance too) is another thing: it words how far a set of rows may be trusted,
from their ``status`` and ``source``, for charts, pages and claims.

``data/provenance/<table>.json`` holds one record per source file imported into the table: the
file's name, its sha256, the publisher, the publication's table, the ``source`` text its rows
carry, the format, how many rows it gave (``rows``: in the table now), and when it was imported.
Where they apply, a record also holds:

- ``kept_apart``: quantities not turned into kilograms, by unit;
- ``flagged``: rows kept as published but implausible, each ``{"key", "values", "reason",
  "sheet", "row"}`` (``bulletin.data.importers.wdr_crimes`` says which checks flag them);
  ``bulletin.data.trust.flagged_rows`` gives them to the pages;
- ``superseded``: the file's figures a more recent edition replaced, each ``{"key", "source",
  "value", "by", "winner_value"}``, and ``disagreements``: those that differ beyond rounding,
  each ``{"key", "figures": {source: figure}, "kept"}`` (``bulletin.data.importers.precedence``);
  :func:`disagreements` gives them;
- ``exact_duplicates`` (``{"in_file", "kept"}``) and ``empty_route_fields`` for IDS exports.

Re-importing a file replaces its record; when the file is byte for byte the same (same sha256)
and gives the same rows, the record is kept as it was, ``imported_at`` included, so that
rebuilding the shipped tables from the same files changes nothing in ``data/``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from bulletin.core.files import write_atomic

PROVENANCE_DIR = "provenance"


class ProvenanceError(ValueError):
    """A provenance record file that cannot be read (broken JSON, missing fields)."""


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance_path(table: str, data_dir: Path | str) -> Path:
    """Where a table's provenance record lives."""
    return Path(data_dir) / PROVENANCE_DIR / f"{table}.json"


def load_records(table: str, data_dir: Path | str) -> list[dict]:
    """The records of a table (empty when it has none yet).

    Raises:
        ProvenanceError: the file is not a record file (its line and what is wrong named).
    """
    path = provenance_path(table, data_dir)
    if not path.is_file():
        return []
    try:
        records = json.loads(path.read_text(encoding="utf-8"))["records"]
        if not all(
            isinstance(r, dict) and isinstance(r["file"], str) and isinstance(r["sources"], list)
            for r in records
        ):
            raise TypeError("each record needs a 'file' text and a 'sources' list")
    except json.JSONDecodeError as error:
        raise ProvenanceError(
            f"{path}, line {error.lineno}, column {error.colno}: expected a provenance record "
            f"file in JSON ({error.msg})"
        ) from None
    except (UnicodeDecodeError, KeyError, TypeError) as error:
        raise ProvenanceError(
            f"{path}: expected a provenance record file ({{\"table\": ..., \"records\": [...]}}): "
            f"{error}"
        ) from None
    return records


def sources_in(records: list[dict], file_name: str) -> set[str]:
    """The sources earlier imports of a file (by name) wrote, according to a table's records."""
    return {
        source for record in records if record["file"] == file_name for source in record["sources"]
    }


def updated_records(records: list[dict], new: dict) -> list[dict]:
    """Replace the record of ``new['file']`` (keeping the old one if nothing changed)."""
    kept = [record for record in records if record["file"] != new["file"]]
    old = [record for record in records if record["file"] == new["file"]]
    same = {key: value for key, value in new.items() if key != "imported_at"}
    if old and {key: value for key, value in old[0].items() if key != "imported_at"} == same:
        new = old[0]
    return sorted([*kept, new], key=lambda record: record["file"])


def new_record(
    path: Path,
    *,
    sha256: str,
    publisher: str,
    publication_table: str,
    sources: list[str],
    file_format: str,
    rows: int,
) -> dict:
    """A provenance record for one imported file, stamped now (UTC)."""
    return {
        "file": Path(path).name,
        "sha256": sha256,
        "publisher": publisher,
        "table": publication_table,
        "sources": sorted(sources),
        "format": file_format,
        "rows": rows,
        "imported_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    }


def records_content(table: str, records: list[dict]) -> bytes:
    """A table's record file as bytes (written by :func:`write_records` or a transaction)."""
    text = json.dumps({"table": table, "records": records}, indent=2, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def write_records(table: str, data_dir: Path | str, records: list[dict]) -> Path:
    """Write a table's records atomically (a failed write leaves the old file)."""
    return write_atomic(provenance_path(table, data_dir), records_content(table, records))


def disagreements(table: str, data_dir: Path | str) -> list[dict]:
    """The figures of two editions that differ beyond rounding on one key of a table.

    Each is ``{"key", "figures": {source: figure}, "kept": source, "file"}``, the file being the
    one whose figure was superseded (see ``bulletin.data.importers.precedence``).

    Raises:
        ProvenanceError: the record file is broken.
    """
    return [
        {**entry, "file": record["file"]}
        for record in load_records(table, data_dir)
        for entry in record.get("disagreements", [])
    ]
