"""What the tests of the quarterly submission share: a copy of the shipped data, a template made
through the command, cells filled with openpyxl as an office would, and a folder's fingerprint."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl

from bulletin.cli.main import main
from bulletin.core.paths import DATA_DIR


def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data folder (tests never write into data/)."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def snapshot(folder: Path) -> dict[str, str]:
    """The sha256 of every file under a folder, by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def make_template(tmp_path: Path, data_dir: Path, quarter: str = "2017Q3", name: str = "") -> Path:
    """The template of a data quarter, written by ``bulletin template``."""
    out = tmp_path / (name or f"template-{quarter}.xlsx")
    status = main(["template", "--quarter", quarter, "--out", str(out), "--data-dir", str(data_dir)])
    assert status == 0
    return out


def fill(template: Path, cells: dict[str, dict[str, object]], out: Path | None = None) -> Path:
    """Set cells of a workbook (``{sheet: {"G3": 12.5}}``) and save it (beside it by default)."""
    book = openpyxl.load_workbook(template)
    for sheet, values in cells.items():
        for reference, value in values.items():
            book[sheet][reference] = value
    out = out or template.with_name(f"filled-{template.name}")
    book.save(out)
    return out


def row_of(template: Path, country: str, drug: str) -> int:
    """The Excel row of a country and drug on the seizures sheet."""
    sheet = openpyxl.load_workbook(template)["seizures_quarterly"]
    for row in range(3, sheet.max_row + 1):
        if sheet.cell(row, 1).value == country and sheet.cell(row, 3).value == drug:
            return row
    raise AssertionError(f"no row for {country} {drug}")


ACTIVITY = {
    "B3": "2017-07-25",
    "C3": "2017-07-28",
    "E3": "Regional training on risk profiling at border crossing points",
    "F3": "training",
    "G3": "border control",
    "H3": "Dushanbe",
    "I3": "TJK",
    "J3": 40,
    "L3": 100,
    "M3": "more than",
    "P3": "TJK;AFG;KGZ",
    "Q3": "UNODC; Border Service of Tajikistan",
    "S3": "Government of Japan",
}
"""A filled activity on row 3 of the activities sheet (columns as the template lays them out)."""
