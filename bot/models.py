"""The submittal database. Tables are created only by Alembic migrations (bot/migrations)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
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
    # Every login session and conversation token carries the version it was issued under; log-out, a password
    # change and disabling add one, which ends them all at once (migration 0006).
    session_version = Column(Integer, nullable=False, default=0, server_default="0")

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


# --- Hazardous Materials Inventory (issue 5) ----------------------------------------------------------

SUBMITTAL_STATUSES = ("Draft", "Submitted", "Under Review", "Accepted", "Not Accepted")

# The 18 storage container flags, in template order (cers-facts.md 1.2, columns 35-52): attribute -> header.
STORAGE_CONTAINER_COLUMNS = {
    "sc_above_ground_tank": "SCAboveGroundTank",
    "sc_under_ground_tank": "SCUnderGroundTank",
    "sc_tank_inside_building": "SCTankInsideBuilding",
    "sc_steel_drum": "SCSteelDrum",
    "sc_plastic_drum": "SCPlasticNonMetallicDrum",
    "sc_can": "SCCan",
    "sc_carboy": "SCCarboy",
    "sc_silo": "SCSilo",
    "sc_fiber_drum": "SCFiberDrum",
    "sc_bag": "SCBag",
    "sc_box": "SCBox",
    "sc_cylinder": "SCCylinder",
    "sc_glass_bottle": "SCGlassBottle",
    "sc_plastic_bottle": "SCPlasticBottle",
    "sc_tote_bin": "SCToteBin",
    "sc_tank_wagon": "SCTankTruckTankWagon",
    "sc_rail_car": "SCTankCarRailCar",
    "sc_other": "SCOther",
}


class Submittal(Base):
    """One year's Hazardous Materials Inventory submittal of a facility.

    status: Draft | Submitted | Under Review | Accepted | Not Accepted. At most one Draft per facility
    (partial unique index `uq_submittals_one_draft`).
    """

    __tablename__ = "submittals"
    id = Column(Integer, primary_key=True)
    facility_id = Column(Integer, ForeignKey("facilities.id", ondelete="CASCADE"), nullable=False, index=True)
    year = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False, default="Draft")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    created_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)
    inventory_complete_at = Column(DateTime(timezone=True), nullable=True)  # the filer said "that's all"
    # Submit (migration 0008): who prepared and signed is on the Owner/Operator page (certification fields).
    submitted_at = Column(DateTime(timezone=True), nullable=True)
    submitted_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)
    certified_at = Column(DateTime(timezone=True), nullable=True)  # the submitter certified it, at submit
    parent_submittal_id = Column(Integer, ForeignKey("submittals.id", ondelete="SET NULL"), nullable=True)
    # Next year's filing (migration 0011): the elements the filer confirmed or changed on a Draft started from the
    # last Accepted filing, {element: {"by": user_id, "at": ISO time}} (bot.submittals.annual).
    confirmed_elements = Column(JSON, nullable=True)

    facility = relationship("Facility")
    items = relationship(
        "InventoryItem", back_populates="submittal", order_by="InventoryItem.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )


Index(
    "uq_submittals_one_draft", Submittal.facility_id, unique=True,
    sqlite_where=Submittal.status == "Draft", postgresql_where=Submittal.status == "Draft",
)


class InventoryItem(Base):
    """One material of the inventory: every HMI upload template field (cers-facts.md 1.2) as a typed column.

    Codes as in the template: hm_type a/b/c (pure/mixture/waste), physical_state a/b/c (solid/liquid/gas),
    units a/b/c/d (gallons/cubic feet/pounds/tons), pressure a/b/c, temperature a/b/c/d. Y/N flags are
    booleans (NULL = not answered). Amounts are in `units`.
    """

    __tablename__ = "inventory_items"
    id = Column(Integer, primary_key=True)
    submittal_id = Column(Integer, ForeignKey("submittals.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)  # order in the inventory (and in exported files)
    chemical_id = Column(Integer, ForeignKey("chemicals.id", ondelete="SET NULL"), nullable=True)
    location = Column(String(140), nullable=True)
    location_confidential = Column(Boolean, nullable=True)
    map_number = Column(String(15), nullable=True)
    grid_number = Column(String(15), nullable=True)
    chemical_name = Column(String(500), nullable=True)
    trade_secret = Column(Boolean, nullable=True)
    common_name = Column(String(500), nullable=False)
    ehs = Column(Boolean, nullable=False, default=False)
    cas_number = Column(String(15), nullable=True)
    fire_class_1 = Column(Integer, nullable=True)
    fire_class_2 = Column(Integer, nullable=True)
    fire_class_3 = Column(Integer, nullable=True)
    fire_class_4 = Column(Integer, nullable=True)
    fire_class_5 = Column(Integer, nullable=True)
    fire_class_6 = Column(Integer, nullable=True)
    fire_class_7 = Column(Integer, nullable=True)
    fire_class_8 = Column(Integer, nullable=True)
    hm_type = Column(String(1), nullable=True)
    radioactive = Column(Boolean, nullable=True)
    curies = Column(Float, nullable=True)
    physical_state = Column(String(1), nullable=False)
    largest_container = Column(Float, nullable=True)
    fhc_fire = Column(Boolean, nullable=True)
    fhc_reactive = Column(Boolean, nullable=True)
    fhc_pressure_release = Column(Boolean, nullable=True)
    fhc_acute_health = Column(Boolean, nullable=True)
    fhc_chronic_health = Column(Boolean, nullable=True)
    ghs_hazards = Column(JSON, nullable=True)  # GHS hazard category headers answered Y (cers-facts.md 1.2 notes)
    average_daily_amount = Column(Float, nullable=True)
    maximum_daily_amount = Column(Float, nullable=False)
    annual_waste_amount = Column(Float, nullable=True)
    state_waste_code = Column(String(3), nullable=True)
    units = Column(String(1), nullable=False)
    days_on_site = Column(Integer, nullable=True)
    sc_above_ground_tank = Column(Boolean, nullable=False, default=False)
    sc_under_ground_tank = Column(Boolean, nullable=False, default=False)
    sc_tank_inside_building = Column(Boolean, nullable=False, default=False)
    sc_steel_drum = Column(Boolean, nullable=False, default=False)
    sc_plastic_drum = Column(Boolean, nullable=False, default=False)
    sc_can = Column(Boolean, nullable=False, default=False)
    sc_carboy = Column(Boolean, nullable=False, default=False)
    sc_silo = Column(Boolean, nullable=False, default=False)
    sc_fiber_drum = Column(Boolean, nullable=False, default=False)
    sc_bag = Column(Boolean, nullable=False, default=False)
    sc_box = Column(Boolean, nullable=False, default=False)
    sc_cylinder = Column(Boolean, nullable=False, default=False)
    sc_glass_bottle = Column(Boolean, nullable=False, default=False)
    sc_plastic_bottle = Column(Boolean, nullable=False, default=False)
    sc_tote_bin = Column(Boolean, nullable=False, default=False)
    sc_tank_wagon = Column(Boolean, nullable=False, default=False)
    sc_rail_car = Column(Boolean, nullable=False, default=False)
    sc_other = Column(Boolean, nullable=False, default=False)
    other_container = Column(String(30), nullable=True)
    pressure = Column(String(1), nullable=True)
    temperature = Column(String(1), nullable=True)
    comments = Column(String(1000), nullable=True)  # ChemicalDescriptionComment
    additional_components = Column(String(2000), nullable=True)  # AdditionalMixtureComponents
    ccl_id = Column(String(50), nullable=True)
    epa_srs_number = Column(String(50), nullable=True)
    dot_hazard_class = Column(String(4), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    submittal = relationship("Submittal", back_populates="items")
    chemical = relationship("Chemical")
    components = relationship(
        "InventoryComponent", back_populates="item", order_by="InventoryComponent.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )


class InventoryComponent(Base):
    """A hazardous component of a mixture or waste (HC1..HCn of the template): position 1..n."""

    __tablename__ = "inventory_components"
    __table_args__ = (UniqueConstraint("item_id", "position", name="uq_inventory_components_item_position"),)
    id = Column(Integer, primary_key=True)
    item_id = Column(Integer, ForeignKey("inventory_items.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    percent = Column(Float, nullable=True)  # % by weight, 0.01-100.00
    name = Column(String(500), nullable=True)
    ehs = Column(Boolean, nullable=True)
    cas = Column(String(15), nullable=True)

    item = relationship("InventoryItem", back_populates="components")


class Chemical(Base):
    """The chemical library: pure substances (ChEDL `chemicals` package) and curated products/mixtures.

    key: stable identity for rebuilds ("cas:67-64-1", "product:diesel"). kind: pure | mixture | product.
    source: chedl | curated. physical_state a/b/c at 20 C (NULL = unknown). tpq_lb: EHS Threshold Planning
    Quantity in pounds. threshold_rule: a special reporting threshold (lube_oil | co2 | asphyxiant | propane).
    fire_classes: suggested fire code hazard class codes (1-39).
    """

    __tablename__ = "chemicals"
    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, unique=True)
    name = Column(String(500), nullable=False)
    cas = Column(String(15), nullable=True, index=True)
    formula = Column(String(100), nullable=True)
    physical_state = Column(String(1), nullable=True)
    ehs = Column(Boolean, nullable=False, default=False)
    tpq_lb = Column(Float, nullable=True)
    kind = Column(String(8), nullable=False, default="pure")
    source = Column(String(16), nullable=False)
    threshold_rule = Column(String(16), nullable=True)
    fire_classes = Column(JSON, nullable=True)
    notes = Column(Text, nullable=True)
    density_g_ml = Column(Float, nullable=True)  # liquid density near 20 C: gallons of an EHS -> pounds
    ehs_min_percent = Column(Float, nullable=True)  # EHS only above this concentration (hydrogen peroxide: 52)
    ehs_qualifier = Column(String(200), nullable=True)  # the listing's limit in words
    ehs_source = Column(String(200), nullable=True)  # where the EHS listing and its TPQ come from
    tpq_alt_lb = Column(Float, nullable=True)  # "500/10,000": the TPQ of a solid not powder/molten/in solution
    uses = Column(String(200), nullable=True)  # what it is usually used for (shown with a "did you mean" choice)

    synonyms = relationship("ChemicalSynonym", back_populates="chemical", cascade="all, delete-orphan",
                            passive_deletes=True)
    components = relationship("ChemicalComponent", back_populates="chemical", order_by="ChemicalComponent.position",
                              cascade="all, delete-orphan", passive_deletes=True)


class ChemicalSynonym(Base):
    """Another name of a library chemical, normalized (bot.chemicals.normalize.normalize_name)."""

    __tablename__ = "chemical_synonyms"
    id = Column(Integer, primary_key=True)
    chemical_id = Column(Integer, ForeignKey("chemicals.id", ondelete="CASCADE"), nullable=False, index=True)
    synonym = Column(String(200), nullable=False, index=True)
    source = Column(String(64), nullable=True)  # chedl | curated | ehs-list | alias:<reference>

    chemical = relationship("Chemical", back_populates="synonyms")


class ChemicalComponent(Base):
    """A hazardous component of a curated mixture/product (percent = the highest of the usual range)."""

    __tablename__ = "chemical_components"
    id = Column(Integer, primary_key=True)
    chemical_id = Column(Integer, ForeignKey("chemicals.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    name = Column(String(500), nullable=False)
    cas = Column(String(15), nullable=True)
    percent = Column(Float, nullable=True)
    ehs = Column(Boolean, nullable=False, default=False)

    chemical = relationship("Chemical", back_populates="components")


# --- Facility Information: Business Activities and Owner/Operator Identification (issue 4) -------------

# Business Activities Y/N questions (cers-facts.md section 2): attribute -> CERS XML tag, in form order.
BUSINESS_ACTIVITY_COLUMNS = {
    "hm_on_site": "HMOnSite",
    "calarp_regulated_substances": "CalARPRegulatedSubstances",
    "own_or_operate_ust": "OwnOrOperateUST",
    "own_or_operate_apst": "OwnOrOperateAPST",
    "hw_generator": "HWGenerator",
    "recycle": "Recycle",
    "onsite_hw_treatment": "OnsiteHWTreatment",
    "financial_assurance": "FinancialAssurance",
    "rw_consolidation_site": "RWConsolidationSite",
    "hw_tank_closure": "HWTankClosure",
    "rcra_large_quantity_generator": "RCRALargeQuantityGenerator",
    "hhw_collection": "HHWCollection",
}


class BusinessActivities(Base):
    """The Business Activities page of a submittal: one nullable boolean per Y/N question (NULL = not
    answered yet; see BUSINESS_ACTIVITY_COLUMNS for the CERS tags), the EPA ID and the comments.
    `confirmed_at`: when the filer confirmed the summary; `epa_id_skipped`: no EPA ID yet, not asked again."""

    __tablename__ = "business_activities"
    id = Column(Integer, primary_key=True)
    submittal_id = Column(Integer, ForeignKey("submittals.id", ondelete="CASCADE"), nullable=False, unique=True)
    hm_on_site = Column(Boolean, nullable=True)
    calarp_regulated_substances = Column(Boolean, nullable=True)
    own_or_operate_ust = Column(Boolean, nullable=True)
    own_or_operate_apst = Column(Boolean, nullable=True)
    hw_generator = Column(Boolean, nullable=True)
    recycle = Column(Boolean, nullable=True)
    onsite_hw_treatment = Column(Boolean, nullable=True)
    financial_assurance = Column(Boolean, nullable=True)
    rw_consolidation_site = Column(Boolean, nullable=True)
    hw_tank_closure = Column(Boolean, nullable=True)
    rcra_large_quantity_generator = Column(Boolean, nullable=True)
    hhw_collection = Column(Boolean, nullable=True)
    epa_id = Column(String(12), nullable=True)  # EPAID
    comments = Column(String(1000), nullable=True)  # Comments
    epa_id_skipped = Column(Boolean, nullable=True)  # True: the filer has no EPA ID yet (CERS only warns)
    confirmed_at = Column(DateTime(timezone=True), nullable=True)  # "Looks right" to the summary (migration 0004)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)

    submittal = relationship("Submittal")


# Owner/Operator Identification fields (cers-facts.md section 3): attribute -> CERS tag, in template order.
OWNER_OPERATOR_COLUMNS = {
    "business_name": "BusinessName",
    "beginning_date": "BeginningDate",
    "ending_date": "EndingDate",
    "phone": "Phone",
    "fax": "Fax",
    "dun_and_bradstreet": "DunAndBradstreet",
    "sic_code": "SICCode",
    "naics_code": "NAICSCode",
    "mailing_address": "MailingAddress",
    "mailing_city": "MailingAddressCity",
    "mailing_state": "MailingAddressState",
    "mailing_zip": "MailingAddressZipCode",
    "operator_name": "OperatorName",
    "operator_phone": "OperatorPhone",
    "owner_name": "OwnerName",
    "owner_phone": "OwnerPhone",
    "owner_mail_address": "OwnerMailAddress",
    "owner_city": "OwnerCity",
    "owner_state": "OwnerState",
    "owner_zip": "OwnerZipCode",
    "owner_country": "OwnerCountry",
    "econtact_name": "EContactName",
    "econtact_phone": "EContactPhone",
    "econtact_mail_address": "EContactMailingAddress",
    "econtact_email": "EContactEmailAddress",
    "econtact_city": "EContactCity",
    "econtact_state": "EContactState",
    "econtact_zip": "EContactZipCode",
    "econtact_country": "EContactCountry",
    "pec_name": "PECName",
    "pec_title": "PECTitle",
    "pec_business_phone": "PECBusinessPhone",
    "pec_24hr_phone": "PEC24HrPhone",
    "pec_pager": "PECPager",
    "sec_name": "SECName",
    "sec_title": "SECTitle",
    "sec_business_phone": "SECBusinessPhone",
    "sec_24hr_phone": "SEC24HrPhone",
    "sec_pager": "SECPager",
    "al_collected_information": "ALCollectedInformation",
    "identification_signed_date": "IdentificationSignedDate",
    "document_preparer_name": "DocumentPreparerName",
    "identification_signer_name": "IdentificationSignerName",
    "identification_signer_title": "IdentificationSignerTitle",
    "billing_contact_name": "BillingContactName",
    "billing_contact_phone": "BillingContactPhone",
    "billing_contact_email": "BillingContactEmail",
    "billing_address": "BillingAddress",
    "billing_city": "BillingAddressCity",
    "billing_state": "BillingAddressState",
    "billing_zip": "BillingAddressZipCode",
    "billing_country": "BillingAddressCountry",
    "assessor_parcel_number": "AssessorParcelNumber",
    "number_of_employees": "NumberOfEmployees",
    "property_owner_name": "PropertyOwnerName",
    "property_owner_phone": "PropertyOwnerPhone",
    "property_owner_mailing_address": "PropertyOwnerMailingAddress",
    "property_owner_city": "PropertyOwnerCity",
    "property_owner_state": "PropertyOwnerState",
    "property_owner_zip": "PropertyOwnerZipCode",
    "property_owner_country": "PropertyOwnerCountry",
}


class OwnerOperator(Base):
    """The Business Owner/Operator Identification page of a submittal, one column per form field (see
    OWNER_OPERATOR_COLUMNS for the CERS tags; NULL = not given). Phones are stored as "(559) 555-0123",
    states as 2-letter codes, dates as dates. `skipped`: keys of optional fields the user chose to leave empty;
    `prefilled_at`: when the page was pre-filled (once); `same_as_business`: answers to "same address as the
    business?" per group; `confirmed_at`: when the filer confirmed the summary."""

    __tablename__ = "owner_operator"
    id = Column(Integer, primary_key=True)
    submittal_id = Column(Integer, ForeignKey("submittals.id", ondelete="CASCADE"), nullable=False, unique=True)
    business_name = Column(String(70), nullable=True)
    beginning_date = Column(Date, nullable=True)
    ending_date = Column(Date, nullable=True)
    phone = Column(String(25), nullable=True)
    fax = Column(String(25), nullable=True)
    dun_and_bradstreet = Column(String(9), nullable=True)
    sic_code = Column(String(4), nullable=True)
    naics_code = Column(String(6), nullable=True)
    mailing_address = Column(String(100), nullable=True)
    mailing_city = Column(String(60), nullable=True)
    mailing_state = Column(String(2), nullable=True)
    mailing_zip = Column(String(10), nullable=True)
    operator_name = Column(String(80), nullable=True)
    operator_phone = Column(String(25), nullable=True)
    owner_name = Column(String(80), nullable=True)
    owner_phone = Column(String(25), nullable=True)
    owner_mail_address = Column(String(100), nullable=True)
    owner_city = Column(String(60), nullable=True)
    owner_state = Column(String(2), nullable=True)
    owner_zip = Column(String(10), nullable=True)
    owner_country = Column(String(50), nullable=True)
    econtact_name = Column(String(80), nullable=True)
    econtact_phone = Column(String(25), nullable=True)
    econtact_mail_address = Column(String(100), nullable=True)
    econtact_email = Column(String(100), nullable=True)
    econtact_city = Column(String(60), nullable=True)
    econtact_state = Column(String(2), nullable=True)
    econtact_zip = Column(String(10), nullable=True)
    econtact_country = Column(String(50), nullable=True)
    pec_name = Column(String(80), nullable=True)
    pec_title = Column(String(60), nullable=True)
    pec_business_phone = Column(String(25), nullable=True)
    pec_24hr_phone = Column(String(25), nullable=True)
    pec_pager = Column(String(25), nullable=True)
    sec_name = Column(String(80), nullable=True)
    sec_title = Column(String(60), nullable=True)
    sec_business_phone = Column(String(25), nullable=True)
    sec_24hr_phone = Column(String(25), nullable=True)
    sec_pager = Column(String(25), nullable=True)
    al_collected_information = Column(String(255), nullable=True)
    identification_signed_date = Column(Date, nullable=True)
    document_preparer_name = Column(String(80), nullable=True)
    identification_signer_name = Column(String(80), nullable=True)
    identification_signer_title = Column(String(60), nullable=True)
    billing_contact_name = Column(String(80), nullable=True)
    billing_contact_phone = Column(String(25), nullable=True)
    billing_contact_email = Column(String(100), nullable=True)
    billing_address = Column(String(100), nullable=True)
    billing_city = Column(String(60), nullable=True)
    billing_state = Column(String(2), nullable=True)
    billing_zip = Column(String(10), nullable=True)
    billing_country = Column(String(50), nullable=True)
    assessor_parcel_number = Column(String(15), nullable=True)
    number_of_employees = Column(Integer, nullable=True)
    property_owner_name = Column(String(80), nullable=True)
    property_owner_phone = Column(String(25), nullable=True)
    property_owner_mailing_address = Column(String(100), nullable=True)
    property_owner_city = Column(String(60), nullable=True)
    property_owner_state = Column(String(2), nullable=True)
    property_owner_zip = Column(String(10), nullable=True)
    property_owner_country = Column(String(50), nullable=True)
    skipped = Column(JSON, nullable=True)
    prefilled_at = Column(DateTime(timezone=True), nullable=True)  # first pre-fill from account and facility
    same_as_business = Column(JSON, nullable=True)  # {"owner": true, "billing": false}: "same address?" answers
    confirmed_at = Column(DateTime(timezone=True), nullable=True)  # "Looks right" to the summary (migration 0004)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)

    submittal = relationship("Submittal")


