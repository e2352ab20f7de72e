"""A commit's library exported to a temporary folder: a benchmark's baseline, in the same run.

The scripts of ``bench/`` measure the code of this checkout against the code of an earlier commit
(by default :data:`BEFORE_ISSUE_18`, the last commit before issue 18's work on speed) on the same
machine in the same run, so that a shared, busy machine weighs on both alike. ``git archive``
exports the commit's ``lib/`` and ``data/reference/`` (the vocabularies its library reads); a
script then runs it in a fresh process with ``PYTHONPATH`` set to the exported ``lib``.
"""

from __future__ import annotations

import compileall
import io
import subprocess
import tarfile
from pathlib import Path

BEFORE_ISSUE_18 = "880a40f"
"""The last commit before issue 18 ("Speed where users wait")."""
ROOT = Path(__file__).resolve().parent.parent


def export_lib(
    commit: str, folder: Path, paths: tuple[str, ...] = ("lib", "data/reference")
) -> tuple[Path | None, str]:
    """Export a commit's ``lib/`` and ``data/reference/`` (or other ``paths``) into ``folder``.

    Returns:
        The exported ``lib`` folder (``None`` when git cannot export the commit) and a few words
        saying which commit it is, or why it could not be exported.
    """
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, *paths],
            check=True,
            capture_output=True,
        )
        named = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s", commit],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        reason = getattr(error, "stderr", b"") or str(error).encode()
        return None, f"commit {commit} not exported ({reason.decode(errors='replace').strip()})"
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(folder, filter="data")
        else:  # Python before 3.10.12: the archive is git's own, of this repository
            archive.extractall(folder)  # noqa: S202
    # Byte-compiled, as `make` compiles this checkout's library: both commits then start alike,
    # whether or not this machine lets Python write bytecode (PYTHONDONTWRITEBYTECODE).
    if (folder / "lib").is_dir():
        compileall.compile_dir(folder / "lib", quiet=1)
    return folder / "lib", f"commit {named[:70]}"
