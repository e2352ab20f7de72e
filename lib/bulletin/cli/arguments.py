"""Arguments more than one subcommand of ``bulletin`` takes, defined once."""

from __future__ import annotations

import argparse
from pathlib import Path

from bulletin.core.paths import DATA_DIR


def add_data_dir_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--data-dir``, the folder of tidy tables (default: the project's ``data/``)."""
    parser.add_argument(
        "--data-dir", type=Path, default=DATA_DIR, help="folder of tidy tables (default: data/)"
    )
