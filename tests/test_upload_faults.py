"""Uploads against fake servers that misbehave the ways real ones do: answers lost after the write was applied,
echoed secrets, odd answers, expiring tokens, huge and dripping answers, and two uploads at once. The end state is
one object per name holding the body, or a loud exit that says what the platform holds."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import NS_ENV, NS_OAUTH_ENV, TP_ENV, FakeServer, Fault, NetSapiensApi, TelphinApi, holiday_rows
from test_upload import body, run

NS_WHERE = ["--domain", "example.com"]
PLATFORMS = {
    "netsapiens-key": ("netsapiens", NetSapiensApi, NS_ENV, NS_WHERE, "timeframes"),
    "netsapiens-oauth": ("netsapiens", NetSapiensApi, NS_OAUTH_ENV, [*NS_WHERE, "--user", "1001"], "timeframes"),
    "telphin": ("telphin", TelphinApi, TP_ENV, [], "interval"),
}
BOTH = ["netsapiens-key", "telphin"]
OAUTH = ["netsapiens-oauth", "telphin"]


def upload(fake, path, where, env, *extra, backups=None):
    args = ["upload", path, "--server", fake.url, *where, "--retries", "2", "--timeout", "0.5", *extra]
    return run(*args, "--backup-dir", backups or Path(path).parent / "backups", env=env, fake=fake)


def creates(fake, collection):
    return [p for m, p in fake.state.requests if m == "POST" and p.rstrip("/").endswith(collection)]


def only(fake):
    [stored] = fake.state.store.values()
    return stored


@pytest.mark.parametrize("kind", ["late", "drop-after", "500-after"])
@pytest.mark.parametrize("platform", BOTH)
def test_a_create_whose_answer_is_lost_is_read_back_and_not_sent_again(tmp_path, platform, kind):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Lost")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault("POST", collection, kind)]
        result = upload(fake, path, where, env)
        assert result.exit_code == 0, result.stderr
        assert "created: 'Lost'" in result.stderr and "read back, the platform holds it" in result.stderr
        assert len(fake.state.store) == 1 and len(creates(fake, collection)) == 1


@pytest.mark.parametrize("kind", ["500", "drop"])
@pytest.mark.parametrize("platform", BOTH)
def test_a_create_that_did_not_land_is_sent_again_after_reading_back(tmp_path, platform, kind):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Again")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault("POST", collection, kind)]
        result = upload(fake, path, where, env)
        assert result.exit_code == 0, result.stderr
        assert "sending the create again (2/3)" in result.stderr
        assert len(fake.state.store) == 1 and len(creates(fake, collection)) == 2


@pytest.mark.parametrize("platform", BOTH)
def test_copies_with_equal_contents_are_reduced_to_the_lowest_id(tmp_path, platform):
    target, api, env, where, _ = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Twice")
    with FakeServer(api()) as fake:
        assert upload(fake, path, where, env).exit_code == 0
        original = only(fake)
        key = "timeframe-id" if target == "netsapiens" else "id"
        low, high = ("0" * 32, "f" * 32) if target == "netsapiens" else ("1", "999")
        for copy_id in (low, high):
            fake.state.store[copy_id] = {**json.loads(json.dumps(original)), key: int(copy_id) if key == "id"
                                         else copy_id}
        result = upload(fake, path, where, env)
        assert result.exit_code == 0 and "unchanged: 'Twice'" in result.stderr, result.stderr
        assert list(fake.state.store) == [low]
        assert result.stderr.count("with the same contents") == 2


@pytest.mark.parametrize("platform", BOTH)
def test_copies_with_different_contents_stop_the_upload_naming_their_ids(tmp_path, platform):
    target, api, env, where, _ = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Split")
    with FakeServer(api()) as fake:
        assert upload(fake, path, where, env).exit_code == 0
        original = only(fake)
        key, array = ("timeframe-id", "timeframe-specific-dates-array") if target == "netsapiens" else ("id",
                                                                                                    "conditions")
        other_id = "e" * 32 if target == "netsapiens" else 500
        fake.state.store[str(other_id)] = {**original, key: other_id, array: original[array][1:]}
        result = upload(fake, path, where, env)
        assert result.exit_code == 4 and "different contents" in result.stderr
        assert str(original[key]) in result.stderr and str(other_id) in result.stderr
        assert len(fake.state.store) == 2


@pytest.mark.parametrize("platform", BOTH)
def test_two_uploads_at_once_leave_one_object(tmp_path, platform):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Race")
    with FakeServer(api()) as fake:
        # Both runs list the (empty) collection before either creates: both create.
        fake.state.faults = [Fault("GET", collection, "barrier", times=2)]
        command = [sys.executable, "-m", "pbxcal.cli", "upload", str(path), "--server", fake.url, *where,
                   "--backup-dir", str(tmp_path)]
        environment = {**os.environ, **env, "PYTHONIOENCODING": "utf-8"}
        runs = [subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
        outputs = [process.communicate(timeout=120) for process in runs]
        assert [process.returncode for process in runs] == [0, 0], outputs
        assert len(creates(fake, collection)) == 2
        assert len(fake.state.store) == 1
        again = upload(fake, path, where, env)
        assert "unchanged: 'Race'" in again.stderr


# ---- NetSapiens: every array, replaced in place ------------------------------------------------------------------

def _holiday_body(tmp_path: Path, years: str, name: str) -> Path:
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([r for year in range(2026, 2029) for r in holiday_rows("US", year)]))
    result = run("convert", "holidays:US", "--years", years, "--to", "netsapiens", "--name", name,
                 "--holiday-data", rows, "--language", "en_US")
    assert result.exit_code == 0, result.stderr
    path = tmp_path / f"custom-{years}.json"
    path.write_text(result.stdout)
    assert json.loads(result.stdout)["timeframe-type"] == "custom"
    return path


def _arrays(stored):
    strip = ("timeframe-id", "timeframe-parent-id", "domain", "ordinal-order")
    return {a: sorted(json.dumps({k: v for k, v in e.items() if k not in strip}, sort_keys=True)
                      for e in stored.get(a) or []) for a in NetSapiensApi.ARRAYS}


def _wanted(path):
    sent = json.loads(path.read_text())
    return {a: sorted(json.dumps(e, sort_keys=True) for e in sent.get(a) or []) for a in NetSapiensApi.ARRAYS}


def test_a_netsapiens_replace_sends_every_array_and_keeps_the_id(tmp_path):
    plain = body(tmp_path, "netsapiens", "2026-2028", "Office")
    custom, changed = _holiday_body(tmp_path, "2026-2028", "Office"), _holiday_body(tmp_path, "2026-2027", "Office")
    with FakeServer(NetSapiensApi()) as fake:
        assert upload(fake, plain, NS_WHERE, NS_ENV, backups=tmp_path / "b").exit_code == 0
        first_id = only(fake)["timeframe-id"]
        for path in (custom, changed):  # plain -> custom, then only holiday entries change
            result = upload(fake, path, NS_WHERE, NS_ENV, backups=tmp_path / "b")
            assert result.exit_code == 0 and "replaced: 'Office'" in result.stderr, result.stderr
            assert only(fake)["timeframe-id"] == first_id and only(fake)["timeframe-type"] == "custom"
            assert _arrays(only(fake)) == _wanted(path)
            assert "unchanged" in upload(fake, path, NS_WHERE, NS_ENV, backups=tmp_path / "b").stderr
        # A plain body over a custom timeframe (which cannot be converted) empties its other arrays.
        result = upload(fake, plain, NS_WHERE, NS_ENV, backups=tmp_path / "b")
        assert result.exit_code == 0 and "replaced" in result.stderr
        assert _arrays(only(fake)) == _wanted(plain) and only(fake)["timeframe-id"] == first_id
        assert "unchanged" in upload(fake, plain, NS_WHERE, NS_ENV, backups=tmp_path / "b").stderr
        assert len(list((tmp_path / "b").glob("*.json"))) == 3


@pytest.mark.parametrize("platform", BOTH)
def test_a_downloaded_object_uploaded_elsewhere_sends_no_read_only_field(tmp_path, platform):
    target, api, env, where, _ = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Copied")
    elsewhere = ["--domain", "other.example.com"] if target == "netsapiens" else ["--client-id", "77"]
    with FakeServer(api()) as fake:
        assert upload(fake, path, where, env).exit_code == 0
        got = run("download", "--platform", target, "--server", fake.url, *where, "--name", "Copied", env=env)
        downloaded = tmp_path / "downloaded.json"
        downloaded.write_text(got.stdout)
        result = upload(fake, downloaded, elsewhere, env)
        assert result.exit_code == 0 and "created" in result.stderr, result.stderr
        assert len(fake.state.store) == 2
        method, _, sent = fake.state.bodies[-1]
        assert method == "POST" and not {"timeframe-id", "domain", "user", "id", "client_id"} & set(sent)


# ---- secrets ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("platform", "method", "where_fault"), [
    ("netsapiens-key", "GET", "timeframes"), ("netsapiens-key", "POST", "timeframes"),
    ("netsapiens-oauth", "POST", "tokens"), ("netsapiens-oauth", "GET", "timeframes"),
    ("telphin", "POST", "oauth/token"), ("telphin", "POST", "interval"), ("telphin", "GET", "interval"),
])
def test_a_server_echoing_headers_and_bodies_prints_no_secret(tmp_path, platform, method, where_fault):
    target, api, env, where, _ = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Echo")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault(method, where_fault, "echo", times=10)]
        result = upload(fake, path, where, env)  # run() checks every secret and issued token is absent
        assert result.exit_code == 4 and "HTTP 502" in result.stderr and "***" in result.stderr
        assert "retrying after HTTP 502 (2/2)" in result.stderr or (method, where_fault) in (
            ("POST", "timeframes"), ("POST", "interval"))  # a create answered 5xx is read back, not resent blindly


def test_credentials_in_the_server_url_are_refused_before_any_request(tmp_path):
    path = body(tmp_path, "netsapiens", "2026", "Url")
    with FakeServer(NetSapiensApi()) as fake:
        url = fake.url.replace("http://", "http://admin:pa55-in-url@")
        result = run("upload", path, "--server", url, env=NS_ENV)
        assert result.exit_code == 2 and "pa55-in-url" not in result.stderr and "credentials" in result.stderr
        assert fake.state.requests == []


@pytest.mark.parametrize(("args", "env", "words"), [
    (["--server", "pbx.example.com"], NS_ENV, "http:// or https://"),
    (["--server", "ftp://pbx.example.com"], NS_ENV, "http:// or https://"),
    (["--server", "URL"], {}, "http:// or https://"),
    ([], {}, "no NetSapiens credentials"),
    ([], {"NS_CLIENT_ID": "x", "NS_USERNAME": "u"}, "NS_CLIENT_SECRET, NS_PASSWORD not set"),
    (["--token-file", "/nonexistent/token"], {}, "cannot read the token file"),
])
def test_configuration_errors_exit_2_before_any_request(tmp_path, args, env, words):
    path = body(tmp_path, "netsapiens", "2026", "Config")
    with FakeServer(NetSapiensApi()) as fake:
        result = run("upload", path, *(args if "--server" in args else ["--server", fake.url, *args]),
                     env={"NS_API_KEY": "", **env})
        assert result.exit_code == 2 and words in result.stderr, result.stderr
        assert fake.state.requests == []


# ---- what the answers say ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["text", "empty"])
@pytest.mark.parametrize("platform", BOTH)
def test_an_applied_write_answered_without_json_is_read_back_and_reported_applied(tmp_path, platform, kind):
    target, api, env, where, collection = PLATFORMS[platform]
    first, second = body(tmp_path, target, "2026", "Text"), body(tmp_path, target, "2027", "Text")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault("POST", collection, kind)]
        created = upload(fake, first, where, env)
        assert created.exit_code == 0 and "created" in created.stderr and "warning" in created.stderr
        fake.state.faults = [Fault("PUT", collection, kind, times=2)]
        replaced = upload(fake, second, where, env, backups=tmp_path)
        assert replaced.exit_code == 0 and "replaced" in replaced.stderr, replaced.stderr
        assert "warning" in replaced.stderr and "holds the new version" in replaced.stderr
        assert len(fake.state.store) == 1


@pytest.mark.parametrize("platform", BOTH)
def test_a_create_answered_with_the_wrong_json_is_unexpected(tmp_path, platform):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Shape")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault("POST", collection, "shape", payload=["ok"])]
        result = upload(fake, path, where, env)
        assert result.exit_code == 4 and "unexpected answer" in result.stderr
        assert "holds it" in result.stderr and len(fake.state.store) == 1


@pytest.mark.parametrize(("kind", "payload", "words"), [
    ("shape", {"data": []}, "unexpected answer"),
    ("shape", [{"name": 5}], "unexpected answer"),
    ("shape", [{"name": "Odd", "timeframe-name": "Odd", "id": 1, "timeframe-id": "1", "conditions": "x",
                "timeframe-type": "weekly"}], "unexpected answer"),
    ("empty", None, "unexpected answer"),
    ("204", None, "unexpected answer"),
    ("301", None, "redirected to https://elsewhere.example"),
])
@pytest.mark.parametrize("platform", BOTH)
def test_a_list_that_is_not_the_documented_array_writes_nothing(tmp_path, platform, kind, payload, words):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Odd")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault("GET", collection, kind, payload=payload), Fault("POST", collection, "301")]
        result = upload(fake, path, where, env)
        assert result.exit_code == 4 and words in result.stderr, result.stderr
        assert "internal error" not in result.stderr
        assert creates(fake, collection) == [] and fake.state.store == {}


@pytest.mark.parametrize("platform", OAUTH)
def test_an_expired_oauth_token_is_renewed_once(tmp_path, platform):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Expiry")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault("GET", collection, "expire")]
        result = upload(fake, path, where, env)
        assert result.exit_code == 0 and "asking for a new one" in result.stderr, result.stderr
        assert len(fake.state.store) == 1


def test_a_refused_api_key_is_not_renewed(tmp_path):
    path = body(tmp_path, "netsapiens", "2026", "Key")
    with FakeServer(NetSapiensApi()) as fake:
        fake.state.faults = [Fault("GET", "timeframes", "expire")]
        result = upload(fake, path, NS_WHERE, NS_ENV)
        assert result.exit_code == 4 and "HTTP 401" in result.stderr and "new one" not in result.stderr


@pytest.mark.parametrize("kind", ["drip", "drip-headers"])
@pytest.mark.parametrize("platform", BOTH)
def test_the_timeout_bounds_the_whole_answer(tmp_path, platform, kind):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Drip")
    with FakeServer(api()) as fake:
        assert upload(fake, path, where, env).exit_code == 0  # a listing of some kilobytes to drip
        fake.state.faults = [Fault("GET", collection, kind, times=2)]
        fake.state.slow_seconds = 0.05  # each byte well within the read timeout; the whole takes far longer
        started = time.monotonic()
        result = run("upload", path, "--server", fake.url, *where, "--retries", "1", "--timeout", "1", env=env)
        assert result.exit_code == 4 and "no whole answer in 1 s" in result.stderr
        assert "retrying after no whole answer in time (1/1)" in result.stderr
        assert time.monotonic() - started < 10


@pytest.mark.parametrize(("kind", "size", "limit"), [("huge-declared", 300_000_000, []),
                                                      ("huge", 50_000, ["--max-answer-bytes", "10000"])])
def test_answers_larger_than_the_limit_are_refused(tmp_path, kind, size, limit):
    path = body(tmp_path, "telphin", "2026", "Huge")
    with FakeServer(TelphinApi()) as fake:
        fake.state.faults = [Fault("GET", "interval", kind, payload=size)]
        result = run("upload", path, "--server", fake.url, "--retries", "0", *limit, env=TP_ENV)
        assert result.exit_code == 4 and "--max-answer-bytes" in result.stderr, result.stderr


def test_retries_say_so(tmp_path):
    path = body(tmp_path, "telphin", "2026", "Retry")
    with FakeServer(TelphinApi()) as fake:
        fake.state.faults = [Fault("GET", "interval", "500", times=2)]
        result = upload(fake, path, [], TP_ENV)
        assert result.exit_code == 0
        assert "retrying after HTTP 500 (1/2)" in result.stderr and "retrying after HTTP 500 (2/2)" in result.stderr


def test_restore_goes_back_where_the_backup_came_from(tmp_path):
    first, second = body(tmp_path, "telphin", "2026", "Back"), body(tmp_path, "telphin", "2027", "Back")
    with FakeServer(TelphinApi()) as fake, FakeServer(TelphinApi()) as other:
        assert upload(fake, first, [], TP_ENV).exit_code == 0
        assert upload(fake, second, [], TP_ENV, backups=tmp_path / "b").exit_code == 0
        [backup] = (tmp_path / "b").glob("*.json")
        refused = run("upload", "--restore", backup, "--server", other.url, env=TP_ENV)
        assert refused.exit_code == 2 and "--restore-elsewhere" in refused.stderr and other.state.requests == []
        restored = run("upload", "--restore", backup, "--backup-dir", tmp_path / "c", env=TP_ENV)
        assert restored.exit_code == 0 and "replaced" in restored.stderr, restored.stderr
        assert only(fake)["conditions"] == json.loads(backup.read_text())["saved"]["conditions"]
        moved = run("upload", "--restore", backup, "--server", other.url, "--restore-elsewhere", env=TP_ENV)
        assert moved.exit_code == 0 and "created" in moved.stderr and len(other.state.store) == 1


@pytest.mark.parametrize("platform", BOTH)
def test_a_create_applied_after_the_timeout_is_found_not_sent_again(tmp_path, platform):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Late")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault("POST", collection, "slow")]  # applied 1 s after it came, the client waits 0.5 s
        result = upload(fake, path, where, env)
        time.sleep(fake.state.slow_seconds)
        assert result.exit_code == 0 and "created" in result.stderr, result.stderr
        assert len(fake.state.store) == 1 and len(creates(fake, collection)) == 1


@pytest.mark.parametrize("platform", BOTH)
def test_a_create_refused_with_429_is_sent_again(tmp_path, platform):
    target, api, env, where, collection = PLATFORMS[platform]
    path = body(tmp_path, target, "2026", "Busy")
    with FakeServer(api()) as fake:
        fake.state.faults = [Fault("POST", collection, "429")]
        result = upload(fake, path, where, env)
        assert result.exit_code == 0 and "retrying after HTTP 429 (1/2)" in result.stderr, result.stderr
        assert len(fake.state.store) == 1 and len(creates(fake, collection)) == 2


def test_copies_in_use_are_never_deleted(tmp_path):
    path = body(tmp_path, "telphin", "2026", "Used")
    with FakeServer(TelphinApi()) as fake:
        assert upload(fake, path, [], TP_ENV).exit_code == 0
        original = only(fake)
        used = {"incom_rule": {"101": [{"rule": 1}]}}
        fake.state.store["300"] = {**json.loads(json.dumps(original)), "id": 300, "usage": used}
        result = upload(fake, path, [], TP_ENV)  # keeps the copy incoming rules use, although its id is higher
        assert result.exit_code == 0 and sorted(fake.state.store) == ["300"], result.stderr
        fake.state.store["400"] = {**json.loads(json.dumps(original)), "id": 400, "usage": used}
        refused = upload(fake, path, [], TP_ENV)
        assert refused.exit_code == 4 and "deletes no object in use" in refused.stderr
        assert sorted(fake.state.store) == ["300", "400"]


def test_a_restore_to_another_platform_is_refused_before_any_request(tmp_path):
    first, second = body(tmp_path, "netsapiens", "2026", "Mixed"), body(tmp_path, "netsapiens", "2027", "Mixed")
    with FakeServer(NetSapiensApi()) as fake:
        assert upload(fake, first, NS_WHERE, NS_ENV).exit_code == 0
        assert upload(fake, second, NS_WHERE, NS_ENV, backups=tmp_path / "b").exit_code == 0
        [backup] = (tmp_path / "b").glob("*.json")
        before = len(fake.state.requests)
        result = run("upload", "--restore", backup, "--to", "telphin", env={**NS_ENV, **TP_ENV}, fake=fake)
        assert result.exit_code == 2 and "cannot be restored to telphin" in result.stderr
        assert len(fake.state.requests) == before


@pytest.mark.parametrize("bad", [{"timeframe-name": ""}, {"timeframe-type": "weekly"},
                                 {"timeframe-specific-dates-array": "x"}])
def test_a_body_that_cannot_be_sent_is_refused_before_any_request(tmp_path, bad):
    path = body(tmp_path, "netsapiens", "2026", "Bad")
    path.write_text(json.dumps({**json.loads(path.read_text()), **bad}))
    with FakeServer(NetSapiensApi()) as fake:
        result = run("upload", path, "--server", fake.url, "--to", "netsapiens", env=NS_OAUTH_ENV, fake=fake)
        assert result.exit_code == 2 and fake.state.requests == [], result.stderr
        assert f"{path}: " in result.stderr  # the message names the body's file


def test_custom_and_always_timeframes_round_trip(tmp_path):
    custom = _holiday_body(tmp_path, "2026-2028", "Round")
    always = tmp_path / "always.json"
    always.write_text(json.dumps({"timeframe-name": "Round", "timeframe-type": "always"}))
    with FakeServer(NetSapiensApi()) as fake:
        assert upload(fake, custom, NS_WHERE, NS_ENV).exit_code == 0
        got = run("download", "--platform", "netsapiens", "--server", fake.url, *NS_WHERE, "--name", "Round",
                  env=NS_ENV)
        downloaded = tmp_path / "downloaded.json"
        downloaded.write_text(got.stdout)
        copied = upload(fake, downloaded, ["--domain", "copy.example.com"], NS_ENV)
        assert copied.exit_code == 0 and "created" in copied.stderr, copied.stderr
        copy = next(v for v in fake.state.store.values() if v["domain"] == "copy.example.com")
        assert _arrays(copy) == _wanted(custom)
        # custom cannot become "always": its arrays are emptied instead; a specific-dates one is converted
        emptied = upload(fake, always, NS_WHERE, NS_ENV)
        assert emptied.exit_code == 0 and "replaced" in emptied.stderr, emptied.stderr
        kept = next(v for v in fake.state.store.values() if v["domain"] == "example.com")
        assert kept["timeframe-type"] == "custom" and not any(kept.get(a) for a in NetSapiensApi.ARRAYS)
        plain = body(tmp_path, "netsapiens", "2026", "Plain")
        assert upload(fake, plain, ["--domain", "plain.example.com"], NS_ENV).exit_code == 0
        always.write_text(json.dumps({"timeframe-name": "Plain", "timeframe-type": "always"}))
        converted = upload(fake, always, ["--domain", "plain.example.com"], NS_ENV)
        assert converted.exit_code == 0 and "replaced" in converted.stderr, converted.stderr
        now = next(v for v in fake.state.store.values() if v["domain"] == "plain.example.com")
        assert now["timeframe-type"] == "always" and not any(now.get(a) for a in NetSapiensApi.ARRAYS)
