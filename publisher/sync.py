"""`publish --sync s3://BUCKET/PREFIX`: the live release copied to object storage, so a bucket
(behind a CDN) can be the origin instead of, or beside, Apache.

Only what changed since the last sync to that URL travels: the publisher hard-links every
unchanged file from the previous release, so a file's inode, size and modification time say
whether it is the one already uploaded. The state (those keys, per URL) is kept beside the
releases and written only after a sync succeeded: a failed sync is repeated whole by the next.

Each object gets the Content-Type, Content-Encoding (the `.gz` twins) and Cache-Control the
vhost would send (publisher/webserver.py). A bucket has no atomic switch of many objects, so
the order keeps every page whole and its assets present while a sync runs: new fingerprinted
assets first (no page names them yet), then the other files, then the switch, the home page
and catalog.json, last; removed files (old assets included) are deleted only after that.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from publisher.release import CURRENT, PublishError
from publisher.webserver import content_type, headers_for

SWITCH = ("data/v1/catalog.json", "index.html")  # uploaded last: the site says it is new
STATE = ".sync"
UPLOADERS = 8  # parallel PUTs: each waits on the network, not the CPU
DELETE_BATCH = 1000  # S3's DeleteObjects limit


@dataclass
class SyncSummary:
    url: str = ""
    uploaded: int = 0
    deleted: int = 0
    unchanged: int = 0
    bytes: int = 0
    duration_s: float = 0.0

    def line(self) -> str:
        return (
            f"synced {self.url}: {self.uploaded} uploaded, {self.deleted} deleted, "
            f"{self.unchanged} unchanged, {self.bytes / 1e6:.1f} MB, in {self.duration_s:.1f} s"
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def parse_url(url: str) -> tuple[str, str]:
    """(bucket, prefix without slashes) of `s3://bucket/prefix`; a one-line error otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise PublishError(f"--sync wants s3://BUCKET[/PREFIX], not {url!r}")
    return parts.netloc, parts.path.strip("/")


def sync(docroot: Path | str, url: str, client: Any = None) -> SyncSummary:
    """Upload what the live release changed since the last sync to `url`, delete what it
    removed. `client`: a boto3 S3 client (default: one from the environment, so
    AWS_ENDPOINT_URL, AWS_PROFILE and the usual credentials apply)."""
    began = time.monotonic()
    bucket, prefix = parse_url(url)
    release = Path(docroot) / CURRENT
    if not release.is_dir():
        raise PublishError(f"nothing published in {docroot} to sync")
    client = client or _client()
    state_file = Path(docroot) / STATE / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}.json"
    before = _read_state(state_file)
    now = dict(_files(release.resolve()))
    changed = [rel for rel, key in now.items() if before.get(rel) != key]
    removed = sorted(set(before) - set(now))
    summary = SyncSummary(url, len(changed), len(removed), len(now) - len(changed))

    def put(rel: str) -> int:
        path = release / rel
        body = path.read_bytes()
        client.put_object(Bucket=bucket, Key=_key(prefix, rel), Body=body, **_metadata(rel))
        return len(body)

    try:
        with ThreadPoolExecutor(UPLOADERS) as pool:
            for group in _in_order(changed):
                summary.bytes += sum(pool.map(put, group))  # a group ends before the next
        for start in range(0, len(removed), DELETE_BATCH):
            keys = [{"Key": _key(prefix, rel)} for rel in removed[start : start + DELETE_BATCH]]
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
    except Exception as exc:  # botocore's errors, the network's, a file gone: one line
        raise PublishError(
            f"{url}: {type(exc).__name__}: {exc} (the local site is live; "
            "the next --sync uploads what is missing)"
        ) from exc
    _write_state(state_file, now)
    summary.duration_s = round(time.monotonic() - began, 3)
    return summary


def _client() -> Any:
    try:
        import boto3
    except ImportError:
        raise PublishError("--sync needs boto3: pip install 'hallofshame[s3]'") from None
    return boto3.client("s3")


def _files(release: Path) -> Iterator[tuple[str, str]]:
    """(path in the release, inode:size:mtime) of every file a web server would serve: no
    dot files, no symlinks."""
    for folder, dirs, names in os.walk(release):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink():
                continue
            stat = path.stat()
            rel = path.relative_to(release).as_posix()
            yield rel, f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def _in_order(changed: list[str]) -> list[list[str]]:
    """Assets, then everything but the switch, then the switch."""
    switch = {name for rel in SWITCH for name in (rel, f"{rel}.gz")}
    assets = sorted(rel for rel in changed if rel.startswith("assets/"))
    last = sorted(rel for rel in changed if rel in switch)
    middle = sorted(set(changed) - set(assets) - set(last))
    return [group for group in (assets, middle, last) if group]


def _key(prefix: str, rel: str) -> str:
    return f"{prefix}/{rel}" if prefix else rel


def _metadata(rel: str) -> dict[str, str]:
    """What the vhost would send with this file: its type, its encoding, its Cache-Control."""
    path = PurePosixPath(rel)
    meta = {"ContentType": content_type(Path(path.stem if path.suffix == ".gz" else path.name))}
    if path.suffix == ".gz":
        meta["ContentEncoding"] = "gzip"
    cache = headers_for(f"/{rel}", "").get("Cache-Control")
    if cache:
        meta["CacheControl"] = cache
    return meta


def _read_state(path: Path) -> dict[str, str]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # never synced (or the state is unreadable): upload everything
    return found if isinstance(found, dict) else {}


def _write_state(path: Path, files: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(files), encoding="utf-8")
    os.replace(temporary, path)
