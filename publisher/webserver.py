"""What a browser gets from the web server besides the files, as data: one table that the
production vhost and `hallofshame serve` both follow, so the local site is a faithful preview.

Apache cannot read Python, so the vhost holds a copy generated from this module, between the
markers of deploy/apache/hallofshame.conf (`python -m publisher.webserver` rewrites it; a test
fails when the two differ). `serve` (publisher/serve.py) reads the table itself.

Rules are matched against the URL path in order; like Apache's `Header always set` in later
`<LocationMatch>` sections, a later match replaces an earlier one's header.
"""

from __future__ import annotations

import mimetypes
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from hallofshame.caching import cache_control
from hallofshame.metrics import PERIODS, PROVISIONAL_PERIODS

# Accept-Encoding allows gzip: the token with no q, or a q above zero (`gzip;q=0` refuses it).
GZIP_ACCEPTED = r"(^|,)\s*(x-)?gzip\s*(;\s*q=(1(\.0*)?|0?\.\d*[1-9]\d*)\s*)?(,|$)"
FRAME_ANCESTORS = "{frame_ancestors}"  # the shop origins (Apache: ${HOS_SHOP_ORIGINS})
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors "
)
_RUNNING = "|".join(PROVISIONAL_PERIODS)
_FINISHED = "|".join(p for p in PERIODS if p not in PROVISIONAL_PERIODS)
_RANKINGS = r"^/((embed/|data/v1/)?rankings)/(parks|rides)/"
# A page that changes every cycle: a minute in browsers and shared caches alike, served stale
# for up to a minute more while the cache refetches it, and for a day while the origin is down.
EVERY_CYCLE = cache_control(60)


# Apache's /etc/mime.types with the vhost's `AddCharset utf-8` on the text types.
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
}


def content_type(path: Path) -> str:
    """The Content-Type Apache gives a file by its name (`x.json.gz`: ask for `x.json`): the
    one a rule of the table sets (a type mime.types lacks), else mime.types' own."""
    ruled = headers_for("/" + path.name, "").get("Content-Type")
    return ruled or TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "text/plain"


