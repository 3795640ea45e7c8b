"""The Jinja environment every page is rendered with (autoescape on: ride names come from
outside and may contain markup).

Globals: `site` (name, simulated, the public base URL), `charts`, `asset(name)` (the
fingerprinted URL of a file of `site/`), `url(kind, **ids)` (a root-relative URL of
`publisher.urls`), `fields` (the table of published fields,
`hallofshame.fields`: labels, units, meanings), `terms` (the words for periods, levels and
statuses from the same module). Filters show numbers at their fields' precision.

Names come from the feed, so two rules hold for every value a template prints (JSON and CSV
files keep names as sent): a value holding right-to-left text or a bidi control is isolated
between U+2068 and U+2069 (`isolate`: an override in a name cannot reverse the text after it;
the isolate marks work alike in HTML text, attributes, `<title>`, SVG and Atom, where `<bdi>`
cannot go), and a rendered page, feed or sitemap has every character XML 1.0 forbids
(U+0000, U+0001, U+000B, ...) replaced with U+FFFD (`xml_chars`), so each of them parses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from hallofshame import fields, metrics
from hallofshame.clock import parse_instant
from hallofshame.package_data import shipped
from publisher import charts, urls
from publisher.columns import Column
from publisher.formats import NO_DATA, num, pct

TEMPLATES = shipped("templates")


def make_env(asset_urls: Mapping[str, str], site: Mapping[str, Any] | None = None) -> Environment:
    """The environment for one publish. `asset_urls` maps a `site/` file name to its
    fingerprinted URL; an unknown asset is an error at render time, never a dead link."""
    env = _Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=isolate,
        auto_reload=False,  # one publish, fixed templates: no stat of each imported file per page
    )
    env.globals.update(site=dict(site or {}), url=urls.url, asset=_asset_lookup(asset_urls))
    env.filters.update(
        num=num,
        local_time=local_time,
        pct=pct,
        isolate=isolate,
        day=day,
        clock=clock,
        day_span=day_span,
        number_cells=number_cells,
        wait_cells=wait_cells,
        ranking_cells=ranking_cells,
        ride_cells=ride_cells,
        outage_rows=outage_rows,
        period_rows=period_rows,
        wait_rows=wait_rows,
        period_heads=period_heads,
        period_label=period_label,
        wait_heads=wait_heads,
        status_words=status_words,
    )
    env.tests["shown_in"] = shown_in
    env.globals["fields"] = fields.FIELDS  # the table of published fields: labels, units
    # the words for periods, levels and statuses (filters: `site.filters`, from the data)
    env.globals["terms"] = {
        "period": fields.PERIODS,
        "level": fields.LEVELS,
        "status": fields.STATUSES,
    }
    env.globals["charts"] = charts  # chart geometry for templates/_charts.html (presentation)
    env.globals["rules"] = {  # the METRICS.md constants the pages explain in words
        "tier_weights": metrics.TIER_WEIGHTS,
        "headliner_wait": metrics.TIER_HEADLINER_WAIT,
        "major_wait": metrics.TIER_MAJOR_WAIT,
        "provisional_periods": metrics.PROVISIONAL_PERIODS,  # live and today: not final yet
    }
    return env


class _Environment(Environment):
    """An environment whose globals are all set before its first template loads: each
    template's globals are a plain dict, not a view on the environment's. Jinja compares the
    importing and imported templates' globals at every `{% import %}` of every page, and on
    dicts that takes a microsecond, on its chained views 60 (a third of a millisecond a page)."""

    def make_globals(self, d: Mapping[str, Any] | None) -> Any:
        return {**self.globals, **(d or {})}


def shown_in(column: Any, rows: list[Mapping[str, Any]]) -> bool:
    """Whether some row has a value in a column (a column none has is left out, not empty)."""
    return any(row.get(column.name) is not None for row in rows)


BIDI = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)  # right-to-left letters and the bidi controls
FSI, PDI = "\u2068", "\u2069"
ISOLATED = re.compile(f"{FSI}[^{FSI}{PDI}]*{PDI}")
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def isolate(value: Any) -> Any:
    """A printed text with right-to-left letters or bidi controls, between U+2068 and U+2069
    (markup built by the code is left alone; the names in it were isolated first)."""
    if type(value) is not str or value.isascii() or not BIDI.search(ISOLATED.sub("", value)):
        return value  # nothing to isolate, or isolated already (a caption made of a name)
    return f"{FSI}{value}{PDI}"


# The bytes UTF-8 uses for the characters XML 1.0 allows below U+0080 (each page is checked
# for the others by deleting these: a tenth of a millisecond, where a search took a quarter).
XML_ALLOWED_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in (0x09, 0x0A, 0x0D))
NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE and U+FFFF in UTF-8


def xml_chars(text: str) -> str:
    """A rendered text with U+FFFD for each character XML 1.0 forbids."""
    return XML_FORBIDDEN.sub("\ufffd", text) if XML_FORBIDDEN.search(text) else text


def xml_bytes(text: str) -> bytes:
    """A rendered text as UTF-8, with U+FFFD for each character XML 1.0 forbids (`xml_chars`:
    a lone surrogate does not encode; a control or a noncharacter is found in the bytes)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return xml_chars(text).encode("utf-8")
    if data.translate(None, XML_ALLOWED_BYTES) or any(c in data for c in NONCHARACTERS):
        return xml_chars(text).encode("utf-8")
    return data


