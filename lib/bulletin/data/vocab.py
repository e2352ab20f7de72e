"""The project's fixed vocabularies: countries, drugs and drug groups.

They are read from the reference folder in use (:func:`bulletin.core.paths.reference_dir`) so that the
schemas, the importers and the notebooks share one definition: ``data/reference/`` of the project,
or the folder named by the environment variable ``BULLETIN_REFERENCE_DIR`` (the renderer sets it
to ``<data_dir>/reference`` when a ``--data-dir`` brings its own vocabularies;
:func:`use_reference_for` does the same in a process). Each vocabulary is cached per folder after
its first read.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pandas as pd

from bulletin.core.paths import (
    REFERENCE_DIR_ENV,
    own_reference_dir,
    reference_dir,
)

CENTRAL_ASIA: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
"""The five countries the bulletin covers, in the order it lists them."""
DEFAULT_SCOPE: frozenset[str] = frozenset((*CENTRAL_ASIA, "RUS", "AFG"))
"""The countries an import keeps by default: the five, the Russian Federation and Afghanistan."""

REGION_NAME = "Central Asia"

def use_reference_for(data_dir: Path | str) -> Path:
    """Use the vocabularies of ``data_dir`` from now on, when it has a ``reference/`` folder.

    Sets ``$BULLETIN_REFERENCE_DIR`` (so that child processes inherit it); a data folder without
    its own vocabularies leaves the folder in use as it was. Returns the folder in use.
    """
    own = own_reference_dir(data_dir)
    if own is not None:
        os.environ[REFERENCE_DIR_ENV] = str(own.resolve())
    return reference_dir()


def load_reference(name: str) -> pd.DataFrame:
    """Read one reference vocabulary, ``<reference folder>/<name>.csv``, as strings.

    Raises:
        FileNotFoundError: the reference folder in use has no such vocabulary.
    """
    return _load_reference(str(reference_dir()), name)


@cache
def _load_reference(folder: str, name: str) -> pd.DataFrame:
    path = Path(folder) / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: the reference vocabulary {name!r} is missing from {folder}"
            + (f" (named by ${REFERENCE_DIR_ENV})" if os.environ.get(REFERENCE_DIR_ENV) else "")
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def country_names() -> dict[str, str]:
    """Map each ISO3 code to its English short name.

    >>> country_names()["KGZ"]
    'Kyrgyzstan'
    """
    return _mapping(str(reference_dir()), "countries", "iso3", "name")


@cache
def _mapping(folder: str, name: str, key: str, value: str) -> dict[str, str]:
    """One vocabulary's ``key`` column mapped to its ``value`` column (read once per folder)."""
    frame = _load_reference(folder, name)
    return dict(zip(frame[key], frame[value], strict=True))


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
    drug_frame = _load_reference(folder, "drugs")
    group_frame = _load_reference(folder, "drug_groups")
    labels = dict(zip(drug_frame["drug"], drug_frame["label"], strict=True))
    labels.update(zip(group_frame["drug_group"], group_frame["label"], strict=True))
    return labels


def country_name(iso3: str) -> str:
    """English short name of an ISO3 code (the code itself if it is unknown)."""
    return country_names().get(iso3, iso3)
