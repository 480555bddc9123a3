"""The drafted Emergency Response / Contingency Plan, in the order of the state's consolidated contingency plan
template (CalEPA Guidance Letter 17-01; the UPCF OES 2731 sample): facility, emergency coordinators, who to call,
the hazardous materials and where they are, evacuation, what to do in a fire, a release and an earthquake,
emergency equipment, utility shut-offs, earthquake-vulnerable systems, revision date and signatures.

What the filing holds is filled in; everything else is a blank line or a box to tick, with a note where the filing
itself is missing something. A pure function of `FilingData`: no database, no files.
"""
from __future__ import annotations

from reportlab.platypus import Flowable

from bot.documents.plan_drafts import layout as L
from bot.documents.plan_drafts.filing import Contact, FilingData, Material

TITLE = "Emergency Response / Contingency Plan"
STATE_WARNING_CENTER = "800-852-7550"
NATIONAL_RESPONSE_CENTER = "800-424-8802"
NOT_IN_FILING = ("Not in your filing yet: write it here, and add it to your filing's Facility Information "
                 "(Owner/Operator page) so the next draft has it.")
EMPTY_INVENTORY = ("Your filing has no hazardous materials inventory yet. List each hazardous material below: its "
                   "largest amount on site and where it is stored (or add your inventory in the chat first and "
                   "download a new draft).")

HOW_TO_FINISH = (
    "How to finish this draft:\n"
    "1. Check everything filled in from your filing, and correct what is wrong.\n"
    "2. Fill in every blank line (____) and tick the boxes that apply to your facility.\n"
    "3. Write the date of this revision, then sign and date it on the last page.\n"
    "4. Upload the signed plan as a PDF on the Documents page or in the chat, and keep a copy where employees "
    "can reach it."
)


def _or_blank(value: object) -> str:
    return str(value) if value not in (None, "") else L.CELL_BLANK


def _facility(data: FilingData) -> list[Flowable]:
    rows = [("Facility name", data.facility_name), ("CERS ID", data.cers_id), ("Facility address", data.address),
            ("Business (legal) name", data.business_name), ("Business phone", data.business_phone),
            ("Owner or operator", data.owner_or_operator),
            ("Number of employees", str(data.employees) if data.employees is not None else None)]
    story: list[Flowable] = [L.heading("1. Facility identification"),
                             L.table(("Item", "Value"), [(k, _or_blank(v)) for k, v in rows], (1, 2.4))]
    if any(v in (None, "") for _, v in rows):
        story.append(L.note("Blank lines above: " + NOT_IN_FILING))
    return story


def _contact_row(contact: Contact) -> tuple[str, ...]:
    return (contact.role, _or_blank(contact.name), _or_blank(contact.title), _or_blank(contact.business_phone),
            _or_blank(contact.phone_24h))


def _coordinators(data: FilingData) -> list[Flowable]:
    contacts = data.contacts or (Contact("Primary emergency contact"), Contact("Secondary emergency contact"))
    rows = [_contact_row(c) for c in contacts] + [("Alternate (optional)", "", "", "", "")]
    story: list[Flowable] = [
        L.heading("2. Emergency coordinators"),
        L.para("The emergency coordinator takes charge in an emergency: calls for help, tells employees to "
               "leave, meets the fire department and tells them which hazardous materials are inside and where. "
               "At least one coordinator can be reached 24 hours a day."),
        L.table(("Role", "Name", "Title", "Business phone", "24-hour phone"), rows, (1.5, 1.4, 1.1, 1.1, 1.1)),
    ]
    if not all(c.complete for c in contacts):
        story.append(L.note("An emergency contact's name or 24-hour phone is missing. " + NOT_IN_FILING))
    return story


def _cupa_cells(data: FilingData) -> tuple[str, str]:
    if data.cupa is None:
        return f"Your CUPA (the local agency that reviews this plan): {L.BLANK}", L.CELL_BLANK
    phone = data.cupa.phone or L.CELL_BLANK
    if data.cupa.phone and data.cupa.unconfirmed:
        phone += " (check this number on your CUPA's website)"
    return f"Your CUPA: {data.cupa.name}", phone


