"""What the assistant knows about the filing rules, as short answers in plain words.

Every fact comes from ../shared/docs/cers-facts.md, product.md or cers-pitfalls.md (the source is named in
the comment above it); nothing here is invented, and where the facts say a rule is unconfirmed (propane) the
answer says to check with the CUPA. Each fact has the words that show a question is about it (`about`,
regular expressions matched on the lower-cased question) and a weight for how specific those words are.

Pure data: no database, no Rasa. `bot.knowledge.answers` picks the facts for a question.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    key: str
    topic: str  # thresholds | exemptions | ehs | deadlines | consequences | definitions | process
    about: tuple[re.Pattern[str], ...]
    text: str
    weight: float = 1.0


def _rx(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


FACTS: tuple[Fact, ...] = (
    # --- thresholds (cers-facts 4, HSC 25507) ------------------------------------------------------------
    Fact("thresholds", "thresholds", _rx(
        r"\bthresholds?\b", r"\bcut ?off\b", r"\bhow much\b.*\b(?:before|report|file|need|trigger)",
        r"\b(?:do|does) (?:i|we|it) (?:have|need) to (?:report|list|include)\b", r"\breportable\b",
        r"\b(?:have|need) to (?:report|list)\b", r"\bminimum (?:amount|quantity)\b", r"\btrigger",
        r"\bmixture\b.*\b(?:count|whole|threshold|amount)\b", r"\bwhat else\b.*\b(?:plan|report|file)",
        r"\bneed (?:a|the) (?:business )?plan\b", r"\bwho (?:needs|has) to (?:file|report)\b",
        r"\bwhat (?:amount|quantity|size)\b", r"\bhow (?:much|many)\b.*\b(?:count|matter|allowed)\b",
        r"\b(?:go|goes|put) (?:in|on|into) the (?:plan|list|inventory|filing)\b", r"\bsmall amounts?\b",
        r"\bhay que reportar", r"\breportarlo\b", r"\bcount\b.*\b(?:container|total)\b",
        r"\bper container\b", r"\bsolids?\b.*\b(?:limit|cutoff|threshold)", r"\bcompressed gas\b"),
         "You must report a hazardous material when you have, at any one time during the year, 55 gallons or "
         "more of a liquid, 500 pounds or more of a solid, or 200 cubic feet or more of a compressed gas "
         "(measured at standard temperature and pressure). It is the total of that material at the facility at "
         "any one time, not per container. A mixture is judged as a whole at its physical state. An Extremely "
         "Hazardous Substance counts at its Threshold Planning Quantity or 500 pounds, whichever is less. A "
         "business that must file federal Tier II, or holds an EHS at its threshold planning quantity, also "
         "needs a business plan."),
    Fact("special_gases", "thresholds", _rx(
        r"\bco2\b", r"\bcarbon dioxide\b", r"\bnitrogen\b", r"\bargon\b", r"\bhelium\b", r"\bneon\b",
        r"\bkrypton\b", r"\bxenon\b", r"\basphyxiant", r"\bmedical gas", r"\bnitrous\b", r"\boxygen\b",
        r"\bfire suppression\b", r"\bclean agent\b", r"\brefrigerant", r"\bdry ice\b", r"\bbeer gas\b",
        r"\bsoda fountain\b"),
         "Carbon dioxide and simple asphyxiants (nitrogen, helium, argon, neon, krypton, xenon) are reportable "
         "at 1,000 cubic feet. So are oxygen, nitrogen and nitrous oxide at health-care offices (medical, dental, "
         "veterinary), nonflammable refrigerant gases in a refrigeration system, and gases in closed fire "
         "suppression systems: 1,000 cubic feet. Refrigerants in closed comfort cooling or computer-room cooling "
         "systems (not ammonia or flammable gases) are exempt. Other compressed gases: 200 cubic feet.", 1.3),
    Fact("lube_oil", "thresholds", _rx(
        r"\blub(?:e|ricating)\b", r"\bmotor oil\b", r"\bengine oil\b", r"\bgear oil\b", r"\bused oil\b",
        r"\bwaste oil\b", r"\boil\b.*\b(?:exempt|report|rule)", r"\b10w"),
         "Lubricating oil is reportable only above 55 gallons of any one type, or above 275 gallons of all "
         "types together. Used (waste) oil is not lubricating oil: it counts at the base threshold of 55 "
         "gallons.", 1.3),
    Fact("oil_equipment", "thresholds", _rx(
        r"\bhydraulic\b", r"\btransformer", r"\boil-filled\b", r"\belectrical equipment\b", r"\blifts?\b"),
         "Hydraulic fluid in a hydraulic system and oil in oil-filled electrical equipment are exempt when the "
         "facility's total oil storage is under 1,320 gallons (and the equipment is not next to an electric "
         "facility).", 1.2),
    Fact("propane", "thresholds", _rx(r"\bpropane\b", r"\blpg\b", r"\blp gas\b"),
         "Propane: a special threshold exists, but it depends on how the propane is used and on local rules "
         "(an older rule exempted up to 300 gallons used only to heat employee work areas), so check with your "
         "CUPA. Otherwise the base threshold for a gas applies.", 1.3),
    Fact("irritants", "thresholds", _rx(r"\birritant", r"\bsensiti[sz]er"),
         "Irritants and sensitizers have a higher threshold: 550 gallons of a liquid or 5,000 pounds of a "
         "solid.", 1.3),
    Fact("metals", "thresholds", _rx(r"\bmetal", r"\bmagnesium\b", r"\baluminum (?:powder|dust)", r"\bdust\b",
                                     r"\bcombustible\b"),
         "Combustible metals and alloys need a business plan at 100 pounds (combustible dust, flammable solid, "
         "magnesium), or 500 pounds when they are explosive in molten form.", 1.1),
    Fact("paint_recycling", "thresholds", _rx(r"\bpaint\b.*\brecycl", r"\brecycl\w*\b.*\bpaint\b"),
         "Paint collected for recycling has its own threshold: 10,000 pounds of solid or 1,000 gallons of "
         "liquid.", 1.3),
    # --- exemptions (cers-facts 4, cers-pitfalls "Common exemptions") ----------------------------------
    Fact("exemptions", "exemptions", _rx(r"\bexempt", r"\bexcept", r"\bdon'?t (?:have|need) to (?:report|list)",
                                         r"\bexclu"),
         "Common exemptions: consumer products in a retail store, in consumer packages (not in distribution "
         "centers, separate warehouses, manufacturing, or where they are dispensed); mixtures with less than "
         "1% of a hazardous material (0.1% for a carcinogen); compressed air for emergency response and "
         "safety equipment; refrigerants in closed comfort or computer-room cooling systems; material in "
         "transit under shipping papers up to 30 days. Your CUPA may add local exemptions or rules: check with "
         "them.", 1.1),
    Fact("retail", "exemptions", _rx(r"\bretail\b", r"\bconsumer\b", r"\bstore shelves\b", r"\bsell\b",
                                     r"\bwarehouse\b", r"\bdistribution\b"),
         "Consumer products in a retail establishment, packaged for consumers, are exempt. The exemption does "
         "not cover distribution centers, a separate warehouse, manufacturing, or products dispensed on site.",
         1.3),
    Fact("small_percent", "exemptions", _rx(r"\b\d+(?:\.\d+)?\s*%", r"\bpercent\b", r"\bcarcinogen",
                                            r"\bingredient\b", r"\btrace\b"),
         "A mixture with less than 1% of a hazardous material is exempt, or less than 0.1% when that material "
         "is a carcinogen.", 1.0),
    Fact("compressed_air", "exemptions", _rx(r"\bcompressed air\b", r"\bscba\b", r"\bbreathing air\b"),
         "Compressed air used for emergency response or safety (such as SCBA breathing air) is exempt.", 1.4),
    Fact("local_rules", "exemptions", _rx(r"\bcounty\b.*\b(?:different|own|rules?)", r"\blocal\b",
                                          r"\bcity\b.*\brules?\b"),
         "Your local CUPA may have its own rules: local ordinances can add exemptions or set lower or higher "
         "thresholds, and the CUPA sets the annual due date. Check with your CUPA.", 1.2),
    # --- EHS (cers-facts 1.3, 4) ---------------------------------------------------------------------------
    Fact("ehs", "ehs", _rx(r"\behs\b", r"\bextremely hazardous\b", r"\bthreshold planning\b", r"\btpq\b",
                           r"\b40 cfr 355\b", r"\bsection 302\b"),
         "An Extremely Hazardous Substance (EHS) is a chemical on the federal list in 40 CFR 355 Appendix A "
         "(EPCRA section 302). Each has a Threshold Planning Quantity (TPQ) in pounds; you must report an EHS "
         "at its threshold planning quantity or 500 pounds, whichever is less. EHS amounts are reported in "
         "pounds. The EHS field (Y/N) is required for every material; for a mixture you mark each component "
         "that is an EHS.", 1.2),
    # --- deadlines (cers-facts 4: HSC 25508, 25508.1, AB 1429) -----------------------------------------------
    Fact("annual", "deadlines", _rx(r"\bdue\b", r"\bdeadline\b", r"\bwhen\b.*\b(?:file|submit|certify)",
                                    r"\bhow often\b", r"\bevery year\b", r"\bannual", r"\bmarch\b",
                                    r"\bcada cu[aá]nto\b", r"\bby when\b", r"\bwhat date\b", r"\blate\b",
                                    r"\ba tiempo\b", r"\byearly\b"),
         "The business plan is submitted and certified in CERS every year, by the date your CUPA sets — on or "
         "before March 1 if it sets none.", 1.0),
    Fact("triennial", "deadlines", _rx(r"\bthree years\b", r"\b3 years\b", r"\btriennial\b", r"\bevery 3\b",
                                       r"\bab ?1429\b", r"\bresubmit every\b", r"\bwhole plan\b",
                                       r"\bevery.?(?:three|3).?years?\b", r"\btier ii\b", r"\bapsa\b"),
         "Since AB 1429, a business that does not file federal Tier II and is not subject to APSA (aboveground "
         "petroleum storage of 1,320 gallons or more) may submit the full plan every three years instead of "
         "every year, unless something significant changes. Everyone must still certify the plan every year in "
         "CERS. Businesses under Tier II or APSA submit every year. Your CUPA may be stricter.", 1.2),
    Fact("updates", "deadlines", _rx(r"\bchange", r"\bchanged\b", r"\bupdate", r"\bmoved?\b", r"\bnew address\b",
                                     r"\bsold\b", r"\bnew owner", r"\bownership\b", r"\bdoubled?\b",
                                     r"\bnew (?:chemical|material)\b", r"\bstarted (?:storing|using)\b",
                                     r"\bname change\b", r"\bbusiness name\b", r"\bbought\b", r"\bbuy(?:ing)?\b.*\bbusiness\b",
                                     r"\bold owner", r"\bacquir", r"\btook over\b", r"\brelocat", r"\bexpan"),
         "Update the plan in CERS within 30 days of a substantial change: a new business name, new ownership, "
         "a new address, a 100% (doubled) increase in a material you already report, or a new hazardous "
         "material above its threshold.", 1.1),
    # --- consequences (cers-pitfalls "How review works", HSC 25514) --------------------------------------
    Fact("not_accepted", "consequences", _rx(r"\bnot accept", r"\breject", r"\bhow long\b.*\b(?:fix|have)\b",
                                             r"\bdidn'?t accept", r"\bwhat happens\b",
                                             r"\bwhat if\b", r"\bfix\b", r"\bresubmit", r"\bdenied\b",
                                             r"\bnot approved\b", r"\bque pasa\b", r"\bwrong\b",
                                             r"\bmistake", r"\berror", r"\bblank\b", r"\bmissing\b"),
         "The CUPA inspector reviews each element and marks it Accepted or Not Accepted. Not Accepted sends an "
         "automated email to the facility's Lead Users with the reasons; you fix it in a new draft and "
         "resubmit within 30 days. A submitted element can't be edited: only the element that was not "
         "accepted needs a new submittal. Incomplete pages (Business Activities, Owner/Operator) and a missing "
         "preparer/signer certification are the most common reasons for Not Accepted. Every field must hold "
         "current data, not last year's.", 1.0),
    Fact("penalties", "consequences", _rx(r"\bpenalt", r"\bfines?\b", r"\bmulta", r"\bsanction",
                                          r"\btrouble\b", r"\blate\b", r"\bdon'?t file\b", r"\bnot file\b",
                                          r"\bnever file", r"\bignore\b", r"\bno lo entrego\b", r"\bforget\b"),
         "Filing late or not at all is a violation: penalties for business plan violations reach $2,000 a day, "
         "or $5,000 a day if knowing and willful (HSC 25514). The annual filing is due by your CUPA's date "
         "(March 1 if none is set).", 1.0),
    # --- definitions (cers-facts 1-3, product.md) -----------------------------------------------------------
    Fact("cupa", "definitions", _rx(r"\bcupa\b"),
         "A CUPA is a Certified Unified Program Agency: your local agency (often the county environmental "
         "health department or fire department) whose inspector reviews your business plan.", 1.4),
    Fact("cers", "definitions", _rx(r"\bwhat(?:'s| is| does)\b.*\bcers\b(?! id)", r"\bcers stand"),
         "CERS is the California Environmental Reporting System, the state website where businesses file their "
         "Hazardous Materials Business Plan.", 1.2),
    Fact("cers_id", "definitions", _rx(r"\bcers id\b", r"\bcers number\b", r"\bfacility id\b"),
         "A CERS ID is the 8-digit number CERS gives each facility. It is printed on the Business Activities "
         "form and on your CUPA's letters; you can also find the facility by the number part of its street "
         "address.", 1.4),
    Fact("lead_user", "definitions", _rx(r"\blead user", r"\bwho (?:manages|controls)\b"),
         "The Lead User manages a facility in CERS and decides who else gets access to it. The person who adds "
         "a new facility becomes its Lead User; it's good practice to have at least two.", 1.3),
    Fact("hmbp", "definitions", _rx(r"\bhmbp\b", r"\bbusiness plan\b.*\b(?:mean|stand|what)",
                                    r"\bwhat(?:'s| is)\b.*\bbusiness plan\b", r"\bhmi\b"),
         "HMBP stands for Hazardous Materials Business Plan: Facility Information (Business Activities and "
         "Owner/Operator), the Hazardous Materials Inventory (HMI: the list of your materials), a site map, an "
         "emergency response plan and an employee training plan.", 1.2),
    Fact("amounts", "definitions", _rx(r"\bmax(?:imum)? daily\b", r"\baverage daily\b", r"\bmaximum amount\b",
                                       r"\baverage amount\b", r"\blargest container\b", r"\baverage\b.*\bmax"),
         "Maximum daily amount: the most of the material you have at any one time during the year, in that "
         "location. Average daily amount: the total of all daily amounts over the year divided by the number of "
         "days it was on site; it must not exceed the maximum. Largest container: the size of the biggest single "
         "container.", 1.3),
    Fact("tier2", "definitions", _rx(r"\btier (?:ii|2|two)\b"),
         "Tier II is the federal EPCRA hazardous chemical inventory report (section 312). A business that must "
         "file Tier II needs a California business plan and submits it every year.", 1.3),
    Fact("apsa", "definitions", _rx(r"\bapsa\b", r"\baboveground petroleum\b", r"\bspcc\b"),
         "APSA is the Aboveground Petroleum Storage Act: it applies when a facility stores 1,320 gallons or more "
         "of petroleum in aboveground tanks or containers (also triggering an SPCC plan).", 1.3),
    Fact("waste", "definitions", _rx(r"\bwaste stream", r"\bwaste\b", r"\bused (?:oil|antifreeze|solvent)"),
         "A waste stream is entered as its own material (type: waste) with every hazardous component and its "
         "percent by weight, the California state waste code (a 3-digit code such as 221 for waste oil and "
         "mixed oil) and the annual waste amount.", 1.1),
    Fact("waste_codes", "definitions", _rx(r"\bwaste code", r"\bstate code\b"),
         "The California state waste code is a 3-digit code from your hazardous waste manifest or hauler's "
         "profile: for example 221 waste oil and mixed oil, 134 aqueous solution with less than 10% organics, "
         "211-214 solvents, 181 other inorganic solid waste.", 1.4),
    Fact("fields", "definitions", _rx(r"\bhm ?type\b", r"\bphysical state\b", r"\bunits?\b.*\b(?:report|use|can)",
                                      r"\bpure\b.*\bmixture\b", r"\bminimum info", r"\brequired field",
                                      r"\bwhat do i need to enter\b"),
         "For each material CERS needs at least the common name, whether it is an EHS, the physical state "
         "(solid, liquid or gas), the maximum daily amount, the units (gallons, pounds, cubic feet or tons; "
         "an EHS in pounds) and a storage container type. The type is pure, mixture or waste.", 1.2),
    Fact("containers", "definitions", _rx(r"\bcontainer types?\b", r"\bstorage container", r"\bcontainer\b.*\boptions\b"),
         "CERS container types: aboveground tank, underground tank, tank inside a building, steel drum, plastic "
         "drum, can, carboy, silo, fiber drum, bag, box, cylinder, glass bottle, plastic bottle, tote bin, tank "
         "truck, rail car, or other. At least one must be chosen.", 1.3),
    Fact("components", "definitions", _rx(r"\bcomponents?\b", r"\bingredients?\b", r"\bmixture\b"),
         "For a mixture or a waste, list its hazardous components with their percent by weight (the highest of "
         "a range): every component above 1% (0.1% for a carcinogen), up to 5 in the upload columns. For a "
         "mixture containing an EHS, mark that component as EHS.", 1.0),
    Fact("statuses", "definitions", _rx(r"\bstatus(?:es)?\b", r"\bunder review\b", r"\bsubmitted\b"),
         "Submittal statuses: Draft (being prepared), Submitted, Under Review, Accepted, Not Accepted (also Not "
         "Applicable and Not Submitted).", 1.1),
    Fact("location_private", "definitions", _rx(r"\bpublic", r"\bconfidential", r"\bdisclos"),
         "The chemical location is not publicly disclosed (HSC 25506), and you may mark a location confidential.",
         1.2),
    Fact("epa_id", "definitions", _rx(r"\bepa id\b", r"\bepa number\b"),
         "An EPA ID number (usually starting with CA) is needed if you generate, recycle or treat hazardous "
         "waste.", 1.4),
    Fact("business_activities", "definitions", _rx(r"\bbusiness activities\b"),
         "The Business Activities form is a set of yes/no questions (hazardous materials on site, tanks, "
         "hazardous waste...) that decide which parts of the plan you must file.", 1.3),
    Fact("documents", "definitions", _rx(r"\bdocuments?\b", r"\bsite map\b", r"\bemergency (?:response )?plan",
                                         r"\btraining plan\b", r"\bcontingency\b", r"\bpdf\b"),
         "Besides the inventory, the plan needs a site map (a PDF showing a north arrow, streets, exits, storage "
         "areas and emergency equipment), an emergency response / contingency plan, and an employee training "
         "plan. The plans may be uploaded as PDFs, or marked as provided elsewhere in CERS if they are already "
         "there. CERS takes files up to 25 MB.", 1.2),
    # --- process (product.md) --------------------------------------------------------------------------------
    Fact("account", "process", _rx(r"\baccount\b", r"\bsign ?up\b", r"\bregister\b", r"\bactivation\b",
                                   r"\bactivate\b"),
         "Create an account with your name, email and phone; the password goes in a secure form. CERS sends an "
         "activation email with a link — the account works once you open it. If it doesn't arrive, check your "
         "spam folder, and I can resend it.", 1.2),
    Fact("find_facility", "process", _rx(r"\balready in\b", r"\bfind (?:my|our|the) facility\b",
                                         r"\bsearch\b", r"\b(?:facility|business|site|we)\b.*\b(?:isn'?t|not) (?:in|there)\b", r"\badd (?:a|my|our|the)? ?(?:new )?facility\b"),
         "First search for the facility by its CERS ID or by the number part of its street address, so you "
         "never add one that already exists. If it's there, request access; if not, add it — you become its "
         "Lead User and it gets a new CERS ID.", 1.1),
    Fact("access", "process", _rx(r"\baccess\b", r"\bcan'?t get in\b", r"\blocked out\b", r"\bleft the company\b",
                                  r"\blead user (?:left|quit|is gone)"),
         "To work on a facility someone else manages, request access (your phone number and job title). The "
         "facility's Lead User grants it; if the Lead User has left the business, the CUPA inspector can grant "
         "it.", 1.2),
    Fact("upload", "process", _rx(r"\bupload", r"\bspreadsheet\b", r"\bexcel\b", r"\bxlsx?\b", r"\bcsv\b",
                                  r"\btemplate\b", r"\breplace\b", r"\bappend\b", r"\bworkbook\b", r"\btab\b"),
         "You can upload the inventory as the CERS HMI upload template (.xlsx only): CERS reads the first "
         "worksheet, finds the header row starting with CERSID, and needs every column of the template. At most "
         "500 materials a file; larger inventories go in groups of 200 with Replace (deletes the current "
         "inventory first) or Append.", 1.2),
    Fact("submit", "process", _rx(r"\bsubmit", r"\bafter i submit\b", r"\breview\b"),
         "When you submit, the filing enters your CUPA's review queue; the inspector marks each element Accepted "
         "or Not Accepted.", 1.0),
    Fact("library", "process", _rx(r"\blibrary\b", r"\b(?:isn'?t|not) in (?:your|the) (?:list|library|database)\b",
                                   r"\bsds\b", r"\bsafety data sheet\b", r"\bre-?enter\b", r"\blast year\b"),
         "Materials are looked up in the chemical library; one that isn't there is added from its Safety Data "
         "Sheet (name, CAS number, components, physical state, hazards). Last year's inventory is kept, so you "
         "don't re-enter what the system already knows.", 1.0),
    Fact("address", "process", _rx(r"\bp\.?\s?o\.? box\b", r"\bsite address\b"),
         "The facility address must be the street address of the site: a P.O. box is not accepted.", 1.4),
)
