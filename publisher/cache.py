"""What only settled days make, kept between publishes so the after-cycle publish reads only
live and today's rows (`publisher.data`): one pickle per key in a directory of DOCROOT, outside
every release (never served), read only when a page being built asks for it.

A key names what it holds and the settled version it was computed for: when a day is
finalised the version moves and the old files are removed at the end of the next publish. A
missing, truncated or foreign file is a miss: the value is read from the database again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DIRECTORY = ".publish-cache"
SUFFIX = ".pickle"


class Miss(Exception):
    """No usable cached value for a key."""


class SettledCache:
    """`root`: the directory (created on the first save). `fresh`: ignore what is stored (a
    full publish reads everything again, and stores it)."""

    def __init__(self, root: Path, fresh: bool = False) -> None:
        self.root = root
        self.fresh = fresh
        self.used: set[str] = set()

    def _name(self, key: Hashable) -> str:
        return hashlib.sha256(repr(key).encode()).hexdigest()[:32] + SUFFIX

    def has(self, key: Hashable) -> bool:
        return not self.fresh and (self.root / self._name(key)).is_file()

    def load(self, key: Hashable) -> Any:
        name = self._name(key)
        self.used.add(name)
        try:
            with open(self.root / name, "rb") as handle:
                stored_key, value = pickle.load(handle)  # our own files, beside the releases
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
            raise Miss(repr(key)) from None
        if stored_key != key:
            raise Miss(repr(key))
        return value

    def save(self, key: Hashable, value: Any) -> None:
        name = self._name(key)
        self.used.add(name)
        self.root.mkdir(exist_ok=True)
        temporary = self.root / f"{name}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.root / name)

    def keep(self, key: Hashable) -> None:
        """Mark a stored key as still current (its file survives `prune`) without reading it."""
        self.used.add(self._name(key))

    def prune(self) -> None:
        """Remove the files no key of this publish named (older settled versions, leftovers)."""
        if not self.root.is_dir():
            return
        for path in self.root.iterdir():
            if path.name not in self.used:
                path.unlink(missing_ok=True)


class Lazy:
    """A value read from the cache when first asked for; on a miss, computed by `build` (and
    stored again)."""

    def __init__(self, cache: SettledCache, key: Hashable, build: Callable[[], Any]) -> None:
        self.cache, self.key, self.build = cache, key, build
        cache.keep(key)
        self._value: Any = None
        self._done = False

    def get(self) -> Any:
        if not self._done:
            try:
                self._value = self.cache.load(self.key)
            except Miss:
                log.info("publish cache: %s missing, read again", self.key[:2])
                self._value = self.build()
                self.cache.save(self.key, self._value)
            self._done = True
        return self._value


class LazyDict(dict):
    """A dict whose missing keys come from their `Lazy` (the stats of a period nobody asks for
    in an after-cycle publish are never unpickled)."""

    def __init__(self, lazies: dict[Any, Lazy], found: dict[Any, Any]) -> None:
        super().__init__(found)
        self._lazies = lazies

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._lazies[key].get()
        return value
