"""Which library chemical the filer means — confident only with strong evidence, otherwise a short list.

Given the material's own words (`bot.nlp.material_sentence` has already taken away the amount, the container,
the place and the purpose), `resolve()` returns one of:
- confident: one substance, found by its CAS number, by one of its names or aliases spelled exactly (or a
  library name that covers the words, the rest being a brand or a plain modifier like "liquid"), or by a
  spelling slip far closer to one substance than to any other;
- choices: up to three substances, each with a short why (CAS, what it is usually used for), when the words
  fit several ("chlorine": the pool product or the gas), match only in part ("sodium permanganate" must not
  become sodium), or are misspelled without a clear winner;
- unknown: nothing close — the assistant adds it as a new material from its Safety Data Sheet.

Library entries that are the same substance (same CAS: the curated "Diesel fuel" and ChEDL's entry) are one
choice. Common English words that happen to be a trade name in the chemistry data ("counter" is a pesticide's)
are never taken as a material on their own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.chemicals.lookup import NameIndex, formula_key, fuzzy_names, name_index
from bot.chemicals.normalize import normalize_name, parse_cas
from bot.models import Chemical

MAX_CHOICES = 3
CONFIDENT_FUZZY = 90.0  # a spelling slip taken without asking: this close...
FUZZY_MARGIN = 8.0  # ...and this much closer than the next substance
CHOICE_FUZZY = 78.0

# Words that name a class, not a substance: alone they are a question, never a confident match.
GENERIC_WORDS = frozenset({
    "oil", "oils", "acid", "acids", "gas", "gases", "fuel", "paint", "paints", "cleaner", "cleaners", "solvent",
    "solvents", "alcohol", "fertilizer", "fertiliser", "pesticide", "pesticides", "herbicide", "insecticide",
    "battery", "batteries", "chemical", "chemicals", "chlorine", "peroxide", "caustic", "base", "salt", "salts",
    "resin", "glue", "adhesive", "ink", "coolant", "refrigerant", "freon", "degreaser", "soap", "detergent",
    "sanitizer", "disinfectant", "lubricant", "grease", "wax", "thinner", "reducer", "developer", "fixer",
    "toner", "stripper", "etchant", "lime", "soda", "ammonia", "nitrate", "sulfate", "chloride",
    "oxide", "hydroxide", "metal", "metals", "powder", "liquid", "mix", "mixture", "blend", "solution",
    "glycol", "spirits", "naphtha", "gas oil", "enamel", "primer", "sealer", "stain", "varnish", "lacquer",
})
# Words that describe the form or grade of a substance without changing which one it is.
NEUTRAL_MODIFIERS = frozenset({
    "liquid", "granular", "granules", "powder", "powdered", "pellets", "pellet", "tablets", "tabs", "flakes",
    "solid", "dry", "technical", "tech", "grade", "industrial", "commercial", "reagent", "pure", "concentrated",
    "conc", "dilute", "diluted", "solution", "aqueous", "anhydrous", "compressed", "bulk", "fresh", "new",
    "clear", "virgin", "food", "lab", "laboratory", "pool", "spa", "cylinder", "cylinders", "bottle", "bottles",
    "tank", "tanks", "drum", "drums", "tote", "totes", "can", "cans", "bag", "bags", "gas", "brand", "generic",
    "regular", "premium", "standard", "heavy", "duty", "heavy-duty", "welding", "medical", "refrigerated",
    "cryogenic", "liquefied", "bottled", "dyed", "red", "clear", "blue", "green", "yellow", "white", "black",
    "grey", "gray", "stuff", "product", "bulk", "container", "containers", "jugs", "pails", "buckets",
    "crystals", "crystal", "beads", "prills", "flake", "chips", "hplc", "acs", "usp", "nf", "proof", "glacial",
    "absolute", "anhydrous-grade", "electronic", "semiconductor", "analytical", "certified", "fcc", "kosher",
    "concentrate", "ready-to-use", "rtu", "premix", "premixed", "shop", "lab-grade", "supply", "supplies",
    "extra", "ultra", "high", "purity", "high-purity", "99", "pct", "percent", "w/w", "stock", "reagent-grade",
})
ELEMENT_NAMES = frozenset({
    "sodium", "potassium", "calcium", "magnesium", "aluminum", "iron", "copper", "zinc", "lead", "tin", "nickel",
    "chromium", "manganese", "cobalt", "silver", "gold", "mercury", "barium", "lithium", "ammonium", "hydrogen",
    "oxygen", "nitrogen", "chlorine", "fluorine", "bromine", "iodine", "sulfur", "phosphorus", "carbon", "silicon",
    "boron", "arsenic", "cadmium", "titanium", "strontium", "cesium", "ferric", "ferrous", "cupric", "stannous",
})
# What an element is stored as: "lead ingots", "lithium metal", "zinc shot" are the element itself.
ELEMENT_FORMS = frozenset({"ingot", "ingots", "metal", "shot", "wire", "foil", "turnings", "chips", "bar", "bars",
                           "pellets", "powder", "granules", "sheet", "sheets", "dross", "scrap", "anodes", "anode",
                           "ribbon", "rod", "rods", "sticks", "lumps", "pigs", "slabs"})
# Word endings that make an unmatched word look like part of a chemical name ("permanganate", "chloride").
_CHEMICAL_ENDING = re.compile(r"(?:ate|ite|ide|ine|ene|ane|yne|ol|one|al|ium|ic|ous|yl|oxy|ose| amine|amide|"
                              r"acid|hydrate|oxide)$")


@dataclass(frozen=True)
class Choice:
    chemical: Chemical
    why: str  # "CAS 67-64-1 · solvent, nail polish remover"
    score: float
    how: str  # cas | name | alias | part | fuzzy


@dataclass
class Resolution:
    """What the material words name in the library."""
    words: str
    confident: bool = False
    chemical: Optional[Chemical] = None  # set when confident
    choices: list[Choice] = field(default_factory=list)  # up to MAX_CHOICES when not confident
    matched: Optional[str] = None  # the library name that matched
    how: str = "none"

    @property
    def known(self) -> bool:
        return self.confident or bool(self.choices)


def describe(chemical: Chemical) -> str:
    """A short why for a choice: its CAS and what it is used for (or what kind of product it is)."""
    parts: list[str] = []
    if chemical.cas:
        parts.append(f"CAS {chemical.cas}")
    uses = getattr(chemical, "uses", None)
    if uses:
        parts.append(str(uses)[:90])
    elif chemical.kind in ("product", "mixture"):
        parts.append("product/mixture")
    if chemical.ehs:
        parts.append("EHS")
    return " · ".join(parts) or "in the chemical library"


def _substance_key(chemical: Chemical) -> str:
    """The same substance under two names is one choice: by CAS, or for a curated solution of one chemical
    ("Muriatic acid (hydrochloric acid 31.45%)") by that chemical's CAS."""
    if chemical.cas:
        return f"cas:{chemical.cas}"
    try:
        comps = [c for c in (chemical.components or []) if c.cas and c.cas != "7732-18-5"]
    except Exception:  # noqa: BLE001 - a detached row: no components to look at
        comps = []
    if len(comps) == 1:
        return f"cas:{comps[0].cas}"
    if len(comps) > 1:  # "Ferric chloride solution 40%" (40% FeCl3, 1% HCl): the dominant one
        ranked = sorted(comps, key=lambda c: -(c.percent or 0))
        if (ranked[0].percent or 0) >= 10 * max(ranked[1].percent or 0, 0.1):
            return f"cas:{ranked[0].cas}"
    return f"id:{chemical.id}"


