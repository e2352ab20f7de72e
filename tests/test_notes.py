"""bulletin.analyses.notes: the one note under every table, and the marks of cells not official."""

import pandas as pd

from bulletin.analyses import notes


def rows(statuses: list[str], years: list[int] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({"status": statuses, "source": ["B", "A", "B", "A"][: len(statuses)]})
    return frame if years is None else frame.assign(year=years)


def test_source_then_status_with_the_years_of_each():
    note = notes.table_note(rows(["official", "reconstructed"], [2016, 2017]))
    assert note == (
        "Source: A; B. Data status: official figures (2016); reconstructed by this project where no "
        "figure is published, not official (2017)."
    )


def test_without_a_year_column_the_status_names_no_years():
    assert notes.table_note(rows(["stated"])) == (
        "Source: B. Data status: the bulletin's own figures, as its text states them, not official."
    )


def test_the_key_to_the_marks_only_when_the_table_marks_and_something_is_marked():
    marked = rows(["official", "official+reconstructed", "stated"], [2015, 2016, 2017])
    note = notes.table_note(marked, marks=True)
    assert note.endswith("* reconstructed, not official. ◆ stated in the bulletin's text, not official.")
    assert "◆" not in notes.table_note(marked)
    assert notes.table_note(rows(["official"], [2016]), marks=True).endswith("(2016).")


def test_details_follow_in_order_and_empty_ones_are_left_out():
    note = notes.table_note(rows(["reconstructed"], [2016]), "", "Gaps named.", marks=True)
    assert note.endswith("not official (2016). * reconstructed, not official. Gaps named.")


def test_no_rows():
    empty = pd.DataFrame({"status": [], "source": []})
    assert notes.table_note(empty) == "Source: none. Data status: no data."


def test_status_marks():
    assert [notes.status_mark(s) for s in ("official", "estimate", "stated", "official+stated")] == ["", "*", "◆", "◆"]
    assert notes.marks_note(rows(["official"])) == ""
