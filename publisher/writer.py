"""The one writer of a publish: every file of a release goes through `Writer.write` (or
`Writer.keep`), which creates directories, logs the path, refuses a path written twice, adds the
`.gz` beside text files over 1 KB, and hard-links a file whose bytes did not change from the
previous release, so it keeps its modification time (and Apache its ETag)."""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from publisher.release import PublishError

log = logging.getLogger(__name__)

GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 6  # 9 costs twice the time for 1-2 % fewer bytes
TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".csv", ".xml", ".txt", ".svg", ".liquid"}


@dataclass
class Writer:
    root: Path
    previous: Path | None
    written: int = 0
    unchanged: int = 0
    bytes: int = 0
    paths: set[str] = field(default_factory=set)
    made: set[Path] = field(default_factory=set)  # directories made in this release

    def write(self, rel: str, data: bytes) -> bool:
        """Write one file of the release; True when its bytes are new."""
        target = self._claim(rel)
        old = self.previous / rel if self.previous else None
        self.bytes += len(data)
        if old is not None and old.is_file() and _same(old, data):
            self._link(old, target)
            return False
        target.write_bytes(data)
        self.written += 1
        log.debug("wrote %s", rel)
        if _compressible(rel, len(data)):
            gz = target.with_name(target.name + ".gz")
            gz.write_bytes(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
            stat = target.stat()
            os.utime(gz, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        return True

    def keep(self, rel: str) -> bool:
        """Carry a file over from the previous release unrendered; False when there is none."""
        if self.previous is None:
            return False
        old = self.previous / rel
        try:
            size = os.stat(old).st_size
        except OSError:
            return False
        self._link(old, self._claim(rel))
        self.bytes += size
        return True

    def unkeep(self, rel: str) -> None:
        """Take back a `keep` (a page carried over only when all its files can be)."""
        target = self.root / rel
        self.bytes -= os.stat(target).st_size
        target.unlink()
        Path(f"{target}.gz").unlink(missing_ok=True)
        self.paths.discard(rel)
        self.unchanged -= 1

    def _claim(self, rel: str) -> Path:
        if rel in self.paths:
            raise PublishError(f"{rel} would be written twice in one publish")
        self.paths.add(rel)
        target = self.root / rel
        if target.parent not in self.made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(target.parent)
        return target

    def _link(self, old: Path, target: Path) -> None:
        os.link(old, target)
        self.unchanged += 1
        with contextlib.suppress(FileNotFoundError):  # no .gz beside it: small or not text
            os.link(f"{old}.gz", f"{target}.gz")


def _same(path: Path, data: bytes) -> bool:
    return path.stat().st_size == len(data) and path.read_bytes() == data


def _compressible(rel: str, size: int) -> bool:
    return size > GZIP_MIN_BYTES and Path(rel).suffix in TEXT_SUFFIXES
