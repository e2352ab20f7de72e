"""bulletin.core.files: the one writer of files, all or nothing, and its recovery; the folder lock;
the permissions of what it writes; cells a spreadsheet cannot run as formulas."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from bulletin.core import files
from bulletin.core.files import (
    JOURNAL_NAME,
    TEMP_SUFFIX,
    FileTransaction,
    FolderBusyError,
    InterruptedCommitError,
    folder_lock,
    neutralise_cell,
    neutralise_frame,
    recover,
    restore_cell,
    restore_frame,
    write_atomic,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with two files and a subfolder with a third, as a data folder has."""
    (tmp_path / "sub").mkdir()
    for name in ("a.csv", "b.csv", "sub/c.json"):
        (tmp_path / name).write_text(f"old {name}\n")
    return tmp_path


def _contents(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


NEW = {"a.csv": "new a\n", "b.csv": "new b\n", "sub/c.json": "new c\n"}


def _stage_all(transaction: FileTransaction, folder: Path) -> None:
    for name, text in NEW.items():
        transaction.stage(folder / name, text)


def test_commit_replaces_every_file(folder: Path) -> None:
    with FileTransaction(folder) as transaction:
        _stage_all(transaction, folder)
    assert _contents(folder) == {name: text.encode() for name, text in NEW.items()}
    assert sorted(str(p.relative_to(folder)) for p in transaction.committed) == sorted(NEW)
    mode = stat.S_IMODE((folder / "sub" / "c.json").stat().st_mode)
    assert mode == files.default_file_mode()  # not mkstemp's private 0600


def test_a_folder_given_relative_to_the_working_folder_commits(tmp_path: Path, monkeypatch) -> None:
    # `bulletin import FILE --data-dir data`: the temporary files are absolute, the folder not.
    monkeypatch.chdir(tmp_path)
    with FileTransaction("data") as transaction:
        transaction.stage(Path("data") / "a.csv", "x\n1\n")
        transaction.stage(Path("data") / "sub" / "b.json", "{}\n")
    assert (tmp_path / "data" / "a.csv").read_text() == "x\n1\n"
    assert (tmp_path / "data" / "sub" / "b.json").read_text() == "{}\n"
    assert not list((tmp_path / "data").glob(".*"))


def test_an_error_inside_the_block_writes_nothing(folder: Path) -> None:
    before = _contents(folder)
    with pytest.raises(RuntimeError), FileTransaction(folder) as transaction:
        _stage_all(transaction, folder)
        raise RuntimeError("a check failed after staging")
    assert _contents(folder) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO])
def test_a_failed_write_changes_nothing_and_leaves_no_temporary_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    before = _contents(folder)
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the second file's data cannot reach the disk
            raise OSError(code, os.strerror(code))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError) as caught, FileTransaction(folder) as transaction:
        _stage_all(transaction, folder)
    assert caught.value.errno == code
    assert caught.value.filename == str(folder / "b.csv")  # the file, not a temporary name
    assert _contents(folder) == before


def test_a_file_where_a_folder_should_be_is_named(folder: Path) -> None:
    (folder / "provenance").write_text("not a folder\n")
    before = _contents(folder)
    with pytest.raises(NotADirectoryError) as caught, FileTransaction(folder) as transaction:
        transaction.stage(folder / "a.csv", "new a\n")
        transaction.stage(folder / "provenance" / "a.json", "{}\n")
    assert caught.value.filename == str(folder / "provenance")
    assert _contents(folder) == before


