"""Where rows meet on a key: official publications by precedence, reconstructions step aside.

Several UNODC publications give the same figures: the 1990-2019 seizure series, the WDR 2018
annex (2012-2016) and the WDR 2024 annex (2018-2022) overlap on the same country, year and drug;
annex table 10.1 of the WDR 2022 and of the WDR 2024 overlap on offences and persons. One rule
picks the figure, whatever the order the files are imported in (all in one command, or one by
one):

1. **Official against official: the most recent edition wins.** Each publication has a rank,
   the year of its edition (:attr:`bulletin.data.importers.base.Publication.edition`): WDR 2024
   annexes (2024) > WDR 2022 annex 10.1 (2022) > the 1990-2019 series (2020: its last year is
   2019, so it was compiled in 2020 at the earliest, after the WDR 2018 annex; a third party
   re-saved it, its figures untouched) > WDR 2018 annex (2018). A revision is the publisher's
   own correction, so the later figure stands; the earlier one is not written to the table, and
   it is kept, with the figure that replaced it, in the provenance record of its file
   (``superseded``). Two official publications of equal or unknown rank on one key are refused,
   naming both.
2. **Official against reconstructed (or estimated): the reconstruction steps aside.** A row of
   status ``reconstructed`` or ``estimate`` on a key an official import brings is removed and
   counted in the summary; ``python -m bulletin.reconstruct.<table>`` makes its rows again
   around the official ones.
3. **Anything else** (a row ``stated`` in the bulletin, or another source's row) is refused,
   naming both sources, as before.

The unit a rule applies to is the table's key, except for ``drug_offences`` and ``drug_arrests``
(:data:`UNITS`), where it is the country-year: the lines of a country-year (its offence types
and total; its persons by sex and by age) are parts of one whole as one edition publishes them,
and mixing two editions' lines would break their sums.

**Disagreements.** Every superseded figure that differs from the one that replaced it beyond
rounding (:func:`disagree`: for kilograms, by more than :data:`TOLERANCE_KG` kg and more than
:data:`TOLERANCE_SHARE` of the larger figure, since the WDR 2018 annex rounds to whole
kilograms; for counts, by anything) is listed by the import and kept in the provenance record
(``disagreements``: the key and each publication's figure): revisions between editions are
information, not noise. A line a losing edition gives and the winning one does not (another
offence type of the country-year) is kept in ``superseded`` with no winning figure.
"""

from __future__ import annotations

from functools import cache

from bulletin.data.importers.base import Publication

TOLERANCE_KG = 0.5
"""Kilograms two editions may differ by and agree (the WDR 2018 annex rounds to whole kg)."""
TOLERANCE_SHARE = 0.001
"""... and the share of the larger figure they may differ by (0.1%)."""
UNITS: dict[str, tuple[str, ...]] = {
    "drug_offences": ("country", "year"),
    "drug_arrests": ("country", "year"),
}
"""Tables whose precedence applies to a whole country-year, not to each key."""
VALUE_COLUMNS = {"seizures_annual": "kg", "seizures_quarterly": "kg", "indicators": "value"}
STEPS_ASIDE = ("reconstructed", "estimate")


@cache
def ranked_publications() -> tuple[Publication, ...]:
    """Every publication the readers know with a rank (its edition), most recent first."""
    from bulletin.data.importers import unodc_series, wdr_crimes_layouts, wdr_seizures

    known = [wdr_seizures.WDR2018, wdr_seizures.WDR2024, unodc_series.SERIES]
    for layout in wdr_crimes_layouts.LAYOUTS:
        known.append(layout.offences)
        known.append(
            Publication(
                layout.offences.publisher,
                layout.offences.table,
                layout.arrests_source,
                layout.offences.edition,
            )
        )
    return tuple(sorted(known, key=lambda p: -(p.edition or 0)))


def publication_of(source: str) -> Publication | None:
    """The ranked publication a row's ``source`` names, or None.

    The source is the publication's own text, or that text with a note in brackets after it,
    as "... (offence types published: trafficking)".
    """
    for publication in ranked_publications():
        if source == publication.source or source.startswith(publication.source + " ("):
            return publication
    return None


def value_column(table: str) -> str:
    """The column holding a table's figure."""
    return VALUE_COLUMNS.get(table, "count")


def disagree(table: str, a: float | None, b: float | None) -> bool:
    """Whether two editions' figures differ beyond rounding (see the module)."""
    if a is None or b is None:
        return False
    difference = abs(float(a) - float(b))
    if value_column(table) == "kg":
        return difference > TOLERANCE_KG and difference > TOLERANCE_SHARE * max(abs(a), abs(b))
    return difference > 0
