"""Reading a notebook's parameters cell and checking values against it, with no kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.core.periods import Quarter
from bulletin.render.parameters import (
    Parameter,
    ParameterError,
    check_country,
    check_extra_names,
    check_issue,
    convert,
    declared_parameters,
    first_table_with_data,
    notebook_parameters,
)


def _nb(source: str) -> dict:
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# T"},
                      {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": source}]}


def test_declared_parameters_with_types_defaults_and_comments():
    declared = declared_parameters(_nb(
        'quarter: str = "2017Q2"  # bulletin issue, YYYYQn\nyears: int = 5\nshare = 0.5  # untyped'
    ))
    assert declared == {
        "quarter": Parameter("quarter", "str", "2017Q2", "bulletin issue, YYYYQn"),
        "years": Parameter("years", "int", 5, ""),
        "share": Parameter("share", "float", 0.5, "untyped"),
    }
    assert declared_parameters({"cells": []}) == {}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("quarter = Quarter.parse('2017Q2')", "not a literal"),
        ("import os", "not a literal assignment"),
        ("quarter: str = ", "not valid Python"),
    ],
)
def test_a_parameters_cell_that_is_not_literals_is_refused(source, message):
    with pytest.raises(ParameterError, match=message):
        declared_parameters(_nb(source), "01_x.ipynb")


@pytest.mark.parametrize(
    ("value", "type_name", "expected"),
    [("3", "int", 3), (3, "float", 3.0), ("0.5", "float", 0.5), ("yes", "bool", True),
     ("KGZ", "str", "KGZ"), ("[1, 2]", "list", [1, 2])],
)
def test_values_are_converted_to_the_declared_type(value, type_name, expected):
    assert convert(value, Parameter("p", type_name, None), "nb") == expected


@pytest.mark.parametrize(("value", "type_name"), [("many", "int"), (True, "int"), ("maybe", "bool"), (2.5, "int")])
def test_values_of_the_wrong_type_are_refused(value, type_name):
    with pytest.raises(ParameterError, match=f"declared as {type_name}"):
        convert(value, Parameter("p", type_name, None, "a comment"), "nb")


def test_an_issue_needs_some_data_from_its_year_or_the_year_before(tmp_path: Path):
    (tmp_path / "seizures_annual.csv").write_text("country,year,drug,kg,source,status\nKGZ,2015,heroin,1,s,official\n")
    (tmp_path / "seizure_cases.csv").write_text("case_id,date,country\nA,2016-03-01,KGZ\n")
    assert check_issue(Quarter(2016, 1), tmp_path) == []
    assert check_issue(Quarter(2017, 2), tmp_path) == []  # a case dated 2016
    [problem] = check_issue(Quarter(2018, 2), tmp_path)
    assert "no table" in problem and "2017 or 2018" in problem
    assert "does not exist" in check_issue(Quarter(2017, 2), tmp_path / "missing")[0]
    assert first_table_with_data(tmp_path, [2016]) == "seizure_cases"
    assert first_table_with_data(tmp_path, [2015, 2016]) == "seizure_cases"  # the first by name
    assert first_table_with_data(tmp_path, [2015]) == "seizures_annual"
    assert first_table_with_data(tmp_path, [2019]) is None


def test_countries_of_the_bulletin_only():
    assert check_country("KGZ") == []
    assert "not one of the bulletin's countries" in check_country("AFG")[0]


def test_extra_names_must_be_declared_and_not_the_renderers_own():
    declared_by = {"quarter": {"01"}, "years": {"02"}}
    assert check_extra_names({"years": "3"}, declared_by) == []
    assert "unknown parameter 'colour'" in check_extra_names({"colour": "red"}, declared_by)[0]
    assert "--data-dir" in check_extra_names({"data_dir": "x"}, declared_by)[0]


def test_each_notebook_gets_only_what_it_declares(tmp_path: Path):
    declared = declared_parameters(_nb('quarter: str = "2017Q2"  # issue'))
    values = notebook_parameters(declared, "01.ipynb", Quarter(2017, 1), tmp_path, "KGZ", {"years": "3"})
    assert values == {"quarter": "2017-Q1"}
