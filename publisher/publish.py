"""`publish`: the whole static site from the aggregator's stored numbers, staged as a release
and made visible in one step.

One loop walks the page table (`publisher.pages.PAGES`). A page made only of ended days has a
cheap signature: when it equals the previous publish's, its files are hard-linked from the
previous release without building its context. The other pages are built (on every core,
`publisher.parallel`), their context hashed and compared with the previous release's, and only
changed files rendered; the rest are hard-linked with their bytes and modification time.
`--full` builds and renders everything (a file whose bytes come out the same is still linked,
not rewritten).
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError
from sqlalchemy import Engine

from hallofshame import db, fields
from hallofshame.clock import as_utc, iso, utcnow
from hallofshame.package_data import shipped
from hallofshame.settings import Settings
from publisher import catalog as catalogue
from publisher import context, pages, parallel, release, render, schemas, shopify
from publisher import data as site_data
from publisher.cache import DIRECTORY as CACHE_DIRECTORY
from publisher.cache import SettledCache
from publisher.release import Docroot, PublishError
from publisher.urls import file_of, url
from publisher.writer import Writer

log = logging.getLogger(__name__)

SITE = shipped("assets")
OPENAPI = shipped("openapi")
CODE = Path(__file__).resolve().parent
FIELDS_CODE = Path(fields.__file__).resolve()


@dataclass
class PublishSummary:
    """What one publish did; the CLI prints it, tests assert on it."""

    release: str = ""
    mode: str = "full"  # full | incremental
    files: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    rendered: int = 0  # outputs rendered from their context (the rest were carried over)
    built: int = 0  # page contexts built (the others were carried over by their signature)
    bytes: int = 0
    duration_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"published {self.release} ({self.mode}): {self.files} files, {self.written} written, "
            f"{self.unchanged} unchanged, {self.removed} removed, {self.bytes / 1e6:.1f} MB, "
            f"in {self.duration_s:.1f} s"
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def publish(
    engine: Engine,
    settings: Settings,
    out: str | Path | None = None,
    now: datetime | None = None,
    full: bool = False,
) -> PublishSummary:
    """Render the site into `out` (default DOCROOT) as of `now` and switch `current` to it."""
    began = time.monotonic()
    now = as_utc(now or utcnow()).replace(microsecond=0)
    docroot = Docroot(out or settings.docroot)
    db.require_schema(engine)
    with docroot.locked():
        cache = SettledCache(docroot.root / CACHE_DIRECTORY, fresh=full)
        data = _load_uncollected(engine, now, cache)
        try:
            docroot.clean_stale()
            previous = docroot.current()
            staging = docroot.stage()
            try:
                building = time.monotonic()
                summary, manifest = _build(data, settings, staging, previous, full, now)
                build_s = time.monotonic() - building
                _write_manifest(staging, manifest)
                final = docroot.commit(staging)
            except BaseException as exc:
                shutil.rmtree(staging, ignore_errors=True)
                release.manifest_of(staging).unlink(missing_ok=True)
                if isinstance(exc, TemplateError | LookupError):  # a bug: keep where it happened
                    log.error("publish failed; the live site is unchanged", exc_info=exc)
                if isinstance(exc, OSError | TemplateError | LookupError):
                    raise PublishError(
                        f"{type(exc).__name__}: {exc} (the live site is unchanged)"
                    ) from exc
                raise
            cache.prune()
            docroot.prune()
        finally:
            gc.unfreeze()
    summary.release = final.name
    summary.timings.update({**data.timings, "build": build_s})
    summary.timings = {name: round(value, 2) for name, value in summary.timings.items()}
    summary.duration_s = round(time.monotonic() - began, 3)
    log.info(summary.line())
    return summary


def _load_uncollected(engine: Engine, now: datetime, cache: SettledCache) -> site_data.SiteData:
    """The load, with no cyclic garbage collection while it makes its millions of rows (none
    in a cycle: each collection walked every object made so far, 1.4 s of a full publish). Its
    objects are then frozen (`gc.freeze`) until the publish ends: they live to the end, so no
    collection walks them again while the pages are built, in this process or in a forked
    child (where touching an object copies its memory page)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = site_data.load(engine, now, cache)
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
    return data


