"""3CX uploads against a fake XAPI on 127.0.0.1: a body is the holidays named after it, uploaded as a diff (201,
204, DELETE) after a backup, 'unchanged' on re-run, restored exactly, through injected faults, no secret printed;
every request body valid against the vendor's Pbx.Holiday schema."""

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
import threecx_schema
from fakes import TX_ENV, FakeServer, Fault, ThreeCXApi
from test_upload import run

ZONE = ["--timezone", "Europe/London"]


def body(tmp_path: Path, years: str, name: str = "Closures", *extra: str) -> Path:
    result = run("convert", "holidays:GB", "--years", years, "--to", "3cx", "--name", name, *ZONE, *extra)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / f"3cx-{years}-{name}.json"
    path.write_text(result.stdout)
    return path


def upload(fake, path, *extra, backups=None):
    return run("upload", path, "--server", fake.url, "--retries", "2", "--timeout", "0.5", *extra,
               "--backup-dir", backups or Path(path).parent / "backups", env=TX_ENV, fake=fake)


def held(fake, name="Closures"):
    return sorted((h for h in fake.state.store.values() if h["Name"].startswith(f"{name} · ")),
                  key=lambda h: h["Name"])


def written(path):
    return sorted(json.loads(Path(path).read_text())["holidays"], key=lambda h: h["Name"])


def strip(holidays):
    return [{k: v for k, v in h.items() if k not in ("Id", "Group", "HolidayPrompt")} for h in holidays]


def without_ids(holidays):
    return [{k: v for k, v in h.items() if k != "Id"} for h in holidays]


def methods(fake):
    return [m for m, _ in fake.state.requests]


def test_the_extracted_schema_matches_the_vendor_file():
    if not threecx_schema.VENDOR_PATH.exists():
        pytest.skip("../shared/spec is not beside this checkout")
    assert json.loads(threecx_schema.SCHEMA_PATH.read_text()) == threecx_schema.extract(threecx_schema._vendor())


def changed(path: Path) -> Path:
    """The body with its first 2027 holiday ending at noon: same name, new contents (a PATCH)."""
    data = json.loads(path.read_text())
    next(h for h in data["holidays"] if h["Year"] == 2027)["TimeOfEndDate"] = "PT12H"
    path.write_text(json.dumps(data))
    return path


def test_create_unchanged_diff_restore_and_download(tmp_path):
    first, second = body(tmp_path, "2026-2027"), changed(body(tmp_path, "2027-2028"))
    with FakeServer(ThreeCXApi()) as fake:
        fake.state.store["1"] = {"Id": 1, "Name": "Other · Staff party 2026-12-18", "Year": 2026, "Month": 12,
                                 "Day": 18, "YearEnd": 2026, "MonthEnd": 12, "DayEnd": 18, "IsRecurrent": False,
                                 "TimeOfStartDate": "PT0S", "TimeOfEndDate": "PT23H59M", "Group": None,
                                 "HolidayPrompt": None}
        created = upload(fake, first)
        assert created.exit_code == 0, created.stderr
        assert "created: 'Closures'" in created.stderr
        assert strip(held(fake)) == written(first)
        assert all(not threecx_schema.problems(b, create=True) for m, _, b in fake.state.bodies if m == "POST"
                   and isinstance(b, dict) and "Name" in b)
        fake.state.requests.clear()
        again = upload(fake, first)
        assert "unchanged: 'Closures'" in again.stderr and set(methods(fake)) == {"GET", "POST"}  # POST: the token
        for number, one in enumerate(held(fake)):  # set in the console: kept by the diff, saved and restored
            one.update(Group=f"Sales {number}", HolidayPrompt=f"closed-{number}.wav")
        before = json.loads(json.dumps(held(fake)))
        fake.state.requests.clear()
        replaced = upload(fake, second)
        assert replaced.exit_code == 0 and "replaced: 'Closures'" in replaced.stderr, replaced.stderr
        assert strip(held(fake)) == written(second)
        assert {"PATCH", "DELETE", "POST"} <= set(methods(fake))
        gone = [n for n in (h["Name"] for h in before) if n not in {h["Name"] for h in written(second)}]
        assert gone and f"deleting {len(gone)} holiday(s) of 'Closures'" in replaced.stderr
        assert all(repr(n) in replaced.stderr for n in gone)
        assert fake.state.store["1"]["Name"].startswith("Other · ")  # another body's holiday is never touched
        [backup] = (tmp_path / "backups").glob("pbxcal-backup-3cx-Closures-*.json")
        assert sorted(json.loads(backup.read_text())["saved"]["holidays"], key=lambda h: h["Name"]) == before
        restored = run("upload", "--restore", backup, "--backup-dir", tmp_path / "b2", env=TX_ENV, fake=fake)
        assert restored.exit_code == 0 and "replaced: 'Closures'" in restored.stderr, restored.stderr
        assert without_ids(held(fake)) == without_ids(before)
        assert "unchanged: 'Closures'" in run("upload", "--restore", backup, "--backup-dir", tmp_path / "b3",
                                              env=TX_ENV, fake=fake).stderr
        downloaded = run("download", "--platform", "3cx", "--server", fake.url, "--name", "Closures", env=TX_ENV,
                         fake=fake)
        assert downloaded.exit_code == 0
        assert strip(sorted(json.loads(downloaded.stdout)["holidays"], key=lambda h: h["Name"])) == strip(before)
        everything = run("download", "--platform", "threecx", "--server", fake.url, env=TX_ENV, fake=fake)
        assert len(json.loads(everything.stdout)) == len(before) + 1


