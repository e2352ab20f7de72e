"""``reports/index.html``: every issue and edition rendered in the reports folder, newest first.

The renderer finds the issues (folders carrying its marker, never a ``.failed`` one) and gives
each as an :class:`IndexEntry`; this module makes the page. The page holds nothing that changes
by itself (no time of writing), so the same folders, listed by the same library, give the same
bytes. It carries a generator mark (:data:`GENERATOR`) by which the renderer knows the file is its
own to replace, and a key (:data:`KEY_NAME`) of what it was made from, by which the renderer knows
it is up to date.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.core.periods import Quarter
from bulletin.publish.masthead import BULLETIN_TITLE, PUBLISHER, stylesheet, templates

GENERATOR = "bulletin reports index"
"""The ``<meta name="generator">`` of the page: the file is the renderer's to replace."""
KEY_NAME = "bulletin-index-key"
"""The ``<meta>`` naming what the page was made from (see :func:`reports_index_html`)."""


@dataclass(frozen=True)
class IndexEntry:
    """One rendered edition, as the index lists it.

    Attributes:
        folder: the edition's folder name in the reports folder (the link is ``<folder>/index.html``).
        issue: the issue's label (``2017-Q2``).
        country: the edition's country (ISO3), or None for the whole region.
        country_name: the country's name, or ``""``.
        rendered: when it was rendered (``2017-07-03 09:12 UTC``), or ``""`` when unknown.
        figures: the number of key figures, or None when unknown.
        claims_checked: claims the data could test, or None when unknown.
        claims_holding: of those, the ones that hold.
    """

    folder: str
    issue: str
    country: str | None = None
    country_name: str = ""
    rendered: str = ""
    figures: int | None = None
    claims_checked: int | None = None
    claims_holding: int | None = None

    def order(self) -> tuple:
        """Newest issue first; the region's edition before the countries'; then by folder."""
        quarter = Quarter.parse(self.issue)
        return (-quarter.year, -quarter.quarter, self.country or "", self.folder)


def reports_index_html(entries: list[IndexEntry], key: str = "") -> str:
    """The page listing ``entries``, newest issue first (whatever order they come in).

    ``key`` names what the page is made from (the entries and the code that lays them out), so
    that the renderer knows the page is up to date without making it again.
    """
    rows = []
    for entry in sorted(entries, key=IndexEntry.order):
        quarter = Quarter.parse(entry.issue)
        rows.append({
            "entry": entry,
            "months": quarter.months,
            "edition": (f"{entry.country_name} ({entry.country})" if entry.country
                        else "Central Asia (the region)"),
            "claims": ("" if entry.claims_checked is None
                       else f"{entry.claims_holding} of {entry.claims_checked}"),
        })
    return templates().get_template("reports_index.html.j2").render(
        bulletin=BULLETIN_TITLE, publisher=PUBLISHER, generator=GENERATOR, rows=rows,
        css=stylesheet(), key_name=KEY_NAME, key=key,
    )
