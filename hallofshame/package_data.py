"""Where the files shipped with the code are: one function, `shipped`, for every kind.

The templates, the site's assets, the "How we measure" document and the default override files
keep their top-level folders in the repository (`templates/`, `site/`, `docs/`, `config/`);
`hallofshame/shipped/` links them into the package, so a wheel carries them as package data and
`importlib.resources` finds them the same way in a checkout and in an installed package,
whatever the current directory.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# kind: (package, path inside it)
SHIPPED = {
    "templates": ("hallofshame", "shipped/templates"),  # the Jinja templates
    "assets": ("hallofshame", "shipped/site"),  # CSS, JS and icons, published under /assets/
    "docs": ("hallofshame", "shipped/docs"),  # docs/metrics.md, the "How we measure" page
    "config": ("hallofshame", "shipped/config"),  # the default override files (no rows)
    "ride_kinds": ("hallofshame", "data/ride_kinds.txt"),  # the kind name patterns
    "openapi": ("web", "openapi.json"),  # the API's OpenAPI document
}


def shipped(kind: str) -> Path:
    """The file or folder of a kind of shipped file (see `SHIPPED`). A path on disk: Jinja's
    loader and the publisher's hashing walk folders, so the package must be installed unzipped
    (pip always does)."""
    package, inside = SHIPPED[kind]
    found = resources.files(package).joinpath(*inside.split("/"))
    if not isinstance(found, Path):
        raise RuntimeError(f"{package} is not installed as files on disk (a zip?): {found}")
    return found.resolve()


def shipped_default(value: str | Path) -> Path:
    """The file an override setting names. The defaults (`config/ride_kind_overrides.csv`,
    `config/ride_tier_overrides.csv`) name files shipped in the package and are found there from
    any directory; any other value is a path as given (a relative one: from the current
    directory)."""
    path = Path(value)
    if path.parent == Path("config") and (shipped("config") / path.name).is_file():
        return shipped("config") / path.name
    return path
