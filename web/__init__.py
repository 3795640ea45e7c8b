"""The web app: the few lookups that cannot be pre-rendered, under /api/ (read-only).

`create_app(settings)` (in `web/app.py`) builds everything: nothing exists at import time.
Apache proxies /api/ to gunicorn running `web.wsgi:application`; `hallofshame serve` mounts the
same app beside the static site. What the views read comes from `reader`; this package is the
HTTP part only.
"""

from __future__ import annotations

from web.app import create_app

__all__ = ["create_app"]
