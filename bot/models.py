"""The submittal database. Tables are created only by Alembic migrations (bot/migrations)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class User(Base):
    """A person with an account. `status`: pending (no password yet or not activated), active, disabled."""

    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)  # stored lower-cased
    full_name = Column(String(120), nullable=False)
    phone = Column(String(32), nullable=True)
    password_hash = Column(String(255), nullable=True)  # argon2; NULL until the user sets it on the web page
    status = Column(String(16), nullable=False, default="pending")
    is_inspector = Column(Boolean, nullable=False, default=False)
    is_staff = Column(Boolean, nullable=False, default=False)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    activated_at = Column(DateTime(timezone=True), nullable=True)

    roles = relationship("FacilityRole", back_populates="user", foreign_keys="FacilityRole.user_id")


class UserToken(Base):
    """A single-use, expiring link token. Only its SHA-256 is stored.

    purpose: set_password | activate | reset_password | access_decision
    subject_id: for access_decision, the access request id.
    """

    __tablename__ = "user_tokens"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    purpose = Column(String(32), nullable=False)
    token_hash = Column(String(64), nullable=False, unique=True)
    subject_id = Column(Integer, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    used_at = Column(DateTime(timezone=True), nullable=True)

    user = relationship("User")


class Facility(Base):
    """A regulated site, identified by its CERS ID (8 digits)."""

    __tablename__ = "facilities"
    id = Column(Integer, primary_key=True)
    cers_id = Column(String(9), nullable=False, unique=True)
    name = Column(String(140), nullable=False)
    street = Column(String(140), nullable=False)  # full street line, e.g. "1234 W Shaw Ave"
    street_number = Column(String(16), nullable=False, index=True)  # "1234", for search by number
    city = Column(String(60), nullable=False)
    zip = Column(String(10), nullable=False)
    county = Column(String(40), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    created_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)

    roles = relationship("FacilityRole", back_populates="facility")

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, CA {self.zip}"


Index("ix_facilities_city", Facility.city)


class FacilityRole(Base):
    """A user's role on a facility: 'lead' (Lead User) or 'user'. `ended_at` set when the person left."""

    __tablename__ = "facility_roles"
    __table_args__ = (UniqueConstraint("user_id", "facility_id", name="uq_facility_roles_user_facility"),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    facility_id = Column(Integer, ForeignKey("facilities.id", ondelete="CASCADE"), nullable=False, index=True)
    role = Column(String(8), nullable=False)
    granted_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    granted_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)
    ended_at = Column(DateTime(timezone=True), nullable=True)

    user = relationship("User", back_populates="roles", foreign_keys=[user_id])
    facility = relationship("Facility", back_populates="roles")


class AccessRequest(Base):
    """A request to be given a role on a facility.

    status: pending | escalated (no Lead User left: the CUPA inspector decides) | granted | denied
    """

    __tablename__ = "access_requests"
    id = Column(Integer, primary_key=True)
    facility_id = Column(Integer, ForeignKey("facilities.id", ondelete="CASCADE"), nullable=False, index=True)
    requester_user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    phone = Column(String(32), nullable=False)
    title = Column(String(80), nullable=False)
    status = Column(String(16), nullable=False, default="pending")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    escalated_at = Column(DateTime(timezone=True), nullable=True)
    decided_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)
    decided_at = Column(DateTime(timezone=True), nullable=True)

    facility = relationship("Facility")
    requester = relationship("User", foreign_keys=[requester_user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_user_id])


class AuditEvent(Base):
    """One write: who did it (actor), for whom (on_behalf_of), through which channel, what, when."""

    __tablename__ = "audit_events"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    actor_user_id = Column(Integer, ForeignKey("users.id"), nullable=True, index=True)
    actor_role = Column(String(16), nullable=False)
    on_behalf_of_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)
    channel = Column(String(16), nullable=False)
    action = Column(String(48), nullable=False, index=True)
    entity_type = Column(String(32), nullable=False)
    entity_id = Column(String(32), nullable=True)
    details = Column(JSON, nullable=True)
