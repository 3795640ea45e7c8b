"""Regenerate the golden published data (tests/golden/data/v1) from the seeded test world, and
the API's stats components (web/openapi.json) from the table of fields.

Run deliberately when the published data should change, then review the diff:
    .venv/bin/python tests/golden/regenerate.py
The test (tests/test_publish.py) only compares; it never writes here.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hallofshame import db  # noqa: E402
from hallofshame.settings import load_settings  # noqa: E402
from publisher import publish  # noqa: E402
from tests.seeding import World, seed  # noqa: E402
from tests.test_fields import OPENAPI, components_from_table, openapi_text  # noqa: E402
from tests.test_publish import GOLDEN, GOLDEN_SKIP  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/golden.sqlite3"
        engine = db.make_engine(url)
        db.upgrade(engine)
        world = World()
        seed(engine, world)
        settings = load_settings({"database_url": url}, env_file=None, environ={})
        publish(engine, settings, Path(tmp) / "docroot", world.end)
        source = Path(tmp) / "docroot" / "current" / "data" / "v1"
        target = GOLDEN / "data" / "v1"
        shutil.rmtree(target, ignore_errors=True)
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.suffix in (".json", ".csv") and path.name not in GOLDEN_SKIP:
                out = target / path.relative_to(source)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, out)
        print(f"golden data written to {target}")
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    OPENAPI.write_text(openapi_text(components_from_table(document)), encoding="utf-8")
    print(f"the stats components of {OPENAPI} written from the table of fields")


if __name__ == "__main__":
    main()