def _build(
    data: site_data.SiteData,
    settings: Settings,
    staging: Path,
    previous: Path | None,
    full: bool,
    now: datetime,
) -> tuple[PublishSummary, dict[str, Any]]:
    writer = Writer(staging, previous)
    old = _read_manifest(previous)
    run = Run(writer, old, iso(now) or "", incremental=not full and bool(old))
    assets = _write_assets(run)
    site = site_globals(data, settings)
    run.env = render.make_env(assets, site)
    run.fingerprint = _fingerprint(site, assets)
    builds = []  # (kind, ids, signature) of the pages that cannot be carried over
    for kind in pages.PAGES:
        for ids in kind.keys(data):
            signature = kind.signature(data, **ids) if kind.signature else None
            sig = None if signature is None else run.signed(signature)
            if sig is None or not run.kept(sig, ids, kind.outputs):
                builds.append((kind, ids, sig))
    workers = parallel.workers_for(len(builds), settings.publish_workers)
    if workers > 1:  # the forked children never read the database: load what they need
        site_data.load_everything(data, rides=any(kind.name == "ride" for kind, _, _ in builds))

    def render_share(share: Iterable[parallel.Item], check: Any):
        mine = run if check is None else run.fork()  # a child starts from no file
        for kind, ids, sig in share:
            if check is not None:
                check()
            mine.emit(kind.build(data, **ids), ids, kind.outputs, sig, kind.rehash)
        return mine.outcome()

    parallel.render_all(builds, render_share, run.merge, workers)
    _write_extras(run, data, settings)
    summary = PublishSummary(
        mode="incremental" if run.incremental else "full",
        files=len(writer.paths),
        written=writer.written,
        unchanged=writer.unchanged,
        removed=len(set(old.get("files", {})) - writer.paths),
        rendered=run.rendered,
        built=len(builds),
        bytes=writer.bytes,
    )
    return summary, {"fingerprint": run.fingerprint, "files": run.files}


def site_globals(data: site_data.SiteData, settings: Settings) -> dict[str, Any]:
    """The `site` every template sees. No stamps here: a page shows its own generated_at and
    data_as_of (a completed period's page must not change with every cycle)."""
    return {
        "name": "Theme Park Hall of Shame",
        "simulated": data.simulated,
        "url": settings.site_url.rstrip("/"),
        "filters": context.filter_labels(data),  # every filter's label (a continent's name)
        "collect_interval_minutes": settings.collect_interval_minutes,
    }


