"""The project's fixed vocabularies: countries, drugs and drug groups.

They are read from a reference folder so that the schemas, the importers and the notebooks share
one definition: ``data/reference/`` of the project, or the folder named by the environment
variable ``BULLETIN_REFERENCE_DIR`` (the renderer sets it to ``<data_dir>/reference`` when a
``--data-dir`` brings its own vocabularies; :func:`use_reference_for` does the same in a
process). Each vocabulary is cached per folder after its first read.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pandas as pd

from bulletin.paths import REFERENCE_DIR

CENTRAL_ASIA: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
"""The five countries the bulletin covers, in the order it lists them."""

REGION_NAME = "Central Asia"

REFERENCE_DIR_ENV = "BULLETIN_REFERENCE_DIR"
"""Environment variable naming the reference folder in use (default: the project's)."""


def reference_dir() -> Path:
    """The reference folder in use: ``$BULLETIN_REFERENCE_DIR``, else the project's.

    >>> reference_dir() == REFERENCE_DIR or REFERENCE_DIR_ENV in os.environ
    True
    """
    chosen = os.environ.get(REFERENCE_DIR_ENV)
    return Path(chosen) if chosen else REFERENCE_DIR


def reference_dir_of(data_dir: Path | str) -> Path:
    """The reference folder a data folder brings (``<data_dir>/reference``), else the project's."""
    own = Path(data_dir) / "reference"
    return own if own.is_dir() else REFERENCE_DIR


def use_reference_for(data_dir: Path | str) -> Path:
    """Use the vocabularies of ``data_dir`` (when it has a ``reference/`` folder) from now on.

    Sets ``$BULLETIN_REFERENCE_DIR`` (so that kernels and child processes inherit it) and
    returns the folder in use.
    """
    folder = reference_dir_of(data_dir).resolve()
    if folder == REFERENCE_DIR.resolve():
        os.environ.pop(REFERENCE_DIR_ENV, None)
    else:
        os.environ[REFERENCE_DIR_ENV] = str(folder)
    return folder


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
    return _country_names(str(reference_dir()))


@cache
def _country_names(folder: str) -> dict[str, str]:
    frame = _load_reference(folder, "countries")
    return dict(zip(frame["iso3"], frame["name"], strict=True))


def country_codes() -> frozenset[str]:
    """All ISO3 codes a table may use."""
    return _country_codes(str(reference_dir()))


@cache
def _country_codes(folder: str) -> frozenset[str]:
    return frozenset(_country_names(folder))


def drug_groups() -> dict[str, str]:
    """Map each drug of the vocabulary to its drug group.

    >>> drug_groups()["cannabis_resin"]
    'cannabis'
    """
    return _drug_groups(str(reference_dir()))


@cache
def _drug_groups(folder: str) -> dict[str, str]:
    frame = _load_reference(folder, "drugs")
    return dict(zip(frame["drug"], frame["drug_group"], strict=True))


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
