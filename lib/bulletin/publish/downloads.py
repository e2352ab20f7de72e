"""What a page offers to take away: each chart as PNG and SVG, each chart's and table's data as CSV.

The files sit beside the page, in ``downloads/<page>/`` of the issue's folder, one click away
from the chart or table they belong to, and out of the page's own weight. The CSV files hold the
numbers and each row's status; where each file's rows come from is said once, in the
``datapackage.json`` beside them (a Frictionless Data Package: each file with its title, source
and data status), not on every row. A file whose rows come from several publications keeps a
short ``source`` column naming each row's publication (:func:`bulletin.data.citations.cited`).
"""

from __future__ import annotations

import csv
import html
import io
import json
import struct
from dataclasses import dataclass, field
from typing import Any

from bulletin.data.citations import cited

DOWNLOADS_DIR = "downloads"
"""The folder of an issue that holds its pages' downloads, one sub-folder per page."""
PACKAGE_FILE = "datapackage.json"
CHART_DPI = 100
"""A chart's size on a page: one inch of figure is 100 CSS pixels."""
PNG_DENSITY = 2
"""A chart's PNG is drawn at twice the page's density: sharp on high-resolution screens and slides."""


def png_size(png: bytes) -> tuple[int | None, int | None]:
    """Width and height in pixels of a PNG, from its header (None, None if it is not one)."""
    if png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR":
        width, height = struct.unpack(">II", png[16:24])
        return width, height
    return None, None


@dataclass
class PageDownloads:
    """The downloads of one page, gathered as its charts and tables are numbered.

    Args:
        page: the page's name (its notebook's, without ``.ipynb``): the sub-folder of
            :data:`DOWNLOADS_DIR` its files go to.
        title: the page's title, for the data package.
    """

    page: str
    title: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    resources: list[dict[str, Any]] = field(default_factory=list)

    def href(self, name: str) -> str:
        """The address of one of the page's files, relative to the page."""
        return f"{DOWNLOADS_DIR}/{self.page}/{name}"

    def add_chart(self, stem: str, title: str, facts: dict[str, Any], svg: str | None,
                  png: bytes | None) -> str:
        """Keep a chart's files (PNG, SVG, CSV); the HTML of its download links."""
        links = []
        if png:
            self.files[f"{stem}.png"] = png
            links.append((f"{stem}.png", "PNG", "image, for slides"))
        if svg:
            self.files[f"{stem}.svg"] = svg.encode("utf-8")
            links.append((f"{stem}.svg", "SVG", "vector image, for print"))
        if facts.get("csv"):
            self._add_csv(stem, title, facts["csv"], facts.get("source", ""), facts.get("status", ""))
            links.append((f"{stem}.csv", "CSV", "the data"))
        return self._links(links, title)

    def add_table(self, stem: str, title: str, facts: dict[str, Any]) -> str:
        """Keep a table's data as CSV; the HTML of its download link."""
        if not facts.get("csv"):
            return ""
        self._add_csv(stem, title, str(facts["csv"]), str(facts.get("note", "")), "")
        return self._links([(f"{stem}.csv", "CSV", "the data")], title)

    def package(self) -> dict[str, Any]:
        """The page's data package: each CSV file with its title, source and status."""
        return {
            "profile": "data-package",
            "name": _package_name(self.page),
            "title": self.title or self.page,
            "resources": self.resources,
        }

    def all_files(self) -> dict[str, bytes]:
        """Every file of the page's downloads, by path relative to the issue's folder."""
        files = {self.href(name): content for name, content in self.files.items()}
        if self.resources:
            text = json.dumps(self.package(), indent=2, ensure_ascii=False) + "\n"
            files[self.href(PACKAGE_FILE)] = text.encode("utf-8")
        return files

    def _add_csv(self, stem: str, title: str, text: str, source: str, status: str) -> None:
        compact, row_sources = compact_csv(text)
        self.files[f"{stem}.csv"] = compact.encode("utf-8")
        resource: dict[str, Any] = {
            "name": _package_name(stem),
            "path": f"{stem}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": title,
        }
        texts = [t for t in (source, status) if t]
        if texts:
            resource["description"] = " ".join(texts)
        if row_sources:
            resource["sources"] = [{"title": s} for s in row_sources]
        self.resources.append(resource)

    def _links(self, links: list[tuple[str, str, str]], title: str) -> str:
        items = " · ".join(
            f'<a href="{html.escape(self.href(name), quote=True)}" download '
            f'title="{html.escape(what, quote=True)}" '
            f'aria-label="{html.escape(f"{label}: {what} of {title}", quote=True)}">{label}</a>'
            for name, label, what in links
        )
        return f'<p class="bulletin-download">Download: {items}</p>' if items else ""


def compact_csv(text: str) -> tuple[str, list[str]]:
    r"""A CSV without its provenance on every row; the full sources its rows had.

    The ``source`` column goes when its rows share one publication (the data package says it
    once); otherwise each row keeps the short name of its publication. Cells are kept as written.

    >>> compact_csv('year,kg,source\n2016,5,"UNODC, World Drug Report 2018"\n')[0]
    'year,kg\n2016,5\n'
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "source" not in rows[0]:
        return text, []
    column = rows[0].index("source")
    full = sorted({row[column] for row in rows[1:] if len(row) > column and row[column]})
    short = {source: "; ".join(cited([source])) for source in full}
    keep_column = len(set(short.values())) > 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(rows):
        if keep_column:
            if number and len(row) > column:
                row = [*row[:column], short.get(row[column], row[column]), *row[column + 1:]]
        else:
            row = [*row[:column], *row[column + 1:]]
        writer.writerow(row)
    return out.getvalue(), full


def _package_name(text: str) -> str:
    """A data-package name: lower-case letters, digits, ``-``, ``_`` and ``.`` only."""
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in text.lower())
    return name.strip("-") or "data"
