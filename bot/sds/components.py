"""Section 3 of an SDS: its components as (name, CAS, lowest and highest percent, trade secret), from the table
layouts manufacturers use (one row a line, one cell a line, a name line above "CAS-No." lines, CAS-first columns,
labelled blocks), with every percent form ("10 - 30", "10-<25", ">= 60 - < 80 %", "< 1", "Trade secret").

Never a silent wrong component: a CAS number whose check digit fails, or a percent that can't be read, is left
empty and said in `notes`. Text only, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.chemicals.normalize import cas_checksum_ok

CAS_SHAPE = r"(?<![\d-])(\d{2,7})\s?-\s?(\d{2})\s?-\s?(\d)(?![\d-])"
_CAS_RE = re.compile(CAS_SHAPE)
_CAS_LABEL_RE = re.compile(r"\b(?:CAS(?:[- ]?(?:No|Number|Nr|RN|Reg(?:istry)?\.?(?: No)?)\.?)?\s*[:#.]?\s*|CAS#\s*)",
                           re.I)
UNNAMED = "Unnamed ingredient"
_SECRET_RE = re.compile(r"\btrade secret\b|\bproprietary\b|\bconfidential\b|\bwithheld\b|\bnot disclosed\b", re.I)
_NUM = r"(\d{1,3}(?:[.,]\d+)?)"
_CMP = r"(?:[<>≤≥]\s*=?|=<|=>|less than|greater than|up to)?"
_RANGE_PCT = re.compile(rf"({_CMP})\s*{_NUM}\s*%?\s*(?:-|–|—|to)\s*({_CMP})\s*{_NUM}\s*(?:%|percent)", re.I)
_SINGLE_PCT = re.compile(rf"({_CMP})\s*{_NUM}\s*(?:%|percent)", re.I)
_RANGE_BARE = re.compile(rf"(?<![\w.,-])({_CMP})\s*{_NUM}\s*(?:-|–|—|to)\s*({_CMP})\s*{_NUM}(?![\w.%-])", re.I)
_CMP_BARE = re.compile(rf"(?<![\w.])([<>≤≥]\s*=?|=<|=>)\s*{_NUM}(?![\w.-])")
_BARE = re.compile(rf"(?<![\w.,/-]){_NUM}(?![\w.,/%-])")


@dataclass(frozen=True)
class SdsComponent:
    name: str
    cas: Optional[str]
    percent_low: Optional[float]
    percent_high: Optional[float]
    trade_secret: bool = False


# ---- section 3 ----------------------------------------------------------------------------------------------------
_HEADER_ROW_RE = re.compile(
    r"^(?:\d\.\d{1,2}\.?\s+[A-Za-z].*|(?:chemical|common|component|ingredient|hazardous|substance|material)s?\b.*"
    r"(?:name|cas|%|weight|concentration)|cas\b.*|.*\bweight\s*[-%]|.*%\s*\(?(?:by )?w(?:eigh)?t|"
    r"(?:substances?|mixtures?|composition|components?|ingredients?|concentration|weight|percent|classification|"
    r"(?:chemical |common |component |ingredient )?names?|cas(?: no\.?| number| #)?|ec no\.?|%(?: by weight)?)\s*:?\s*$|"
    r"(?:ec|index|reach|einecs)[- ]?(?:no|number|registration)\b.*|.*\bregistration number\b.*|"
    r"synonyms?\b.*|formula\b.*|molecular\b.*|(?:the )?(?:exact|specific) (?:percentage|chemical identity).*|"
    r"\*.*|note\b.*|footnote.*|for the full text.*|full text of.*|.*\bclassification\b.*|"
    r"information on ingredients.*|.*regulation \(ec\).*)$", re.I)
_EC_RE = re.compile(r"(?<![\d-])\d{3}-\d{3}-\d(?![\d-])|(?<![\d-])\d{3}-\d{3}-\d{2}-[\dX](?![\d-])")
_CLASSIF_RE = re.compile(
    r"\bH\d{3}[A-Za-z]*\b|\bEUH\d{3}\b|\b(?:category|cat\.)\s*\d[A-C]?\b|\bAquatic (?:Acute|Chronic) \d\b|"
    r"\bWater-react\. \d\b|"
    r"(?:[A-Z][a-z]+\.\s?){1,3}(?:[A-Z][a-z]+\.?\s)?\d[A-C]?\b|\bSTOT (?:SE|RE) \d\b|\bM-factor.*", re.U)


def percent_of(text: str, bare: bool = True) -> tuple[Optional[float], Optional[float], bool]:
    """(low, high, found) of the first percent in `text`: "10 - 30", "10-<25", ">= 60 - < 80 %", "< 1", "30 - 60
    %", "100". Classification codes ("Flam. Liq. 2", "H225") are removed first so they are not read as one."""
    t = _CLASSIF_RE.sub(" ", _EC_RE.sub(" ", _CAS_RE.sub(" ", text)))
    t = re.sub(r"(\d),(\d)", r"\1.\2", t)
    for rx in (_RANGE_PCT, _RANGE_BARE):
        for m in rx.finditer(t):
            low, high = float(m.group(2)), float(m.group(4))
            if 0 <= low < high <= 100:
                return low, high, True
    for rx in (_SINGLE_PCT, _CMP_BARE):
        for m in rx.finditer(t):
            x = float(m.group(2))
            cmp = m.group(1).replace(" ", "").lower()
            if x > 100:
                continue
            if cmp.startswith((">", "≥", "=>", "greater")):
                return x, 100.0, True
            if cmp.startswith(("<", "≤", "=<", "less", "up")):
                return None, x, True
            return x, x, True
    for m in _BARE.finditer(t if bare else ""):
        if 0 < float(m.group(1)) <= 100:
            x = float(m.group(1))
            return x, x, True
    return None, None, False