# A ride page's period and waits tables print about 150 numbers, 5,000 ride pages a publish: a
# row's cells are written here, as the templates wrote them (each text isolated and escaped),
# rather than by a template loop that looked up, isolated and escaped every part of every cell.
def period_rows(periods: Mapping[str, Mapping[str, Any]], columns: Sequence[Column]) -> Markup:
    """A period table's rows (`_period_table.html`): the period in words and its park-local
    days, then its number cells. Two tables on each of 5,000 ride pages: a template loop with a
    macro call per row cost a fifth of them."""
    return Markup(
        "".join(
            f'\n    <tr data-period="{_text(period)}">\n      <th scope="row" class="c-name">'
            f"{period_label(period)}{_days_of(period, n)}</th>{number_cells(n, columns, period)}"
            "    </tr>"
            for period, n in periods.items()
        )
    )


def wait_rows(periods: Mapping[str, Mapping[str, Any]], columns: Sequence[Column]) -> Markup:
    """A waits table's rows (`_period_table.html`): the period in words, its wait cells."""
    return Markup(
        "".join(
            f'\n    <tr data-period="{_text(period)}">\n      <th scope="row" class="c-name">'
            f"{period_label(period)}</th>{wait_cells(n, columns)}    </tr>"
            for period, n in periods.items()
        )
    )


@cache
def period_label(period: str) -> Markup:
    """A period's name in words from the table of fields (an unknown slug as it is), escaped:
    the period tables' and `labels.period_label`'s."""
    return Markup(_text(fields.PERIODS[period].label if period in fields.PERIODS else period))


def _days_of(period: str, n: Mapping[str, Any]) -> str:
    if not n.get("first_day") or period == "live":
        return ""
    return f'<br><span class="meta">{_text(day_span(n["first_day"], n["last_day"]))}</span>'


def period_heads(columns: Sequence[Column]) -> Markup:
    """A period table's column heads after "Period"."""
    return Markup(_period_heads(tuple(columns)))


@cache
def _period_heads(columns: tuple[Column, ...]) -> str:
    return "".join(
        f'\n    <th scope="col" class="{_text(c.css)}">{_text(c.label)}</th>' for c in columns
    )


def wait_heads(columns: Sequence[Column]) -> Markup:
    """A waits table's column heads after "Period", each explained by its field's meaning."""
    return Markup(_wait_heads(tuple(columns)))