class StepDraft(Base):
    """What a step engine has open for one filer at one facility (the material being entered, a question
    half answered): kept here, not only in the chat's tracker, so a pause, a new browser session or a
    restarted server picks it up. step: "inventory" | "facility_info"."""

    __tablename__ = "step_drafts"
    __table_args__ = (UniqueConstraint("facility_id", "user_id", "step", name="uq_step_drafts_owner_step"),)
    id = Column(Integer, primary_key=True)
    facility_id = Column(Integer, ForeignKey("facilities.id", ondelete="CASCADE"), nullable=False)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    step = Column(String(32), nullable=False)
    state = Column(JSON, nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


class ThrottleHit(Base):
    """One counted attempt (a sign-up, an email sent, a wrong password...) in a throttle bucket. `bucket` is a
    keyed hash of what is counted ("signup-email:ana@x.com", "login-pair:ana@x.com|203.0.113.9"), so the table
    holds no email address or IP in clear. Old rows are deleted as new ones come (bot.services.throttle)."""

    __tablename__ = "throttle_hits"
    id = Column(Integer, primary_key=True)
    bucket = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


Index("ix_throttle_hits_bucket_created", ThrottleHit.bucket, ThrottleHit.created_at)


class OutboxEmail(Base):
    """An email written in the same transaction as the change that causes it, sent after the commit and
    retried by the outbox worker (`python -m bot.outbox`). status: queued | sent | failed (gave up: shown to
    staff on /staff/outbox). The body is blanked once sent (it may hold a one-time link)."""

    __tablename__ = "outbox_emails"
    id = Column(Integer, primary_key=True)
    to_address = Column(String(254), nullable=False)
    subject = Column(String(255), nullable=False)
    body = Column(Text, nullable=False)
    status = Column(String(16), nullable=False, default="queued")
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(500), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True), nullable=True)


