"""Lead Users loaded by `bot.seed import-csv` get an invitation email and are never claimable by anyone but
that inbox (finding 1: a sign-up in the chat with their address used to take the facility over)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.imports.facilities_csv import import_facilities_csv
from bot.models import Facility, User
from bot.services import accounts, facilities
from tests.unit.conftest import PASSWORD, token_from

CSV = ("cers_id,name,street,city,zip,lead_name,lead_email,lead_phone\n"
       "10300020,Shop One,12 Main St,Fresno,93721,Pat Rivera,pat@chain.example.com,559-555-0101\n"
       "10300021,Shop Two,14 Main St,Fresno,93721,,pat@chain.example.com,\n")


def _import(db: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "leads.csv"
    path.write_text(CSV)
    result = import_facilities_csv(db, path)
    assert result.ok and (result.users_created, result.invited) == (1, 1)
    db.commit()


def test_an_imported_lead_user_gets_one_invitation_for_all_their_facilities(db: Session, tmp_path,
                                                                             smtp_server) -> None:  # type: ignore[no-untyped-def]
    _import(db, tmp_path)
    [mail] = smtp_server.to("pat@chain.example.com")
    body = mail.get_content()
    assert "Lead User" in mail["Subject"] and "Shop One" in body and "Shop Two" in body
    assert "/account/password?token=" in body and "expires in 14 days" in body
    pat = db.execute(select(User).where(User.email == "pat@chain.example.com")).scalar_one()
    assert (pat.status, pat.password_hash) == ("pending", None)
    accounts.set_password(db, token_from(body, "/account/password"), PASSWORD)
    db.commit()
    user = accounts.authenticate(db, "pat@chain.example.com", PASSWORD)
    shop = db.execute(select(Facility).where(Facility.cers_id == "10300020")).scalar_one()
    assert facilities.role_of(db, user.id, shop.id) == "lead"


def test_a_signup_with_an_imported_lead_users_address_cannot_claim_the_account(db: Session, tmp_path,
                                                                               smtp_server) -> None:  # type: ignore[no-untyped-def]
    _import(db, tmp_path)
    started = accounts.start_signup(db, "Mallory Attacker", "pat@chain.example.com", "209-555-0666",
                                    Actor.anonymous("chat"))
    db.commit()
    assert "token" not in started.message and not hasattr(started, "token")
    pat = db.execute(select(User).where(User.email == "pat@chain.example.com")).scalar_one()
    assert (pat.full_name, pat.phone, pat.password_hash) == ("Pat Rivera", "(559) 555-0101", None)
    assert all(m["To"] == "pat@chain.example.com" for m in smtp_server.messages)  # only Pat's inbox got links


def test_a_dry_run_invites_nobody(db: Session, tmp_path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "leads.csv"
    path.write_text(CSV)
    result = import_facilities_csv(db, path, dry_run=True)
    db.commit()
    assert result.ok and result.invited == 0 and smtp_server.messages == []
