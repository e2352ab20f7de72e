"""The data folder checked before any kernel starts: ``bulletin validate``'s check, run by the render.

A broken table used to be found only when a notebook read it, after every kernel had started; now
:func:`refuse_bad_data` runs the same check as ``bulletin validate`` (each table against its schema
and the vocabularies, then the rules between tables) and the render stops with every problem at
once, writing nothing (status 2 on the command line).

A table missing from the data folder is not refused here: a folder may hold only the tables its
notebooks read (a notebook that reads a missing table fails, naming it); ``bulletin validate``
reports it.

The check is remembered: once a data folder passed with given contents, a render with the same
table files, reference vocabularies, provenance records and checking code skips it (a marker file
named by the SHA-256 of all of these, in the user's cache folder, ``$XDG_CACHE_HOME/bulletin`` or
``~/.cache/bulletin``). A warm render stays fast, and any change to a table checks it again.

Where the check must run and the render will fork its kernels from a server (the kernel server of
:mod:`bulletin.render.kernel_daemon`, which has pandas, pandera and the tables' schemas loaded),
the check runs in a process forked from that server, not in the render's: importing them here cost
two of the three seconds of a render after one table changed (issue 18). The verdict is the same;
a server that cannot give one (it ended, the check's process died) means checking here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bulletin.core.files import write_atomic
from bulletin.core.paths import reference_dir_of
from bulletin.render.cache import (
    DataFiles,
    file_sha256,
    library_files,
    package_versions,
    user_cache_dir,
)
from bulletin.render.plan import RenderParameterError

log = logging.getLogger(__name__)

CHECKING_CODE = ("data", "core")  # the library's packages whose code decides what is valid


def cache_dir() -> Path:
    """Where passed checks are remembered."""
    return user_cache_dir("validated")


def _folder_sums(folder: Path, pattern: str) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {p.name: file_sha256(p) for p in sorted(folder.glob(pattern)) if p.is_file()}


def check_key(data: DataFiles) -> str:
    """The SHA-256 of everything the check's verdict depends on.

    The table files (by content), the reference vocabularies in use, the provenance records, the
    code of the library's ``data`` and ``core`` packages, and the versions of pandas and pandera.
    """
    # As the notebooks' fingerprints have them (hashed once per process, issue 18).
    prefixes = tuple(f"lib/bulletin/{package}/" for package in CHECKING_CODE)
    code = {name: sha for name, sha in library_files().items()
            if name.startswith(prefixes) and name.endswith(".py")}
    versions = package_versions()
    inputs = {
        "tables": {name: data.sha256(name) for name in data.tables()},
        "reference": _folder_sums(reference_dir_of(data.data_dir), "*.csv"),
        "provenance": _folder_sums(data.data_dir / "provenance", "*.json"),
        "code": code,
        "packages": {name: versions[name] for name in ("pandas", "pandera")},
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _remember(marker: Path, warnings: int) -> None:
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"warnings": warnings}), encoding="utf-8")
    except OSError:
        pass  # a read-only home: the check runs again next time, nothing else is lost


def remembered_warnings(data: DataFiles) -> int | None:
    """The warnings' count of a check the data folder passed with these contents; None if none."""
    return _remembered(cache_dir() / check_key(data))


def _remembered(marker: Path) -> int | None:
    try:
        return int(json.loads(marker.read_text(encoding="utf-8"))["warnings"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def refuse_bad_data(data: DataFiles, server: Any = None,
                    meanwhile: Callable[[], None] | None = None) -> int:
    """Check the data folder's tables; raise with every problem, or return the warnings' count.

    Args:
        data: the data folder.
        server: the :class:`~bulletin.render.kernel.KernelForkServer` the render's kernels fork
            from, if it has one: the check then runs in a process forked from it.
        meanwhile: called while that process checks (the render's own preparations).

    Returns:
        How many warnings the check gave (rules between tables broken by published figures that
        disagree: reported by ``bulletin validate``, never refused).

    Raises:
        RenderParameterError: a table breaks its schema or the vocabularies, or a rule between
            tables is broken; one problem per line, each naming the file, line and column.
    """
    marker = cache_dir() / check_key(data)  # of the files as they are before the check
    remembered = _remembered(marker)
    if remembered is not None:
        return remembered
    verdict = _verdict_from(server, data.data_dir, meanwhile) if server is not None else None
    if verdict is None:
        verdict = data_verdict(data.data_dir)
    problems = list(verdict["problems"])
    if problems:
        raise RenderParameterError(problems)
    _remember(marker, verdict["warnings"])
    return verdict["warnings"]


def data_verdict(data_dir: Path) -> dict[str, Any]:
    """``bulletin validate``'s check of ``data_dir``: its problems (sentences) and warnings' count."""
    from bulletin.data.validate import validate_data_dir
    from bulletin.data.vocab import BrokenReferenceError

    try:
        report = validate_data_dir(data_dir)
    except BrokenReferenceError as error:  # a file of reference/ (validate reads each first)
        return {"problems": [f"{error}: mend the reference file"], "warnings": 0}
    problems = [
        f"{table.path}: {problem}"
        for table in report.invalid
        if not table.missing  # a folder may hold only the tables its notebooks read
        for problem in table.problems
    ]
    problems += [f"{report.data_dir}: {problem}" for problem in report.errors_across]
    if problems:
        problems.append(
            f"the data folder {report.data_dir} has {len(problems)} problem(s): mend the files "
            f"(`bulletin validate --data-dir {report.data_dir}` lists them again)"
        )
    return {"problems": problems, "warnings": len(report.warnings)}


def check_in_child(data_dir: str, out: str) -> None:
    """In a process forked from a kernel server: check ``data_dir``, write the verdict to ``out``."""
    write_atomic(Path(out), json.dumps(data_verdict(Path(data_dir))))


def _verdict_from(server: Any, data_dir: Path, meanwhile: Callable[[], None] | None
                  ) -> dict[str, Any] | None:
    """:func:`data_verdict`, from a process forked from ``server``; None if it gave none."""
    with tempfile.TemporaryDirectory(prefix="bulletin-data-check-") as folder:
        out, output = Path(folder) / "verdict.json", Path(folder) / "check.log"
        try:
            process = server.fork_data_check(str(data_dir), str(out), dict(os.environ), str(output))
        except RuntimeError as error:
            log.warning("the data check runs in the render's process: %s", error)
            return None
        if meanwhile is not None:
            meanwhile()
        process.wait()
        try:
            verdict = json.loads(out.read_text(encoding="utf-8"))
            return {"problems": [str(p) for p in verdict["problems"]],
                    "warnings": int(verdict["warnings"])}
        except (OSError, ValueError, KeyError, TypeError):
            said = output.read_text(encoding="utf-8", errors="replace").strip() if output.is_file() else ""
            log.warning("the data check forked from the kernel server gave no verdict%s; it runs "
                        "in the render's process", f" ({said.splitlines()[-1]})" if said else "")
            return None