def test_a_new_folder_made_for_a_failed_commit_is_removed(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_mkstemp = files.tempfile.mkstemp

    def read_only_new_folder(*args, **kwargs):
        if Path(kwargs["dir"]).name == "new":
            raise OSError(errno.EROFS, "Read-only file system")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(files.tempfile, "mkstemp", read_only_new_folder)
    before = _contents(folder)
    with pytest.raises(OSError, match="Read-only") as caught, FileTransaction(folder) as t:
        t.stage(folder / "a.csv", "new a\n")
        t.stage(folder / "new" / "x.json", "{}\n")
    assert caught.value.filename == str(folder / "new")  # the folder, not a temporary name
    assert _contents(folder) == before
    assert not (folder / "new").exists()


def _crash_after_first_rename(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make os.replace fail once the journal and the first file have been renamed."""
    real_replace = os.replace
    data_renames = []

    def replace(source, target):
        if Path(target).name != JOURNAL_NAME:
            data_renames.append(target)
            if len(data_renames) > 1:
                raise OSError(errno.EIO, "Input/output error", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)


def test_a_crash_in_the_middle_of_the_renames_is_finished_by_recover(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        _crash_after_first_rename(patch, folder)
        with pytest.raises(InterruptedCommitError, match="next `bulletin import`"):
            with FileTransaction(folder) as transaction:
                _stage_all(transaction, folder)
    # Half done: one file new, the others old, the journal and the temporary files in place.
    assert (folder / JOURNAL_NAME).exists()
    assert sum(p.read_text().startswith("new") for p in (folder / "a.csv", folder / "b.csv")) == 1
    finished = recover(folder)
    assert len(finished) == 2
    assert _contents(folder) == {name: text.encode() for name, text in NEW.items()}
    assert not list(folder.rglob(f"*{TEMP_SUFFIX}"))


def test_the_next_transaction_finishes_an_interrupted_commit_first(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        _crash_after_first_rename(patch, folder)
        with pytest.raises(InterruptedCommitError), FileTransaction(folder) as transaction:
            _stage_all(transaction, folder)
    with FileTransaction(folder) as transaction:
        transaction.stage(folder / "a.csv", "newer a\n")
    assert (folder / "a.csv").read_text() == "newer a\n"
    assert (folder / "b.csv").read_text() == "new b\n"  # finished from the journal
    assert (folder / "sub" / "c.json").read_text() == "new c\n"
    assert not (folder / JOURNAL_NAME).exists()


def test_recover_removes_temporary_files_a_crash_left_before_the_journal(folder: Path) -> None:
    before = _contents(folder)
    (folder / "sub" / f".c.json.x1y2{TEMP_SUFFIX}").write_text("half written")
    (folder / f".{JOURNAL_NAME}.k3z9.tmp").write_text('{"renames": [')  # a half-written journal
    assert recover(folder) == []
    assert _contents(folder) == before


def test_recover_refuses_a_journal_pointing_outside_its_folder(folder: Path) -> None:
    (folder / JOURNAL_NAME).write_text('{"renames": [["a.csv", "../outside.csv"]]}')
    with pytest.raises(files.JournalError, match="outside"):
        recover(folder)
    assert (folder / "a.csv").read_text() == "old a.csv\n"


def test_a_second_writer_is_kept_out(folder: Path) -> None:
    with folder_lock(folder):
        with pytest.raises(FolderBusyError) as caught, FileTransaction(folder, wait=0.2):
            pass
    assert "another bulletin command" in str(caught.value)
    with FileTransaction(folder, wait=0.2) as transaction:  # free again
        transaction.stage(folder / "a.csv", "x\n")


def test_staging_outside_the_folder_is_refused(folder: Path, tmp_path_factory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "x.csv"
    with pytest.raises(ValueError, match="outside"), FileTransaction(folder) as transaction:
        transaction.stage(elsewhere, "x")
    assert not elsewhere.exists()


def test_a_function_may_write_a_large_content_at_commit(folder: Path) -> None:
    with FileTransaction(folder) as transaction:
        transaction.stage(folder / "a.csv", lambda out: out.write(b"written at commit\n"))
    assert (folder / "a.csv").read_bytes() == b"written at commit\n"


def test_write_atomic_gives_the_user_s_permissions(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "p" / "x.json", "{}\n")
    assert stat.S_IMODE(path.stat().st_mode) == files.default_file_mode()
    assert [p.name for p in path.parent.iterdir()] == ["x.json"]


@pytest.fixture
def umask_022():
    """Run the test under the commonest umask, 022, as a user's shell has it."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _readable_by_everyone(path: Path) -> bool:
    mode = stat.S_IMODE(path.stat().st_mode)
    return mode == 0o644 and bool(mode & stat.S_IRGRP) and bool(mode & stat.S_IROTH)


def test_every_writer_makes_files_readable_like_any_other_output(tmp_path: Path, umask_022) -> None:
    from bulletin.data.importers.provenance import write_records
    from bulletin.data.tables import write_table

    written = [
        write_atomic(tmp_path / "one" / "x.json", "{}\n"),
        write_records("drug_offences", tmp_path / "records", [{"file": "a.csv", "sources": []}]),
        write_table(
            "seizures_annual",
            pd.DataFrame(
                {
                    "country": ["KGZ"],
                    "year": [2016],
                    "drug": ["heroin"],
                    "kg": [1.5],
                    "source": ["s"],
                    "status": ["official"],
                }
            ),
            tmp_path / "table",
        ),
    ]
    with FileTransaction(tmp_path / "transaction") as transaction:
        transaction.stage(tmp_path / "transaction" / "t.csv", "x\n")
        transaction.stage(tmp_path / "transaction" / "provenance" / "t.json", b"{}\n")
    written += transaction.committed
    assert len(written) == 5
    for path in written:
        assert _readable_by_everyone(path), f"{path}: {oct(path.stat().st_mode)}"


SPREADSHEET_TEXTS = ["=1+1", "+1+2", "-x", "@SUM(A1)", "\tcmd", "'=quoted", "-12.5", "plain", ""]


def test_cells_and_frames_come_back_as_they_were() -> None:
    assert [restore_cell(neutralise_cell(t)) for t in SPREADSHEET_TEXTS] == SPREADSHEET_TEXTS
    kg = [float(i) for i in range(len(SPREADSHEET_TEXTS))]
    frame = pd.DataFrame({"=title": SPREADSHEET_TEXTS, "kg": kg})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["'=title", "kg"]
    assert safe["'=title"].tolist() == [neutralise_cell(t) for t in SPREADSHEET_TEXTS]
    pd.testing.assert_frame_equal(restore_frame(safe), frame)
