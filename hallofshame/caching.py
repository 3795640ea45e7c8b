"""Cache-Control for shared caches (a CDN in front of the origin), one rule for the static site
(publisher/webserver.py) and the API (web/api.py).

Whatever changes every cycle may be served up to STALE_WHILE_REVALIDATE_S past its max-age
while the cache fetches the new copy in the background, so readers never wait on the origin;
and anything may be served up to STALE_IF_ERROR_S past it while the origin is down or
restarting, so an origin outage is not a site outage.
"""

from __future__ import annotations

STALE_WHILE_REVALIDATE_S = 60
STALE_IF_ERROR_S = 86400


def cache_control(max_age: int, shared: int | None = None, *, revalidate: bool = True) -> str:
    """`public, max-age=…` with `s-maxage` when a shared cache should keep it for `shared`
    seconds instead, `stale-while-revalidate` when `revalidate` (what changes every cycle),
    and always `stale-if-error`."""
    parts = ["public", f"max-age={max_age}"]
    if shared is not None and shared != max_age:
        parts.append(f"s-maxage={shared}")
    if revalidate:
        parts.append(f"stale-while-revalidate={STALE_WHILE_REVALIDATE_S}")
    parts.append(f"stale-if-error={STALE_IF_ERROR_S}")
    return ", ".join(parts)
