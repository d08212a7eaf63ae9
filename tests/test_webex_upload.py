"""Webex uploads against a fake Calling API on 127.0.0.1: the location by name or id (and in a customer
organisation with --org), its zone compared with the body's, the holidays schedule created with its events, then
its events changed in place (the schedule's id and name never change), 'unchanged' on re-run, restore, download,
through 429 with Retry-After and other faults, paginated lists, and no secret printed."""

import json
import time
from pathlib import Path

import pytest
from fakes import WX_ENV, FakeServer, Fault, WebexApi
from test_upload import run

from pbxcal.platforms.webex import target as wx

NY = ["--timezone", "America/New_York"]


def body(tmp_path: Path, years: str, name: str = "Closures", *extra: str) -> Path:
    result = run("convert", "holidays:US", "--years", years, "--to", "webex", "--name", name, *NY, *extra)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / f"webex-{years}-{name}.json"
    path.write_text(result.stdout)
    return path


def upload(fake, path, *extra, location="HQ", backups=None):
    return run("upload", path, "--server", fake.url, "--location", location, "--retries", "2", "--timeout", "2",
               *extra, "--backup-dir", backups or Path(path).parent / "backups", env=WX_ENV, fake=fake)


def held(fake, name="Closures", location="bG9jLWhx"):
    [schedule] = [s for s in fake.state.store.values() if s["name"] == name and s["locationId"] == location]
    return schedule


def strip(events):
    return sorted(({k: v for k, v in e.items() if k != "id"} for e in events), key=lambda e: e["name"])


def written(path):
    return strip(json.loads(Path(path).read_text())["schedule"]["events"])


def methods(fake):
    return [m for m, _ in fake.state.requests]


def test_create_unchanged_replace_in_place_restore_and_download(tmp_path):
    first, second = body(tmp_path, "2026-2027"), body(tmp_path, "2027-2028")
    with FakeServer(WebexApi()) as fake:
        created = upload(fake, first)
        assert created.exit_code == 0, created.stderr
        assert "created: 'Closures' on Webex location 'HQ'" in created.stderr
        assert "does nothing until an auto attendant or call queue uses it" in created.stderr
        schedule = held(fake)
        assert schedule["type"] == "holidays" and strip(schedule["events"]) == written(first)
        fake.state.requests.clear()
        again = upload(fake, first)
        assert "unchanged: 'Closures'" in again.stderr and set(methods(fake)) == {"GET"}
        assert "does nothing until" not in again.stderr
        before = json.loads(json.dumps(schedule))
        fake.state.requests.clear()
        replaced = upload(fake, second)
        assert replaced.exit_code == 0 and "replaced: 'Closures'" in replaced.stderr, replaced.stderr
        assert held(fake)["id"] == before["id"]  # in place: auto attendants refer to it by name
        assert strip(held(fake)["events"]) == written(second)
        assert {"PUT", "POST", "DELETE"} <= set(methods(fake))
        assert not any(m == "PUT" and "/events/" not in p for m, p in fake.state.requests)  # never the schedule
        [backup] = (tmp_path / "backups").glob("pbxcal-backup-webex-Closures-*.json")
        record = json.loads(backup.read_text())
        assert record["location"] == {"platform": "webex", "server": fake.url, "location": "bG9jLWhx", "org": None}
        assert strip(record["saved"]["schedule"]["events"]) == strip(before["events"])
        restored = run("upload", "--restore", backup, "--backup-dir", tmp_path / "b2", env=WX_ENV, fake=fake)
        assert restored.exit_code == 0 and "replaced: 'Closures'" in restored.stderr, restored.stderr
        assert strip(held(fake)["events"]) == strip(before["events"])
        downloaded = run("download", "--platform", "webex", "--server", fake.url, "--location", "HQ", "--name",
                         "Closures", env=WX_ENV, fake=fake)
        assert downloaded.exit_code == 0
        saved = json.loads(downloaded.stdout)
        assert saved["timezone"] == "America/New_York" and strip(saved["schedule"]["events"]) == strip(
            before["events"])
        path = tmp_path / "downloaded.json"  # a download is a source: migrate it to another platform
        path.write_text(downloaded.stdout)
        assert run("convert", path, "--to", "netsapiens", "--years", "2026-2027").exit_code == 0