def _notification(data: FilingData) -> list[Flowable]:
    cupa_who, cupa_phone = _cupa_cells(data)
    rows = [
        ("1", "Fire department, police, ambulance", "911",
         "First, for any fire, injury, or release that threatens people, property or the environment."),
        ("2", "The emergency coordinator (section 2)", "24-hour phone in section 2", "Right after 911."),
        ("3", cupa_who, cupa_phone, "Any release or threatened release of a hazardous material."),
        ("4", "State Warning Center (Cal OES), 24 hours", STATE_WARNING_CENTER,
         "Any release or threatened release of a hazardous material."),
        ("5", "National Response Center (federal), 24 hours", NATIONAL_RESPONSE_CENTER,
         "A release of a federally reportable quantity, or oil reaching water."),
        ("6", f"Nearest hospital: {L.CELL_BLANK}", L.CELL_BLANK, "Injuries and exposures."),
        ("7", f"Regional Water Quality Control Board: {L.CELL_BLANK}", L.CELL_BLANK,
         "A release that reaches a storm drain, creek, or the ground water."),
        ("8", f"Other: {L.CELL_BLANK}", L.CELL_BLANK, ""),
    ]
    return [
        L.heading("3. Emergency notification: who to call"),
        L.para("In an emergency, call in this order. Post these numbers next to every phone."),
        L.table(("#", "Who", "Phone", "When"), rows, (0.3, 2.2, 1.4, 2.4)),
        L.para("After the calls, write down what happened: what was released, how much, where, when, and whom you "
               "called. Your CUPA may ask for a written report."),
    ]


def _material_row(m: Material) -> tuple[str, ...]:
    name = m.name + (" (waste)" if m.waste else "") + (" (extremely hazardous substance)" if m.ehs else "")
    return (name, m.max_amount, m.location or L.CELL_BLANK, m.state or "", ", ".join(m.hazards) or L.CELL_BLANK)


def _materials(data: FilingData) -> list[Flowable]:
    story: list[Flowable] = [L.heading("4. Hazardous materials on site and where they are stored")]
    header = ("Material", "Largest amount on site", "Where it is stored", "State", "Hazards")
    widths = (1.9, 1.1, 1.6, 0.6, 1.5)
    if not data.materials:
        story += [L.note(EMPTY_INVENTORY), L.table(header, [("", "", "", "", "")] * 5, widths)]
        return story
    story += [L.para("From your filing's inventory. The storage places must match the names on your site map."),
              L.table(header, [_material_row(m) for m in data.materials], widths)]
    if any(not m.location for m in data.materials):
        story.append(L.note("Some materials have no storage location in your filing: write it in, and add it to "
                            "the inventory."))
    return story


def _evacuation() -> list[Flowable]:
    return [
        L.heading("5. Evacuation"),
        L.subheading("How employees are warned (alarm method)"),
        *L.check_boxes(["Fire alarm bell or horn", "Voice, intercom or public address", "Air horn or whistle",
                        f"Other: {L.BLANK}"]),
        L.subheading("Evacuation routes"),
        *L.check_boxes(["Routes are shown on the site map and posted near each exit"]),
        L.fill_line("Describe the routes:", L.LONG_BLANK), L.para(L.LONG_BLANK),
        L.subheading("Assembly area"),
        L.fill_line("Where everyone meets outside:", L.BLANK), L.fill_line("Second choice, if it is unsafe:", L.BLANK),
        L.fill_line("Who counts the employees and tells the firefighters if someone is missing:", L.BLANK),
        L.para("Nobody goes back inside until the fire department says it is safe."),
    ]