def _prefer(chemicals: Iterable[Chemical]) -> list[Chemical]:
    """One entry per substance (the curated one first: it carries components, state and uses)."""
    out: dict[str, Chemical] = {}
    for c in chemicals:
        key = _substance_key(c)
        best = out.get(key)
        if best is None or (best.source != "curated" and c.source == "curated"):
            out[key] = c
    return list(out.values())


def _load(db: Session, ids: Iterable[int]) -> dict[int, Chemical]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    return {c.id: c for c in db.execute(select(Chemical).where(Chemical.id.in_(ids))).scalars()}


def _common_word(word: str) -> bool:
    from bot.chemicals.lookup import is_common_word

    return is_common_word(word)


def _exact(index: NameIndex, norm: str) -> list[int]:
    return list(index.by_name.get(norm, []))


def _exact_variants(index: NameIndex, norm: str) -> Optional[tuple[str, list[int]]]:
    """An exact name for the words as typed, without their form/grade words ("phenol crystals", "methanol hplc
    grade", "co2 bulk"), or in the singular ("hexanes")."""
    tried: list[str] = [norm]
    core = " ".join(w for w in norm.split() if w not in NEUTRAL_MODIFIERS)
    if core and core != norm:
        tried.append(core)
    for base in list(tried):
        words = base.split()
        if words and len(words[-1]) > 4 and words[-1].endswith("s") and not words[-1].endswith("ss"):
            tried.append(" ".join(words[:-1] + [words[-1][:-1]]))
            if words[-1].endswith("es"):
                tried.append(" ".join(words[:-1] + [words[-1][:-2]]))
    found: list[tuple[str, list[int]]] = []
    for name in tried:
        ids = _strong_ids(index, name, _exact(index, name))
        if ids:
            found.append((name, ids))
    if not found:
        return None
    first_name, first_ids = found[0]
    if first_name == norm and " " not in norm and not any(index.primary.get(i) == norm for i in first_ids):
        # "hexanes": hexane by its own name beats an isomer that lists "hexanes" among its synonyms
        for name, ids in found[1:]:
            if name.split()[:-1] == norm.split()[:-1] and any(index.primary.get(i) == name for i in ids):
                return name, ids
    return found[0]


