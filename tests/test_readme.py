"""The README stays true: its configuration table names every setting, and nothing else."""

import re
from pathlib import Path

from app.core.config import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_configuration_table_lists_every_setting() -> None:
    documented = set(re.findall(r"^\| `TAVLE_([A-Z_]+)` \|", README.read_text(), flags=re.MULTILINE))
    settings = {name.upper() for name in Settings.model_fields}
    # TAVLE_TEST_PG is read by the test suite, not by the app.
    assert documented - {"TEST_PG"} == settings


def test_the_postgresql_section_says_how_to_make_the_first_administrator() -> None:
    text = README.read_text()
    section = text[text.index("## Running against PostgreSQL") :]
    assert ".venv/bin/python -m app create-admin" in section
    assert "tavle python -m app create-admin" in section
    dockerfile = (README.parent / "Dockerfile").read_text()
    assert "python -m app create-admin" in dockerfile