Index("ix_outbox_emails_status_next", OutboxEmail.status, OutboxEmail.next_attempt_at)


# --- Documents: site map, emergency response plan, employee training plan (issue 11) ------------------------

DOCUMENT_ELEMENTS = ("site_map", "emergency_response_plan", "employee_training_plan")


class Document(Base):
    """A document of a Draft submittal: the PDF's metadata (the bytes are on disk by content hash, see
    bot/documents/storage.py; `stored_path` is relative to the documents directory), or, for the training plan
    only, the answer "provided elsewhere in CERS" (`provided_elsewhere` true, no file columns).

    History is kept: a new upload (or answer) sets `replaced_at` on the one before, so the current document of an
    element is the row with `replaced_at` NULL - at most one per (submittal, element), by a partial unique index.
    `findings`: what the content check found ({"has_text": bool, "missing": [checklist keys]}), advice only."""

    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    facility_id = Column(Integer, ForeignKey("facilities.id", ondelete="CASCADE"), nullable=False, index=True)
    submittal_id = Column(Integer, ForeignKey("submittals.id", ondelete="CASCADE"), nullable=False, index=True)
    element = Column(String(32), nullable=False)  # one of DOCUMENT_ELEMENTS
    uploaded_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)
    provided_elsewhere = Column(Boolean, nullable=False, default=False)
    original_filename = Column(String(255), nullable=True)  # as the browser sent it; shown, never used as a path
    pages = Column(Integer, nullable=True)
    size_bytes = Column(Integer, nullable=True)
    sha256 = Column(String(64), nullable=True, index=True)
    stored_path = Column(String(255), nullable=True)
    findings = Column(JSON, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    replaced_at = Column(DateTime(timezone=True), nullable=True)

    submittal = relationship("Submittal")


Index(
    "uq_documents_one_current", Document.submittal_id, Document.element, unique=True,
    sqlite_where=Document.replaced_at.is_(None), postgresql_where=Document.replaced_at.is_(None),
)


# --- CUPAs and the inspector's review (issue 11, migration 0009) ------------------------------------------------

REVIEW_ELEMENTS = ("business_activities", "owner_operator", "inventory", "site_map", "emergency_response_plan",
                   "employee_training_plan", "certification")


class Cupa(Base):
    """A Certified Unified Program Agency: who reviews the filings of the facilities in its jurisdiction (`county`,
    or only `cities` of it when a city runs its own CUPA), its public contact, and the annual filing date it sets
    (month/day, default March 1). `key` is the stable name of the row in bot/review/cupas_california.json."""

    __tablename__ = "cupas"
    id = Column(Integer, primary_key=True)
    key = Column(String(60), nullable=False, unique=True)
    name = Column(String(140), nullable=False)
    county = Column(String(40), nullable=True)
    cities = Column(JSON, nullable=True)  # city names when the CUPA is a city's; NULL = the whole county
    phone = Column(String(25), nullable=True)
    email = Column(String(254), nullable=True)
    contact_is_placeholder = Column(Boolean, nullable=False, default=True)
    annual_due_month = Column(Integer, nullable=False, default=3)
    annual_due_day = Column(Integer, nullable=False, default=1)


Facility.cupa_id = Column(Integer, ForeignKey("cupas.id"), nullable=True, index=True)
Facility.cupa = relationship("Cupa")
User.cupa_id = Column(Integer, ForeignKey("cupas.id"), nullable=True)  # an inspector's CUPA
Submittal.reviewed_at = Column(DateTime(timezone=True), nullable=True)  # when it became Accepted / Not Accepted
Submittal.reviewed_by_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)
Submittal.due_date = Column(Date, nullable=True)  # a Not Accepted filing's corrections are due by then