def test_dry_run_prints_the_diff_and_sends_no_change(tmp_path):
    first, second = body(tmp_path, "2026"), body(tmp_path, "2026-2027")
    with FakeServer(ThreeCXApi()) as fake:
        dry = upload(fake, first, "--dry-run")
        assert dry.exit_code == 0 and "would create" in dry.stderr and "dry run: POST" in dry.stderr
        assert fake.state.store == {}
        assert upload(fake, first).exit_code == 0
        stored = json.loads(json.dumps(fake.state.store))
        fake.state.requests.clear()
        dry = upload(fake, second, "--dry-run")
        assert "would replace" in dry.stderr and fake.state.store == stored
        assert set(methods(fake)) == {"GET", "POST"} and [p for m, p in fake.state.requests if m == "POST"] == [
            "/connect/token"]


@pytest.mark.parametrize("kind", ["late", "drop-after", "500-after"])
def test_a_create_whose_answer_is_lost_is_read_back_and_not_sent_again(tmp_path, kind):
    path = body(tmp_path, "2026")
    with FakeServer(ThreeCXApi()) as fake:
        fake.state.faults = [Fault("POST", "/Holidays", kind)]
        result = upload(fake, path)
        assert result.exit_code == 0, result.stderr
        assert "read back, the platform holds it" in result.stderr
        assert strip(held(fake)) == written(path)


@pytest.mark.parametrize("kind", ["500", "drop"])
def test_a_create_that_did_not_land_is_sent_again(tmp_path, kind):
    path = body(tmp_path, "2026")
    with FakeServer(ThreeCXApi()) as fake:
        fake.state.faults = [Fault("POST", "/Holidays", kind)]
        result = upload(fake, path)
        assert result.exit_code == 0, result.stderr
        assert "sending it again (2/3)" in result.stderr and strip(held(fake)) == written(path)


def test_reads_patches_and_deletes_are_retried_and_an_expired_token_is_renewed(tmp_path):
    first, second = body(tmp_path, "2026-2027"), changed(body(tmp_path, "2027-2028"))
    with FakeServer(ThreeCXApi()) as fake:
        fake.state.faults = [Fault("GET", "/Holidays", "429"), Fault("GET", "/Holidays", "drop")]
        assert upload(fake, first).exit_code == 0
        fake.state.faults = [Fault("PATCH", "/Holidays(", "500"), Fault("DELETE", "/Holidays(", "503"),
                             Fault("GET", "/Holidays", "expire")]
        result = upload(fake, second)
        assert result.exit_code == 0, result.stderr
        assert "retrying after HTTP 500" in result.stderr and "asking for a new one" in result.stderr
        assert strip(held(fake)) == written(second)


