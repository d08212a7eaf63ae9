"""Kazoo uploads against a fake Crossbar on 127.0.0.1: a body is a rule set and the rules named after it, created
once, 'unchanged' on re-run, replaced in place (the set keeps its id), restored exactly, paged listings, a
sub-account by --account, the account's zone compared with the body's, through injected faults, no secret printed."""

import json
from pathlib import Path

import pytest
from fakes import KZ_ACCOUNT, KZ_ENV, KZ_SUB, KZ_USER_ENV, FakeServer, Fault, KazooApi
from test_upload import run

NEW_YORK = ["--timezone", "America/New_York"]


def body(tmp_path: Path, years: str, name: str = "Closures", *extra: str, zone: list[str] = NEW_YORK) -> Path:
    result = run("convert", "holidays:US", "--years", years, "--to", "kazoo", "--name", name, *zone, *extra)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / f"kazoo-{years}-{name}-{len(list(tmp_path.iterdir()))}.json"
    path.write_text(result.stdout)
    return path


def upload(fake, path, *extra, env=KZ_ENV, backups=None):
    return run("upload", path, "--server", fake.url, "--retries", "2", "--timeout", "1", *extra,
               "--backup-dir", backups or Path(path).parent / "backups", env=env, fake=fake)


def of_kind(fake, kind, account=KZ_ACCOUNT):
    return {k: v for k, v in fake.state.store.items() if v["pvt_type"] == kind and v["pvt_account"] == account}


def rule_sets(fake, account=KZ_ACCOUNT):
    return of_kind(fake, "temporal_rule_set", account)


def held_rules(fake, name="Closures", account=KZ_ACCOUNT):
    """The rules the set of that name lists, as sent (no id, defaults, or private fields)."""
    [found] = [s for s in rule_sets(fake, account).values() if s["name"] == name]
    return [{k: v for k, v in fake.state.store[i].items() if k not in ("id",) and not k.startswith("pvt_")}
            for i in found["temporal_rules"]]


def written(path):
    return json.loads(Path(path).read_text())["rules"]


def methods(fake):
    return [m for m, _ in fake.state.requests]


def test_create_unchanged_replace_in_place_restore_and_download(tmp_path):
    first, second = body(tmp_path, "2026-2027"), body(tmp_path, "2026-2029", "Closures", "--open-ended")
    with FakeServer(KazooApi(page_size=4)) as fake:
        created = upload(fake, first)
        assert created.exit_code == 0, created.stderr
        assert "created: 'Closures'" in created.stderr
        assert "does nothing until a callflow's temporal_route uses it" in created.stderr
        assert held_rules(fake) == written(first) and len(rule_sets(fake)) == 1
        [set_id] = rule_sets(fake)
        assert any("start_key=" in p for _, p in fake.state.requests)  # more than one page of rules was read
        fake.state.requests.clear()
        again = upload(fake, first)
        assert "unchanged: 'Closures'" in again.stderr and set(methods(fake)) == {"GET", "PUT"}  # PUT: api_auth
        assert "does nothing" not in again.stderr
        before = [fake.state.store[i] for i in rule_sets(fake)[set_id]["temporal_rules"]]
        replaced = upload(fake, second)
        assert replaced.exit_code == 0 and "replaced: 'Closures'" in replaced.stderr, replaced.stderr
        assert list(rule_sets(fake)) == [set_id]  # callflows refer to the set by id: it stays
        assert held_rules(fake) == written(second)
        assert len(of_kind(fake, "temporal_rule")) == len(written(second))  # the rules no longer wanted are gone
        kept = {r["id"] for r in before} & set(rule_sets(fake)[set_id]["temporal_rules"])
        assert kept  # rules of the same name were replaced in place
        [backup] = (tmp_path / "backups").glob("pbxcal-backup-kazoo-Closures-*.json")
        saved = json.loads(backup.read_text())
        assert saved["location"] == {"platform": "kazoo", "server": fake.url, "account": KZ_ACCOUNT}
        restored = run("upload", "--restore", backup, "--backup-dir", tmp_path / "b2", env=KZ_ENV, fake=fake)
        assert restored.exit_code == 0 and "replaced: 'Closures'" in restored.stderr, restored.stderr
        assert held_rules(fake) == written(first) and list(rule_sets(fake)) == [set_id]
        downloaded = run("download", "--platform", "kazoo", "--server", fake.url, "--name", "Closures", env=KZ_ENV,
                         fake=fake)
        assert downloaded.exit_code == 0, downloaded.stderr
        got = json.loads(downloaded.stdout)
        assert got["id"] == set_id and got["timezone"] == "America/New_York"
        assert [{k: v for k, v in r.items() if k != "id"} for r in got["rules"]] == written(first)
        listed = tmp_path / "downloaded.json"
        listed.write_text(downloaded.stdout)
        migrated = run("convert", listed, "--to", "telphin", "--years", "2026-2027")
        assert migrated.exit_code == 0, migrated.stderr
        everything = run("download", "--platform", "2600hz", "--server", fake.url, env=KZ_ENV, fake=fake)
        assert len(json.loads(everything.stdout)) == len(written(first))


