"""The publisher: the static site (HTML, JSON, CSV, feeds) from the aggregator's stored numbers.

Entry function: `publish(engine, settings, out=None, now=None, full=False) -> PublishSummary`.
Stages: `data` reads everything in batches, `context` builds one object per view, `pages` is the
table of page types, `render` the Jinja environment, `writer` the one writer, `release` the
atomic switch of DOCROOT/current. `serve` serves a published docroot on localhost.
"""

from publisher.publish import PublishSummary, publish, rollback
from publisher.release import PublishError

__all__ = ["PublishError", "PublishSummary", "publish", "rollback"]
