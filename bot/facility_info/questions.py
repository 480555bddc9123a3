"""The Business Activities questions and the Owner/Operator fields as data (cers-facts.md sections 2 and 3).

Each Business Activities question: its key (= column of `business_activities`), CERS XML tag, the question in
plain words, a "what does this mean?" explanation, the later filing elements a "yes" requires, and
(`only_if`) the earlier answer that must be yes for the question to apply. Each Owner/Operator field: key
(= column of `owner_operator`), CERS tag, label, question, level, validator name and maximum length.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.models import BUSINESS_ACTIVITY_COLUMNS, OWNER_OPERATOR_COLUMNS

# --- filing elements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    key: str
    name: str
    todo: str  # what the filer does for it, in plain words


ELEMENTS: dict[str, Element] = {e.key: e for e in (
    Element("business_activities", "Business Activities",
            "Answer the yes/no questions about what the business does."),
    Element("owner_operator", "Business Owner/Operator Identification",
            "Give the business, owner, operator, emergency contact and billing details."),
    Element("certification", "Certification (document preparer and signer)",
            "Give the name of the person who prepared the information, and the name and title of the person "
            "who signs it as true, accurate and complete."),
    Element("inventory", "Hazardous Materials Inventory",
            "List each hazardous material at or above the reporting amounts: where it is, how much, and how "
            "it is stored."),
    Element("waste_streams", "Hazardous waste streams (in the inventory)",
            "Add each hazardous waste to the inventory as type Waste, with its state waste code and yearly amount."),
    Element("site_map", "Site map",
            "Upload a map of the site: north arrow, streets, entrances and exits, evacuation staging areas, "
            "where hazardous materials are stored, and emergency equipment."),
    Element("emergency_response_plan", "Emergency response plan",
            "Upload the emergency response plan: who to call, how people are warned and evacuated, and how "
            "spills and fires are handled."),
    Element("training_plan", "Employee training plan",
            "Upload the training plan: initial training for new employees and a yearly refresher, documented."),
    Element("ust", "Underground Storage Tank (UST) forms",
            "Fill in the UST facility and tank forms and the monitoring plan."),
    Element("apsa", "Aboveground Petroleum Storage Act (APSA) documents",
            "Report the aboveground petroleum tanks; APSA facilities also need a Spill Prevention, Control and "
            "Countermeasure (SPCC) plan."),
    Element("calarp", "CalARP (California Accidental Release Prevention program)",
            "Report the CalARP regulated substances; your CUPA will tell you what risk management plan you need."),
    Element("tiered_permitting", "Onsite Hazardous Waste Treatment notification (Tiered Permitting)",
            "Fill in the onsite treatment notification for each treatment unit."),
    Element("financial_assurance", "Financial assurance for closure",
            "Give the financial assurance for the cost of closing the treatment unit."),
    Element("recyclable_materials_report", "Recyclable Materials Report",
            "Fill in the Recyclable Materials Report."),
    Element("remote_waste_consolidation", "Remote Waste Consolidation Site annual notification",
            "Fill in the Remote Waste Consolidation Site annual notification."),
    Element("hw_tank_closure", "Hazardous Waste Tank Closure Certification",
            "Upload the Hazardous Waste Tank Closure Certification."),
)}

# Elements every filing has, whatever the answers.
ALWAYS_REQUIRED = ("business_activities", "owner_operator", "certification")

# --- Business Activities -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessQuestion:
    key: str
    tag: str
    question: str
    explanation: str
    requires: tuple[str, ...] = ()  # element keys a "yes" requires
    reason: str = ""  # why a "yes" requires them, in plain words ("You said ...")
    only_if: Optional[str] = None  # asked only when this earlier answer is yes (else it counts as no)
    short: str = ""  # a few words, for summaries and the checklist


_THRESHOLDS = (
    "The basic reporting amounts are 55 gallons of a liquid (one standard drum), 500 pounds of a solid "
    "(for example ten 50-pound bags), or 200 cubic feet of a compressed gas (measured at normal temperature and "
    "pressure; one tall welding or oxygen cylinder often holds 200 to 300 cubic feet). Count the largest amount "
    "of each material you have at any one time during the year, including what is in tanks. A mixture counts "
    "as a whole. Extremely hazardous substances (like chlorine) count at their lower threshold planning "
    "quantity, or 500 pounds if less; radioactive materials count when they need an emergency plan under "
    "federal rules (10 CFR parts 30, 40, 70). Some materials have other amounts: lubricating oil counts above "
    "55 gallons of one type or 275 gallons in all; carbon dioxide and inert gases like nitrogen, argon and "
    "helium at 1,000 cubic feet; consumer products sold in a retail store don't count. For propane, check "
    "with your CUPA (the local agency that reviews your filing)."
)

BUSINESS_QUESTIONS: tuple[BusinessQuestion, ...] = (
    BusinessQuestion(
        "hm_on_site", BUSINESS_ACTIVITY_COLUMNS["hm_on_site"],
        "At any time during the year, do you have hazardous materials on site at or above 55 gallons of a "
        "liquid, 500 pounds of a solid, or 200 cubic feet of a compressed gas?",
        "“Hazardous materials” are things like fuels, oils, solvents, acids, cleaners, paints, pesticides, "
        "compressed gases and hazardous waste. " + _THRESHOLDS,
        requires=("inventory", "site_map", "emergency_response_plan", "training_plan"),
        reason="you have hazardous materials at or above the reporting amounts",
        short="hazardous materials on site",
    ),
    BusinessQuestion(
        "calarp_regulated_substances", BUSINESS_ACTIVITY_COLUMNS["calarp_regulated_substances"],
        "Do you have any CalARP regulated substances above their CalARP threshold quantities (for example "
        "ammonia in a refrigeration system, or chlorine for water treatment)?",
        "CalARP is the California Accidental Release Prevention program. It covers a list of especially "
        "dangerous substances (California Code of Regulations title 19, section 2770.5), each with its own "
        "threshold quantity. Common ones are anhydrous ammonia, chlorine and sulfur dioxide. If you are not "
        "sure whether a material is on the list, your CUPA can tell you.",
        requires=("calarp",), reason="you have CalARP regulated substances above their threshold quantities",
        short="CalARP regulated substances",
    ),
    BusinessQuestion(
        "own_or_operate_ust", BUSINESS_ACTIVITY_COLUMNS["own_or_operate_ust"],
        "Do you own or operate an underground storage tank (UST) that holds a hazardous substance, such as "
        "gasoline, diesel or waste oil?",
        "An underground storage tank is a tank, with its connected piping, that stores a hazardous substance "
        "and is totally or substantially below the ground (10 percent or more of its volume, piping included, "
        "is underground). Examples: fuel tanks under a gas station or a fleet yard, a buried diesel tank for an "
        "emergency generator, a buried waste-oil tank. Tanks fully above ground, even in a basement you can "
        "walk around, are not USTs.",
        requires=("ust", "inventory"),
        reason="you own or operate an underground storage tank (and what it holds goes in the inventory)",
        short="underground storage tanks",
    ),
    BusinessQuestion(
        "own_or_operate_apst", BUSINESS_ACTIVITY_COLUMNS["own_or_operate_apst"],
        "Do you store petroleum (gasoline, diesel, motor or hydraulic oil, used oil) above ground in tanks or "
        "containers of 55 gallons or more that add up to more than 1,320 gallons of capacity?",
        "This is the Aboveground Petroleum Storage Act (APSA). Add up the full capacity (not how full they are) "
        "of every aboveground tank, drum and container of 55 gallons or more that holds petroleum: if the total "
        "is more than 1,320 gallons, answer yes. For example, 25 drums of 55 gallons make 1,375 gallons. A tank "
        "of 55 gallons or more in an underground area such as a vault also counts. Some oil-filled electrical "
        "equipment is exempt. APSA facilities also need a Spill Prevention, Control and Countermeasure (SPCC) "
        "plan.",
        requires=("apsa", "inventory"),
        reason="you store more than 1,320 gallons of petroleum above ground (and it goes in the inventory)",
        short="aboveground petroleum storage over 1,320 gallons",
    ),
    BusinessQuestion(
        "hw_generator", BUSINESS_ACTIVITY_COLUMNS["hw_generator"],
        "Does the business produce any hazardous waste, even in small amounts (for example used oil, used "
        "solvents, paint waste or oily rags and absorbents)?",
        "Hazardous waste is a material you are done with that is hazardous: ignitable, corrosive, reactive or "
        "toxic, or listed as hazardous waste. Under California law this includes federal (RCRA) waste and "
        "extremely and acutely hazardous waste. Any amount counts. A hazardous waste generator needs an EPA ID "
        "number, and each waste goes in the inventory as type Waste.",
        requires=("waste_streams",), reason="you produce hazardous waste",
        short="hazardous waste generator",
    ),
    BusinessQuestion(
        "recycle", BUSINESS_ACTIVITY_COLUMNS["recycle"],
        "Do you recycle more than 100 kilograms (about 220 pounds) a month of material that is excluded or "
        "exempt from hazardous waste rules, at your site or as a recycler for others?",
        "This is about recycling under Health and Safety Code section 25143.2 (for example recovering solvent "
        "in a still, on site). If you only send material away to a recycler, answer no.",
        requires=("recyclable_materials_report",), reason="you recycle more than 100 kg a month",
        short="recycling over 100 kg a month",
    ),
    BusinessQuestion(
        "onsite_hw_treatment", BUSINESS_ACTIVITY_COLUMNS["onsite_hw_treatment"],
        "Do you treat hazardous waste on site under Tiered Permitting (Permit by Rule, Conditional "
        "Authorization or Conditional Exemption), for example neutralizing acid waste or running a "
        "wastewater treatment unit?",
        "Treating means changing a hazardous waste to make it less hazardous or smaller, such as neutralizing, "
        "separating oil from water, or precipitating metals. Doing it at your site without a full permit needs "
        "one of the Tiered Permitting tiers, and a notification to your CUPA.",
        requires=("tiered_permitting",), reason="you treat hazardous waste on site",
        short="onsite hazardous waste treatment",
    ),
    BusinessQuestion(
        "financial_assurance", BUSINESS_ACTIVITY_COLUMNS["financial_assurance"],
        "Is that treatment under the Permit by Rule or Conditional Authorization tier?",
        "Treatment under Permit by Rule or Conditional Authorization needs financial assurance: proof that the "
        "money to close the treatment unit safely will be there (22 CCR 67450.13(b), HSC 25245.4). Conditional "
        "Exemption treatment does not.",
        requires=("financial_assurance",), reason="you treat hazardous waste under Permit by Rule or "
        "Conditional Authorization", only_if="onsite_hw_treatment",
        short="financial assurance for treatment",
    ),
    BusinessQuestion(
        "rw_consolidation_site", BUSINESS_ACTIVITY_COLUMNS["rw_consolidation_site"],
        "Is this site a remote waste consolidation site, where hazardous waste from your remote, unstaffed "
        "sites is brought together?",
        "Some businesses (often utilities) have many remote, unstaffed sites, like pump stations or pole "
        "yards. A consolidation site is the place where the hazardous waste from those sites is collected "
        "(Health and Safety Code section 25110.10). Most businesses answer no.",
        requires=("remote_waste_consolidation",), reason="this is a remote waste consolidation site",
        short="remote waste consolidation site",
    ),
    BusinessQuestion(
        "hw_tank_closure", BUSINESS_ACTIVITY_COLUMNS["hw_tank_closure"],
        "Are you closing a tank that held hazardous waste (taking it out of service)?",
        "This is about a hazardous waste tank that you are closing, where the tank itself would still count as "
        "hazardous waste after it is emptied. Closing it needs a closure certification.",
        requires=("hw_tank_closure",), reason="you are closing a hazardous waste tank",
        short="closing a hazardous waste tank",
    ),
    BusinessQuestion(
        "rcra_large_quantity_generator", BUSINESS_ACTIVITY_COLUMNS["rcra_large_quantity_generator"],
        "In any month, do you produce 1,000 kilograms (about 2,200 pounds) or more of federal (RCRA) hazardous "
        "waste, or more than 1 kilogram of acutely hazardous waste?",
        "A RCRA Large Quantity Generator produces, in a calendar month, 1,000 kg or more of RCRA hazardous "
        "waste, or 1 kg or more of acute hazardous waste, or more than 100 kg of cleanup material from a spill "
        "of acute hazardous waste. Most small businesses answer no.",
        requires=("waste_streams",), reason="you are a RCRA Large Quantity Generator", only_if="hw_generator",
        short="RCRA large quantity generator",
    ),
    BusinessQuestion(
        "hhw_collection", BUSINESS_ACTIVITY_COLUMNS["hhw_collection"],
        "Is this site a household hazardous waste collection site, where people drop off things like old "
        "paint, pesticides and cleaners from their homes?",
        "Household hazardous waste (HHW) collection sites are usually run by a city, county or waste hauler. "
        "Most businesses answer no.",
        short="household hazardous waste collection",
    ),
)

BUSINESS_QUESTION_BY_KEY: dict[str, BusinessQuestion] = {q.key: q for q in BUSINESS_QUESTIONS}

EPA_ID_QUESTION = (
    "What is your EPA ID number? It is 12 characters and usually starts with CA, like CAL000123456."
)
EPA_ID_EXPLANATION = (
    "An EPA ID number identifies a site that produces, recycles or treats hazardous waste; it is on your "
    "hazardous waste manifests. If you don't have one yet, you get it from the Department of Toxic Substances "
    "Control (DTSC); CERS warns when a hazardous waste generator has none."
)
# Answers after which the EPA ID is needed (CERS guidance codes 1024-1026).
EPA_ID_NEEDED_IF = ("hw_generator", "rcra_large_quantity_generator", "rw_consolidation_site")

# --- Owner/Operator fields ---------------------------------------------------------------------------

LEVELS = ("required", "recommended", "optional", "local")


@dataclass(frozen=True)
class OwnerOperatorField:
    key: str
    tag: str
    label: str
    question: str
    level: str  # required (CERS minimally required or needed to certify) | recommended | optional | local
    validator: str  # text | name | title | phone | email | address | city | state | zip | country | date |
    #                 duns | sic | naics | integer
    max_len: int
    group: str  # business | operator | owner | econtact | pec | sec | billing | certification | local
    help: str = ""

    @property
    def required(self) -> bool:
        return self.level == "required"


def _f(key: str, label: str, question: str, level: str, validator: str, max_len: int, group: str,
       help: str = "") -> OwnerOperatorField:  # noqa: A002
    return OwnerOperatorField(key, OWNER_OPERATOR_COLUMNS[key], label, question, level, validator, max_len, group, help)


_24H = ("The 24-hour number must be answered day and night, or by a service that can reach the person right "
        "away: responders call it during an emergency.")
_SIGN = ("Without the preparer and the signer's name and title the filing is not certified, and inspectors mark "
         "it Not Accepted.")

# In the order the assistant asks them; certification last.
OWNER_OPERATOR_FIELDS: tuple[OwnerOperatorField, ...] = (
    _f("business_name", "business name", "What is the business's full legal name?", "required", "text", 70,
       "business"),
    _f("phone", "business phone", "What is the business's main phone number?", "required", "phone", 25, "business"),
    _f("mailing_address", "business mailing address",
       "What is the business's mailing address (street or P.O. Box)?", "required", "address", 100, "business"),
    _f("mailing_city", "business mailing city", "In which city is that mailing address?", "required", "city", 60,
       "business"),
    _f("mailing_state", "business mailing state", "Which state? (two letters, like CA)", "recommended", "state", 2,
       "business"),
    _f("mailing_zip", "business mailing ZIP code", "And the ZIP code?", "recommended", "zip", 10, "business"),
    _f("operator_name", "operator's name",
       "Who operates the business day to day? (a person or a company)", "required", "name", 80, "operator"),
    _f("operator_phone", "operator's phone", "What is the operator's phone number?", "required", "phone", 25,
       "operator"),
    _f("owner_name", "owner's name", "Who owns the business? (a person or a company)", "required", "name", 80, "owner"),
    _f("owner_phone", "owner's phone", "What is the owner's phone number?", "required", "phone", 25, "owner"),
    _f("owner_mail_address", "owner's mailing address", "What is the owner's mailing address?", "required",
       "address", 100, "owner"),
    _f("owner_city", "owner's city", "In which city is the owner's mailing address?", "required", "city", 60, "owner"),
    _f("owner_state", "owner's state", "Which state is the owner in? (two letters, like CA)", "recommended", "state",
       2, "owner"),
    _f("owner_zip", "owner's ZIP code", "What is the owner's ZIP code?", "recommended", "zip", 10, "owner"),
    _f("econtact_name", "environmental contact's name",
       "Who is the environmental contact, the person who handles hazardous materials questions?", "required",
       "person", 80, "econtact",
       "The environmental contact gets the notices about your filing (for example when it is Not Accepted)."),
    _f("econtact_phone", "environmental contact's phone", "What is the environmental contact's phone number?",
       "required", "phone", 25, "econtact"),
    _f("econtact_email", "environmental contact's email",
       "What is the environmental contact's email address? Notices about the filing go there.", "recommended",
       "email", 100, "econtact"),
    _f("econtact_mail_address", "environmental contact's mailing address",
       "What is the environmental contact's mailing address?", "required", "address", 100, "econtact"),
    _f("econtact_city", "environmental contact's city", "In which city?", "required", "city", 60, "econtact"),
    _f("econtact_state", "environmental contact's state", "Which state? (two letters, like CA)", "recommended",
       "state", 2, "econtact"),
    _f("econtact_zip", "environmental contact's ZIP code", "And the ZIP code?", "recommended", "zip", 10, "econtact"),
    _f("pec_name", "primary emergency contact's name",
       "Who is the primary emergency contact, the person responders call first?", "required", "person", 80, "pec",
       "Emergency contacts need full access to the facility, know the site, and can make decisions in an "
       "emergency."),
    _f("pec_title", "primary emergency contact's title", "What is their job title?", "required", "title", 60, "pec"),
    _f("pec_business_phone", "primary emergency contact's business phone",
       "What is their business phone number?", "required", "phone", 25, "pec"),
    _f("pec_24hr_phone", "primary emergency contact's 24-hour phone",
       "What number reaches them 24 hours a day (usually a cell phone)?", "required", "phone", 25, "pec", _24H),
    _f("sec_name", "secondary emergency contact's name",
       "Who is the secondary emergency contact, called when the first one can't be reached?", "recommended",
       "person", 80, "sec"),
    _f("sec_title", "secondary emergency contact's title", "What is their job title?", "recommended", "title", 60,
       "sec"),
    _f("sec_business_phone", "secondary emergency contact's business phone", "What is their business phone number?",
       "recommended", "phone", 25, "sec"),
    _f("sec_24hr_phone", "secondary emergency contact's 24-hour phone",
       "What number reaches them 24 hours a day?", "recommended", "phone", 25, "sec", _24H),
    _f("billing_contact_name", "billing contact's name", "Who should receive the bills (the billing contact)?",
       "required", "name", 80, "billing"),
    _f("billing_contact_phone", "billing contact's phone", "What is the billing contact's phone number?",
       "required", "phone", 25, "billing"),
    _f("billing_contact_email", "billing contact's email", "What is the billing contact's email address?",
       "recommended", "email", 100, "billing"),
    _f("billing_address", "billing address", "What is the billing address?", "required", "address", 100, "billing"),
    _f("billing_city", "billing city", "In which city is the billing address?", "required", "city", 60, "billing"),
    _f("billing_state", "billing state", "Which state? (two letters, like CA)", "recommended", "state", 2, "billing"),
    _f("billing_zip", "billing ZIP code", "And the billing ZIP code?", "recommended", "zip", 10, "billing"),
    # optional: asked only when the user wants to (or the CUPA asks for them)
    _f("fax", "business fax", "What is the business's fax number?", "optional", "phone", 17, "business"),
    _f("beginning_date", "beginning date", "Since when has the business operated at this site?", "optional", "date",
       10, "business"),
    _f("ending_date", "ending date", "If the business is closing at this site, on what date?", "optional", "date",
       10, "business"),
    _f("dun_and_bradstreet", "Dun & Bradstreet number", "What is the business's Dun & Bradstreet (D-U-N-S) number?",
       "optional", "duns", 9, "business"),
    _f("sic_code", "SIC code", "What is the business's SIC code (4 digits)?", "optional", "sic", 4, "business"),
    _f("naics_code", "NAICS code", "What is the business's NAICS code (6 digits)?", "optional", "naics", 6,
       "business", "Some CUPAs ask for the NAICS code; it is on your tax forms."),
    _f("owner_country", "owner's country", "In which country is the owner?", "optional", "country", 50, "owner"),
    _f("econtact_country", "environmental contact's country", "In which country?", "optional", "country", 50,
       "econtact"),
    _f("pec_pager", "primary emergency contact's pager", "A pager number for them?", "optional", "phone", 25, "pec"),
    _f("sec_pager", "secondary emergency contact's pager", "A pager number for them?", "optional", "phone", 25, "sec"),
    _f("billing_country", "billing country", "In which country is the billing address?", "optional", "country", 50,
       "billing"),
    # locally collected: only when the CUPA asks for them
    _f("assessor_parcel_number", "assessor parcel number", "What is the site's assessor parcel number (APN)?",
       "local", "text", 15, "local"),
    _f("number_of_employees", "number of employees", "How many people work at this site?", "local", "integer", 7,
       "local"),
    _f("property_owner_name", "property owner's name", "Who owns the property (land and building)?", "local", "name",
       80, "property_owner", "The property owner must be told in writing that the business files a hazardous "
       "materials business plan."),
    _f("property_owner_phone", "property owner's phone", "What is the property owner's phone number?", "local",
       "phone", 25, "property_owner"),
    _f("property_owner_mailing_address", "property owner's mailing address",
       "What is the property owner's mailing address?", "local", "address", 100, "property_owner"),
    _f("property_owner_city", "property owner's city", "In which city?", "local", "city", 60, "property_owner"),
    _f("property_owner_state", "property owner's state", "Which state? (two letters, like CA)", "local", "state", 2,
       "property_owner"),
    _f("property_owner_zip", "property owner's ZIP code", "And the ZIP code?", "local", "zip", 10, "property_owner"),
    _f("property_owner_country", "property owner's country", "In which country?", "local", "country", 50,
       "property_owner"),
    _f("al_collected_information", "additional local information",
       "Anything else your CUPA asked you to report on this page?", "local", "text", 255, "local"),
    # certification
    _f("document_preparer_name", "document preparer's name",
       "Who prepared this information? (your name, if it was you)", "required", "person", 80, "certification",
       _SIGN),
    _f("identification_signer_name", "signer's name",
       "Who signs to certify that the information is true, accurate and complete? (usually the owner or a "
       "manager)", "required", "person", 80, "certification", _SIGN),
    _f("identification_signer_title", "signer's title", "What is the signer's job title?", "required", "title", 60,
       "certification", _SIGN),
    _f("identification_signed_date", "date signed", "On what date is it signed? (you can say today)", "required",
       "date", 10, "certification"),
)

OWNER_OPERATOR_FIELD_BY_KEY: dict[str, OwnerOperatorField] = {f.key: f for f in OWNER_OPERATOR_FIELDS}
CERTIFICATION_KEYS = tuple(f.key for f in OWNER_OPERATOR_FIELDS if f.group == "certification")

# Address groups: the columns of each address block (street, city, state, zip, country or None).
ADDRESS_GROUPS: dict[str, tuple[str, str, str, str, Optional[str]]] = {
    "business": ("mailing_address", "mailing_city", "mailing_state", "mailing_zip", None),
    "owner": ("owner_mail_address", "owner_city", "owner_state", "owner_zip", "owner_country"),
    "econtact": ("econtact_mail_address", "econtact_city", "econtact_state", "econtact_zip", "econtact_country"),
    "billing": ("billing_address", "billing_city", "billing_state", "billing_zip", "billing_country"),
    "property_owner": ("property_owner_mailing_address", "property_owner_city", "property_owner_state",
                       "property_owner_zip", "property_owner_country"),
}


def address_group_of(key: str) -> Optional[str]:
    """The address group a column belongs to ("owner" for owner_zip), or None."""
    for group, columns in ADDRESS_GROUPS.items():
        if key in columns:
            return group
    return None


assert set(BUSINESS_QUESTION_BY_KEY) == set(BUSINESS_ACTIVITY_COLUMNS)
assert set(OWNER_OPERATOR_FIELD_BY_KEY) == set(OWNER_OPERATOR_COLUMNS)
