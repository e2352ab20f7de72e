"""bulletin.core.periods: naming issues and their data quarter."""

import pytest

from bulletin.core.periods import Quarter, data_quarter


@pytest.mark.parametrize("text", ["2017Q2", "2017-Q2", "2017q2", " 2017-Q2 "])
def test_accepted_forms(text):
    assert Quarter.parse(text) == Quarter(2017, 2)


@pytest.mark.parametrize("text", ["2017Q5", "17Q2", "2017Q0", "2017", "Q2-2017", "2017-2", ""])
def test_refused_forms_show_the_accepted_one(text):
    with pytest.raises(ValueError, match="YYYYQn or YYYY-Qn"):
        Quarter.parse(text)


def test_shift_crosses_years():
    assert Quarter(2017, 1).previous() == Quarter(2016, 4)
    assert Quarter(2016, 4).shift(1) == Quarter(2017, 1)
    assert Quarter(2017, 2).year_before() == Quarter(2016, 2)


def test_labels():
    assert Quarter(2017, 2).label == "2017-Q2"
    assert Quarter(2017, 1).months == "January-March 2017"
    assert Quarter(2016, 4).months == "October-December 2016"


def test_issue_reports_the_quarter_before():
    assert data_quarter(Quarter(2017, 2)) == Quarter(2017, 1)
    assert data_quarter(Quarter(2017, 1)) == Quarter(2016, 4)
