import ast
import io
from pathlib import Path

import pytest

from qiproject.csv_export import csv_cell, csv_writer

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = [
    "qiproject",
    "practices",
    "workshops",
    "pdsa",
    "evidence",
    "messaging",
    "followup",
    "dashboards",
]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_with_a_formula_character_is_quoted(start):
    assert csv_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_plain_text_numbers_and_none_are_written_as_they_are():
    assert csv_cell("Castle Lane") == "Castle Lane"
    assert csv_cell(-3) == -3
    assert csv_cell(None) == ""


def test_the_writer_guards_every_cell():
    out = io.StringIO()
    csv_writer(out).writerow(["=1+1", "ok", -2])
    assert out.getvalue() == "'=1+1,ok,-2\r\n"


def _csv_writer_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text())
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"writer", "DictWriter"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
    ]


def test_no_module_but_csv_export_writes_csv_itself():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for app in APP_DIRS
        for path in (ROOT / app).rglob("*.py")
        if path.name != "csv_export.py" or path.parent.name != "qiproject"
        for line in _csv_writer_calls(path)
    ]
    assert offenders == []
