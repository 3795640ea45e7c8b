"""The docroot's releases: a publish is staged in `releases/<stamp>.tmp`, renamed, and made
visible by switching the `current` symlink with one atomic rename. A reader (Apache, `serve`)
sees the old release or the new one, never a mix; a publish killed at any point leaves
`current` as it was, and its stale staging directory is removed by the next run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from hallofshame.errors import StageError
from hallofshame.lock import file_lock

RELEASES = "releases"
CURRENT = "current"
STAGING = ".tmp"
MANIFEST = ".manifest.json"  # beside each release: content hashes and generated_at per file
KEEP_RELEASES = 5  # releases kept for --rollback (the current one included)


class PublishError(StageError):
    """A publish that cannot go on; the live site is left as it was."""


class Docroot:
    """DOCROOT: `current` -> `releases/<stamp>`, the last few releases, one publish at a time."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.releases_dir = self.root / RELEASES
        self.current_link = self.root / CURRENT

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One publish (or rollback) at a time in this docroot; the kernel drops the lock
        when the process dies, even by SIGKILL."""
        try:
            self.releases_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PublishError(f"cannot use docroot {self.root}: {exc}") from None
        with file_lock(
            self.root / ".publish.lock",
            wait_s=0,
            busy=lambda _: PublishError(f"another publish is running in {self.root}"),
            unwritable=lambda exc: PublishError(f"cannot use docroot {self.root}: {exc}"),
        ):
            yield

    def current(self) -> Path | None:
        """The live release, or None before the first publish."""
        if not self.current_link.is_symlink():
            if self.current_link.exists():
                raise PublishError(f"{self.current_link} exists and is not a symlink")
            return None
        target = self.current_link.resolve()
        return target if target.is_dir() else None

    def releases(self) -> list[Path]:
        """Finished releases, oldest first (stamps sort by time)."""
        if not self.releases_dir.is_dir():
            return []
        return sorted(p for p in self.releases_dir.iterdir() if _is_release(p))

    def clean_stale(self) -> list[Path]:
        """Remove staging directories left by a publish that died."""
        stale = [p for p in self.releases_dir.iterdir() if p.name.endswith(STAGING)]
        for path in stale:
            shutil.rmtree(path)
        return stale

    def stage(self) -> Path:
        """A new, empty staging directory named by the real clock (unique, sortable)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        staging = self.releases_dir / f"{stamp}{STAGING}"
        staging.mkdir()
        return staging

    def commit(self, staging: Path) -> Path:
        """Rename the staged release into place and switch `current` to it."""
        release = staging.with_name(staging.name.removesuffix(STAGING))
        os.rename(staging, release)
        self.switch(release)
        return release

    def switch(self, release: Path) -> None:
        """Point `current` at a release by renaming a fresh symlink over it (atomic)."""
        link = self.root / f".{CURRENT}.{os.getpid()}"
        if link.is_symlink():
            link.unlink()
        link.symlink_to(os.path.relpath(release, self.root))
        os.replace(link, self.current_link)

    def prune(self, keep: int = KEEP_RELEASES) -> list[Path]:
        """Remove the oldest releases beyond `keep` (never the current one)."""
        current = self.current()
        old = [p for p in self.releases()[:-keep] if p != current]
        for path in old:
            shutil.rmtree(path)
            manifest_of(path).unlink(missing_ok=True)
        return old

    def rollback(self) -> Path:
        """Switch `current` to the release before it."""
        current = self.current()
        releases = self.releases()
        if current is None or current not in releases:
            raise PublishError("nothing to roll back: no current release")
        index = releases.index(current)
        if index == 0:
            raise PublishError(f"no release before {current.name} to roll back to")
        self.switch(releases[index - 1])
        return releases[index - 1]


def manifest_of(release: Path) -> Path:
    name = release.name.removesuffix(STAGING)
    return release.with_name(f"{name}{MANIFEST}")


def _is_release(path: Path) -> bool:
    return path.is_dir() and not path.name.endswith(STAGING)