def _name_part(text: str) -> str:
    text = _CAS_LABEL_RE.sub(" ", text)
    text = re.sub(r"(?i)\b(?:ec|einecs|index|reach)[- ]?(?:no\.?|number|registration(?: no\.?)?)\s*:?\s*[\d-]+[\dX]?",
                  " ", text)
    text = _EC_RE.sub(" ", text)
    text = re.split(r"\s(?:[<>≤≥]\s*=?\s*)?\d{1,3}(?:\.\d+)?\s*(?:%|$|[-–]\s*[<>≤≥=]*\s*\d)", " " + text)[0]
    text = re.sub(r"\(\s*\)", " ", text)
    return " ".join(text.replace("|", " ").split()).strip(" :;,.-*(")


def _lead_name(ln: str) -> str:
    """"Methanol Flam. Liq. 2; Acute Tox. 3; >= 50 - < 70 %" -> "Methanol": a name cell followed on its line by
    the classification and the percent cells."""
    if _HEADER_ROW_RE.match(ln) or _CAS_RE.search(ln):
        return ""
    head = re.split(r"\bH\d{3}|;|(?:[A-Z][a-z]+\.\s?){1,3}\d|\bSTOT\b|\bAquatic\b|[<>≤≥]|\s\d{1,3}(?:\.\d+)?\s*(?:%|[-–])",
                    ln)[0]
    name = _name_part(head)
    return name if re.search(r"[A-Za-z]{3,}", name) and len(name.split()) <= 8 else ""


def _is_name_line(ln: str) -> bool:
    if _HEADER_ROW_RE.match(ln) or _CAS_RE.search(ln):
        return False
    if re.search(r"\bH\d{3}\b|;|\bcategory\b", ln, re.I):
        return False
    return bool(re.search(r"[A-Za-z]{3,}", ln)) and len(ln) <= 120 and not percent_of(ln)[2]


