"""Pages rendered on every core: the page list is dealt round-robin into one share per worker;
the publishing process renders the first share while forked children render the others into
the same staging directory, then it merges what each wrote (file entries and counts).

Forked, not spawned: the children inherit the loaded numbers and the Jinja environment, and
send back only their file entries. They never touch the database (everything a page can ask
for is loaded before the fork), and each stops if its parent dies, so a killed publish leaves
no child writing into a staging directory the next run removes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

MIN_PAGES_PER_WORKER = 50  # below this a fork costs more than it saves
MAX_WORKERS = 4
PARENT_CHECK_EVERY = 32  # pages between two checks that the parent is alive

Item = tuple[Any, ...]  # (page kind, its URL ids, its signature)
_shared: dict[str, Any] = {}  # what the forked children inherit


def workers_for(pages: int, wanted: int = 0) -> int:
    """How many processes to render `pages` pages on (1: no fork): `wanted` (PUBLISH_WORKERS),
    or with 0 one per core, as many as the pages are worth."""
    if wanted > 0:
        return wanted
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS, pages // MIN_PAGES_PER_WORKER))


def render_all(
    items: Sequence[Item],
    render_share: Callable[[Sequence[Item], Callable[[], None] | None], Any],
    merge: Callable[[Any], None],
    count: int,
) -> None:
    """Render `items` on `count` processes (`workers_for`): `render_share(share, check)`
    renders a share; in a child (`check` given, to call now and then) it returns its outcome,
    which `merge` takes in."""
    if count <= 1:
        render_share(items, None)
        return
    log.debug("rendering %d pages on %d processes", len(items), count)
    shares = [items[i::count] for i in range(count)]
    _shared.update(shares=shares, render_share=render_share, parent=os.getpid())
    try:
        with multiprocessing.get_context("fork").Pool(count - 1) as pool:
            pending = [pool.apply_async(_child, (n,)) for n in range(1, count)]
            render_share(shares[0], None)
            for outcome in pending:
                merge(outcome.get())
    finally:
        _shared.clear()


def _child(n: int) -> Any:
    parent = _shared["parent"]
    seen = [0]

    def check() -> None:
        seen[0] += 1
        if seen[0] % PARENT_CHECK_EVERY == 0 and os.getppid() != parent:
            os._exit(1)  # the publish was killed: stop writing into its staging directory

    return _shared["render_share"](_shared["shares"][n], check)
