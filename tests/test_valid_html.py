"""Every page a demo user can reach, as every role, is valid HTML by the Nu Html Checker (vnu-jar
from npm, run with Debian's java). htmx and SSE attributes are the only filtered messages."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.demo import seed_demo
from tests.conftest import Client
from tests.crawl import DEMO_ROLES, crawl
from tests.databases import require_or_skip

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTMX_ATTRIBUTES = r".*Attribute “(hx|sse)-[a-z:-]+” not allowed.*"


def validate(folder: Path) -> list[dict[str, object]]:
    java = shutil.which("java")
    if java is None or not VNU.exists():
        require_or_skip("the HTML checker needs java and `make setup` (npm's vnu-jar)")
    result = subprocess.run(
        [
            str(java),
            # One short run: the quick compiler alone needs about half the CPU (measured in the
            # commit that chose it), and its larger frames need more stack for the schema.
            "-XX:TieredStopAtLevel=1",
            "-Xss8m",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            "--filterpattern",
            HTMX_ATTRIBUTES,
            "--skip-non-html",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages: list[dict[str, object]] = json.loads(result.stderr or '{"messages": []}')["messages"]
    return messages


# The markup does not depend on the database: one run (java starts once, on SQLite).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_page_is_valid_html(engine: Engine, client: Client, tmp_path: Path) -> None:
    seed_demo(engine)
    names: dict[str, str] = {}
    # One checker run for every role's pages: java starts once.
    for role, sign_in in DEMO_ROLES.items():
        client.cookies.clear()
        sign_in(client)
        pages = crawl(client)
        assert len(pages) >= 2, (role, pages.keys())
        for url, page in pages.items():
            name = f"page-{len(names)}.html"
            (tmp_path / name).write_text(page.html)
            names[name] = f"{role} {url}"
    problems = [
        f"{names[Path(str(m['url'])).name]}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '')}]"
        for m in validate(tmp_path)
    ]
    assert not problems, f"invalid HTML on {len(problems)} place(s):\n" + "\n".join(problems)
