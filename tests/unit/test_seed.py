"""The facility loader: generated California facilities, CSV import, and the manage commands."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import zipcodes
from sqlalchemy import func, select

from bot import link_tokens
from bot.config import reset_settings
from bot.models import AuditEvent, Facility, FacilityRole, User
from bot.services.facilities import search_by_address, validate_facility_fields
from bot.seed import generate_facilities, import_facilities_csv, main as seed_main, plan_facilities

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "facilities_sample.csv"


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def _ca_standard_zips() -> dict[str, set[str]]:
    return {z["zip_code"]: {z["city"].lower(), *(c.lower() for c in z["acceptable_cities"])}
            for z in zipcodes.filter_by(state="CA") if z["zip_code_type"] == "STANDARD"}


# ---------------------------------------------------------------------------------------------- generate


def test_generate_stores_realistic_facilities_each_with_a_lead_user(db) -> None:  # type: ignore[no-untyped-def]
    result = generate_facilities(db, 300, seed=7)

    facilities = db.execute(select(Facility)).scalars().all()
    assert len(facilities) == 300 == len(result.facilities)
    cers_ids = [f.cers_id for f in facilities]
    assert len(set(cers_ids)) == 300
    assert all(re.fullmatch(r"\d{8}", c) and 10100000 <= int(c) <= 29999999 for c in cers_ids)

    ca = _ca_standard_zips()
    for f in facilities:
        assert f.zip in ca, f"{f.zip} is not a standard California ZIP"
        assert f.city.lower() in ca[f.zip], f"{f.city} is not a city of ZIP {f.zip}"
        assert f.county
        assert re.fullmatch(r"[1-9]\d{0,4}", f.street_number)
        assert f.street.startswith(f.street_number + " ") and len(f.street) > len(f.street_number) + 3
        assert f.name.strip()
        # exactly what the chat's "add facility" would store for the same input
        clean = validate_facility_fields(f.name, f.street, f.city, f.zip)
        assert (clean["name"], clean["street"], clean["street_number"], clean["city"], clean["county"]) == (
            f.name, f.street, f.street_number, f.city, f.county)
    assert len({f.city for f in facilities}) > 100  # spread across the state, not one town
    assert len({f.county for f in facilities}) > 25

    roles = db.execute(select(FacilityRole)).scalars().all()
    assert all(r.role == "lead" for r in roles)
    leads_by_facility: dict[int, list[FacilityRole]] = {}
    for r in roles:
        leads_by_facility.setdefault(r.facility_id, []).append(r)
    assert set(leads_by_facility) == {f.id for f in facilities}  # every facility has a Lead User role
    assert sum(1 for rs in leads_by_facility.values() if len(rs) == 2) == 30  # 10 %
    left = [fid for fid, rs in leads_by_facility.items() if all(r.ended_at is not None for r in rs)]
    assert len(left) == 9  # 3 %: the Lead User left, access requests there escalate
    assert sum(1 for r in roles if r.ended_at is not None) >= 9

    users = db.execute(select(User)).scalars().all()
    assert len(users) == 330 == result.users_created
    assert all(u.status == "active" and u.password_hash and u.password_hash.startswith("$argon2") for u in users)
    assert all(u.email.endswith(".example.com") for u in users)
    assert all(re.fullmatch(r"\(\d{3}\) 555-01\d\d", u.phone) for u in users)

    event = db.execute(select(AuditEvent).where(AuditEvent.action == "facility.import")).scalar_one()
    assert (event.actor_role, event.channel, event.actor_user_id) == ("system", "cli", None)
    assert event.details["count"] == 300


def test_generated_facilities_are_found_and_requests_escalate_where_the_lead_left(db) -> None:  # type: ignore[no-untyped-def]
    from bot.actor import Actor
    from bot.services import access, facilities

    result = generate_facilities(db, 100, seed=11)
    stays = next(p for p in result.facilities if not p.lead_left)
    left = next(p for p in result.facilities if p.lead_left)
    found = facilities.find_by_cers_id(db, stays.cers_id)
    assert found is not None and found.name == stays.name
    assert found.id in {f.id for f in search_by_address(db, stays.street_number, stays.street, stays.city)}

    requester = User(email="new.filer@example.com", full_name="New Filer", status="active")
    db.add(requester)
    db.flush()
    actor = Actor(user_id=requester.id)
    normal = access.request_access(db, actor, found.id, "(559) 555-0101", "Office Manager")
    assert normal.status == "pending"
    orphan = facilities.find_by_cers_id(db, left.cers_id)
    escalated = access.request_access(db, actor, orphan.id, "(559) 555-0101", "Office Manager")
    assert escalated.status == "escalated"


def test_generated_lead_users_cannot_log_in_with_a_guessable_password(db) -> None:  # type: ignore[no-untyped-def]
    from bot.passwords import verify_password

    generate_facilities(db, 20, seed=1)
    user = db.execute(select(User)).scalars().first()
    for guess in ("", "password", "password123", user.email, user.full_name):
        assert not verify_password(user.password_hash, guess)


def test_same_seed_gives_the_same_facilities_and_a_second_run_adds_new_ones(db) -> None:  # type: ignore[no-untyped-def]
    plan_a = plan_facilities(300, seed=7)
    assert plan_a == plan_facilities(300, seed=7)
    assert plan_a != plan_facilities(300, seed=8)

    generate_facilities(db, 300, seed=7)
    stored = {f.cers_id: (f.name, f.street, f.city, f.zip) for f in db.execute(select(Facility)).scalars()}
    assert stored == {p.cers_id: (p.name, p.street, p.city, p.zip) for p in plan_a}

    second = generate_facilities(db, 300, seed=7)  # same seed again: more facilities, no duplicate CERS IDs
    assert _count(db, Facility) == 600
    assert db.execute(select(func.count(func.distinct(Facility.cers_id)))).scalar_one() == 600
    assert db.execute(select(func.count(func.distinct(User.email)))).scalar_one() == _count(db, User) == 660
    assert {p.name for p in second.facilities} != {p.name for p in plan_a}


def test_generate_skips_cers_ids_already_in_use() -> None:
    planned = plan_facilities(50, seed=3)
    taken = {p.cers_id for p in planned[:10]}
    replanned = plan_facilities(50, seed=3, taken_cers_ids=taken)
    assert not taken & {p.cers_id for p in replanned}


def test_generate_command_loads_2500_facilities_quickly(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.db import migrate, reset_engines, session_scope

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'seed.db'}")
    monkeypatch.setenv("CERS_VAR_DIR", str(tmp_path))
    reset_settings()
    try:
        migrate()
        started = time.monotonic()
        assert seed_main(["generate", "--count", "2500", "--seed", "7"]) == 0
        assert time.monotonic() - started < 30
        out = capsys.readouterr().out
        with session_scope() as db:
            assert _count(db, Facility) == 2500
            samples = re.findall(r"CERS ID (\d{8})  (.+?)  (.+), CA (\d{5})", out)
            assert len(samples) == 3
            for cers_id, name, _street_city, zip5 in samples:
                facility = db.execute(select(Facility).where(Facility.cers_id == cers_id)).scalar_one()
                assert (facility.name, facility.zip) == (name, zip5)
    finally:
        reset_engines()
        reset_settings()


def test_generate_rejects_a_bad_count() -> None:
    from bot.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        plan_facilities(0, seed=1)
    assert "--count must be between 1" in str(exc.value)


# ---------------------------------------------------------------------------------------------- CSV import


def test_import_sample_stores_facilities_with_lead_roles(db) -> None:  # type: ignore[no-untyped-def]
    result = import_facilities_csv(db, SAMPLE)

    assert result.errors == []
    assert (result.created, result.updated, result.users_created) == (8, 0, 6)
    facilities = {f.cers_id: f for f in db.execute(select(Facility)).scalars()}
    assert len(facilities) == 8
    clovis = facilities["10234574"]  # written "1023-4574" in the file
    assert (clovis.street, clovis.street_number, clovis.city, clovis.zip, clovis.county) == (
        "680 W Shaw Ave", "680", "Clovis", "93612", "Fresno")
    assert facilities["10234570"].name == "Harbor Pool Supply, Inc."
    assert not facilities["10234570"].roles  # no lead columns on that row

    kevin = db.execute(select(User).where(User.email == "kevin.tran@sunrisecleaners.example.com")).scalar_one()
    assert (kevin.status, kevin.password_hash, kevin.phone) == ("pending", None, "(916) 555-0107")
    maria = db.execute(select(User).where(User.email == "maria.delgado@valleyautobody.example.com")).scalar_one()
    maria_sites = {r.facility.cers_id for r in maria.roles if r.role == "lead" and r.ended_at is None}
    assert maria_sites == {"10234567", "10234574"}  # one account, Lead User of both sites
    assert _count(db, FacilityRole) == 7
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "facility.import")).scalar_one()
    assert event.details["created"] == 8


def test_import_with_one_bad_row_stores_nothing_and_names_the_row_and_column(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = SAMPLE.read_text().splitlines()
    lines[3] = lines[3].replace(",Tulare,93274,", ",Tulare,10001,")  # row 4: a New York ZIP
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")

    result = import_facilities_csv(db, bad)

    assert [(e.row, e.column) for e in result.errors] == [(4, "zip")]
    assert "California" in result.errors[0].reason
    assert _count(db, Facility) == 0 and _count(db, User) == 0 and _count(db, AuditEvent) == 0


def test_import_reports_every_problem_at_once(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "cers_id,name,street,city,zip,lead_name,lead_email,lead_phone\n"
        "1234567,Shop A,12 Main St,Fresno,93721,,,\n"               # 7 digits
        "10300001,Shop B,Main St,Fresno,93721,,,\n"                 # no street number
        "10300002,Shop C,12 Main St,Oakland,93721,,,\n"             # city not of that ZIP
        "10300003,Shop D,12 Main St,Fresno,93721,Ann Lee,ann@,\n"   # bad email
        "10300004,Shop E,12 Main St,Fresno,93721,Bo Park,bo@x.example.com,555-12\n"  # bad phone
        "10300003,Shop F,14 Main St,Fresno,93721,,,\n"              # CERS ID repeated
        "10300005,Shop G,14 Main St,Fresno,93721,,new@x.example.com,\n"  # new user without a name
    )
    result = import_facilities_csv(db, bad)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "cers_id"), (3, "street"), (4, "city"), (5, "lead_email"), (6, "lead_phone"), (7, "cers_id"),
        (8, "lead_name"),
    ]
    assert "also on row 5" in result.errors[5].reason
    assert _count(db, Facility) == 0


def test_import_existing_cers_id_is_an_error_unless_update(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert import_facilities_csv(db, SAMPLE).errors == []
    changed = tmp_path / "changed.csv"
    changed.write_text("cers_id,name,street,city,zip\n10234568,Sunrise Cleaners & Tailor,900 J St,Sacramento,95814\n")

    result = import_facilities_csv(db, changed)
    assert [(e.row, e.column) for e in result.errors] == [(2, "cers_id")]
    assert "already exists" in result.errors[0].reason and "--update" in result.errors[0].reason
    facility = db.execute(select(Facility).where(Facility.cers_id == "10234568")).scalar_one()
    assert facility.name == "Sunrise Dry Cleaners"

    result = import_facilities_csv(db, changed, update=True)
    assert (result.errors, result.created, result.updated) == ([], 0, 1)
    db.refresh(facility)
    assert (facility.name, facility.street, facility.street_number) == ("Sunrise Cleaners & Tailor", "900 J St", "900")
    assert _count(db, Facility) == 8


def test_import_gives_an_existing_user_the_lead_role(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db.add(User(email="owner@shop.example.com", full_name="Existing Owner", status="active"))
    db.flush()
    f = tmp_path / "one.csv"
    f.write_text("cers_id,name,street,city,zip,lead_email\n10300010,Shop,12 Main St,Fresno,93721,Owner@Shop.example.com\n")
    result = import_facilities_csv(db, f)
    assert (result.errors, result.users_created, result.roles_added) == ([], 0, 1)
    user = db.execute(select(User).where(User.email == "owner@shop.example.com")).scalar_one()
    assert [(r.facility.cers_id, r.role, r.ended_at) for r in user.roles] == [("10300010", "lead", None)]
    assert user.status == "active" and user.full_name == "Existing Owner"


def test_import_dry_run_stores_nothing(db) -> None:  # type: ignore[no-untyped-def]
    result = import_facilities_csv(db, SAMPLE, dry_run=True)
    assert (result.errors, result.created) == ([], 8)
    assert _count(db, Facility) == 0 and _count(db, User) == 0


def test_import_header_problems(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "h.csv"
    f.write_text("cers,facility name,address,town,zip\n10300010,Shop,12 Main St,Fresno,93721\n")
    result = import_facilities_csv(db, f)
    assert [(e.row, e.column) for e in result.errors] == [(1, "header")]
    assert "city" in result.errors[0].reason
    f.write_text("")
    assert "empty" in import_facilities_csv(db, f).errors[0].reason


def test_import_semicolon_file_with_excel_bom(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "excel.csv"
    f.write_bytes("\ufeffCERS_ID;Name;Street;City;Zip\n10300011;Café Luna;5 Olive Ave;Fresno;93728\n".encode("utf-8"))
    result = import_facilities_csv(db, f)
    assert result.errors == []
    assert db.execute(select(Facility.name)).scalar_one() == "Café Luna"


def test_import_command_prints_errors_and_exits_nonzero(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.db import migrate, reset_engines, session_scope

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'imp.db'}")
    monkeypatch.setenv("CERS_VAR_DIR", str(tmp_path))
    reset_settings()
    try:
        migrate()
        bad = tmp_path / "bad.csv"
        bad.write_text(SAMPLE.read_text().replace("Santa Barbara,93101", "Santa Barbara,9310"))
        assert seed_main(["import-csv", str(bad)]) == 1
        err = capsys.readouterr().err
        assert "Nothing was imported" in err and "row 8, zip:" in err
        assert seed_main(["import-csv", str(tmp_path / "missing.csv")]) == 2
        assert "was not found" in capsys.readouterr().err
        assert seed_main(["import-csv", str(SAMPLE), "--dry-run"]) == 0
        assert "Dry run" in capsys.readouterr().out
        assert seed_main(["import-csv", str(SAMPLE)]) == 0
        assert "Imported 8 facilities" in capsys.readouterr().out
        with session_scope() as db:
            assert _count(db, Facility) == 8
    finally:
        reset_engines()
        reset_settings()


# ---------------------------------------------------------------------------------------------- manage


def test_manage_create_inspector_and_count(tmp_path, monkeypatch, capsys, smtp_server) -> None:  # type: ignore[no-untyped-def]
    from bot.db import reset_engines, session_scope
    from bot.manage import main as manage_main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    monkeypatch.setenv("CERS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("WEB_BASE_URL", "http://cers.test")
    reset_settings()
    try:
        assert manage_main(["facilities-count"]) == 2  # not migrated yet: a hint, not a stack trace
        assert "python -m bot.manage migrate" in capsys.readouterr().err
        assert manage_main(["migrate"]) == 0
        assert manage_main(["create-inspector", "--email", "Dana@County.example.gov", "--name", "Dana Whitfield"]) == 0
        out = capsys.readouterr().out
        token = re.search(r"http://cers\.test/account/password\?token=(\S+)", out).group(1)
        with session_scope() as db:
            user = db.execute(select(User).where(User.email == "dana@county.example.gov")).scalar_one()
            assert (user.is_inspector, user.status, user.password_hash) == (True, "active", None)
            assert link_tokens.peek(db, token, "reset_password").user_id == user.id
        from bot.services import accounts

        with session_scope() as db:  # the printed link is the one the password page takes
            accounts.set_password(db, token, "Inspect0r-Harbor-77")
        with session_scope() as db:
            assert accounts.authenticate(db, "dana@county.example.gov", "Inspect0r-Harbor-77").is_inspector
        assert smtp_server.last_to("dana@county.example.gov")["Subject"] == "Your CERS Filing Assistant password was changed"
        assert manage_main(["create-inspector", "--email", "not-an-email", "--name", "X Y"]) == 2
        assert "email" in capsys.readouterr().err
        assert seed_main(["import-csv", str(SAMPLE)]) == 0
        capsys.readouterr()
        assert manage_main(["facilities-count"]) == 0
        assert capsys.readouterr().out.strip() == "8"
    finally:
        reset_engines()
        reset_settings()


def test_import_new_lead_named_on_a_later_row_only(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "two.csv"
    f.write_text("cers_id,name,street,city,zip,lead_name,lead_email\n"
                 "10300020,Shop One,12 Main St,Fresno,93721,,pat@chain.example.com\n"
                 "10300021,Shop Two,14 Main St,Fresno,93721,Pat Rivera,pat@chain.example.com\n")
    result = import_facilities_csv(db, f)
    assert (result.errors, result.users_created, result.roles_added) == ([], 1, 2)
    pat = db.execute(select(User).where(User.email == "pat@chain.example.com")).scalar_one()
    assert pat.full_name == "Pat Rivera" and len(pat.roles) == 2
