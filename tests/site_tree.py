"""Reading a published tree in tests: its files, the links of its pages, its ranking tables."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class Tables(HTMLParser):
    """The rows of `<table class="ranking">`: per `<tr data-id>`, its `[data-key]` cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.in_table = False
        self.key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "ranking" in (found.get("class") or "").split():
            self.in_table = True
        elif self.in_table and tag == "tr" and "data-id" in found:
            self.rows.append({"id": found["data-id"] or ""})
        elif self.in_table and self.rows and "data-key" in found:
            self.key = found["data-key"]
            self.rows[-1][self.key] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_table = False
        if tag in ("td", "th"):
            self.key = None

    def handle_data(self, data: str) -> None:
        if self.key and self.rows:
            self.rows[-1][self.key] += data.strip()


class Links(HTMLParser):
    """Every href and src of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def ranking_rows(path: Path) -> list[dict[str, str]]:
    parser = Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.rows


def links_of(path: Path) -> list[str]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def files(root: Path, suffix: str = "") -> list[Path]:
    return sorted(p for p in root.rglob(f"*{suffix}") if p.is_file())


def target_of(root: Path, link: str) -> Path:
    """The file a root-relative link resolves to (directories: index.html)."""
    path = link.split("#")[0].split("?")[0]
    if path.endswith("/"):
        path += "index.html"
    return root / path.lstrip("/")