def _strong_ids(index: NameIndex, norm: str, ids: list[int]) -> list[int]:
    """Drop matches through a weak name: a common English word that is only a ChEDL synonym ("counter")."""
    if " " in norm or not _common_word(norm) or _CHEMICAL_ENDING.search(norm):
        return ids
    return [i for i in ids if index.primary.get(i) == norm or i in index.curated_names.get(norm, ())]


def _strength(r: Resolution) -> int:
    if r.confident:
        return 4 if r.how in ("cas", "name", "formula") else 3
    if r.choices:
        return 2 if r.how in ("name", "part", "formula") else 1
    return 0


def resolve(db: Session, words: Optional[str], others: Iterable[str] = ()) -> Resolution:
    """The library chemical `words` name (see the module docstring). `others`: further spans of the same
    sentence that may name the material; the span that names a chemical most surely wins (the first one
    on a tie), so a place or a leftover phrase never beats the material's own words."""
    text = " ".join((words or "").split())
    res = Resolution(words=text)
    if not text:
        return res
    index = name_index(db)
    best = _resolve_one(db, index, text)
    for other in others:
        if _strength(best) >= 3:
            break
        alt = _resolve_one(db, index, " ".join(other.split()))
        if _strength(alt) == 4:  # leftover words count only when they name a chemical exactly
            best = alt
            break
    return best