def test_dry_run_sends_no_change_and_user_credentials_work(tmp_path):
    first, second = body(tmp_path, "2026"), body(tmp_path, "2026-2027")
    with FakeServer(KazooApi()) as fake:
        dry = upload(fake, first, "--dry-run", env=KZ_USER_ENV)
        assert dry.exit_code == 0 and "would create" in dry.stderr and "dry run: PUT" in dry.stderr, dry.stderr
        assert "rule set 'Closures' (not created: dry run) does nothing" in dry.stderr and "(new:" not in dry.stderr
        assert fake.state.store == {}
        assert upload(fake, first, env=KZ_USER_ENV).exit_code == 0
        stored = json.loads(json.dumps(fake.state.store))
        dry = upload(fake, second, "--dry-run", env=KZ_USER_ENV)
        assert "would replace" in dry.stderr and fake.state.store == stored
        assert [p for m, p in fake.state.requests if m != "GET"][-1] == "/v2/user_auth"


def test_a_sub_account_by_account_and_the_zone_compared(tmp_path):
    london = body(tmp_path, "2026", zone=["--timezone", "Europe/London"])
    new_york = body(tmp_path, "2026")
    with FakeServer(KazooApi()) as fake:
        result = upload(fake, london, "--account", KZ_SUB)
        assert result.exit_code == 0, result.stderr
        assert rule_sets(fake, KZ_SUB) and not rule_sets(fake, KZ_ACCOUNT)
        refused = upload(fake, london)
        assert refused.exit_code == 2 and "runs on America/New_York, the body on Europe/London" in refused.stderr
        assert refused.stderr.count("\n") == 1 and not rule_sets(fake, KZ_ACCOUNT)
        assert upload(fake, london, "--allow-zone-mismatch").exit_code == 0
        wrong = upload(fake, new_york, "--account", KZ_SUB)
        assert wrong.exit_code == 2 and "--timezone Europe/London" in wrong.stderr


@pytest.mark.parametrize("kind", ["late", "drop-after", "500-after"])
def test_a_create_whose_answer_is_lost_is_read_back_and_not_sent_again(tmp_path, kind):
    path = body(tmp_path, "2026")
    with FakeServer(KazooApi()) as fake:
        fake.state.faults = [Fault("PUT", "/temporal_rules", kind)]
        result = upload(fake, path, "--timeout", "0.5")
        assert result.exit_code == 0, result.stderr
        assert "read back, the platform holds it" in result.stderr
        assert held_rules(fake) == written(path)
        assert len(of_kind(fake, "temporal_rule")) == len(written(path))


@pytest.mark.parametrize("kind", ["500", "drop"])
def test_a_create_that_did_not_land_is_sent_again(tmp_path, kind):
    path = body(tmp_path, "2026")
    with FakeServer(KazooApi()) as fake:
        fake.state.faults = [Fault("PUT", "/temporal_rules_sets", kind)]
        result = upload(fake, path)
        assert result.exit_code == 0, result.stderr
        assert "sending it again (2/3)" in result.stderr and held_rules(fake) == written(path)