def _procedures() -> list[Flowable]:
    extra = ("Steps of your own:", L.LONG_BLANK)
    return [
        L.heading("6. Emergency response procedures"),
        L.bold_lead("Fire.", "Sound the alarm and call 911. Everyone leaves by the nearest safe exit to the assembly "
                    "area. Use a fire extinguisher only on a small fire, only if you are trained, and with an exit "
                    "behind you. If it is safe, shut off gas and power (section 8). Meet the firefighters: tell them "
                    "which hazardous materials are inside and where (section 4), and give them the Safety Data "
                    "Sheets."),
        L.fill_line(*extra),
        L.bold_lead("Release or spill.", "Keep people away and stay upwind. Call 911 if anyone is hurt, if there is "
                    "a fire risk, or if you cannot control it. Only trained employees wearing the right protective "
                    "equipment stop the leak and contain it with the spill kit; keep it out of storm drains. Report "
                    "it to your CUPA and to the State Warning Center (section 3). Used absorbent and the spilled "
                    "material are hazardous waste."),
        L.fill_line("Spill kit location:", L.BLANK), L.fill_line("Hazardous waste hauler and phone:", L.BLANK),
        L.fill_line(*extra),
        L.bold_lead("Earthquake.", "Drop, cover and hold on. When the shaking stops, leave a damaged building. Check "
                    "for fires, leaks and broken containers; if you smell gas, shut off the gas and do not use "
                    "switches or flames. Treat any release as above."),
        L.fill_line(*extra),
        L.bold_lead("Injury or exposure.", "Call 911. Rinse eyes or skin with water for at least 15 minutes. Give "
                    "the Safety Data Sheet of the material to the medical staff."),
        L.fill_line(*extra),
    ]


def _equipment() -> list[Flowable]:
    names = ("Fire extinguishers", "Spill kit / absorbent", "First aid kit", "Eyewash or safety shower",
             "Fire alarm pull stations", "Personal protective equipment", "Emergency lighting", "Other:")
    return [L.heading("7. Emergency equipment and where it is"),
            L.table(("Equipment", "Where it is", "Checked how often"), [(n, "", "") for n in names], (1.6, 2.6, 1.3))]


def _shutoffs() -> list[Flowable]:
    return [L.heading("8. Utility shut-offs"),
            L.table(("Utility", "Where the shut-off is", "Who may shut it off"),
                    [(n, "", "") for n in ("Gas", "Electric", "Water", "Other (fuel, process):")], (1.2, 2.8, 1.5))]


def _earthquake() -> list[Flowable]:
    return [
        L.heading("9. Earthquake-vulnerable systems"),
        L.para("What could fall, break or spill in an earthquake, and how it is secured. Tick what is done:"),
        *L.check_boxes(["Shelves and racks are anchored; containers cannot slide off",
                        "Gas cylinders are chained or strapped", "Containers sit in secondary containment",
                        "Materials that react together are stored apart", "Automatic gas shut-off valve installed"]),
        L.fill_line("What still needs securing:", L.LONG_BLANK),
    ]


def _signatures() -> list[Flowable]:
    return [
        L.heading("10. Revision and signatures"),
        L.para("Review this plan every year, and update it within 30 days of a change (a new material, a new "
               "storage place, new contacts)."),
        L.fill_line("Date of this revision:", L.BLANK),
        *L.signature_block(("Prepared by", "Approved by (owner or operator)")),
    ]


def story(data: FilingData) -> list[Flowable]:
    """Every section of the plan, in the template's order."""
    return [
        L.para(TITLE, L.TITLE),
        L.para(f"{data.facility_name} · CERS ID {data.cers_id}", L.SUBTITLE),
        L.para("Laid out like the state's consolidated contingency plan (CalEPA Guidance Letter 17-01). Filled in "
               f"from your filing as of {data.as_of:%B} {data.as_of.day}, {data.as_of.year}.", L.SUBTITLE),
        L.boxed(HOW_TO_FINISH),
        *_facility(data), *_coordinators(data), *_notification(data), *_materials(data), *_evacuation(),
        *_procedures(), *_equipment(), *_shutoffs(), *_earthquake(), *_signatures(),
    ]


def build(data: FilingData) -> bytes:
    """The drafted Emergency Response / Contingency Plan as PDF bytes."""
    return L.render(story(data), title=TITLE, footer=f"{TITLE} · {data.facility_name} · CERS ID {data.cers_id}",
                    author=data.business_name or data.facility_name)