class ReviewDecision(Base):
    """An inspector's decision on one element of a filing: Accepted or Not Accepted, with reason codes from the
    pick list (bot/review/reasons.py) and a free-text note. One per (filing, element); it can be changed until
    every element is decided, which sets the filing's status."""

    __tablename__ = "review_decisions"
    __table_args__ = (UniqueConstraint("submittal_id", "element", name="uq_review_decisions_element"),)
    id = Column(Integer, primary_key=True)
    submittal_id = Column(Integer, ForeignKey("submittals.id", ondelete="CASCADE"), nullable=False, index=True)
    element = Column(String(32), nullable=False)  # one of REVIEW_ELEMENTS
    decision = Column(String(16), nullable=False)  # Accepted | Not Accepted
    reasons = Column(JSON, nullable=True)  # pick-list codes
    note = Column(Text, nullable=True)
    reviewer_user_id = Column(Integer, ForeignKey("users.id"), nullable=True)
    decided_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ReminderSent(Base):
    """A deadline reminder the deadlines command sent (bot/deadlines.py): one per facility, kind (resubmittal |
    annual), due date and stage, so running the command again never sends it twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("facility_id", "kind", "due_on", "stage", name="uq_reminders_sent_once"),)
    id = Column(Integer, primary_key=True)
    facility_id = Column(Integer, ForeignKey("facilities.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    due_on = Column(Date, nullable=False)
    stage = Column(String(16), nullable=False)
    recipients = Column(Integer, nullable=False)
    sent_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
