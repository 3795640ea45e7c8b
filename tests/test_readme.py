"""README.md's architecture table matches the tree: a row for every top-level folder, and every
module a row names exists where the row says."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_OURS = {"var", "build", "dist", "__pycache__"}  # generated, never committed (.gitignore)


def architecture_rows() -> dict[tuple[str, ...], str]:
    """{folders of the row: what it holds}, from the table headed `| folder | what it holds |`."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("| folder | what it holds |") + 2
    rows = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        folders, holds = line.strip("|").split("|", 1)
        rows[tuple(re.findall(r"`([\w.-]+)/`", folders))] = holds
    return rows


def test_every_top_level_folder_has_a_row():
    named = {folder for folders in architecture_rows() for folder in folders}
    present = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and not path.name.endswith(".egg-info")
        and path.name not in NOT_OURS
    }
    assert named == present


def test_every_module_a_row_names_exists():
    missing = []
    for folders, holds in architecture_rows().items():
        for name in re.findall(r"`([\w/]+\.py)`", holds):
            path = ROOT / name if "/" in name else ROOT / folders[0] / name
            if not path.is_file():
                missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"named in README.md's architecture table, not in the tree: {missing}"