def test_a_failed_diff_says_what_the_platform_holds_and_keeps_a_backup(tmp_path):
    first, second = body(tmp_path, "2026-2027"), body(tmp_path, "2027-2028")
    with FakeServer(ThreeCXApi()) as fake:
        assert upload(fake, first).exit_code == 0
        fake.state.faults = [Fault("DELETE", "/Holidays(", "500", times=10)]
        failed = upload(fake, second)
        assert failed.exit_code == 4 and "HTTP 500" in failed.stderr and "--restore" in failed.stderr
        assert "changes made before it" in failed.stderr and "holds neither" in failed.stderr
        fake.state.faults = []
        assert "replaced: 'Closures'" in upload(fake, second).stderr  # a re-run finishes the job
        assert strip(held(fake)) == written(second)


def test_duplicates_of_one_holiday_are_deleted_and_unknown_answers_stop(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(ThreeCXApi()) as fake:
        assert upload(fake, path).exit_code == 0
        copy = {**held(fake)[0], "Id": 999}
        fake.state.store["999"] = copy
        result = upload(fake, path)
        assert "replaced: 'Closures'" in result.stderr and "999" not in fake.state.store
        fake.state.faults = [Fault("GET", "/Holidays", "shape", payload=[{"Id": 1}])]
        odd = upload(fake, path)
        assert odd.exit_code == 4 and "unexpected answer" in odd.stderr


@pytest.mark.parametrize(("env", "status", "words"), [
    ({}, 2, "no 3CX credentials"),
    ({**TX_ENV, "THREECX_CLIENT_SECRET": "wrong-secret"}, 4, "HTTP 400"),
])
def test_credentials_are_checked_and_never_printed(tmp_path, env, status, words):
    path = body(tmp_path, "2026")
    with FakeServer(ThreeCXApi()) as fake:
        result = run("upload", path, "--server", fake.url, "--retries", "0",
                     env={"THREECX_CLIENT_ID": "", "THREECX_CLIENT_SECRET": "", **env}, fake=fake)
        assert result.exit_code == status and words in result.stderr, result.stderr
        assert "wrong-secret" not in result.stderr


def test_a_gateway_echoing_the_request_leaks_no_secret(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(ThreeCXApi()) as fake:
        fake.state.faults = [Fault("GET", "/Holidays", "echo", times=10)]
        result = upload(fake, path)
        assert result.exit_code == 4 and "***" in result.stderr


def test_a_body_with_holidays_it_does_not_own_is_refused_before_any_request(tmp_path):
    path = body(tmp_path, "2026")
    data = json.loads(path.read_text())
    data["holidays"][0]["Name"] = "Somebody else · Day 2026-01-01"
    path.write_text(json.dumps(data))
    with FakeServer(ThreeCXApi()) as fake:
        result = upload(fake, path)
        assert result.exit_code == 2 and "not named Closures · " in result.stderr
        assert fake.state.requests == []


@pytest.mark.parametrize("name", ["Acme · East", "Acme·East", "Acme ·"])
def test_a_body_name_holding_the_separator_is_refused_before_any_request(tmp_path, name):
    path = body(tmp_path, "2026")
    data = json.loads(path.read_text())
    data["name"] = name
    for one in data["holidays"]:
        one["Name"] = one["Name"].replace("Closures", name, 1)
    path.write_text(json.dumps(data))
    with FakeServer(ThreeCXApi()) as fake:
        result = upload(fake, path)
        assert result.exit_code == 2 and fake.state.requests == [], result.stderr
        assert result.stderr.count("\n") == 1 and str(path) in result.stderr and "'·'" in result.stderr


def test_an_empty_body_is_nothing_held_and_allow_empty_deletes_after_a_backup(tmp_path):
    full = body(tmp_path, "2026")
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"name": "Closures", "timezone": "Europe/London", "holidays": []}))
    with FakeServer(ThreeCXApi()) as fake:
        fresh = upload(fake, empty)
        assert fresh.exit_code == 0 and "unchanged: 'Closures'" in fresh.stderr, fresh.stderr
        assert set(methods(fake)) == {"GET", "POST"} and fake.state.store == {}  # POST: the token
        assert upload(fake, full).exit_code == 0 and held(fake)
        refused = upload(fake, empty)
        assert refused.exit_code == 2 and "--allow-empty" in refused.stderr and held(fake)
        emptied = upload(fake, empty, "--allow-empty")
        assert emptied.exit_code == 0 and "replaced: 'Closures'" in emptied.stderr, emptied.stderr
        assert held(fake) == [] and len(list((tmp_path / "backups").glob("pbxcal-backup-3cx-Closures-*"))) == 1
        again = upload(fake, empty, "--allow-empty")
        assert again.exit_code == 0 and "unchanged: 'Closures'" in again.stderr, again.stderr


