"""Writing the project's files: atomically, and safe to open in a spreadsheet.

One writer for every file the project writes (tables, provenance records, downloads):

- :func:`write_atomic` replaces a file in one step: the new content goes to a temporary file in
  the same folder, which is then renamed over the old one, so that a reader (or a crash) sees the
  old file or the new one, never half of either. The file gets the permissions of any file the
  user makes (``0666`` less the umask), not ``mkstemp``'s private ``0600``.
- :func:`neutralise_cell` and :func:`neutralise_frame` keep a spreadsheet from running a cell as
  a formula. A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  prefixed with a single quote, as OWASP recommends for CSV files ("CSV injection"); numbers
  (``-5``, ``+1.5e3``) are left as they are. :func:`restore_cell` undoes it exactly, so that a
  table written and read back keeps its values: a text that itself begins with quotes followed by
  one of those characters gets one more quote, and loses it again when read.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula (OWASP)."""

_QUOTED_TRIGGER = re.compile(r"^'*[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def neutralise_cell(text: str) -> str:
    """A text cell as a spreadsheet cannot run it: prefixed with ``'`` where it could be a formula.

    >>> neutralise_cell('=HYPERLINK("http://evil.example","click")')
    '\\'=HYPERLINK("http://evil.example","click")'
    >>> neutralise_cell("-12.5"), neutralise_cell("Kyrgyzstan"), neutralise_cell("'=1")
    ('-12.5', 'Kyrgyzstan', "''=1")
    """
    if _QUOTED_TRIGGER.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """The text :func:`neutralise_cell` was given (a cell read back from a file the project wrote).

    >>> restore_cell("'=1+1"), restore_cell("''=1"), restore_cell("'quoted"), restore_cell("-3")
    ('=1+1', "'=1", "'quoted", '-3')
    """
    if text.startswith("'") and _QUOTED_TRIGGER.match(text[1:]) and not _NUMBER.match(text[1:]):
        return text[1:]
    return text


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        column
        for column in frame.columns
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column])
    ]


def _map_text(frame: pd.DataFrame, function) -> pd.DataFrame:
    out = frame.copy()
    for column in _text_columns(frame):
        out[column] = frame[column].map(lambda v: function(v) if isinstance(v, str) else v)
    out.columns = [function(c) if isinstance(c, str) else c for c in frame.columns]
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are :func:`neutralise_cell`-ed.

    Number columns are left as they are.

    >>> neutralise_frame(pd.DataFrame({"title": ["=2+5", "ok"], "kg": [-1.5, 2.0]})).to_dict("list")
    {'title': ["'=2+5", 'ok'], 'kg': [-1.5, 2.0]}
    """
    return _map_text(frame, neutralise_cell)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_frame` on a frame read back from a file the project wrote."""
    return _map_text(frame, restore_cell)


def default_file_mode() -> int:
    """The permissions of a new file the user makes: ``0666`` less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path | str, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Replace ``path`` with ``content`` in one step (a failed write leaves the old file).

    The folder is created when it is missing. Text is written with ``\\n`` line ends.

    Raises:
        OSError: the folder cannot be written (read-only, full, missing permission); nothing was
            changed and no temporary file is left behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode(encoding) if isinstance(content, str) else content
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp_name, default_file_mode())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path
