"""The user docs say what the code does: every field, type and option the writers and evaluators know appears in
docs/, the links resolve, and no page points outside the repository."""

import re
from pathlib import Path

import pytest

from pbxcal.platforms import PLATFORMS
from pbxcal.platforms.ics import target as ics_target
from pbxcal.platforms.kazoo import client as kz_client
from pbxcal.platforms.kazoo import rules as kz_rules
from pbxcal.platforms.kazoo import target as kz
from pbxcal.platforms.netsapiens import client as ns_client
from pbxcal.platforms.netsapiens import holiday_api
from pbxcal.platforms.netsapiens import target as ns
from pbxcal.platforms.telphin import target as tp
from pbxcal.platforms.threecx import target as tx
from pbxcal.platforms.webex import client as wx_client
from pbxcal.platforms.webex import target as wx

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "words"), [
    ("netsapiens.md", [*ns.TYPES, *ns.CUSTOM_UNITS, *ns.CUSTOM_OPTIONS, *ns.READABLE_ARRAYS, *ns.FIELDS, ns.ARRAY,
                       *holiday_api.FIELDS, holiday_api.ARRAY, holiday_api.WORKWEEK, *ns_client.ARRAYS_OF,
                       *ns_client.CONVERT_KEY.values(), *ns_client.OAUTH_VARIABLES, "onADate", "onDate", "never",
                       "yearlyOnHoliday", "synchronous", "2359"]),
    ("telphin.md", [*tp.FIELDS, *tp.SCHED, "23:59:59", str(tp.BLOCK_HORIZON), "TELPHIN_CLIENT_ID",
                    "TELPHIN_CLIENT_SECRET", "@me"]),
    ("ics.md", list(ics_target.FREQS.values())),
    ("3cx.md", [*tx.FIELDS, "Id", "Group", "HolidayPrompt", "PT23H59M", "PT0S", "THREECX_CLIENT_ID",
                "THREECX_CLIENT_SECRET", "/connect/token", "startswith(Name,", "Name eq", tx.SEPARATOR]),
    ("kazoo.md", [*kz.WRITTEN, *kz_rules.CYCLES, *kz_rules.ORDINALS, *kz_rules.IGNORED, "enabled", "monday",
                  "sunday", "86399", "86400", str(kz_rules.GREGORIAN_OFFSET), str(kz_rules.SCHEMA_START),
                  "KAZOO_API_KEY",
                  *kz_client.USER_VARIABLES, *kz_client.ACCOUNT_VARIABLES, "/v2/api_auth", "/v2/user_auth",
                  "X-Auth-Token", "next_start_key", "start_key", "--account", "--allow-zone-mismatch",
                  "temporal_route"]),
    ("webex.md", [*wx.EVENT_FIELDS, *wx.RECURRENCE_FIELDS, *wx.WEEKLY_KEYS, *wx.WEEKS.values(), "LAST", "JANUARY",
                  "DECEMBER", "MONDAY", "SUNDAY", "holidays", "businessHours", "23:59", "24:00", "WEBEX_TOKEN",
                  "orgId", "timeZone", "--location", "--org", "--allow-zone-mismatch", wx_client.DEFAULT_SERVER,
                  "rel=\"next\"", "spark-admin:telephony_config_write"]),
])
def test_every_name_the_code_knows_is_documented(name, words):
    text = page(name)
    missing = [w for w in words if w not in text]
    assert not missing, f"docs/{name} does not mention {missing}"


def test_telphin_weekday_numbering_is_documented():
    text = page("telphin.md")
    for number, day in tp.DOW_NAMES.items():
        assert re.search(rf"\b{number} = {day}\b", text), (number, day)


def test_every_target_has_a_page_and_the_index_links_every_page():
    index = page("README.md")
    for entry in PLATFORMS:
        assert (DOCS / f"{entry.name}.md").exists(), entry.name
    for doc in DOCS.glob("*.md"):
        assert doc.name == "README.md" or f"({doc.name})" in index


@pytest.mark.parametrize("doc", sorted([*DOCS.glob("*.md"), ROOT / "README.md"]), ids=lambda p: p.name)
def test_links_resolve_and_nothing_points_outside_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text and not re.search(r"/(work|home|Users|tmp)/\w", text)
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if not target.startswith(("http://", "https://", "mailto:")):
            assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"
