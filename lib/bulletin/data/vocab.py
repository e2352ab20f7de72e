"""The project's fixed vocabularies: countries, drugs and drug groups, and indicators' labels.

They are read from the reference folder in use (:func:`bulletin.core.paths.reference_dir`) so that the
schemas, the importers and the notebooks share one definition: ``data/reference/`` of the project,
or the folder named by the environment variable ``BULLETIN_REFERENCE_DIR`` (the renderer sets it
to ``<data_dir>/reference`` when a ``--data-dir`` brings its own vocabularies;
:func:`use_reference_for` does the same in a process). Each vocabulary is cached per folder after
its first read.

They are read with the ``csv`` module, not pandas: the page machinery names countries and drugs
too, and a render's own process does not import pandas to make pages
(``tests/test_startup.py``). :func:`load_reference` gives a vocabulary as a frame, for the
importers and analyses.
"""

from __future__ import annotations

import csv
import logging
import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.paths import (
    REFERENCE_DIR,
    REFERENCE_DIR_ENV,
    own_reference_dir,
    reference_dir,
)
from bulletin.core.regions import CENTRAL_ASIA, DEFAULT_SCOPE  # noqa: F401 (the vocabulary's names)

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


REGION_NAME = "Central Asia"


class BrokenReferenceError(ValueError):
    """A reference file that cannot be used as it is (a vocabulary, or an importer's mapping file).

    The message names the file and, where one is at fault, the line. Nothing the user imports or
    renders is to blame: the file is mended (``bulletin import`` says so and exits with 2).
    """


def use_reference_for(data_dir: Path | str) -> Path:
    """Use the vocabularies of ``data_dir`` from now on, when it has a ``reference/`` folder.

    Sets ``$BULLETIN_REFERENCE_DIR`` (so that child processes inherit it); a data folder without
    its own vocabularies leaves the folder in use as it was. Returns the folder in use.
    """
    own = own_reference_dir(data_dir)
    if own is not None:
        os.environ[REFERENCE_DIR_ENV] = str(own.resolve())
    return reference_dir()


def load_reference(name: str, folder: Path | str | None = None) -> pd.DataFrame:
    """Read one reference file, ``<folder>/<name>.csv``, as strings (cached: do not modify it).

    Args:
        name: the file's name without ``.csv`` (a vocabulary, or a mapping file such as
            ``country_names``).
        folder: the reference folder (default: the one in use).

    Raises:
        FileNotFoundError: the folder has no such file.
        BrokenReferenceError: a row whose fields the header does not match (naming the file and
            line).
    """
    return _load_reference(str(folder or reference_dir()), name)


@cache
def _load_reference(folder: str, name: str) -> pd.DataFrame:
    import pandas as pd

    header, rows = _read_vocabulary(folder, name)
    return pd.DataFrame(list(rows), columns=list(header), dtype=str)


