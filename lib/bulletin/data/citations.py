"""The publications a row's ``source`` names, as a reader cites them under a chart or table.

A row's ``source`` is its full provenance: which publication, table and edition, or which of the
project's reconstructions made it and from what (``reconstructed by bulletin.reconstruct.<name>:
...``). Under a chart, readers need one short line naming the publications, not the project's
modules: :func:`publications` reads them out of a source, :func:`source_line` makes the line for
a set of rows. The full text stays with the data (the tables' ``source`` column, and the
``datapackage.json`` beside a page's downloads).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

RECONSTRUCTED_BY = "reconstructed by this project"
"""How a reconstruction is cited (what it was made from is cited beside it)."""

_WDR = re.compile(r"World Drug Report (\d{4})(?:, statistical annex(?:, table ([\d.]+))?)?")
_MILESTONES = re.compile(r"Milestones (\d{4}-Q[1-4])")
_RECONSTRUCTION = re.compile(r"^reconstructed by bulletin\.reconstruct\.\w+")

_Namer = Callable[[re.Match[str]], str]


def _world_drug_report(match: re.Match[str]) -> str:
    year, table = match.group(1), match.group(2)
    return f"UNODC, World Drug Report {year}" + (f", annex table {table}" if table else "")


_PUBLICATIONS: tuple[tuple[re.Pattern[str], _Namer], ...] = (
    (_WDR, _world_drug_report),
    (re.compile(r"annual drug seizures (\d{4}-\d{4})"),
     lambda m: f"UNODC, annual drug seizures {m.group(1)}"),
    (re.compile(r"individual drug seizures \(IDS\)"),
     lambda m: "UNODC, individual drug seizures (IDS) database"),
    (re.compile(r"National Statistical Committee of the Kyrgyz Republic, SDG indicator"),
     lambda m: "National Statistical Committee of the Kyrgyz Republic, SDG indicators"),
    (_MILESTONES, lambda m: f"UNODC ROCA, Milestones {m.group(1)}"),
)


def publications(source: str) -> list[str]:
    """The publications one ``source`` names, in the order it names them, each once.

    A reconstruction is cited as :data:`RECONSTRUCTED_BY`, after what it was made from; a source
    that names no known publication is kept up to its first colon (the publication; what
    follows says which of its tables).

    >>> publications("UNODC, World Drug Report 2024, statistical annex, table 10.1: drug-related offences by type")
    ['UNODC, World Drug Report 2024, annex table 10.1']
    >>> publications("reconstructed by bulletin.reconstruct.seizures_quarterly: the official annual figure "
    ...              "(UNODC, World Drug Report 2018, statistical annex: drug seizures 2012-2016) split into "
    ...              "quarters; January-March 2017 set by the bulletin's statement (Milestones 2017-Q2, claim C1)")
    ['UNODC, World Drug Report 2018', 'UNODC ROCA, Milestones 2017-Q2', 'reconstructed by this project']
    >>> publications("reconstructed by bulletin.reconstruct.drug_offences: straight line between official years")
    ['reconstructed by this project']
    >>> publications("Ministry of Interior, annual report 2016: table 3, arrests")
    ['Ministry of Interior, annual report 2016']
    """
    text = str(source).strip()
    found: list[tuple[int, str]] = []
    for pattern, name in _PUBLICATIONS:
        found += [(match.start(), name(match)) for match in pattern.finditer(text)]
    names = [name for _, name in sorted(found)]
    reconstructed = bool(_RECONSTRUCTION.match(text))
    if not names and not reconstructed and text:
        names = [text.split(":")[0].strip()]
    if reconstructed:
        names.append(RECONSTRUCTED_BY)
    return list(dict.fromkeys(names))


def cited(sources: Iterable[str]) -> list[str]:
    """The publications a set of sources names, each once, in alphabetical order; reconstruction last.

    >>> cited(["reconstructed by bulletin.reconstruct.x: from UNODC, World Drug Report 2022", "UNODC, World Drug Report 2024"])
    ['UNODC, World Drug Report 2022', 'UNODC, World Drug Report 2024', 'reconstructed by this project']
    """
    names = {name for source in {str(s) for s in sources} for name in publications(source)}
    return sorted(names - {RECONSTRUCTED_BY}) + sorted(names & {RECONSTRUCTED_BY})


def source_line(sources: Iterable[str]) -> str:
    """One "Source:" line naming the publications of a set of sources.

    >>> source_line(["UNODC, World Drug Report 2018, statistical annex: drug seizures 2012-2016"])
    'Source: UNODC, World Drug Report 2018.'
    >>> source_line([])
    'Source: none.'
    """
    names = cited(sources)
    return "Source: " + ("; ".join(names) if names else "none") + "."