def test_a_holiday_field_pbxcal_does_not_know_is_refused_before_any_request(tmp_path):
    path = body(tmp_path, "2026")
    data = json.loads(path.read_text())
    data["holidays"][0]["Colour"] = "red"
    path.write_text(json.dumps(data))
    with FakeServer(ThreeCXApi()) as fake:
        result = upload(fake, path)
        assert result.exit_code == 2 and fake.state.requests == [], result.stderr
        assert result.stderr.count("\n") == 1 and str(path) in result.stderr and "Colour" in result.stderr


def test_group_and_prompt_in_a_body_are_sent_and_compared(tmp_path):
    path = body(tmp_path, "2026")
    data = json.loads(path.read_text())
    data["holidays"][0].update(Group="Sales", HolidayPrompt="closed.wav")
    path.write_text(json.dumps(data))
    with FakeServer(ThreeCXApi()) as fake:
        assert upload(fake, path).exit_code == 0
        [one] = [h for h in held(fake) if h["Name"] == data["holidays"][0]["Name"]]
        assert (one["Group"], one["HolidayPrompt"]) == ("Sales", "closed.wav")
        assert "unchanged" in upload(fake, path).stderr
        one["HolidayPrompt"] = "other.wav"
        fake.state.requests.clear()
        assert "replaced" in upload(fake, path).stderr and one["HolidayPrompt"] == "closed.wav"
        assert methods(fake).count("PATCH") == 1 and "DELETE" not in methods(fake)


def test_next_years_body_keeps_the_recurrent_holidays_with_their_ids_and_prompts(tmp_path):
    first, second = (body(tmp_path, years, "Closures", "--open-ended") for years in ("2026-2030", "2027-2031"))
    with FakeServer(ThreeCXApi()) as fake:
        assert upload(fake, first).exit_code == 0
        recurrent = {h["Name"]: h for h in held(fake) if h["IsRecurrent"]}
        assert "Closures · Christmas Day every 12-25" in recurrent
        for one in recurrent.values():
            one["HolidayPrompt"] = "closed.wav"
        ids = {name: h["Id"] for name, h in recurrent.items()}
        fake.state.requests.clear()
        result = upload(fake, second)
        assert result.exit_code == 0 and "replaced: 'Closures'" in result.stderr, result.stderr
        kept = {h["Name"]: h for h in held(fake) if h["IsRecurrent"]}
        assert {name: h["Id"] for name, h in kept.items()} == ids
        assert {h["HolidayPrompt"] for h in kept.values()} == {"closed.wav"}
        assert not any(p.endswith(tuple(f"({i})" for i in ids.values())) for _, p in fake.state.requests)


@pytest.mark.parametrize("odd", [
    {"Day": 1, "DayEnd": 3, "TimeOfStartDate": "PT9H", "TimeOfEndDate": "PT17H"},  # a timed multi-day range
    {"Year": 0, "YearEnd": 0, "IsRecurrent": True},
    {"TimeOfEndDate": "09:00"},
    {"TimeOfStartDate": None, "IsRecurrent": "yes"},
])
@pytest.mark.parametrize("kept", [False, True])
def test_a_holiday_pbxcal_cannot_read_on_the_pbx_is_replaced_after_the_backup_and_restored_raw(tmp_path, odd,
                                                                                                 kept):
    path = body(tmp_path, "2026")
    with FakeServer(ThreeCXApi()) as fake:
        assert upload(fake, path).exit_code == 0
        name = held(fake)[0]["Name"] if kept else "Closures · Stocktake"
        fake.state.store["5"] = {"Id": 5, "Name": name, "Year": 2026, "Month": 6, "Day": 1, "YearEnd": 2026,
                                 "MonthEnd": 6, "DayEnd": 1, "TimeOfStartDate": "PT0S", "TimeOfEndDate": "PT23H59M",
                                 "IsRecurrent": False, "Group": None, "HolidayPrompt": None, **odd}
        raw = dict(fake.state.store["5"])
        result = upload(fake, path)
        assert result.exit_code == 0 and "replaced: 'Closures'" in result.stderr, result.stderr
        assert strip(held(fake)) == written(path)
        [backup] = (tmp_path / "backups").glob("pbxcal-backup-3cx-Closures-*.json")
        assert raw in json.loads(backup.read_text())["saved"]["holidays"]
        assert "unchanged" in upload(fake, path).stderr
        if kept or threecx_schema.problems(without_ids([raw])[0], create=True):
            return  # a second copy of one name, or a holiday the vendor schema refuses, cannot be put back
        restored = run("upload", "--restore", backup, "--backup-dir", tmp_path / "b2", env=TX_ENV, fake=fake)
        assert restored.exit_code == 0 and "replaced: 'Closures'" in restored.stderr, restored.stderr
        assert without_ids(h for h in fake.state.store.values() if h["Name"] == name) == without_ids([raw])


