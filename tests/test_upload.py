"""Uploads against fake NetSapiens and Telphin servers on 127.0.0.1: idempotent by name, backups that restore the
exact previous object, retries through injected faults, dry runs, and no secret ever printed."""

import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner
from fakes import NS_ENV, NS_OAUTH_ENV, SECRETS, TP_ENV, FakeServer, Fault, NetSapiensApi, TelphinApi

from pbxcal.cli import main


def run(*args, env=None, fake=None):
    """Run pbxcal; no credential of the run (or token the fake server issued) may appear in its output."""
    result = CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
    for secret in fake.secrets() if fake else SECRETS:
        escaped = json.dumps(secret)[1:-1]
        for form in (secret, escaped, escaped.replace("/", "\\/"), quote_plus(secret), quote(secret, safe="")):
            start = form[:10]  # a secret cut short in a message is still a leak
            assert start not in result.stdout and start not in result.stderr, start
    return result


def body(tmp_path: Path, target: str, years: str, name: str) -> Path:
    extra = ["--timezone", "Europe/Berlin"] if target == "telphin" else []
    result = run("convert", "holidays:DE", "--years", years, "--to", target, "--name", name, *extra)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / f"{target}-{years}-{name}.json"
    path.write_text(result.stdout)
    return path


PLATFORMS = [
    ("netsapiens", NetSapiensApi, NS_ENV, ["--domain", "example.com"]),
    ("netsapiens", NetSapiensApi, NS_OAUTH_ENV, ["--domain", "example.com", "--user", "1001"]),
    ("telphin", TelphinApi, TP_ENV, []),
]


@pytest.mark.parametrize(("target", "api", "env", "where"), PLATFORMS)
def test_upload_is_idempotent_by_name_and_restore_puts_back_the_exact_object(tmp_path, target, api, env, where):
    first, second = body(tmp_path, target, "2026-2027", "Holidays"), body(tmp_path, target, "2026-2028", "Holidays")
    with FakeServer(api()) as fake:
        common = ["--server", fake.url, *where, "--backup-dir", tmp_path / "backups", "--retries", "1"]
        created = run("upload", first, *common, env=env)
        assert created.exit_code == 0, created.stderr and "created: 'Holidays'" in created.stderr
        assert len(fake.state.store) == 1
        before = json.loads(json.dumps(next(iter(fake.state.store.values()))))
        again = run("upload", first, *common, env=env)
        assert "unchanged: 'Holidays'" in again.stderr and len(fake.state.store) == 1
        replaced = run("upload", second, *common, env=env)
        assert "replaced: 'Holidays'" in replaced.stderr and len(fake.state.store) == 1
        [backup] = (tmp_path / "backups").glob("pbxcal-backup-*.json")
        assert json.loads(backup.read_text())["saved"] == before
        restored = run("upload", "--restore", backup, "--server", fake.url, "--backup-dir", tmp_path / "b2", env=env)
        assert restored.exit_code == 0, restored.stderr
        after = next(iter(fake.state.store.values()))
        key = "timeframe-specific-dates-array" if target == "netsapiens" else "conditions"
        strip = ("timeframe-id",) if target == "netsapiens" else ()
        assert [{k: v for k, v in e.items() if k not in strip} for e in after[key]] == [
            {k: v for k, v in e.items() if k not in strip} for e in before[key]]
        listed = run("download", "--platform", target, "--server", fake.url, *where, "--name", "Holidays", env=env)
        assert json.loads(listed.stdout)[key] == after[key]


@pytest.mark.parametrize(("target", "api", "env", "where"), [PLATFORMS[0], PLATFORMS[2]])
def test_faults_are_retried_and_a_failed_replace_leaves_the_previous_version_and_a_backup(tmp_path, target, api, env,
                                                                                           where):
    first, second = body(tmp_path, target, "2026-2027", "Closures"), body(tmp_path, target, "2026-2028", "Closures")
    with FakeServer(api()) as fake:
        common = ["--server", fake.url, *where, "--backup-dir", tmp_path, "--retries", "2", "--timeout", "0.5"]
        fake.state.faults = [Fault("GET", "", "429"), Fault("POST", "", "500"), Fault("GET", "", "drop")]
        assert run("upload", first, *common, env=env).exit_code == 0
        fake.state.faults = [Fault("GET", "", "slow")]
        fake.state.slow_seconds = 1.0
        assert "unchanged" in run("upload", first, *common, env=env).stderr
        before = json.loads(json.dumps(next(iter(fake.state.store.values()))))
        fake.state.faults = [Fault("PUT", "", "500", times=10)]
        failed = run("upload", second, *common, env=env)
        assert failed.exit_code == 4
        assert "failed" in failed.stderr and "--restore" in failed.stderr and "HTTP 500" in failed.stderr
        assert next(iter(fake.state.store.values())) == before
        assert len(list(tmp_path.glob("pbxcal-backup-*.json"))) == 1