@cache
def _wait_heads(columns: tuple[Column, ...]) -> str:
    return "".join(
        f'\n    <th scope="col" class="num {_text("c-" + c.name.replace("_", "-"))}"><abbr '
        f'title="{_text(fields.FIELDS[c.name].description)}">{_text(c.label)}</abbr></th>'
        for c in columns
    )


def number_cells(numbers: Mapping[str, Any], columns: Sequence[Column], period: str) -> Markup:
    """A period table row's number cells (`_period_table.html`), each labelled for a phone;
    the change in shame score in words (`score_change`), or said not compared (live, today)."""
    return Markup("".join(f"{_number_cell(c)}{_number(numbers, c, period)}</td>" for c in columns))


def _number(numbers: Mapping[str, Any], c: Column, period: str) -> str:
    if c.name != CHANGE:
        return _shown(numbers.get(c.name), c.name)
    if not fields.PERIODS[period].previous:
        return NOT_COMPARED
    return score_change(numbers.get(CHANGE), period)


CHANGE = "shame_score_change"
NOT_COMPARED = (
    '<span aria-hidden="true">–</span>'
    '<span class="visually-hidden">not compared: not a finished period</span>'
)


@lru_cache(maxsize=1024)
def score_change(value: float | None, period: str) -> str:
    """A change of a shame score against its period's previous span: an arrow and the points
    ("▲ 0.4", "▼ 1.2", a dash without data to compare), and the same in words ("up 0.4 from the
    previous 7 days") on hover and for a screen reader, so colour is never the only cue."""
    before = fields.PERIODS[period].previous
    if value is None:
        words = f"no data to compare with {before}"
        return (
            f'<span class="change" title="{_text(words.capitalize())}"><span aria-hidden="true">'
            f'{NO_DATA}</span><span class="visually-hidden">{_text(words)}</span></span>'
        )
    way = "up" if value > 0 else "down" if value < 0 else "same"
    points = _shown(abs(value), CHANGE)
    words = f"{way} {points}" if way != "same" else "unchanged"
    words = f"{words} from {before}"
    arrow = {"up": "▲ ", "down": "▼ "}.get(way, "")
    return (
        f'<span class="change {way}" title="{_text(words.capitalize())}"><span aria-hidden="true">'
        f'{arrow}{points}</span><span class="visually-hidden">{_text(words)}</span></span>'
    )


def wait_cells(numbers: Mapping[str, Any], columns: Sequence[Column]) -> Markup:
    """A waits table row's cells (`_period_table.html`)."""
    return Markup(
        "".join(f"{_wait_cell(c)}{_shown(numbers.get(c.name), c.name)}</td>" for c in columns)
    )


@cache
def _number_cell(c: Column) -> str:
    key, label = _text(c.name), _text(c.label)
    return f'      <td class="{_text(c.css)}" data-key="{key}" data-label="{label}">'


@cache
def _wait_cell(c: Column) -> str:
    role = _text("c-" + c.name.replace("_", "-"))
    return f'      <td class="num {role}" data-key="{_text(c.name)}">'


def ranking_cells(
    item: Mapping[str, Any],
    columns: Sequence[Column],
    level: str,
    link_target: str | None,
    period: str,
) -> Markup:
    """A ranking row's cells (`_ranking_table.html`): its place, its name linked to its page,
    its park's, its status in words, its numbers. Eighty rankings of up to 200 rows of a
    dozen cells, their embeds and the home page: a macro call per cell cost more than the
    rest of these pages."""
    target = f' target="{_text(link_target)}"' if link_target else ""
    return Markup(
        "".join(
            "  "
            + (
                _change_cell(item, c, period)
                if c.name == CHANGE
                else _RANKING_CELLS.get(c.name, _value_cell)(item, c, level, target)
            )
            for c in columns
        )
    )


def _rank_cell(item: Mapping[str, Any], c: Column, level: str, target: str) -> str:
    rank = _text(item["rank"])
    return f'<td class="{_text(c.css)}" data-key="rank" data-sort="{rank}">{rank}</td>'


