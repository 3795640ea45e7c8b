"""Pages rendered on every core: the publishing process and forked children take the pages in
chunks from one list, each the next chunk not yet taken (a counter in shared memory), so no
process idles while another still has a long share left; each renders into the same staging
directory, then the publishing process merges what each wrote (file entries and counts).

Forked, not spawned: the children inherit the loaded numbers and the Jinja environment (the
pool's initializer hands them their shares without pickling), and send back only their file
entries. They never touch the database (everything a page can ask for is loaded before the
fork), and each stops if its parent dies, so a killed publish leaves no child writing into a
staging directory the next run removes. A `ProcessPoolExecutor`, not a `multiprocessing.Pool`:
a child that dies without an answer (the OOM killer) breaks the pool and fails the publish at
once, where a Pool waits for the answer until the job's timeout.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from publisher.release import PublishError

log = logging.getLogger(__name__)

MIN_PAGES_PER_WORKER = 50  # below this a fork costs more than it saves
MAX_WORKERS = 4
PARENT_CHECK_EVERY = 32  # pages between two checks that the parent is alive
CHUNK = 16  # pages a process takes at a time (a ride page takes about 5 ms)

Item = tuple[Any, ...]  # (page kind, its URL ids, its signature)
RenderShare = Callable[[Iterable[Item], Callable[[], None] | None], Any]
_inherited: dict[str, Any] = {}  # in a child only: what the initializer handed it


def workers_for(pages: int, wanted: int = 0) -> int:
    """How many processes to render `pages` pages on (1: no fork): `wanted` (PUBLISH_WORKERS),
    or with 0 one per core, as many as the pages are worth."""
    if wanted > 0:
        return wanted
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS, pages // MIN_PAGES_PER_WORKER))


def render_all(
    items: Sequence[Item], render_share: RenderShare, merge: Callable[[Any], None], count: int
) -> None:
    """Render `items` on `count` processes (`workers_for`): `render_share(share, check)`
    renders the pages it is given; in a child (`check` given, to call now and then) it returns
    its outcome, which `merge` takes in."""
    if count <= 1:
        render_share(items, None)
        return
    log.debug("rendering %d pages on %d processes", len(items), count)
    fork = multiprocessing.get_context("fork")
    taken = fork.Value("q", 0)  # the first page no process has taken yet
    inherited = (items, taken, render_share, os.getpid())
    try:
        with ProcessPoolExecutor(count - 1, fork, initializer=_adopt, initargs=inherited) as pool:
            pending = [pool.submit(_child) for _ in range(1, count)]
            render_share(_taking(items, taken), None)
            for outcome in pending:
                merge(outcome.result())
    except BrokenProcessPool as exc:
        message = "a rendering process died without an answer (killed?); the live site is unchanged"
        raise PublishError(message) from exc


def _taking(items: Sequence[Item], taken: Any) -> Iterator[Item]:
    """The pages of one process: chunk after chunk of those no other process has taken."""
    while True:
        with taken.get_lock():
            start = taken.value
            taken.value = start + CHUNK
        if start >= len(items):
            return
        yield from items[start : start + CHUNK]


def _adopt(items: Sequence[Item], taken: Any, render_share: RenderShare, parent: int) -> None:
    _inherited.update(items=items, taken=taken, render_share=render_share, parent=parent)


def _child() -> Any:
    parent = _inherited["parent"]
    seen = [0]

    def check() -> None:
        seen[0] += 1
        if seen[0] % PARENT_CHECK_EVERY == 0 and os.getppid() != parent:
            os._exit(1)  # the publish was killed: stop writing into its staging directory

    return _inherited["render_share"](_taking(_inherited["items"], _inherited["taken"]), check)