def test_reads_and_replaces_are_retried_and_an_expired_token_is_renewed(tmp_path):
    first, second = body(tmp_path, "2026-2027"), body(tmp_path, "2026-2028")
    with FakeServer(KazooApi(page_size=5)) as fake:
        fake.state.faults = [Fault("GET", "/temporal_rules", "429"), Fault("GET", "/temporal_rules", "drop")]
        assert upload(fake, first).exit_code == 0
        fake.state.faults = [Fault("POST", "/temporal_rules/", "500"), Fault("DELETE", "/temporal_rules/", "503"),
                             Fault("GET", "/temporal_rules_sets", "expire")]
        result = upload(fake, second)
        assert result.exit_code == 0, result.stderr
        assert "asking for a new one" in result.stderr
        assert held_rules(fake) == written(second)


def test_a_failed_replace_keeps_a_backup_and_a_re_run_finishes_the_job(tmp_path):
    first, second = body(tmp_path, "2026-2027"), body(tmp_path, "2027-2028")
    with FakeServer(KazooApi()) as fake:
        assert upload(fake, first).exit_code == 0
        fake.state.faults = [Fault("POST", "/temporal_rules/", "500", times=10)]
        failed = upload(fake, second)
        assert failed.exit_code == 4 and "HTTP 500" in failed.stderr and "--restore" in failed.stderr
        assert "--restore" in failed.stderr.splitlines()[-1] and "retrying after HTTP 500" in failed.stderr
        fake.state.faults = []
        again = upload(fake, second)
        assert "replaced: 'Closures'" in again.stderr, again.stderr
        assert held_rules(fake) == written(second)
        assert len(of_kind(fake, "temporal_rule")) == len(written(second))


@pytest.mark.parametrize(("env", "status", "words"), [
    ({}, 2, "no Kazoo credentials"),
    ({"KAZOO_USERNAME": "admin"}, 2, "KAZOO_PASSWORD"),
    ({"KAZOO_API_KEY": "wrong-secret-key"}, 4, "HTTP 401"),
])
def test_credentials_are_checked_and_never_printed(tmp_path, env, status, words):
    path = body(tmp_path, "2026")
    with FakeServer(KazooApi()) as fake:
        blank = {"KAZOO_API_KEY": "", "KAZOO_USERNAME": "", "KAZOO_PASSWORD": "", "KAZOO_ACCOUNT_NAME": "",
                 "KAZOO_ACCOUNT_REALM": ""}
        result = run("upload", path, "--server", fake.url, "--retries", "0", env={**blank, **env}, fake=fake)
        assert result.exit_code == status and words in result.stderr, result.stderr
        assert "wrong-secret" not in result.stderr


def test_a_token_file_needs_an_account(tmp_path):
    path = body(tmp_path, "2026")
    token = tmp_path / "token"
    token.write_text("kz-token-from-file")
    with FakeServer(KazooApi()) as fake:
        result = run("upload", path, "--server", fake.url, "--token-file", token, env={"KAZOO_API_KEY": ""},
                     fake=fake)
        assert result.exit_code == 2 and "--account" in result.stderr