def _secret_row(ln: str, prev: Optional[str]) -> bool:
    """"Surfactant blend  Proprietary  Trade secret": a table row whose CAS (or percent) is withheld, not a
    sentence about trade secrets."""
    m = _SECRET_RE.search(ln)
    if not m or _HEADER_ROW_RE.match(ln) or len(ln.split()) > 9 or ln.rstrip().endswith("."):
        return False
    if _secret_name(ln):
        return True
    return m.start() == 0 and len(ln.split()) <= 3 and prev is not None and _is_name_line(prev)


_PLACEHOLDER_RE = re.compile(r"\b(?:not assigned|not available|n/a|none|mixture|various|unknown|not applicable)\b",
                             re.I)


def _placeholder_row(ln: str) -> bool:
    """"Petroleum distillates  Mixture  30 - 50 %": a row whose CAS cell holds no number."""
    m = _PLACEHOLDER_RE.search(ln)
    if not m or _HEADER_ROW_RE.match(ln) or len(ln.split()) > 9 or ln.rstrip().endswith("."):
        return False
    return bool(re.search(r"[A-Za-z]{3,}", _name_part(ln[:m.start()]))) and percent_of(ln[m.end():], bare=True)[2]


def _secret_name(ln: str) -> str:
    """The name in a row whose CAS or percent is withheld: "Surfactant blend Proprietary Trade secret" ->
    "Surfactant blend"; "Proprietary surfactant Trade Secret 1-5" -> "Proprietary surfactant"."""
    text = re.sub(r"(?i)\b(?:trade secret|confidential|withheld|not disclosed)\b\*?", " ", ln)
    text = re.sub(r"(?i)\bproprietary\b\*?(?=\s*(?:$|[<>≤≥\d*]))", " ", text)
    name = _name_part(text)
    return name if re.search(r"[A-Za-z]{3,}", name) else ""


