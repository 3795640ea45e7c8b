"""Settings: one documented table, layered defaults < .env < environment < options."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallofshame.settings import SettingsError, load_settings, setting_names

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_in_the_readme_table():
    rows = [
        line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("|")
    ]
    documented = {row.split("|")[1].strip().strip("`") for row in rows}
    missing = [name for name in setting_names() if name not in documented]
    assert not missing, f"settings missing from README.md's settings table: {missing}"


def test_defaults_need_nothing():
    settings = load_settings(env_file=None, environ={})
    assert settings.database_url == "sqlite:///var/hallofshame.sqlite3"
    assert settings.queue_times_url == "https://queue-times.com"
    assert settings.collect_interval_minutes == 10


def test_layers_env_file_then_environment_then_options(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DOCROOT=/from/dotenv\nCOLLECT_CONCURRENCY=4\nREAD_TIMEOUT_S=7\n")
    environ = {"COLLECT_CONCURRENCY": "8", "READ_TIMEOUT_S": "9.5"}
    settings = load_settings({"read_timeout_s": 1.5}, env_file=env_file, environ=environ)
    assert settings.docroot == "/from/dotenv"  # .env beats the default
    assert settings.collect_concurrency == 8  # the environment beats .env
    assert settings.read_timeout_s == 1.5  # an option beats the environment


def test_a_missing_env_file_is_fine(tmp_path):
    assert load_settings(env_file=tmp_path / "nope", environ={}).docroot == "var/docroot"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("COLLECT_CONCURRENCY", "many", "input should be a valid integer"),
        ("READ_TIMEOUT_S", "0", "input should be greater than 0"),
        ("RETRY_ATTEMPTS", "0", "input should be greater than or equal to 1"),
        ("FAILING_PARKS_PCT", "150", "input should be less than or equal to 100"),
        ("JOB_LOCK_WAIT_S", "-1", "input should be greater than or equal to 0"),
        ("LOG_FORMAT", "xml", "input should be 'json' or 'text'"),
        ("ALERT_TO", "ops, nobody", "not an e-mail address in ALERT_FROM/ALERT_TO: 'ops'"),
        ("SITE_URL", "https://example.org/50%-off", "not a plain http(s) URL"),
        ("SITE_URL", "example.org", "not a plain http(s) URL"),
    ],
)
def test_bad_values_are_clear_errors(name, value, message):
    """One line naming the variable and the value as written, whichever layer it came from."""
    with pytest.raises(SettingsError) as refused:
        load_settings(env_file=None, environ={name: value})
    (line,) = str(refused.value).splitlines()
    assert message in line
    if not name.startswith("ALERT"):
        assert line.startswith(f"{name}={value!r}: ")


def test_values_are_parsed_as_their_type_and_checked_again_on_override():
    settings = load_settings(
        env_file=None, environ={"COLLECT_CONCURRENCY": " 8 ", "READ_TIMEOUT_S": "9.5"}
    )
    assert (settings.collect_concurrency, settings.read_timeout_s) == (8, 9.5)
    assert settings.with_overrides(docroot="/x", collect_concurrency=None).collect_concurrency == 8
    with pytest.raises(SettingsError, match=r"^PUBLISH_WORKERS=-1: input should be greater"):
        settings.with_overrides(publish_workers=-1)