@cache
def _read_vocabulary(folder: str, name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A vocabulary's header and rows, every cell as text (read once per folder).

    Raises:
        FileNotFoundError: the folder has no such vocabulary.
        BrokenReferenceError: the file has no header, or a row whose fields the header does not match
            (naming the file and the line).
    """
    path = Path(folder) / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: the reference vocabulary {name!r} is missing from {folder}"
            + (f" (named by ${REFERENCE_DIR_ENV})" if os.environ.get(REFERENCE_DIR_ENV) else "")
        )
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader, ()))
        if not header:
            raise BrokenReferenceError(
                f"{path}: the reference vocabulary {name!r} has no header line"
            )
        rows = []
        for fields in reader:
            if not fields:  # a blank line
                continue
            if len(fields) != len(header):
                raise BrokenReferenceError(
                    f"{path}, line {reader.line_num}: {len(fields)} fields, expected "
                    f"{len(header)} ({', '.join(header)})"
                )
            rows.append(tuple(fields))
    return header, tuple(rows)


def check_reference_folder(folder: Path | str | None = None) -> None:
    """Read every file of a reference folder, so that a broken one is named before it is used.

    A vocabulary the page machinery or a notebook reads (``indicator_labels``, say) would
    otherwise break a render halfway; ``bulletin validate`` and a render's data check call this
    first. Each file is read once per folder (:func:`_read_vocabulary` keeps it).

    Args:
        folder: the reference folder (default: the one in use).

    Raises:
        BrokenReferenceError: a file without a header line, or with a row whose fields the header
            does not match (naming the file and the line).
    """
    chosen = Path(folder or reference_dir())
    for path in sorted(chosen.glob("*.csv")):
        _read_vocabulary(str(chosen), path.stem)


def reference_rows(
    name: str, columns: Sequence[str], folder: Path | str | None = None
) -> list[tuple[str, ...]]:
    """Some columns of one reference file, row by row, as text (read once per folder).

    Without pandas: a command that only maps names (``bulletin import``) does not pay for
    building a data frame of a file of a few hundred lines.

    Args:
        name: the file's name without ``.csv``.
        columns: the columns wanted, in the order of each row's values.
        folder: the reference folder (default: the one in use).

    Raises:
        FileNotFoundError: the folder has no such file.
        BrokenReferenceError: the file has no header, a row whose fields the header does not
            match, or not one of ``columns`` (naming the file).
    """
    folder = str(folder or reference_dir())
    header, rows = _read_vocabulary(folder, name)
    for column in columns:
        if column not in header:
            raise BrokenReferenceError(
                f"{Path(folder) / f'{name}.csv'}: the reference vocabulary {name!r} has no "
                f"column {column!r} (its columns: {', '.join(header)})"
            )
    at = [header.index(column) for column in columns]
    return [tuple(row[i] for i in at) for row in rows]


def reference_file(name: str) -> str:
    """The vocabulary file ``name`` in use, as a message names it for the user to edit.

    ``data/reference/<name>.csv`` for the project's own; the file's path in a data folder that
    brings its own vocabularies (where a code is to be added, not in the project's).

    >>> reference_file("countries")
    'data/reference/countries.csv'
    """
    folder = reference_dir()
    if folder.resolve() == REFERENCE_DIR.resolve():
        return f"data/reference/{name}.csv"
    return str(folder / f"{name}.csv")


def country_names() -> dict[str, str]:
    """Map each ISO3 code to its English short name.

    >>> country_names()["KGZ"]
    'Kyrgyzstan'
    """
    return _mapping(str(reference_dir()), "countries", "iso3", "name")


@cache
def _mapping(folder: str, name: str, key: str, value: str) -> dict[str, str]:
    """One vocabulary's ``key`` column mapped to its ``value`` column (read once per folder)."""
    return dict(reference_rows(name, (key, value), folder))


def country_codes() -> frozenset[str]:
    """All ISO3 codes a table may use."""
    return _country_codes(str(reference_dir()))


@cache
def _country_codes(folder: str) -> frozenset[str]:
    return frozenset(_mapping(folder, "countries", "iso3", "name"))


def drug_groups() -> dict[str, str]:
    """Map each drug of the vocabulary to its drug group.

    >>> drug_groups()["cannabis_resin"]
    'cannabis'
    """
    return _mapping(str(reference_dir()), "drugs", "drug", "drug_group")


def drugs() -> tuple[str, ...]:
    """The drug vocabulary, in reference order."""
    return tuple(drug_groups())


def drug_labels() -> dict[str, str]:
    """Map each drug and each drug group to the label charts and tables use."""
    return _drug_labels(str(reference_dir()))


@cache
def _drug_labels(folder: str) -> dict[str, str]:
    labels = dict(reference_rows("drugs", ("drug", "label"), folder))
    labels.update(reference_rows("drug_groups", ("drug_group", "label"), folder))
    return labels


def country_name(iso3: str) -> str:
    """English short name of an ISO3 code (the code itself if it is unknown)."""
    return country_names().get(iso3, iso3)


def edition_country(country: str) -> str:
    """The ISO3 code of a country edition's country, upper case; ``""`` for the region's issue.

    Every way of asking for an edition (``bulletin render --country``, a notebook's ``country``
    parameter given to papermill or set in JupyterLab) is checked here alike.

    Raises:
        ValueError: a country that is not one of the bulletin's five, naming them.

    >>> edition_country(" kgz"), edition_country("")
    ('KGZ', '')
    >>> edition_country("FRA")
    Traceback (most recent call last):
    ...
    ValueError: country 'FRA' is not one of the bulletin's countries (KAZ Kazakhstan, KGZ Kyrgyzstan, TJK Tajikistan, TKM Turkmenistan, UZB Uzbekistan)
    """
    code = str(country).strip().upper()
    if code and code not in CENTRAL_ASIA:
        raise ValueError(
            f"country {country!r} is not one of the bulletin's countries "
            f"({', '.join(f'{c} {country_name(c)}' for c in CENTRAL_ASIA)})"
        )
    return code


def indicator_label(indicator: str) -> str:
    """The label a reader sees for an indicator of ``indicators.csv``.

    From ``reference/indicator_labels.csv``; an indicator it does not list keeps its own name,
    with an identifier's underscores spelled as words (and a warning naming the file to edit), so
    that a page never shows ``snake_case``.

    >>> indicator_label("certified_police_officers_share")
    'Women among certified police officers'
    >>> indicator_label("police_personnel_rate"), indicator_label("Drug-related offences")
    ('Police personnel rate', 'Drug-related offences')
    """
    label = _indicator_vocabulary(str(reference_dir()))[0].get(indicator)
    if label:
        return label
    if _IDENTIFIER.match(str(indicator)):
        log.warning(
            "indicator %r has no label in reference/indicator_labels.csv: shown as words", indicator
        )
        words = str(indicator).replace("_", " ").strip()
        return words[:1].upper() + words[1:]
    return str(indicator)


def indicator_unit(indicator: str, unit: str) -> str:
    """The unit a reader sees for an indicator's values (its ``unit_label``, else ``unit``).

    ``indicators.csv`` gives some units loosely ("number"); the vocabulary says what is counted.

    >>> indicator_unit("SDG 16.1.1", "number"), indicator_unit("unknown", "cases")
    ('victims', 'cases')
    """
    return _indicator_vocabulary(str(reference_dir()))[1].get(indicator) or str(unit)


_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


@cache
def _indicator_vocabulary(folder: str) -> tuple[dict[str, str], dict[str, str]]:
    """The indicators' labels and units of a reference folder (read once per folder)."""
    return (
        dict(reference_rows("indicator_labels", ("indicator", "label"), folder)),
        dict(reference_rows("indicator_labels", ("indicator", "unit_label"), folder)),
    )
