"""What only settled days make, kept between publishes so the after-cycle publish reads only
live and today's rows (`publisher.data`): one file per key in a directory of DOCROOT, outside
every release (never served), read only when a page being built asks for it.

A key names what it holds and the settled version it was computed for: when a day is
finalised the version moves and the old files are removed at the end of the next publish.

Whatever is in the directory, a bad entry is a miss, logged once and read from the database
again: each file starts with the format's version and the SHA-256 of its payload (a flipped
byte is caught before anything is read), the payload is a pickle that may only build the few
data types the cache holds (never a function: a planted file cannot run code), and its value
must pass the shape check of its kind. A cache that cannot be written (a full disk) is logged
once and the publish goes on without it.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import hashlib
import io
import logging
import os
import pickle
import shutil
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from sqlalchemy.sql.elements import quoted_name

from reader.spans import Stats

log = logging.getLogger(__name__)

DIRECTORY = ".publish-cache"
FORMAT = b"hallofshame-publish-cache 4\n"  # a new format names its files anew: old ones are pruned
SUFFIX = ".pickle"
# The only classes a cached payload may name: plain data (row keys are SQLAlchemy's str).
SAFE_CLASSES = {
    (cls.__module__, cls.__qualname__): cls
    for cls in (
        list,
        collections.defaultdict,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        datetime.timezone,
        decimal.Decimal,
        quoted_name,
        Stats,
    )
}
Check = Callable[[Any], bool]


class Miss(Exception):
    """No usable cached value for a key (the message says why)."""


class SettledCache:
    """`root`: the directory (created on the first save). `fresh`: ignore what is stored (a
    full publish reads everything again, and stores it)."""

    def __init__(self, root: Path, fresh: bool = False) -> None:
        self.root = root
        self.fresh = fresh
        self.used: set[str] = set()
        self.unwritable = False  # set by the first failed save: the rest are not tried
        self._failing = threading.Lock()  # saves run on the reading threads: one warning

    def _name(self, key: Hashable) -> str:
        text = FORMAT + repr(key).encode()
        return hashlib.sha256(text).hexdigest()[:32] + SUFFIX

    def has(self, key: Hashable) -> bool:
        return not self.fresh and (self.root / self._name(key)).is_file()

    def load(self, key: Hashable, check: Check | None = None) -> Any:
        """The stored value of `key`; `Miss` for anything else (missing, damaged, foreign, of
        the wrong shape for `check`)."""
        name = self._name(key)
        self.used.add(name)
        stored_key, value = read_entry(self.root / name)
        if stored_key != key:
            raise Miss("holds another key")
        if check is not None and not check(value):
            raise Miss("holds a value of the wrong shape")
        return value

    def save(self, key: Hashable, value: Any) -> None:
        """Store a value; a failure (a full disk, a directory in the way) is logged once and
        costs only the next publish a read from the database."""
        name = self._name(key)
        self.used.add(name)
        if self.unwritable:
            return
        payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        header = FORMAT + hashlib.sha256(payload).hexdigest().encode() + b"\n"
        temporary = self.root / f"{name}.{os.getpid()}.tmp"
        try:
            self.root.mkdir(exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(header)
                handle.write(payload)
            _remove(self.root / name, directories_only=True)
            os.replace(temporary, self.root / name)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            with self._failing:
                if self.unwritable:
                    return
                self.unwritable = True
            log.warning("publish cache: not stored (%s); the next publish reads the database", exc)

    def keep(self, key: Hashable) -> None:
        """Mark a stored key as still current (its file survives `prune`) without reading it."""
        self.used.add(self._name(key))

    def prune(self) -> None:
        """Remove what no key of this publish named (older settled versions, leftovers, a
        directory someone made in here)."""
        if not self.root.is_dir():
            return
        for path in self.root.iterdir():
            if path.name not in self.used:
                _remove(path)


def read_entry(path: Path) -> tuple[Any, Any]:
    """The (key, value) stored in a cache file; `Miss` when it is not a whole, intact entry of
    this format."""
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except OSError as exc:
        raise Miss(exc.strerror or type(exc).__name__) from None
    header, _, rest = blob.partition(b"\n")
    digest, _, payload = rest.partition(b"\n")
    if header + b"\n" != FORMAT:
        raise Miss("not of this format")
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        raise Miss("damaged (checksum)")
    try:
        entry = _SafeUnpickler(io.BytesIO(payload)).load()
        key, value = entry
    except Exception as exc:  # whatever the bytes say, a bad entry is a miss
        reason = " ".join(str(exc).split())[:100]
        raise Miss(f"unreadable ({type(exc).__name__}: {reason})") from None
    return key, value


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = SAFE_CLASSES.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cached data type")
        return found


def _remove(path: Path, directories_only: bool = False) -> None:
    """Remove a file, or a directory tree (never followed through a symlink)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif not directories_only:
            path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("publish cache: cannot remove %s (%s)", path.name, exc)


class Lazy:
    """A value read from the cache when first asked for; on a miss, computed by `build` (and
    stored again). `check`: the shape a stored value must have."""

    def __init__(
        self, cache: SettledCache, key: Hashable, build: Callable[[], Any], check: Check | None
    ) -> None:
        self.cache, self.key, self.build, self.check = cache, key, build, check
        cache.keep(key)
        self._value: Any = None
        self._done = False

    def get(self) -> Any:
        if not self._done:
            try:
                self._value = self.cache.load(self.key, self.check)
            except Miss as miss:
                what = " ".join(part for part in self.key if isinstance(part, str))
                log.warning("publish cache: %s %s, read again", what, miss)
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