def _resolve_one(db: Session, index: NameIndex, text: str) -> Resolution:
    res = Resolution(words=text)
    cas = parse_cas(text) or _cas_inside(text)
    if cas:
        chems = _prefer(_load(db, index.by_cas.get(cas, [])).values())
        if chems:
            return _settle(res, chems, "cas", cas, exact=True)
    fkey = formula_key(text.replace(" ", ""))
    if fkey and fkey in index.by_formula:
        chems = _prefer(_ordered(_load(db, index.by_formula[fkey]), index.by_formula[fkey]))
        if chems:
            return _settle(res, chems, "formula", text, exact=len(chems) == 1)
    norm = normalize_name(text)
    if not norm:
        return res
    exact = _exact_variants(index, norm)
    if exact is not None:
        name, ids = exact
        chems = _prefer(_ordered(_load(db, ids), ids))
        generic = name in GENERIC_WORDS
        flagged = name in index.flagged
        primary = [c for c in chems if normalize_name(c.name) == name or index.primary.get(c.id) == name]
        if len(chems) > 1 and not generic and not flagged:
            if len(primary) == 1:  # "citric acid": the acid, not its monohydrate that also goes by that name
                chems = primary
            else:
                vouched = [c for c in chems if c.id in index.curated_names.get(name, ())]
                if len(vouched) == 1:  # "formaldehyde": the entry the curated data names, not paraformaldehyde
                    chems = vouched
        elif len(chems) > 1:  # a question: the chemical that has exactly this name comes first ("chlorine")
            chems = primary + [c for c in chems if c not in primary]
        # one substance (a 35% and a 50% product of it are still one choice) is confident unless the word only
        # names a class ("acid", "oil")
        return _settle(res, chems, "name", name, exact=not generic)
    # a library name inside the words: the longest one
    tokens = norm.split()
    part = _best_part(index, tokens)
    fuzzy = _fuzzy(db, index, norm)
    if part is not None:
        start, end, pnorm, pids = part
        rest = tokens[:start] + tokens[end:]
        chems = _prefer(_ordered(_load(db, pids), pids))
        own_names = _names_of_ids(db, pids)
        # the other words only describe it: a form, a grade, a brand, a use ("ammonium chloride flux", "ferric
        # chloride etchant", "Klean-Strip acetone") - never another chemical word or a misspelled one
        element_form = pnorm in ELEMENT_NAMES and rest and all(w in ELEMENT_FORMS or w in NEUTRAL_MODIFIERS
                                                               for w in rest)
        covered = element_form or pnorm not in ELEMENT_NAMES and all(
            w in NEUTRAL_MODIFIERS or w in own_names or (
                not _looks_chemical(index, w) and not (not _common_word(w) and _near_library_word(index, w))
                and w not in GENERIC_WORDS) for w in rest)
        specific = pnorm not in GENERIC_WORDS and pnorm not in index.flagged and (
            " " in pnorm or len(pnorm) >= 4)
        # a closer spelling of the whole phrase beats a part of it ("potassium permangante")
        if fuzzy and fuzzy[0][1] >= CONFIDENT_FUZZY and " " in norm and len(fuzzy[0][0].split()) > (end - start):
            return _settle_fuzzy(db, index, res, fuzzy)
        if covered and specific and len(chems) == 1:
            res.confident, res.chemical, res.matched, res.how = True, chems[0], pnorm, "part"
            return res
        if pnorm in GENERIC_WORDS and any(w not in NEUTRAL_MODIFIERS for w in rest):
            # "Zep pool gas", "Acme degreaser": a brand with a class word - a product of its own, from its SDS
            return res
        choices = [Choice(c, describe(c), 90.0, "part") for c in chems]
        for chem, score in _fuzzy_chemicals(db, fuzzy):
            choices.append(Choice(chem, describe(chem), score, "fuzzy"))
        res.choices = _dedupe(choices)[:MAX_CHOICES]
        res.matched, res.how = pnorm, "part"
        return res
    prefixed = _prefixed(db, index, norm)
    if prefixed:
        res.choices = [Choice(c, describe(c), 90.0, "prefix") for c in prefixed][:MAX_CHOICES]
        res.matched, res.how = norm, "prefix"
        if fuzzy and fuzzy[0][1] >= 95:
            return _settle_fuzzy(db, index, res, fuzzy)
        for chem, score in _fuzzy_chemicals(db, fuzzy):
            res.choices.append(Choice(chem, describe(chem), score, "fuzzy"))
        res.choices = _dedupe(res.choices)[:MAX_CHOICES]
        return res
    if fuzzy:
        return _settle_fuzzy(db, index, res, fuzzy)
    return res


def _prefixed(db: Session, index: NameIndex, norm: str) -> list[Chemical]:
    """Library names that start with the typed words ("isopropyl" -> "isopropyl alcohol"), curated and
    primary names first."""
    import bisect

    if len(norm) < 4 or _common_word(norm):
        return []
    start = bisect.bisect_left(index.sorted_names, norm + " ")
    hits: list[tuple[int, int, int]] = []
    for name in index.sorted_names[start:start + 200]:
        if not name.startswith(norm + " "):
            break
        for cid in index.by_name[name]:
            rank = 0 if cid in index.curated_names.get(name, ()) else 1 if index.primary.get(cid) == name else 2
            hits.append((rank, len(name), cid))
    hits.sort()
    ids = [cid for _, _, cid in hits][:12]
    return _prefer(_ordered(_load(db, ids), ids))


def _settle(res: Resolution, chems: list[Chemical], how: str, matched: str, exact: bool) -> Resolution:
    res.matched, res.how = matched, how
    if len(chems) == 1 and exact:
        res.confident, res.chemical = True, chems[0]
        return res
    res.choices = [Choice(c, describe(c), 100.0, how) for c in chems][:MAX_CHOICES]
    return res


