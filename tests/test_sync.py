"""`publish --sync`: the live release in an S3 bucket, through boto3, against moto's server
mode on loopback (it stands in for S3: the same HTTP API). Only what changed travels; every
object has the type, encoding and Cache-Control the vhost would send; the home page and the
catalog are the last uploads and removed files go only after them."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto.server import ThreadedMotoServer
from sqlalchemy import insert

from cli import cli
from hallofshame import db, schema
from hallofshame.clock import to_db
from hallofshame.settings import load_settings
from publisher import publish, rollback
from publisher.release import PublishError
from publisher.sync import SWITCH, sync
from publisher.webserver import headers_for
from tests.local_servers import free_port
from tests.seeding import World, seed

WORLD = World()
BUCKET = "hall-of-shame"
URL = f"s3://{BUCKET}/site"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws(s3_endpoint, monkeypatch, tmp_path) -> str:
    """boto3 pointed at the stand-in, with throwaway credentials and no ~/.aws."""
    for name, value in {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.client("s3")
    if BUCKET not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=BUCKET)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    return s3_endpoint


@pytest.fixture
def site(tmp_path):
    """A seeded SQLite world, its settings and its docroot, published once."""
    database = tmp_path / "site.sqlite3"
    engine = db.make_engine(f"sqlite:///{database}")
    db.upgrade(engine)
    seed(engine, WORLD)
    settings = load_settings(
        {"database_url": f"sqlite:///{database}", "docroot": str(tmp_path / "docroot")},
        env_file=None,
        environ={},
    )
    publish(engine, settings, settings.docroot, WORLD.end)
    yield engine, settings, tmp_path / "docroot"
    engine.dispose()


def tree(docroot: Path) -> dict[str, bytes]:
    current = (docroot / "current").resolve()
    return {
        p.relative_to(current).as_posix(): p.read_bytes()
        for p in current.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def bucket() -> dict[str, bytes]:
    client = boto3.client("s3")
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="site/"):
        for item in page.get("Contents", []):
            body = client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
            found[item["Key"].removeprefix("site/")] = body
    return found


def recording_client() -> tuple[object, list[str]]:
    """A real client that notes the order of its uploads and deletions."""
    client = boto3.client("s3")
    calls: list[str] = []

    def note(params, model, **_):
        if model.name == "PutObject":
            calls.append(params["Key"].removeprefix("site/"))
        elif model.name == "DeleteObjects":
            calls.extend("-" + o["Key"].removeprefix("site/") for o in params["Delete"]["Objects"])

    client.meta.events.register("provide-client-params.s3.*", note)
    return client, calls


def add_park(engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(schema.parks).values(
                id=999,
                name="Late Park",
                timezone="Europe/Paris",
                first_seen_at=to_db(WORLD.end),
                listed_at=to_db(WORLD.end),
            )
        )


def test_the_first_sync_uploads_the_release_with_the_vhosts_headers(aws, site):
    _, _, docroot = site
    summary = sync(docroot, URL)
    files = tree(docroot)
    assert bucket() == files
    assert (summary.uploaded, summary.deleted, summary.unchanged) == (len(files), 0, 0)
    assert summary.bytes == sum(len(b) for b in files.values())
    client = boto3.client("s3")
    for rel, kind in [
        ("index.html", "text/html; charset=utf-8"),
        ("data/v1/catalog.json", "application/json; charset=utf-8"),
        ("data/v1/rankings/parks/today/all.csv", "text/csv; charset=utf-8"),
        ("data/v1/parks/100.json.gz", "application/json; charset=utf-8"),
        ("rankings/parks/yesterday/all/index.html.gz", "text/html; charset=utf-8"),
    ]:
        head = client.head_object(Bucket=BUCKET, Key=f"site/{rel}")
        assert head["ContentType"] == kind, rel
        assert head["CacheControl"] == headers_for(f"/{rel}", "")["Cache-Control"], rel
        assert head.get("ContentEncoding") == ("gzip" if rel.endswith(".gz") else None), rel
    packed = client.get_object(Bucket=BUCKET, Key="site/data/v1/parks/100.json.gz")["Body"]
    assert gzip.decompress(packed.read()) == files["data/v1/parks/100.json"]
    home = client.head_object(Bucket=BUCKET, Key="site/index.html")["CacheControl"]
    assert home == "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400"


def test_later_syncs_send_only_what_changed_and_the_switch_last(aws, site):
    engine, settings, docroot = site
    sync(docroot, URL)
    before = tree(docroot)
    client, calls = recording_client()
    assert sync(docroot, URL, client).uploaded == 0 and calls == []  # nothing published since

    add_park(engine)
    publish(engine, settings, docroot, WORLD.end)
    after = tree(docroot)
    changed = {rel for rel, body in after.items() if before.get(rel) != body}
    assert "parks/999/index.html" in changed and len(changed) < len(after) / 2
    summary = sync(docroot, URL, client)
    assert sorted(calls) == sorted(changed) and summary.uploaded == len(changed)
    assert summary.unchanged == len(after) - len(changed) and summary.deleted == 0
    switch = {name for rel in SWITCH for name in (rel, f"{rel}.gz")} & changed
    assert switch and set(calls[-len(switch) :]) == switch  # the home page and catalog last
    assert bucket() == after

    calls.clear()
    rollback(docroot)  # back to the release without the new park: its files go
    summary = sync(docroot, URL, client)
    gone = set(after) - set(before)
    assert gone and summary.deleted == len(gone)
    deletions = [c for c in calls if c.startswith("-")]
    assert {d[1:] for d in deletions} == gone and calls[-len(deletions) :] == deletions
    assert bucket() == before


def test_a_failed_sync_is_one_line_and_repeated_whole_next_time(aws, site, monkeypatch):
    _, _, docroot = site
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nothing there
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(PublishError) as failed:
        sync(docroot, URL)
    message = str(failed.value)
    assert "\n" not in message and message.startswith(f"{URL}: EndpointConnectionError")
    assert message.endswith("the next --sync uploads what is missing)")
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws)
    assert sync(docroot, URL).uploaded == len(tree(docroot))
    assert bucket() == tree(docroot)


@pytest.mark.parametrize(
    "url", ["https://bucket/site", "s3:///site", "bucket/site", "s3://bucket/site?x=1"]
)
def test_a_bad_sync_url_stops_before_the_publish(url, tmp_path):
    result = CliRunner().invoke(
        cli, ["--env-file", "/nonexistent", "publish", "--out", str(tmp_path), "--sync", url]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"hallofshame: publish --sync failed: --sync wants s3://BUCKET[/PREFIX], not {url!r}\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_publish_sync_on_the_command_line(aws, site):
    _, settings, docroot = site
    args = ["--env-file", "/nonexistent", "--database-url", settings.database_url]
    args += ["publish", "--out", str(docroot), "--now", "2026-07-04T18:10:00Z", "--sync", URL]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    published, synced = [line for line in lines if line.startswith(("published ", "synced "))]
    assert published.startswith("published ")
    files = tree(docroot)
    assert synced.startswith(f"synced {URL}: {len(files)} uploaded, 0 deleted, 0 unchanged")
    assert bucket() == files