def read_components(lines: list[str], product: Optional[str], notes: list[str]) -> tuple[list[SdsComponent], bool]:
    """The components of section 3 and whether it describes a single substance."""
    substance = any(re.match(r"(?i)^(?:3\.1\s*)?substances?\s*:?\s*$|^3\.1\b.*substance", ln) for ln in lines) and \
        not any(re.match(r"(?i)^(?:3\.2\s*)?mixtures?\s*:?\s*$|^3\.2\b.*mixture", ln) for ln in lines)
    anchors: list[int] = []
    for i, ln in enumerate(lines):
        if _CAS_RE.search(ln) or _secret_row(ln, lines[i - 1] if i and (i - 1) not in anchors else None) or \
                _placeholder_row(ln):
            anchors.append(i)
    names: dict[int, tuple[str, int]] = {}  # anchor -> (name, first line of its record)
    taken = set(anchors)
    for a in anchors:
        ln = lines[a]
        m = _CAS_RE.search(ln)
        placeholder = _PLACEHOLDER_RE.search(ln) if not m and not _SECRET_RE.search(ln) else None
        name = _name_part(ln[:m.start()]) if m else (_name_part(ln[:placeholder.start()]) if placeholder
                                                     else _secret_name(ln))
        if m and not name and not _HEADER_ROW_RE.match(ln):  # "67-64-1  Acetone  30 - 40": the CAS column first
            after_name = _name_part(ln[m.end():])
            name = after_name if re.search(r"[A-Za-z]{3,}", after_name) else ""
        start = a
        prev = a - 1
        labelled = re.match(r"(?i)^(?:chemical |component |ingredient |substance )?name\s*:\s*(.+)$",
                            lines[prev]) if prev >= 0 and not name else None
        if labelled and prev not in taken:  # "Chemical name: Toluene" / "CAS number: 108-88-3" / "Concentration: ..."
            name, start = labelled.group(1).strip(), prev
            taken.add(prev)
        elif prev >= 0 and prev not in taken and _is_name_line(lines[prev]):
            if not name:
                name, start = _name_part(lines[prev]) or lines[prev], prev
                taken.add(prev)
            elif name[:1].islower() or lines[prev].rstrip().endswith((",", "(", "-")):
                name, start = f"{lines[prev]} {name}", prev  # a name wrapped in its table cell
                taken.add(prev)
        elif prev >= 0 and prev not in taken and not name and _lead_name(lines[prev]):
            name, start = _lead_name(lines[prev]), prev
            taken.add(prev)
        if not name and not substance:  # "7440-37-1 / 231-147-0 / Argon / 75 %": the name after the CAS, in a cell
            nxt = next((j for j in range(a + 1, min(a + 4, len(lines)))
                        if j not in taken and not _CAS_RE.search(lines[j]) and _is_name_line(lines[j])
                        and len(lines[j].split()) <= 10 and not lines[j].endswith(".")), None)
            if nxt is not None and all(not _CAS_RE.search(lines[j]) for j in range(a + 1, nxt)):
                name = _name_part(lines[nxt]) or lines[nxt]
                taken.add(nxt)
        if not name and _SECRET_RE.search(ln):
            name = "Trade secret ingredient"
        names[a] = (name, start)
    out: list[SdsComponent] = []
    for k, a in enumerate(anchors):
        name, start = names[a]
        end = names[anchors[k + 1]][1] if k + 1 < len(anchors) else len(lines)
        ln = lines[a]
        m = _CAS_RE.search(ln)
        placeholder = _PLACEHOLDER_RE.search(ln) if not m and not _SECRET_RE.search(ln) else None
        after = ln[m.end():] if m else (ln[placeholder.end():] if placeholder else ln)
        low, high, found = percent_of(after)
        region = [r for r in lines[a + 1:end] if not _HEADER_ROW_RE.match(r) or re.search(r"%", r)]
        for r in region:
            if found:
                break
            low, high, found = percent_of(r)
        if not found and m:  # "Toluene 30-60 108-88-3": the percent column before the CAS
            low, high, found = percent_of(ln[:m.start()], bare=False)
        if not found and start < a:  # the name's own line: "Methanol Flam. Liq. 2; ... >= 50 - < 70 %"
            low, high, found = percent_of(" ".join(lines[start:a]), bare=False)
        own = [ln, *(r for r in lines[a + 1:end] if not _HEADER_ROW_RE.match(r))]
        secret = bool(_SECRET_RE.search(" ".join(own)) or re.search(r"\*\s*$", ln))
        cas: Optional[str] = None
        shown = name or (product if substance else None) or "an ingredient"
        if m:
            raw = f"{int(m.group(1))}-{m.group(2)}-{m.group(3)}"
            if cas_checksum_ok(raw):
                cas = raw
            else:
                notes.append(f"The CAS number {raw} printed for {shown} fails its check digit, so I left it out: "
                             "please check it on the SDS.")
        if not found and substance and len(anchors) == 1:
            low, high, found = 100.0, 100.0, True
        if not found:
            why = "it is withheld as a trade secret" if secret else "I couldn't read it"
            notes.append(f"The percent of {shown} is not filled in ({why}): please give it.")
        if not name and substance and product:
            name = product
        out.append(SdsComponent(name=name or UNNAMED, cas=cas, percent_low=low,
                                percent_high=high, trade_secret=secret))
    return _merged(out), substance


def _merged(comps: list[SdsComponent]) -> list[SdsComponent]:
    """One component per CAS number (a table row and a footnote naming the same CAS are one ingredient)."""
    seen: dict[str, int] = {}
    out: list[SdsComponent] = []
    for c in comps:
        if c.cas and c.cas in seen:
            kept = out[seen[c.cas]]
            if kept.percent_high is None and c.percent_high is not None:
                out[seen[c.cas]] = SdsComponent(kept.name, kept.cas, c.percent_low, c.percent_high, kept.trade_secret)
            continue
        if c.cas:
            seen[c.cas] = len(out)
        out.append(c)
    return out