def _settle_fuzzy(db: Session, index: NameIndex, res: Resolution,
                  fuzzy: list[tuple[str, float, list[Chemical]]]) -> Resolution:
    """A misspelling: confident only when it is one slip of one everyday chemical and no other everyday
    chemical is as close; otherwise the closest ones as choices (everyday ones within two slips included)."""
    typed = normalize_name(res.words)
    ranked: list[tuple[Chemical, float, str]] = []
    seen: set[str] = set()
    for name, score, chems in fuzzy:
        for c in chems:
            key = _substance_key(c)
            if key not in seen:
                seen.add(key)
                ranked.append((c, score, name))
    for name, score, chems in _close_everyday(db, index, typed):
        for c in chems:
            key = _substance_key(c)
            if key not in seen:
                seen.add(key)
                ranked.append((c, score, name))
    ranked.sort(key=lambda r: -r[1])
    if not ranked:
        return res
    top_chem, top_score, top_name = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    res.matched, res.how = top_name, "fuzzy"
    close_others = [r for r in ranked[1:] if r[2] in index.common_names and
                    _dl(typed, r[2]) <= 2 and _substance_key(r[0]) != _substance_key(top_chem)]
    if top_score >= CONFIDENT_FUZZY and top_score - runner >= FUZZY_MARGIN and len(top_name) >= 6 and \
            top_name not in GENERIC_WORDS and _one_slip(typed, top_name) and not close_others:
        res.confident, res.chemical = True, top_chem
        return res
    res.choices = [Choice(c, describe(c), s, "fuzzy") for c, s, _ in ranked if s >= CHOICE_FUZZY][:MAX_CHOICES]
    return res


def _dl(a: str, b: str) -> int:
    from rapidfuzz.distance import DamerauLevenshtein

    return int(DamerauLevenshtein.distance(a, b))