def _name_cell(item: Mapping[str, Any], c: Column, level: str, target: str) -> str:
    if level == "parks":
        page = urls.url("park", park_id=item["park_id"])
    else:
        page = urls.url("ride", ride_id=item["ride_id"])
    return (
        f'<th scope="row" class="{_text(c.css)}" data-key="name"><a href="{_text(page)}"'
        f"{target}>{_text(item['name'])}</a></th>"
    )


def _park_name_cell(item: Mapping[str, Any], c: Column, level: str, target: str) -> str:
    page = urls.url("park", park_id=item["park_id"])
    return (
        f'<td class="{_text(c.css)}" data-key="park_name" data-label="{_text(c.label)}">'
        f'<a href="{_text(page)}"{target}>{_text(item["park_name"])}</a></td>'
    )


def _status_cell(item: Mapping[str, Any], c: Column, level: str, target: str) -> str:
    return (
        f'<td class="{_text(c.css)}" data-key="status" data-label="{_text(c.label)}">'
        f"{status_words(item['status'], item.get('park_closed', False))}</td>"
    )


def status_words(value: str, park_closed: bool = False) -> Markup:
    """A status in words, classed for its colour; a ride closed with its park says so (the
    publisher decides, `park_closed`; a ride seen open while its park counts as closed is
    simply open). The one writer of a status: `_labels.html` and the ranking cells."""
    known = value in fields.STATUSES
    role = value.replace(" ", "-") if known else "unknown"
    label = fields.STATUSES[value if known else "unknown"].label
    why = ""
    if park_closed and value == metrics.CLOSED:
        why = f' <span class="meta">({_text(fields.FIELDS["park_closed"].label.lower())})</span>'
    return Markup(f'<span class="status status-{_text(role)}">{_text(label)}</span>{why}')


def _value_cell(item: Mapping[str, Any], c: Column, level: str, target: str) -> str:
    value = item.get(c.name)
    shown = _shown(value, c.name) if c.number else _text(value)
    return f'{_value_open(c)}{"" if value is None else _text(value)}">{shown}</td>'


def _change_cell(item: Mapping[str, Any], c: Column, period: str) -> str:
    value = item.get(c.name)
    sort = "" if value is None else _text(value)
    return f'{_value_open(c)}{sort}">{score_change(value, period)}</td>'


@cache
def _value_open(c: Column) -> str:
    key, label = _text(c.name), _text(c.label)
    return f'<td class="{_text(c.css)}" data-key="{key}" data-label="{label}" data-sort="'


def ride_cells(ride: Mapping[str, Any], columns: Sequence[Column], today: bool = False) -> Markup:
    """A park page's ride row cells (`park.html`): its name linked to its page (a kind that
    is not ranked says so), its status in words, its numbers, today's where a column is
    (`today`). Two tables of every ride of 150 parks, rendered after every cycle: a macro call
    per cell cost a third of the park pages."""
    return Markup(
        "".join(
            _ride_cell(ride, c, ride["today"][c.name] if today and c.today else ride[c.name])
            for c in columns
        )
    )


def _ride_cell(ride: Mapping[str, Any], c: Column, value: Any) -> str:
    css = _text(c.css)
    if c.name == "name":
        page = _text(urls.url("ride", ride_id=ride["ride_id"]))
        kind = ride.get("kind", "ride")
        note = (
            ""
            if kind == "ride"
            else f' <span class="meta">({_text(kind.replace("_", " "))}, not ranked)</span>'
        )
        return (
            f'<th scope="row" class="{css}"><a href="{page}">{_text(ride["name"])}</a>{note}</th>'
        )
    if c.name == "status":
        return f'<td class="{css}">{status_words(ride["status"], ride["park_closed"])}</td>'
    if c.number:
        sort = "" if value is None else _text(value)
        shown = _shown(value, c.name)
        return f'<td class="{css}" data-label="{_text(c.label)}" data-sort="{sort}">{shown}</td>'
    return f'<td class="{css}" data-label="{_text(c.label)}">{_text(value or "–")}</td>'