@dataclass
class Run:
    """One publish's loop state: renders a context's outputs or carries them over."""

    writer: Writer
    old: dict[str, Any]
    generated_at: str
    incremental: bool
    env: Environment | None = None  # set once the assets are written
    fingerprint: str = ""
    rendered: int = 0
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def fork(self) -> Run:
        """This run's settings with its own writer and no file yet (a forked child's)."""
        writer = Writer(self.writer.root, self.writer.previous, made=set(self.writer.made))
        return Run(
            writer, self.old, self.generated_at, self.incremental, self.env, self.fingerprint
        )

    def outcome(self) -> dict[str, Any]:
        w = self.writer
        return {
            "files": self.files,
            "rendered": self.rendered,
            "counts": (w.written, w.unchanged, w.bytes),
            "paths": w.paths,
        }

    def merge(self, outcome: dict[str, Any]) -> None:
        """Take in what a forked child wrote into the same staging directory."""
        twice = self.writer.paths & outcome["paths"]
        if twice:
            raise PublishError(f"{sorted(twice)[0]} would be written twice in one publish")
        self.writer.paths |= outcome["paths"]
        written, unchanged, size = outcome["counts"]
        self.writer.written += written
        self.writer.unchanged += unchanged
        self.writer.bytes += size
        self.files.update(outcome["files"])
        self.rendered += outcome["rendered"]

    def signed(self, signature: Any) -> str:
        text = repr(signature)
        return hashlib.sha256(f"{self.fingerprint}\n{text}".encode()).hexdigest()[:24]

    def kept(self, sig: str, ids: dict[str, Any], outputs: tuple[pages.Output, ...]) -> bool:
        """Carry a page's files over when the previous publish made them from the same
        signature; False (nothing carried) when any of them is missing or differs."""
        if not self.incremental:
            return False
        old = self.old.get("files", {})
        rels = [file_of(url(out.url_kind, **ids)) for out in outputs]
        befores = [old.get(rel, {}) for rel in rels]
        if any(b.get("sig") != sig for b in befores):
            return False
        for n, rel in enumerate(rels):
            if not self.writer.keep(rel):
                for done in rels[:n]:
                    self.writer.unkeep(done)
                return False
        for rel, before in zip(rels, befores, strict=True):
            self.files[rel] = {k: before.get(k) for k in ("hash", "generated_at", "sig", "bytes")}
        return True

    def emit(
        self,
        ctx: dict[str, Any],
        ids: dict[str, Any],
        outputs: tuple[pages.Output, ...],
        sig: str | None = None,
        rehash: bool = True,
    ) -> None:
        """Render a context's files, or carry over those whose part of it did not move (its
        hash, or the page's signature when the signature alone tells: `PageKind.rehash`)."""
        whole = sig if sig is not None and not rehash else content_hash(ctx, self.fingerprint)
        if "generated_at" in ctx:
            ctx["generated_at"] = self.generated_at
        for out in outputs:
            rel = file_of(url(out.url_kind, **ids))
            shown = ctx if out.shows is None else out.shows(ctx)
            digest = whole if out.shows is None else content_hash(shown, self.fingerprint)
            key = f"{digest}:{out.render}"
            before = self.old.get("files", {}).get(rel, {})
            if self.incremental and before.get("hash") == key and self.writer.keep(rel):
                self.files[rel] = {k: before.get(k) for k in ("generated_at", "bytes")}
                self.files[rel]["hash"] = key
            else:
                self.rendered += 1
                self.put(rel, self.render(out.render, shown), key)
            if sig is not None:
                self.files[rel]["sig"] = sig

    def put(self, rel: str, content: bytes, key: str | None = None) -> None:
        """Write a file; an unchanged one keeps its previous generated_at."""
        new = self.writer.write(rel, content)
        before = self.old.get("files", {}).get(rel, {}).get("generated_at")
        stamp = self.generated_at if new or before is None else before
        self.files[rel] = {"hash": key, "generated_at": stamp, "bytes": len(content)}

    def render(self, how: str, ctx: dict[str, Any]) -> bytes:
        if how == "json":
            return to_json({k: v for k, v in ctx.items() if k != "view"})
        if how == "csv":
            return to_csv(ctx["items"], ctx["view"]["columns"])
        assert self.env is not None, "assets are written before any page"
        if how.endswith(".liquid"):  # Shopify's template language, filled in by Jinja
            return shopify.render_file(self.env, how, ctx)
        return render.xml_bytes(self.env.get_template(how).render(page=ctx))


VOLATILE = ("generated_at", "data_as_of", "data_as_of_local")


def content_hash(ctx: dict[str, Any], fingerprint: str) -> str:
    """What a page's bytes depend on: its context and the templates, assets and code of this
    publish. Not its stamps: a page whose numbers did not move keeps its bytes, and with them
    the stamps of the cycle its numbers were first published from (a ride closed all night is
    not rewritten every ten minutes)."""
    body = {k: v for k, v in ctx.items() if k not in VOLATILE}
    text = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{fingerprint}\n{text}".encode()).hexdigest()[:24]


