"""The drafted Employee Training Plan: who is trained, initial training before anyone handles hazardous materials
and a yearly refresher for everyone, the topics (this facility's own materials and their hazards from the
inventory, the Safety Data Sheets, the contingency plan's procedures and phone numbers, protective equipment, the
spill kit, evacuation), how it is taught, who teaches it, the records kept (at least 3 years), revision date and
signatures. A pure function of `FilingData`: no database, no files.
"""
from __future__ import annotations

from reportlab.platypus import Flowable

from bot.documents.plan_drafts import layout as L
from bot.documents.plan_drafts.emergency import HOW_TO_FINISH, NOT_IN_FILING, STATE_WARNING_CENTER
from bot.documents.plan_drafts.filing import FilingData

TITLE = "Employee Training Plan"
RECORD_YEARS = 3
EMPTY_INVENTORY = ("Your filing has no hazardous materials inventory yet: list the materials employees handle and "
                   "their hazards here (or add your inventory in the chat first and download a new draft).")


def _facility(data: FilingData) -> list[Flowable]:
    rows = [("Facility name", data.facility_name), ("CERS ID", data.cers_id), ("Facility address", data.address),
            ("Business (legal) name", data.business_name or L.CELL_BLANK)]
    return [L.heading("1. Facility"), L.table(("Item", "Value"), rows, (1, 2.4))]


def _who() -> list[Flowable]:
    return [
        L.heading("2. Who is trained"),
        L.para("Every employee who handles hazardous materials or hazardous waste, and every employee who could be "
               "at work during an emergency. List the job titles:"),
        L.table(("Job title", "What they do with hazardous materials", "Training they need"), [("", "", "")] * 6,
                (1.5, 2.6, 1.9)),
    ]


def _when() -> list[Flowable]:
    return [
        L.heading("3. When training happens"),
        *L.check_boxes(["Initial training: every new employee is trained before handling any hazardous material.",
                        "Annual refresher: everyone is trained again every year (a yearly refresher).",
                        "After a change: a new material, a new process, or a change to the contingency plan."],
                       ticked=["Initial training: every new employee is trained before handling any hazardous "
                               "material.",
                               "Annual refresher: everyone is trained again every year (a yearly refresher)."]),
        L.fill_line("Month of the annual refresher:", L.BLANK),
    ]


def _contacts_line(data: FilingData) -> str:
    named = [c for c in data.contacts if c.name or c.phone_24h]
    if not named:
        return f"the emergency coordinator: {L.BLANK}, 24-hour phone {L.BLANK}"
    return "; ".join(f"{c.name or L.BLANK}, 24-hour phone {c.phone_24h or L.BLANK}" for c in named)


def _numbers(data: FilingData) -> str:
    cupa = (f"{data.cupa.name} {data.cupa.phone}" if data.cupa and data.cupa.phone else f"your CUPA {L.BLANK}")
    return (f"Who to call and their numbers: 911 first; {_contacts_line(data)}; {cupa}; the State Warning Center "
            f"{STATE_WARNING_CENTER}.")


def _materials(data: FilingData) -> list[Flowable]:
    header, widths = ("Material", "Its hazards", "Where it is stored"), (2, 2.2, 1.8)
    if not data.materials:
        return [L.note(EMPTY_INVENTORY), L.table(header, [("", "", "")] * 5, widths)]
    rows = [(m.name + (" (waste)" if m.waste else ""), ", ".join(m.hazards) or L.CELL_BLANK, m.location or L.CELL_BLANK)
            for m in data.materials]
    return [L.para("The materials of this facility (from your filing's inventory) and their hazards:"),
            L.table(header, rows, widths)]


def _topics(data: FilingData) -> list[Flowable]:
    topics = [
        "Where the Safety Data Sheets (SDS) are kept and how to read them. SDS location: " + L.BLANK,
        "The emergency procedures of the Emergency Response / Contingency Plan: fire, release or spill, "
        "earthquake, injury or exposure.",
        _numbers(data),
        "Protective equipment (gloves, goggles, respirators...): which, when, and how to wear it: " + L.BLANK,
        "Using the spill kit and keeping spills out of storm drains. Spill kit location: " + L.BLANK,
        "Evacuation: the alarm, the routes, the assembly area, and counting everyone.",
        "Safe handling and storage: labels, closed containers, keeping materials that react together apart.",
    ]
    if data.has_waste:
        topics.append("Hazardous waste: labels, accumulation dates, and who takes it away.")
    return [L.heading("4. What the training covers"), *_materials(data), L.spacer(4), *L.bullets(topics),
            L.fill_line("Other topics:", L.LONG_BLANK)]


def _methods() -> list[Flowable]:
    return [
        L.heading("5. How it is taught"),
        *L.check_boxes(["Classroom or tailgate meeting", "On-the-job demonstration", "Video or online course",
                        "Drills (evacuation, spill)", "Written or spoken quiz", f"Other: {L.BLANK}"]),
        L.fill_line("Length of the initial training (hours):", "______"),
        L.fill_line("Length of the annual refresher (hours):", "______"),
    ]


def _trainer() -> list[Flowable]:
    return [L.heading("6. Trainer"), L.fill_line("Name:", L.BLANK), L.fill_line("Title:", L.BLANK),
            L.fill_line("Experience or qualifications:", L.LONG_BLANK)]


def _records() -> list[Flowable]:
    return [
        L.heading("7. Training records"),
        L.para(f"For each session: the date, the topics, the trainer, and the name and signature of each employee "
               f"trained. Records are kept at least {RECORD_YEARS} years and shown to the inspector on request."),
        L.fill_line("Where the records are kept:", L.BLANK),
        L.subheading("Training log"),
        L.table(("Date", "Employee", "Job title", "Initial or refresher", "Trainer"), [("", "", "", "", "")] * 8,
                (0.9, 1.6, 1.3, 1.1, 1.2)),
    ]


def _signatures() -> list[Flowable]:
    return [
        L.heading("8. Revision and signatures"),
        L.para("Review this plan every year with the contingency plan."),
        L.fill_line("Date of this revision:", L.BLANK),
        *L.signature_block(("Prepared by", "Approved by (owner or operator)")),
    ]


def story(data: FilingData) -> list[Flowable]:
    parts: list[Flowable] = [
        L.para(TITLE, L.TITLE),
        L.para(f"{data.facility_name} · CERS ID {data.cers_id}", L.SUBTITLE),
        L.para(f"Filled in from your filing as of {data.as_of:%B} {data.as_of.day}, {data.as_of.year}.", L.SUBTITLE),
        L.boxed(HOW_TO_FINISH.replace("the signed plan", "the signed training plan")),
        *_facility(data), *_who(), *_when(), *_topics(data), *_methods(), *_trainer(), *_records(), *_signatures(),
    ]
    if not any(c.complete for c in data.contacts):
        parts.insert(5, L.note("No emergency contact with a 24-hour phone in your filing. " + NOT_IN_FILING))
    return parts


def build(data: FilingData) -> bytes:
    """The drafted Employee Training Plan as PDF bytes."""
    return L.render(story(data), title=TITLE, footer=f"{TITLE} · {data.facility_name} · CERS ID {data.cers_id}",
                    author=data.business_name or data.facility_name)