class RefusingApi(ThreeCXApi):
    """Refuses to create one holiday, as a PBX with a rule of its own would."""

    def handle(self, state, method, path, auth, body):
        if method == "POST" and isinstance(body, dict) and "May Day" in str(body.get("Name")):
            return 400, {"error": {"code": "400", "message": "Name too long for the PBX"}}
        return super().handle(state, method, path, auth, body)


def test_a_create_refused_part_way_says_what_the_server_answered(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(RefusingApi()) as fake:
        result = upload(fake, path)
        assert result.exit_code == 4, result.stderr
        last = result.stderr.splitlines()[-1]
        assert "creating 'Closures' failed" in last and "HTTP 400" in last and "Name too long" in last, last
        assert "changes made before it" in last and "re-run" in last and "another upload" not in last


def test_a_downloaded_list_of_every_holiday_is_refused_with_a_hint(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(ThreeCXApi()) as fake:
        assert upload(fake, path).exit_code == 0
        everything = run("download", "--platform", "3cx", "--server", fake.url, env=TX_ENV, fake=fake)
        listed = tmp_path / "all.json"
        listed.write_text(everything.stdout)
        fake.state.requests.clear()
        result = upload(fake, listed)
        assert result.exit_code == 2 and fake.state.requests == [], result.stderr
        assert result.stderr.count("\n") == 1 and str(listed) in result.stderr and "--name" in result.stderr


def test_a_replace_names_the_hand_made_holidays_it_deletes(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(ThreeCXApi()) as fake:
        assert upload(fake, path).exit_code == 0
        fake.state.store["5"] = {**held(fake)[0], "Id": 5, "Name": "Closures · Stocktake"}
        dry = upload(fake, path, "--dry-run")
        assert "would delete 1 holiday(s) of 'Closures' the body does not hold: 'Closures · Stocktake'" in dry.stderr
        result = upload(fake, path)
        assert result.exit_code == 0 and "deleting 1 holiday(s)" in result.stderr and "'Closures · Stocktake'" in (
            result.stderr) and "5" not in fake.state.store


def test_a_name_with_a_quote_is_an_odata_literal_with_the_quote_doubled(tmp_path):
    path = body(tmp_path, "2026", "O'Brien & Co")
    with FakeServer(ThreeCXApi()) as fake:
        assert upload(fake, path).exit_code == 0
        assert "unchanged: \"O'Brien & Co\"" in upload(fake, path).stderr
        filters = {unquote(p.partition("$filter=")[2]) for m, p in fake.state.requests if "$filter=" in p}
        assert filters == {"startswith(Name,'O''Brien & Co · ')"}
        assert len(held(fake, "O'Brien & Co")) == len(written(path)) == len(fake.state.store)


class PagedApi(ThreeCXApi):
    """Answers every list with a link to a next page, which pbxcal does not follow."""

    def handle(self, state, method, path, auth, body):
        status, data = super().handle(state, method, path, auth, body)
        if method == "GET" and isinstance(data, dict) and "value" in data:
            data = {**data, "@odata.nextLink": "https://pbx/xapi/v1/Holidays?$skip=100"}
        return status, data


def test_a_paged_list_stops_the_upload_before_anything_is_written(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(PagedApi()) as fake:
        result = upload(fake, path)
        assert result.exit_code == 4 and "@odata.nextLink" in result.stderr and "nothing was written" in (
            result.stderr), result.stderr
        assert fake.state.store == {} and methods(fake).count("POST") == 1  # the token