def to_json(obj: Any) -> bytes:
    """Compact UTF-8 JSON; <, > and & as \\u escapes (the same strings once parsed), so no
    name can ever read as markup, whatever a client sniffs the file as."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=_plain)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.encode()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(items: list[dict[str, Any]], columns: list[str]) -> bytes:
    """The ranking's items as CSV (RFC 4180, LF line ends): a header line, the same rows, empty
    cells for null. A text cell a spreadsheet would run as a formula (a name from the feed
    starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe (OWASP's
    advice); numbers are as they are."""
    lines = [_csv_line(columns)]
    lines += [_csv_line([csv_cell(item.get(c)) for c in columns]) for item in items]
    return "".join(lines).encode("utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTED = re.compile(r'[",\r\n]')


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):  # as JSON writes it
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _csv_line(cells: list[Any]) -> str:
    """One row. A cell with a quote, a comma, a CR or an LF is quoted: Python's `csv` module
    leaves a bare CR unquoted when rows end with LF, and a spreadsheet then starts a new row
    inside the cell."""
    texts = list(map(str, cells))
    if not CSV_QUOTED.search("".join(texts)):  # most rows: no cell to quote, one search
        return ",".join(texts) + "\n"
    quoted = ('"' + t.replace('"', '""') + '"' if CSV_QUOTED.search(t) else t for t in texts)
    return ",".join(quoted) + "\n"


def _write_assets(run: Run) -> dict[str, str]:
    """Every file of site/ under /assets/ with 8 hex digits of its content hash in the name."""
    found: dict[str, str] = {}
    for path in sorted(p for p in SITE.rglob("*") if p.is_file()):
        content = path.read_bytes()
        name = path.relative_to(SITE).as_posix()
        digest = hashlib.sha256(content).hexdigest()[:8]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"assets/{stem}.{digest}.{suffix}" if dot else f"assets/{name}.{digest}"
        run.put(hashed, content)
        found[name] = f"/{hashed}"
    return found


def _write_extras(run: Run, data: site_data.SiteData, settings: Settings) -> None:
    """Sitemap, robots.txt, schemas, the OpenAPI document and, last, the catalogue."""
    sitemap = {"view": {"urls": pages.html_urls(data)}}
    run.emit(sitemap, {}, (pages.Output("sitemap", "sitemap.xml"),))
    run.emit({"view": {}}, {}, (pages.Output("robots", "robots.txt"),))
    for name, schema in schemas.SCHEMAS.items():
        run.put(file_of(url("schema", name=name)), to_json(schema))
    run.put(file_of(url("openapi")), OPENAPI.read_bytes())
    files = [
        catalogue.entry(data, rel, _size(run, rel, entry), entry["generated_at"])
        for rel, entry in sorted(run.files.items())
    ]
    stamp = max((f["generated_at"] or "" for f in files), default=run.generated_at)
    catalog = {
        "generated_at": stamp,
        "data_as_of": iso(data.data_as_of),
        "source": {"name": context.SOURCE, "url": context.SOURCE_URL},
        "attribution": context.ATTRIBUTION,
        "files": files,
    }
    run.put(file_of(url("catalog")), to_json(catalog))


def _size(run: Run, rel: str, entry: dict[str, Any]) -> int:
    """A file's bytes, as written or carried over (a stat only for a file a publish from
    before the catalogue listed sizes carried over)."""
    size = entry.get("bytes")
    return size if size is not None else os.stat(run.writer.root / rel).st_size


def _fingerprint(site: dict[str, Any], assets: dict[str, str]) -> str:
    """Templates, assets, the site globals, the publisher's code and the table of fields (the
    words and columns every page shows): when any of them changes, every page is rendered
    again."""
    digest = hashlib.sha256()
    sources = [*sorted(render.TEMPLATES.rglob("*")), *sorted(CODE.glob("*.py")), FIELDS_CODE]
    for path in sources:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps([site, assets], sort_keys=True).encode())
    return digest.hexdigest()[:16]


def _read_manifest(previous: Path | None) -> dict[str, Any]:
    if previous is None:
        return {}
    path = release.manifest_of(previous)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no manifest: every page is rendered (unchanged bytes are still linked)


def _write_manifest(staging: Path, manifest: dict[str, Any]) -> None:
    release.manifest_of(staging).write_text(json.dumps(manifest), encoding="utf-8")


def rollback(out: str | Path) -> Path:
    """Switch `current` back to the release before it."""
    docroot = Docroot(out)
    with docroot.locked():
        return docroot.rollback()


__all__ = ["PublishError", "PublishSummary", "publish", "rollback"]