def outage_rows(
    events: Iterable[Mapping[str, Any]], timezone: str | None, first: str = "day"
) -> Markup:
    """An outage table's rows in the given order: its day (a ride's page) or its ride linked to
    its page (`first="ride"`, a park's), then its start and end in park time and its minutes.
    Thirty days of outages on each of 5,000 ride pages: a template loop cost a sixth of them."""
    rows = []
    for e in events:
        if first == "ride":
            page = _text(urls.url("ride", ride_id=e["ride_id"]))
            head = f'<a href="{page}">{_text(e["ride_name"])}</a>'
        else:
            head = f'<time datetime="{_text(e["day"])}">{_text(day(e["day"]))}</time>'
        start, end = e["start_at"], e["end_at"]
        rows.append(
            f'<tr><th scope="row">{head}</th>'
            f'<td><time datetime="{_text(start)}" data-local>{_text(clock(start, timezone))}</time>'
            f'</td><td><time datetime="{_text(end)}" data-local>{_text(clock(end, timezone))}'
            f'</time></td><td class="num">{_text(e["minutes"])}</td></tr>'
        )
    return Markup("\n    ".join(rows))


_RANKING_CELLS = {
    "rank": _rank_cell,
    "name": _name_cell,
    "park_name": _park_name_cell,
    "status": _status_cell,
}


def _shown(value: Any, name: str) -> str:
    """What `{{ value | num(name) }}` prints."""
    return _shown_at(value, name, fields.DECIMALS.get(name))


@lru_cache(maxsize=16384, typed=True)
def _shown_at(value: Any, name: str, decimals: int | None) -> str:
    """Keyed by the field's precision too: a change of it is never served the old text."""
    return _text(num(value, name))


def _text(value: Any) -> str:
    """What `{{ value }}` prints: isolated (the environment's finalize), then escaped."""
    return str(escape(isolate(value)))


def _asset_lookup(asset_urls: Mapping[str, str]) -> Any:
    def asset(name: str) -> str:
        if name not in asset_urls:
            raise KeyError(f"no asset {name!r} in site/ (known: {', '.join(sorted(asset_urls))})")
        return asset_urls[name]

    return asset


# A page prints the same few days and instants many times (every outage row, every stamp):
# the filters below remember their last answers instead of formatting them again.
@lru_cache(maxsize=4096)
def day(value: str | date | None) -> str:
    """A date as people write it: `3 Dec 2026` (ISO dates stay in the markup's datetime)."""
    if value is None:
        return NO_DATA
    found = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{found.day} {found.strftime('%b %Y')}"


@lru_cache(maxsize=1024)
def day_span(first: str | None, last: str | None = None) -> str:
    """Park-local days in words: `27 Jun to 3 Jul 2026`, `3 Jul 2026`."""
    if not first:
        return NO_DATA
    if not last or last == first:
        return day(first)
    start = day(first)
    if first[:4] == last[:4]:
        start = start.rsplit(" ", 1)[0]
    return f"{start} to {day(last)}"


@lru_cache(maxsize=4096)
def clock(value: str | datetime | None, timezone: str | None = None) -> str:
    """An instant as people read it, in a park's time with its zone abbreviation
    (`3 Dec 2026, 23:50 EST`), or in UTC without a park."""
    if value is None:
        return NO_DATA
    instant = parse_instant(value) if isinstance(value, str) else value
    instant = instant.astimezone(ZoneInfo(timezone or "UTC"))
    return f"{day(instant.date())}, {instant.strftime('%H:%M %Z')}"


def local_time(value: str | datetime | None, timezone: str | None = None) -> str:
    """An instant shown in a park's local time (`2026-07-04 11:00 EDT`), or UTC without one."""
    if value is None:
        return NO_DATA
    instant = parse_instant(value) if isinstance(value, str) else value
    if timezone:
        instant = instant.astimezone(ZoneInfo(timezone))
        return instant.strftime("%Y-%m-%d %H:%M %Z")
    return instant.strftime("%Y-%m-%d %H:%M UTC")