def test_dry_run_prints_requests_and_sends_nothing_that_changes(tmp_path):
    path = body(tmp_path, "netsapiens", "2026", "Dry")
    with FakeServer(NetSapiensApi()) as fake:
        result = run("upload", path, "--server", fake.url, "--domain", "example.com", "--dry-run", env=NS_ENV)
        assert result.exit_code == 0 and "dry run: POST" in result.stderr and "would create" in result.stderr
        assert fake.state.store == {} and all(m == "GET" for m, _ in fake.state.requests)


@pytest.mark.parametrize(("env", "status", "words"), [
    ({}, 2, "no NetSapiens credentials"),
    ({"NS_API_KEY": "nsd_wrong"}, 4, "HTTP 401: Authentication Required"),
    ({**NS_OAUTH_ENV, "NS_PASSWORD": "wrong"}, 4, "HTTP 401"),
])
def test_auth_failures_are_one_line_without_secrets(tmp_path, env, status, words):
    path = body(tmp_path, "netsapiens", "2026", "Auth")
    with FakeServer(NetSapiensApi()) as fake:
        result = run("upload", path, "--server", fake.url, "--retries", "0", env={"NS_API_KEY": "", **env})
        assert result.exit_code == status and words in result.stderr
        assert result.stderr.count("\n") == 1 and "wrong" not in result.stderr


def test_validation_errors_carry_the_servers_message(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"name": "Bad", "timezone": "Europe/Berlin",
                                "conditions": [{"start_dow": 2, "end_dow": None}]}))
    with FakeServer(TelphinApi()) as fake:
        result = run("upload", path, "--server", fake.url, "--retries", "0", env=TP_ENV)
        assert result.exit_code == 4 and "HTTP 400" in result.stderr and "pairs" in result.stderr


def test_netsapiens_holiday_entries_from_saved_holiday_api_rows(tmp_path):
    with FakeServer(NetSapiensApi()) as fake:
        saved = run("download", "--platform", "netsapiens", "--server", fake.url, "--holidays", "US",
                    "--years", "2026-2028", env=NS_ENV)
    assert saved.exit_code == 0, saved.stderr
    rows = tmp_path / "rows.json"
    rows.write_text(saved.stdout)
    report = tmp_path / "report.json"
    result = run("convert", "holidays:US", "--years", "2026-2028", "--to", "netsapiens", "--holiday-data", rows,
                 "--report", report)
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["timeframe-type"] == "custom"
    named = {e["timeframe-holiday-name"] for e in body["timeframe-holiday-array"]}
    # Holidays without a "(substitute)" row sharing their uuid become holiday entries ...
    assert {"Thanksgiving Day", "Labor Day", "Memorial Day"} <= named
    # ... the others stay specific dates, and the report says why.
    assert "Christmas Day" not in named
    reasons = {i["name"]: i["reason"] for i in json.loads(report.read_text())["items"]}
    assert "no Holiday API row" in reasons["Christmas Day"]
    path = tmp_path / "body.json"
    path.write_text(result.stdout)
    assert run("verify", path, "holidays:US", "--years", "2026-2028", "--holiday-data", rows).exit_code == 0
    unread = run("verify", path, "holidays:US", "--years", "2026-2028")
    assert unread.exit_code == 2 and "--holiday-data" in unread.stderr


def test_a_secret_cut_short_in_a_message_is_still_masked():
    """A server value quoted as {value!r:.60} cuts a long token; the cut token is masked as far as it goes."""
    from pbxcal.redact import MASK, Secrets

    token = "wx-admin/token+value=" + "w" * 80
    secrets = Secrets()
    secrets.add(token)
    cut = f"startTime must be HH:MM, got {token!r:.60}"
    assert secrets.redact(cut) == f"startTime must be HH:MM, got '{MASK}"
    assert secrets.redact(f"a {token[:30]}... and {token}") == f"a {MASK}... and {MASK}"
    assert secrets.redact("wx-admin/ is a word") == "wx-admin/ is a word"  # fewer than 12 of its characters


def test_server_data_unreadable_after_changes_is_the_platforms_error_with_the_backup(tmp_path):
    """A client that cannot read what the platform holds half way through a replace (BadInputError from its
    reader) ends with exit 4, what is held, and where the backup is: not with exit 2 as if the body were wrong."""
    import types

    from pbxcal.errors import BadInputError, RemoteError
    from pbxcal.redact import Secrets
    from pbxcal.upload import upload

    def unreadable(*_args):
        raise BadInputError("event 'X': unknown field(s) createdAt")

    remote = types.SimpleNamespace(
        KIND="schedule", label="fake", options=types.SimpleNamespace(dry_run=False, say=lambda _t: None,
                                                                     secrets=Secrets()),
        name_of=lambda o: o["name"], id_of=lambda o: o["id"], named=lambda _n: [{"id": "1", "name": "C", "v": 1}],
        same=lambda a, b: a.get("v") == b.get("v"), is_empty=lambda _o: False, in_use=lambda _o: False,
        order=lambda o: o["id"], location=lambda: {"platform": "fake"}, replace=unreadable)
    with pytest.raises(RemoteError) as raised:
        upload(remote, {"name": "C", "v": 2}, tmp_path)
    assert "unknown field(s) createdAt" in raised.value.reason
    assert "pbxcal upload --restore" in raised.value.reason and list(tmp_path.glob("pbxcal-backup-*.json"))