def test_lists_are_followed_page_by_page_and_names_match_exactly(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(WebexApi()) as fake:
        for name in ("Closures 2", "Closures old", "A", "B", "Closures x"):
            key = name.replace(" ", "")
            fake.state.store[f"bG9jLWhx/{key}"] = {"id": key, "name": name, "type": "holidays",
                                                  "locationId": "bG9jLWhx", "events": []}
        assert "created: 'Closures'" in upload(fake, path).stderr
        listing = run("download", "--platform", "webex", "--server", fake.url, "--location", "HQ", env=WX_ENV,
                      fake=fake)
        assert listing.exit_code == 0 and len(json.loads(listing.stdout)) == 6  # three pages of two
        assert sum("start=" in p for _, p in fake.state.requests) >= 2
        assert "unchanged" in upload(fake, path).stderr


def test_the_location_is_found_by_name_or_id_and_a_partner_acts_in_a_customer_org(tmp_path):
    path = body(tmp_path, "2026")
    london = tmp_path / "london.json"
    london.write_text(run("convert", "holidays:GB", "--years", "2026", "--to", "webex", "--name", "Closures",
                          "--timezone", "Europe/London").stdout)
    with FakeServer(WebexApi()) as fake:
        assert "created" in upload(fake, path, location="bG9jLWhx").stderr
        assert "unchanged" in upload(fake, path).stderr
        assert "created" in upload(fake, london, "--org", WebexApi.CUSTOMER).stderr
        assert held(fake, location="bG9jLWN1c3RvbWVy")["events"]
        assert all("orgId=org-customer" in p for _, p in fake.state.requests[-4:])
        missing = upload(fake, path, location="Nowhere")
        assert missing.exit_code == 4 and "no Webex location is named 'Nowhere'" in missing.stderr
        twins = upload(fake, path, location="Twin")
        assert twins.exit_code == 4 and "2 Webex locations are named 'Twin'" in twins.stderr
        none = run("upload", path, "--server", fake.url, env=WX_ENV, fake=fake)
        assert none.exit_code == 2 and "--location is required" in none.stderr


def test_the_location_zone_must_be_the_body_zone_unless_told(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(WebexApi()) as fake:
        refused = upload(fake, path, location="Berlin")
        assert refused.exit_code == 2 and "runs on Europe/Berlin, the body on America/New_York" in refused.stderr
        assert refused.stderr.count("\n") == 1 and not any(m != "GET" for m in methods(fake))
        allowed = upload(fake, path, "--allow-zone-mismatch", location="Berlin")
        assert allowed.exit_code == 0 and "warning" in allowed.stderr and "created" in allowed.stderr


def test_dry_run_prints_each_change_and_sends_none(tmp_path):
    first, second = body(tmp_path, "2026"), body(tmp_path, "2026-2027")
    with FakeServer(WebexApi()) as fake:
        dry = upload(fake, first, "--dry-run")
        assert dry.exit_code == 0 and "would create" in dry.stderr and "dry run: POST" in dry.stderr
        assert fake.state.store == {} and "does nothing until" not in dry.stderr
        assert upload(fake, first).exit_code == 0
        stored = json.loads(json.dumps(fake.state.store))
        fake.state.requests.clear()
        dry = upload(fake, second, "--dry-run")
        assert "would replace" in dry.stderr and "dry run: POST" in dry.stderr and fake.state.store == stored
        assert set(methods(fake)) == {"GET"}


def test_429_with_retry_after_is_waited_for_and_said(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(WebexApi()) as fake:
        fake.state.faults = [Fault("GET", "/schedules", "429-wait", payload=1)]
        started = time.monotonic()
        result = upload(fake, path)
        assert result.exit_code == 0, result.stderr
        assert "retrying after HTTP 429, Retry-After 1 (1/2)" in result.stderr and time.monotonic() - started >= 1
        fake.state.faults = [Fault("POST", "/schedules", "429-wait", payload=1)]  # a create is resent after a 429
        assert upload(fake, body(tmp_path, "2026", "Other")).exit_code == 0
        assert len(fake.state.store) == 2


@pytest.mark.parametrize("kind", ["late", "drop-after", "500-after"])
def test_a_create_whose_answer_is_lost_is_read_back_and_not_sent_again(tmp_path, kind):
    path = body(tmp_path, "2026")
    with FakeServer(WebexApi()) as fake:
        fake.state.faults = [Fault("POST", "/schedules", kind)]
        fake.state.slow_seconds = 3
        result = upload(fake, path)
        assert result.exit_code == 0, result.stderr
        assert "read back, the platform holds it" in result.stderr
        assert strip(held(fake)["events"]) == written(path)


@pytest.mark.parametrize(("kind", "words"), [("500-after", "read back, the schedule holds it"),
                                             ("500", "sending it again (2/3)")])
def test_an_event_create_with_an_unknown_outcome_is_read_back_first(tmp_path, kind, words):
    first, second = body(tmp_path, "2026"), body(tmp_path, "2026-2027")
    with FakeServer(WebexApi()) as fake:
        assert upload(fake, first).exit_code == 0
        fake.state.faults = [Fault("POST", "/events", kind)]
        result = upload(fake, second)
        assert result.exit_code == 0 and words in result.stderr, result.stderr
        assert strip(held(fake)["events"]) == written(second)


def test_a_failed_change_says_what_the_platform_holds_and_a_rerun_finishes_it(tmp_path):
    first, second = body(tmp_path, "2026-2027"), body(tmp_path, "2027-2028")
    with FakeServer(WebexApi()) as fake:
        assert upload(fake, first).exit_code == 0
        fake.state.faults = [Fault("DELETE", "/events/", "500", times=10)]
        failed = upload(fake, second)
        assert failed.exit_code == 4 and "HTTP 500" in failed.stderr and "--restore" in failed.stderr
        assert "event changes made before it" in failed.stderr
        fake.state.faults = []
        assert "replaced: 'Closures'" in upload(fake, second).stderr
        assert strip(held(fake)["events"]) == written(second)


def test_unexpected_answers_stop_and_credentials_are_checked_and_never_printed(tmp_path):
    path = body(tmp_path, "2026")
    with FakeServer(WebexApi()) as fake:
        fake.state.faults = [Fault("GET", "/schedules", "shape", payload={"items": []})]
        odd = upload(fake, path)
        assert odd.exit_code == 4 and "unexpected answer" in odd.stderr
        fake.state.faults = [Fault("GET", "/locations", "echo", times=10)]
        echoed = upload(fake, path)
        assert echoed.exit_code == 4 and "***" in echoed.stderr
        fake.state.faults = []
        none = run("upload", path, "--server", fake.url, "--location", "HQ", env={"WEBEX_TOKEN": ""}, fake=fake)
        assert none.exit_code == 2 and "WEBEX_TOKEN" in none.stderr and fake.state.store == {}
        wrong = run("upload", path, "--server", fake.url, "--location", "HQ", "--retries", "0",
                    env={"WEBEX_TOKEN": "wrong-token"}, fake=fake)
        assert wrong.exit_code == 4 and "HTTP 401" in wrong.stderr and "wrong-token" not in wrong.stderr


def test_bodies_pbxcal_cannot_read_are_refused_before_any_request(tmp_path):
    path = body(tmp_path, "2026")
    data = json.loads(path.read_text())
    data["schedule"]["events"][1]["name"] = data["schedule"]["events"][0]["name"]
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps(data))
    data["schedule"]["events"][0]["recurrence"] = {"recurForEver": True, "recurEndDate": "2030-01-01",
                                                   "recurWeekly": {"sunday": True}}
    ambiguous = tmp_path / "ambiguous.json"
    ambiguous.write_text(json.dumps(data))
    with FakeServer(WebexApi()) as fake:
        refused = upload(fake, twice)
        assert refused.exit_code == 2 and "two events are named" in refused.stderr and "twice.json" in refused.stderr
        refused = upload(fake, ambiguous)
        assert refused.exit_code == 2 and "both recurForEver and recurEndDate" in refused.stderr
        assert fake.state.requests == []
    assert wx.detect(json.loads(path.read_text()))


def test_a_list_that_never_ends_stops_with_exit_4(tmp_path, monkeypatch):
    """Pages are followed up to a limit: a server handing out new next links for ever cannot hold the run."""
    from pbxcal.platforms.webex import client

    monkeypatch.setattr(client, "MAX_PAGES", 2)
    with FakeServer(WebexApi()) as fake:
        for name in ("A", "B", "C", "D", "E"):
            fake.state.store[f"bG9jLWhx/{name}"] = {"id": name, "name": name, "type": "holidays",
                                                   "locationId": "bG9jLWhx", "events": []}
        listing = run("download", "--platform", "webex", "--server", fake.url, "--location", "HQ", env=WX_ENV,
                      fake=fake)
    assert listing.exit_code == 4 and "the list does not end" in listing.stderr and listing.stdout == ""