def test_a_gateway_echoing_the_request_leaks_no_secret(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(KazooApi()) as fake:
        fake.state.faults = [Fault("GET", "/temporal_rules", "echo", times=10)]
        result = upload(fake, path)
        assert result.exit_code == 4 and "***" in result.stderr


def test_bodies_that_cannot_be_sent_are_refused_before_any_request(tmp_path):
    path = body(tmp_path, "2026")
    data = json.loads(path.read_text())
    stray = json.loads(json.dumps(data))
    stray["rules"][0]["name"] = "Somebody else #1"
    crash = json.loads(json.dumps(data))
    crash["rules"][0].update(cycle="monthly", ordinal="first", wdays=["monday", "friday"])
    crash["rules"][0].pop("days", None)
    for changed, words in ((stray, "not named Closures #n"), (crash, "crashes Kazoo's evaluator"),
                           ({**data, "rules": []}, "at least one")):
        path.write_text(json.dumps(changed))
        with FakeServer(KazooApi()) as fake:
            result = upload(fake, path)
            assert result.exit_code == 2 and words in result.stderr, result.stderr
            assert str(path) in result.stderr and fake.state.requests == []


def test_restore_puts_back_every_public_field_and_a_body_sends_what_it_holds(tmp_path):
    first, second = body(tmp_path, "2026"), body(tmp_path, "2026-2027")
    with FakeServer(KazooApi()) as fake:
        assert upload(fake, first).exit_code == 0
        [set_id] = rule_sets(fake)
        rule_id = next(i for i, v in of_kind(fake, "temporal_rule").items() if v["name"] == "Closures #1")
        # a temporal_route `disable` action writes enabled: false; Monster UI stores type, flags and the like
        fake.state.store[rule_id].update(enabled=False, flags=["keep-me"], type="main_holidays",
                                         exclude=["20260101"])
        fake.state.store[set_id].update(flags=["set-flag"], type="main_holidays")
        assert upload(fake, second).exit_code == 0
        assert "enabled" not in fake.state.store[rule_id]  # the new body says: evaluate normally
        [backup] = (tmp_path / "backups").glob("*.json")
        restored = run("upload", "--restore", backup, "--backup-dir", tmp_path / "b2", env=KZ_ENV, fake=fake)
        assert restored.exit_code == 0, restored.stderr
        assert "replaced" in restored.stderr
        doc = next(v for v in of_kind(fake, "temporal_rule").values() if v["name"] == "Closures #1")
        assert (doc["enabled"], doc["flags"], doc["type"], doc["exclude"]) == (False, ["keep-me"], "main_holidays",
                                                                               ["20260101"])
        assert (fake.state.store[set_id]["flags"], fake.state.store[set_id]["type"]) == (["set-flag"],
                                                                                         "main_holidays")
        again = run("upload", "--restore", backup, "--backup-dir", tmp_path / "b3", env=KZ_ENV, fake=fake)
        assert "unchanged" in again.stderr, again.stderr
        # a body's own extra fields are sent and compared like the others
        data = json.loads(second.read_text())
        data["rules"][0]["flags"] = ["from-the-body"]
        second.write_text(json.dumps(data))
        assert "replaced" in upload(fake, second).stderr
        doc = next(v for v in of_kind(fake, "temporal_rule").values() if v["name"] == "Closures #1")
        assert doc["flags"] == ["from-the-body"] and "enabled" not in doc
        assert "unchanged" in upload(fake, second).stderr


class RefuseThirdRule(KazooApi):
    """Answers the third rule create with 400 (a validation the fake's schema does not know)."""

    def __init__(self) -> None:
        super().__init__()
        self.creates = 0

    def handle(self, state, method, path, auth, body):
        if method == "PUT" and path.endswith("/temporal_rules"):
            self.creates += 1
            if self.creates == 3:
                return self.failure(400, "validation failed", {"x": "refused"})
        return super().handle(state, method, path, auth, body)


def test_a_failed_create_names_the_rules_it_left_and_a_re_run_converges(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(RefuseThirdRule()) as fake:
        failed = upload(fake, path)
        assert failed.exit_code == 4, failed.stderr
        left = sorted(of_kind(fake, "temporal_rule"))
        assert len(left) == 2 and not rule_sets(fake)
        last = failed.stderr.strip().splitlines()[-1]
        assert "nothing was created" not in last and "2 rules named 'Closures #n'" in last
        assert all(i in last for i in left) and "re-run converges" in last
        again = upload(fake, path)
        assert "created: 'Closures'" in again.stderr, again.stderr
        assert held_rules(fake) == written(path) and len(of_kind(fake, "temporal_rule")) == len(written(path))


def test_place_options_of_other_platforms_are_refused(tmp_path):
    kazoo = body(tmp_path, "2026")
    netsapiens = tmp_path / "ns.json"
    netsapiens.write_text(run("convert", "holidays:US", "--years", "2026", "--to", "netsapiens").stdout)
    cases = [(["upload", netsapiens, "--account", KZ_SUB], "--account is for kazoo, not netsapiens"),
             (["upload", kazoo, "--location", "Main"], "--location is for webex, not kazoo"),
             (["upload", kazoo, "--org", "x"], "--org is for webex, not kazoo"),
             (["upload", kazoo, "--domain", "example.com"], "--domain is for netsapiens, not kazoo"),
             (["download", "--platform", "telphin", "--account", KZ_SUB], "--account is for kazoo, not telphin")]
    with FakeServer(KazooApi()) as fake:
        for args, words in cases:
            result = run(*args, "--server", fake.url, env=KZ_ENV, fake=fake)
            assert result.exit_code == 2 and words in result.stderr, result.stderr
            assert result.stderr.count("\n") == 1 and fake.state.requests == []
        assert upload(fake, kazoo, "--account", KZ_ACCOUNT).exit_code == 0  # its own option is used
