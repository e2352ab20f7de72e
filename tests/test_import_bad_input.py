"""Every bad input of issue 3 is refused: exit status 2, a message naming the file, the line (or
row) and the column (or the mapping file to edit), and nothing in the data folder changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from bulletin.cli.main import main
from bulletin.data.importers.wdr_seizures import HEADER_2018, HEADER_2024
from bulletin.data.tables import write_table

HEADER = ";".join(HEADER_2018)
GOOD = "Asia;Central Asia and Transcaucasia;Kyrgyzstan;KGZ;2016;Opioids;Heroin;;167;"
IDS_HEADER = "IDS_ID,SEIZURE_DATE,COUNTRY,DRUG_NAME,AMOUNT,DRUG_UNIT,TRANSIT_COUNTRY"
IDS_GOOD = "C1,2016-03-01,Kyrgyzstan,Heroin,1500,Gram,Tajikistan"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder holding a table already, to show that a refused import leaves it as it was."""
    import pandas as pd

    folder = tmp_path / "data"
    write_table(
        "seizures_annual",
        pd.DataFrame(
            {
                "country": ["KGZ"],
                "year": [2017],
                "drug": ["heroin"],
                "kg": [100.0],
                "source": ["reconstructed from the bulletin text"],
                "status": ["reconstructed"],
            }
        ),
        folder,
    )
    return folder


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _refused(path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    before = _snapshot(data_dir)
    status = main(["import", str(path), "--data-dir", str(data_dir)])
    message = capsys.readouterr().err
    assert status == 2, message
    assert path.name in message
    for part in expected:
        assert part in message, message
    assert "nothing was written" in message
    assert _snapshot(data_dir) == before
    return message


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_unmapped_country(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "annex.csv",
        f"{HEADER}\n{GOOD}\nAsia;Central Asia;Kirgizia;KGZ;2016;Opioids;Heroin;;1;\n",
    )
    _refused(
        path,
        data_dir,
        capsys,
        "line 3",
        "column 'Country'",
        "'Kirgizia'",
        "data/reference/country_names.csv",
    )


def test_unmapped_country_outside_the_scope_is_refused_too(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "annex.csv",
        f"{HEADER}\n{GOOD}\nEurope;Nowhere;Atlantis;ATL;2016;Opioids;Heroin;;1;\n",
    )
    _refused(path, data_dir, capsys, "line 3", "'Atlantis'", "country_names.csv")


def test_unmapped_drug(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "annex.csv",
        f"{HEADER}\n{GOOD}\nAsia;Central Asia;Kyrgyzstan;KGZ;2016;Opioids;Krokodil;;1;\n",
    )
    _refused(
        path,
        data_dir,
        capsys,
        "line 3",
        "column 'DrugGroup / Drug / SpecificDrugName'",
        "Krokodil",
        "data/reference/drug_names_wdr2018.csv",
    )


def test_header_not_recognised(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "mystery.csv", "Land;Jahr;Droge;Menge\nKirgisistan;2016;Heroin;1\n")
    _refused(path, data_dir, capsys, "line 1", "header", "Land;Jahr;Droge;Menge")


def test_more_fields_than_the_header(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "annex.csv", f"{HEADER}\n{GOOD}\n{GOOD};extra\n")
    _refused(path, data_dir, capsys, "line 3", "11 fields", "10 fields, as in the header")


def test_fewer_fields_than_the_header(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "annex.csv", f"{HEADER}\n{GOOD}\nAsia;Central Asia;Kyrgyzstan\n")
    _refused(path, data_dir, capsys, "line 3", "3 fields")


def test_number_that_does_not_parse(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "annex.csv", f"{HEADER}\n{GOOD.replace(';167;', ';167 kg;')}\n")
    _refused(path, data_dir, capsys, "line 2", "column 'KgEquivalent'", "'167 kg'", "a number")


def test_decimal_comma_in_a_field_is_named(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "annex.csv", f"{HEADER}\n{GOOD.replace(';167;', ';167,5;')}\n")
    _refused(path, data_dir, capsys, "line 2", "column 'KgEquivalent'", "decimal comma")


def test_decimal_comma_that_shifts_the_fields_is_refused(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "ids.csv",
        f"{IDS_HEADER}\n{IDS_GOOD}\nC2,2016-03-02,Kyrgyzstan,Heroin,1,5,Kilogram,Tajikistan\n",
    )
    _refused(path, data_dir, capsys, "line 3", "column 'AMOUNT'", "decimal comma", "(1,5)")


def test_wrong_encoding(tmp_path, data_dir, capsys) -> None:
    text = f"{HEADER}\n{GOOD}\nAsia;Central Asia;Кыргызстан;KGZ;2016;Opioids;Heroin;;1;\n"
    path = _write(tmp_path, "annex.csv", text, encoding="cp1251")
    _refused(path, data_dir, capsys, "line 3", "column 'Country'", "UTF-8")


def test_wrong_encoding_in_a_large_file_read_by_the_columnar_path(
    tmp_path, data_dir, capsys
) -> None:
    rows = "\n".join(IDS_GOOD.replace("C1", f"C{i}") for i in range(1, 500))
    text = f"{IDS_HEADER}\n{rows}\nC999,2016-03-01,Kyrgyzstan,Героин,1,Gram,\n"
    path = _write(tmp_path, "ids.csv", text, encoding="cp1251")
    _refused(path, data_dir, capsys, "line 501", "column 'DRUG_NAME'", "UTF-8")


def test_empty_file(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "empty.csv", "")
    _refused(path, data_dir, capsys, "empty file")


def test_header_only_file_with_bom(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "bom.csv", "\ufeff\n")
    _refused(path, data_dir, capsys, "empty file")


def test_duplicate_case(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "ids.csv",
        f"{IDS_HEADER}\n{IDS_GOOD}\n"
        "C2,2016-03-02,Kyrgyzstan,Heroin,1,Kilogram,\n"
        f"{IDS_GOOD.replace('1500', '20')}\n",
    )
    _refused(path, data_dir, capsys, "line 4", "column 'IDS_ID'", "'C1'", "duplicate case")


def test_unknown_unit(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "ids.csv", f"{IDS_HEADER}\n{IDS_GOOD.replace('Gram', 'Pood')}\n")
    _refused(path, data_dir, capsys, "line 2", "column 'DRUG_UNIT'", "'Pood'")


def test_unmapped_route_country(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "ids.csv",
        f"{IDS_HEADER}\n{IDS_GOOD}\nC2,2016-03-02,Kyrgyzstan,Heroin,1,Kilogram,Tajikistan;Narnia\n",
    )
    _refused(
        path, data_dir, capsys, "line 3", "column 'TRANSIT_COUNTRY'", "Narnia", "country_names.csv"
    )


def test_impossible_date(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "ids.csv",
        f"{IDS_HEADER}\n{IDS_GOOD}\nC2,2016-02-30,Kyrgyzstan,Heroin,1,Kilogram,\n",
    )
    _refused(path, data_dir, capsys, "line 3", "column 'SEIZURE_DATE'", "2016-02-30")


def test_number_that_does_not_parse_in_a_workbook(tmp_path, data_dir, capsys) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Export"
    sheet.append(["Drug seizures, 2018-2022"])
    sheet.append(list(HEADER_2024))
    sheet.append(
        ["Asia", "Central Asia", "Kyrgyzstan", "Opioids", "Opiates", "Heroin", 2022, "12,5", "KGZ"]
    )
    path = tmp_path / "annex.xlsx"
    workbook.save(path)
    _refused(
        path, data_dir, capsys, "sheet 'Export'", "row 3", "column 'Kilograms'", "decimal comma"
    )


def test_row_another_source_holds(tmp_path, data_dir, capsys) -> None:
    # An official row of a source with no rank among UNODC's editions: neither precedence nor
    # stepping aside applies, so the clash is refused naming both sources.
    import pandas as pd

    national = "Drug Control Agency of the Kyrgyz Republic, annual report 2017"
    write_table(
        "seizures_annual",
        pd.DataFrame(
            {"country": ["KGZ"], "year": [2017], "drug": ["heroin"], "kg": [90.0],
             "source": [national], "status": ["official"]}
        ),
        data_dir,
    )
    path = _write(
        tmp_path,
        "annex.csv",
        f"{HEADER}\nAsia;Central Asia;Kyrgyzstan;KGZ;2017;Opioids;Heroin;;5;\n",
    )
    _refused(path, data_dir, capsys, "KGZ, 2017, heroin", national, "annex.csv, line 2")


def test_a_reconstructed_row_steps_aside_for_an_official_one(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "annex.csv",
        f"{HEADER}\nAsia;Central Asia;Kyrgyzstan;KGZ;2017;Opioids;Heroin;;5;\n",
    )
    assert main(["import", str(path), "--data-dir", str(data_dir)]) == 0
    assert "reconstructed rows stepped aside for official ones: 1" in capsys.readouterr().out
    from bulletin.data.tables import load_table

    table = load_table("seizures_annual", data_dir)
    assert table[["kg", "status"]].values.tolist() == [[5.0, "official"]]


def test_missing_file(tmp_path, data_dir, capsys) -> None:
    _refused(tmp_path / "nowhere.csv", data_dir, capsys, "an existing file")


def test_dry_run_writes_nothing(tmp_path, data_dir, capsys) -> None:
    path = _write(tmp_path, "annex.csv", f"{HEADER}\n{GOOD}\n")
    before = _snapshot(data_dir)
    assert main(["import", str(path), "--data-dir", str(data_dir), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would write 1 rows to seizures_annual" in out
    assert "dry run: nothing written" in out
    assert _snapshot(data_dir) == before


def test_summary_names_rows_read_kept_and_skipped(tmp_path, data_dir, capsys) -> None:
    path = _write(
        tmp_path,
        "annex.csv",
        f"{HEADER}\n{GOOD}\n"
        "Europe;Western Europe;Germany;DEU;2016;Opioids;Heroin;;100;\n"
        "Asia;Central Asia;Kyrgyzstan;KGZ;2016;Precursors;Acetic anhydride;;9;\n",
    )
    assert main(["import", str(path), "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "rows read: 3; rows kept: 1; rows skipped: 2" in out
    assert "country outside the import's scope" in out
    assert "e.g. line 3: Germany 2016 Heroin" in out
    assert "not a drug (precursor chemical): 1" in out
    assert "wrote 1 rows to seizures_annual" in out


@pytest.mark.parametrize(
    ("name", "line", "problem"),
    [
        ("country_names.csv", "Narnia\n", "1 fields, expected 3 (name, iso3, note)"),
        ("country_names.csv", "Narnia,NRN,\n", "codes not in countries.csv: ['NRN']"),
        ("countries.csv", "XKX\n", "1 fields, expected 2 (iso3, name)"),
        ("drug_names_ids.csv", ",,Heroin,heroin,component,\n", "names listed twice on lines"),
        ("drug_names_ids.csv", ",,Snow,snow,component,\n", "drugs or roles outside the vocab"),
        ("drug_names_ids.csv", ",,Smack,heroin,main,\n", "drugs or roles outside the vocab"),
    ],
    ids=[
        "short mapping line",
        "mapping to no country",
        "short vocabulary line",
        "name twice",
        "drug outside the vocabulary",
        "role outside the roles",
    ],
)
def test_a_broken_reference_file_is_named_and_the_input_is_not_blamed(
    tmp_path, data_dir, capsys, name, line, problem
) -> None:
    # A data folder's own reference files are read as an import maps names: when one of them is
    # broken, the message names it (and the line) and does not send the user to the input file.
    import shutil

    from bulletin.core.paths import REFERENCE_DIR

    shutil.copytree(REFERENCE_DIR, data_dir / "reference")
    with (data_dir / "reference" / name).open("a", encoding="utf-8") as out:
        out.write(line)
    path = _write(tmp_path, "ids_export.csv", f"{IDS_HEADER}\n{IDS_GOOD}\n")
    before = _snapshot(data_dir)
    status = main(["import", str(path), "--data-dir", str(data_dir)])
    message = capsys.readouterr().err
    assert status == 2, message
    assert f"{name}" in message and problem in message, message
    assert "mend the reference file" in message, message
    assert "ids_export.csv" not in message and "traceback" not in message, message
    assert "nothing was written" in message
    assert _snapshot(data_dir) == before


def test_an_unmapped_name_spanning_lines_is_advised_as_the_lookup_reads_it(
    tmp_path, data_dir, capsys
) -> None:
    # A quoted cell holding a newline: the lookup reads its words joined by single spaces, so
    # that is the spelling to add to the mapping file (not a name broken over two lines).
    path = _write(tmp_path, "ids_export.csv", f'{IDS_HEADER}\nC1,2016-03-01,"Kyrgyz\n  Republica",Heroin,1,Gram,\n')
    message = _refused(path, data_dir, capsys, "line 2", "column 'COUNTRY'")
    assert "add 'Kyrgyz Republica' with its ISO3 code" in message, message


@pytest.mark.parametrize(
    "header",
    [f"{IDS_HEADER},COUNTRY", IDS_HEADER.replace("COUNTRY,", "COUNTRY,Country,", 1)],
    ids=["the same name", "the same name in another case"],
)
def test_a_column_the_importer_reads_named_twice_is_refused(
    tmp_path, data_dir, capsys, header
) -> None:
    # Two COUNTRY columns that disagree: which one holds the seizing country cannot be told, so
    # the file is refused rather than one of them silently read.
    row = IDS_GOOD + ",Tajikistan" if header.endswith(",COUNTRY") else IDS_GOOD.replace(
        ",Kyrgyzstan,", ",Kyrgyzstan,Tajikistan,", 1
    )
    path = _write(tmp_path, "ids_export.csv", f"{header}\n{row}\n")
    _refused(path, data_dir, capsys, "line 1", "COUNTRY", "columns 3 and ")