@dataclass(frozen=True)
class Rule:
    """Headers set (or removed) on every answer whose URL path matches `pattern`."""

    pattern: str
    set: dict[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    why: str = ""
    merge: dict[str, str] = field(default_factory=dict)  # added to a list header once


RULES = (
    Rule(
        "^/",
        {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": CSP + "'none'",
            "Cache-Control": cache_control(300, 60),
        },
        why="Security headers everywhere, framing denied; park pages and data change every "
        "cycle: 5 minutes in a browser, a minute in a shared cache (a CDN)",
    ),
    Rule(
        "^/(?!api/)",
        merge={"Vary": "Accept-Encoding"},
        why="Every file may have a .gz twin chosen by Accept-Encoding: caches key on it",
    ),
    Rule(
        r"^/(index\.html(\.gz)?)?$",
        {"Cache-Control": EVERY_CYCLE},
        why="The home page changes every cycle",
    ),
    Rule(
        f"{_RANKINGS}({_FINISHED})/",
        {"Cache-Control": cache_control(3600, 600, revalidate=False)},
        why="Finished periods are made of final days only: they change once a day; a shared "
        "cache checks every 10 minutes (a 304 when unchanged), so the new day shows within one",
    ),
    Rule(
        f"{_RANKINGS}({_RUNNING})/",
        {"Cache-Control": EVERY_CYCLE},
        why="Periods still running change every cycle",
    ),
    Rule(
        "^/assets/",
        {"Cache-Control": "public, max-age=31536000, immutable"},
        why="Fingerprinted assets never change under their name",
    ),
    Rule(r"^/404\.html", {"Cache-Control": "no-cache"}, why="The not-found page"),
    Rule(
        r"\.liquid(\.gz)?$",
        {"Content-Type": "text/plain; charset=utf-8"},
        why="Shopify section and snippet: text a merchant reads and saves (no mime.types entry)",
    ),
    Rule("^/data/", {"Access-Control-Allow-Origin": "*"}, why="Open data: any site may fetch it"),
    Rule(
        "^/embed/",
        {"Content-Security-Policy": CSP + FRAME_ANCESTORS},
        unset=("X-Frame-Options",),
        why="Embeds may be framed by the shop origins only",
    ),
    Rule(
        "^/api/",
        unset=("Cache-Control",),
        why="The API sets its own Cache-Control (and ETag) per answer",
    ),
)
_COMPILED = [(re.compile(rule.pattern), rule) for rule in RULES]
_GZIP = re.compile(GZIP_ACCEPTED, re.IGNORECASE)


def accepts_gzip(accept_encoding: str) -> bool:
    return bool(_GZIP.search(accept_encoding))


def headers_for(path: str, frame_ancestors: str) -> dict[str, str]:
    """The headers of the table for a URL path; `frame_ancestors` fills the embeds' CSP."""
    found: dict[str, str] = {}
    for pattern, rule in _COMPILED:
        if pattern.search(path):
            for name in rule.unset:
                found.pop(name, None)
            for name, value in rule.set.items():
                found[name] = value.replace(FRAME_ANCESTORS, frame_ancestors)
            for name, value in rule.merge.items():
                listed = [v.strip() for v in found.get(name, "").split(",") if v.strip()]
                found[name] = ", ".join(listed if value in listed else [*listed, value])
    return found


BEGIN = "    # BEGIN generated by `python -m publisher.webserver` from publisher/webserver.py\n"
END = "    # END generated\n"


def apache_section() -> str:
    """The vhost lines of the table: the .gz rewrites, then one section per rule."""
    lines = [
        "# Precompressed files: the .gz twin when the client accepts gzip (not with q=0) and the",
        "# twin exists; a directory URL is its index.html. Server context (not <Directory>), so",
        "# the release needs no symlink option; [PT] keeps the result a URL for the rules below.",
        "RewriteEngine On",
        f'RewriteCond %{{HTTP:Accept-Encoding}} "{GZIP_ACCEPTED}" [NC]',
        "RewriteCond %{DOCUMENT_ROOT}$1index.html.gz -f",
        "RewriteRule ^(/(?:.*/)?)$ $1index.html.gz [PT,L]",
        f'RewriteCond %{{HTTP:Accept-Encoding}} "{GZIP_ACCEPTED}" [NC]',
        "RewriteCond %{DOCUMENT_ROOT}$1.gz -f",
        "RewriteRule ^(/.*[^/])$ $1.gz [PT,L]",
    ]
    for rule in RULES:
        lines += ["", f"# {rule.why}.", f'<LocationMatch "{rule.pattern}">']
        lines += [f"    Header always unset {name}" for name in rule.unset]
        for name, value in rule.set.items():
            value = value.replace(FRAME_ANCESTORS, "${HOS_SHOP_ORIGINS}")
            lines.append(f'    Header always set {name} "{value}"')
        lines += [f'    Header always merge {name} "{value}"' for name, value in rule.merge.items()]
        lines.append("</LocationMatch>")
    return "".join(f"    {line}\n" if line else "\n" for line in lines)


def rewrite_vhost(conf: Path) -> bool:
    """Put apache_section() between the markers of `conf`; True when it changed."""
    text = conf.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + apache_section() + END + tail
    if new != text:
        conf.write_text(new, encoding="utf-8")
    return new != text


def vhost_section(conf: Path) -> str:
    """What `conf` holds between the markers now."""
    return conf.read_text(encoding="utf-8").split(BEGIN, 1)[1].split(END, 1)[0]


if __name__ == "__main__":
    vhost = Path(__file__).resolve().parents[1] / "deploy" / "apache" / "hallofshame.conf"
    changed = rewrite_vhost(Path(sys.argv[1]) if len(sys.argv) > 1 else vhost)
    print(f"{vhost}: {'rewritten' if changed else 'already up to date'}")