def _close_everyday(db: Session, index: NameIndex, typed: str) -> list[tuple[str, float, list[Chemical]]]:
    """Everyday chemicals' names within two slips of a one-word typo ("methonal": methanol and methanal)."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    if " " in typed or len(typed) < 5 or _common_word(typed):
        return []
    hits = process.extract(typed, index.common_names, scorer=DamerauLevenshtein.distance, score_cutoff=2, limit=6)
    out: list[tuple[str, float, list[Chemical]]] = []
    for name, dist, _ in hits:
        ids = list(index.by_name.get(name, []))
        chems = _prefer(_ordered(_load(db, ids), ids))
        if chems:
            out.append((name, 100.0 - 8.0 * dist + COMMON_PRIOR - 6.0, chems))
    return out


def _ordered(by_id: dict[int, Chemical], ids: list[int]) -> list[Chemical]:
    return [by_id[i] for i in ids if i in by_id]


def _dedupe(choices: list[Choice]) -> list[Choice]:
    out: list[Choice] = []
    seen: set[str] = set()
    for c in choices:
        key = _substance_key(c.chemical)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _cas_inside(text: str) -> Optional[str]:
    for m in re.finditer(r"\b\d{2,7}-\d{2}-\d\b", text):
        cas = parse_cas(m.group(0))
        if cas:
            return cas
    return None


def _looks_chemical(index: NameIndex, word: str) -> bool:
    """An unmatched word that may change which substance it is ("permanganate", "chloride", "2-")."""
    if word in NEUTRAL_MODIFIERS:
        return False
    if word in ELEMENT_NAMES:
        return True
    if word in index.word_set and not _common_word(word):
        return True
    return bool(_CHEMICAL_ENDING.search(word)) and not _common_word(word) or any(ch.isdigit() for ch in word)


def _best_part(index: NameIndex, tokens: list[str]) -> Optional[tuple[int, int, str, list[int]]]:
    """The longest run of tokens that is a library name (not a weak single word)."""
    n = len(tokens)
    for size in range(n - 1, 0, -1):
        for start in range(n - size, -1, -1):  # rightmost first: the head noun names the thing
            cand = " ".join(tokens[start:start + size])
            if len(cand) < 3:
                continue
            ids = index.by_name.get(cand)
            if not ids:
                continue
            ids = _strong_ids(index, cand, list(ids))
            if ids:
                return start, start + size, cand, ids
    return None


def _names_of_ids(db: Session, ids: list[int]) -> set[str]:
    """Every word of every name of these chemicals ("10w-30" is motor oil's, "dot" brake fluid's)."""
    from bot.models import ChemicalSynonym

    words: set[str] = set()
    for (syn,) in db.execute(select(ChemicalSynonym.synonym).where(ChemicalSynonym.chemical_id.in_(ids[:20]))):
        words.update(syn.split())
    return words


def _fuzzy(db: Session, index: NameIndex, norm: str) -> list[tuple[str, float, list[Chemical]]]:
    """Close spellings of the whole phrase (and of its longer words), best first. None for everyday English
    words ("primer", "cleaner"): a misspelling of a chemical is not a dictionary word."""
    if " " not in norm and _common_word(norm):
        return []
    out: list[tuple[str, float, list[int]]] = []
    for name, score in fuzzy_names(index, norm, 16):
        out.append((name, _typo_score(norm, name, score) + _commonness(index, name, index.by_name[name]),
                    list(index.by_name[name])))
    words = [w for w in norm.split() if len(w) >= 5 and w not in NEUTRAL_MODIFIERS and not _common_word(w)]
    others_chemical = all(w in NEUTRAL_MODIFIERS or w in ELEMENT_NAMES or (w in index.word_set and not _common_word(w))
                          for w in norm.split() if w not in words[:1])
    if len(norm.split()) > 1 and others_chemical:
        # "potassium permangante": one slip inside a chemical name; never in "ProShine floor restorer"
        for w in words:
            for name, score in fuzzy_names(index, w, 4):
                if " " not in name and name not in GENERIC_WORDS:
                    out.append((name, score - 4.0, list(index.by_name[name])))  # a part: a little less sure
    out.sort(key=lambda x: -x[1])
    ids = [i for _, _, group in out for i in group]
    chems = _load(db, ids)
    result: list[tuple[str, float, list[Chemical]]] = []
    for name, score, group in out:
        group_chems = _prefer(_ordered(chems, _strong_ids(index, name, group)))
        if group_chems:
            result.append((name, score, group_chems))
    return result


COMMON_PRIOR = 6.0  # a misspelling is likelier to be of a chemical small businesses keep


def _commonness(index: NameIndex, name: str, ids: list[int]) -> float:
    """The prior for a misspelling: a name people use for a chemical businesses keep (a curated name or alias,
    or the main name of a chemical the curated data, the aliases or the EHS list name) — not a textbook
    synonym ("methanal" is formaldehyde, but filers who type "methonal" mean methanol as often)."""
    if name in index.curated_names:
        return COMMON_PRIOR
    if any(index.primary.get(i) == name and i in index.common_ids for i in ids):
        return COMMON_PRIOR
    return 0.0


def _one_slip(typed: str, name: str) -> bool:
    """A misspelling taken without asking is one slip in one word that is not itself an English word
    ("diesl", "nitorgen"); "spotting fluid" is not a slip of "starting fluid"."""
    from rapidfuzz.distance import DamerauLevenshtein

    a, b = typed.split(), name.split()
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    if len(differ) != 1:
        return False
    x, y = differ[0]
    return not _common_word(x) and len(x) >= 4 and DamerauLevenshtein.distance(x, y) <= (1 if len(y) < 7 else 2)


def _typo_score(typed: str, name: str, ratio: float) -> float:
    """Similarity that forgives a swap of two letters ("nitorgen") like one slip, not two."""
    from rapidfuzz.distance import DamerauLevenshtein

    dl = DamerauLevenshtein.normalized_similarity(typed, name) * 100.0
    return max(ratio, round(dl, 1))


def _fuzzy_chemicals(db: Session, fuzzy: list[tuple[str, float, list[Chemical]]]) -> list[tuple[Chemical, float]]:
    return [(c, s) for _, s, chems in fuzzy if s >= CHOICE_FUZZY for c in chems]


def _near_library_word(index: NameIndex, word: str) -> bool:
    """A misspelled chemical word ("permangante"): close to a word of a library name."""
    from rapidfuzz import fuzz, process

    if len(word) < 5 or not word[:1].isalpha():
        return False
    pool = index.words_by_first.get(word[0], [])
    hit = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=85)
    return hit is not None
