"""Reading a reply in a guided conversation, whatever the step and the channel: yes / no / unsure, skip,
go back, cancel, pause, done, save, "what does this mean?", numbers and units, and the phone, email, ZIP
or spoken digits inside a sentence.

Used by both step engines (`bot.facility_info`, `bot.inventory.conversation`) and by the chat actions
(`bot.routing`). Pure functions over text: nothing here touches the database, knows a step's questions or
decides what to do with a reply. NLU intents are hints only; the text decides when it is clear.

Where the two engines read the same kind of reply with different words, both readings are here, each
named for what it accepts (`parse_yes_no` / `leading_yes_no`, `is_skip` / `is_skip_or_unknown`,
`is_explain_request` / `asks_what_it_means`): merging them would change what either engine understands.
"""
from __future__ import annotations

import difflib
import re
from typing import Optional

from bot.nlp.word_numbers import replace_number_words
from bot.validation import EMAIL_IN_TEXT_RE

# --- normalizing -------------------------------------------------------------------------------------


def norm(text: Optional[str]) -> str:
    """Lower case, straight apostrophes, letters/digits/apostrophes/slashes only, single spaces, runs of
    three or more of the same letter shortened ("yesss" -> "yes", "noooo" -> "no")."""
    t = (text or "").lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    t = re.sub(r"([a-z])\1{2,}", r"\1", t)
    t = re.sub(r"[^a-z0-9'/@.\- ]+", " ", t)
    t = re.sub(r"(?<![a-z0-9])[.\-]+|[.\-]+(?![a-z0-9])", " ", t)  # punctuation not inside a word/number
    return " ".join(t.split())


def clean(text: Optional[str]) -> str:
    """Lower case, straight apostrophe, no final . ! ?, single spaces (punctuation inside is kept)."""
    s = (text or "").lower().replace("\u2019", "'").strip()
    return re.sub(r"\s+", " ", re.sub(r"[.!?]+$", "", s)).strip()


def _low(text: Optional[str]) -> str:
    return " ".join((text or "").lower().split())


def _has(phrase: str, text: str) -> Optional[int]:
    m = re.search(r"(?<![a-z0-9'])" + re.escape(phrase) + r"(?![a-z0-9'])", text)
    return m.start() if m else None


# --- yes / no / unsure -------------------------------------------------------------------------------

_YES_TOKENS = (
    "yes", "y", "yep", "yup", "yeah", "yea", "ya", "yah", "yeh", "yas", "ye", "yess", "yesh", "yez", "yse", "ys",
    "sure", "correct", "true", "affirmative", "absolutely", "definitely", "certainly", "indeed", "ok", "okay",
    "aye", "si", "right", "uhhuh", "yeahh", "yy", "yes'm", "yessir", "totally", "positive",
)
_NO_TOKENS = (
    "no", "n", "nope", "nah", "nay", "noo", "nop", "negative", "none", "never", "nothing", "false", "nada",
    "nein", "nopes", "nooo", "na", "zero", "neither",
)
_YES_PHRASES = (
    "we do", "i do", "we have", "i have", "we've got", "we got", "i've got", "we own", "we operate", "we run",
    "we use", "we keep", "we store", "we generate", "we produce", "we make", "we treat", "we recycle",
    "we collect", "we are", "we're", "it is", "it's a", "there is", "there are", "there's", "i think so",
    "i believe so", "that's right", "that is right", "of course", "for sure", "you bet", "it does", "they do",
    "i am", "we sure do", "uh huh", "yes we", "we also have", "we do have", "we did", "that's correct",
    "looks right", "looks good", "all good", "sounds right", "that's it", "it is the same", "it's the same",
    "same", "the same", "same address", "we're closing", "we are closing", "i guess so",
)
_NO_PHRASES = (
    "we don't", "we do not", "we dont", "i don't", "i dont", "i do not", "don't have", "dont have",
    "do not have", "doesn't", "does not", "doesnt", "we have no", "we've no", "we have none", "there is no",
    "there's no", "there are no", "there isn't", "there aren't", "not that i know", "not that i'm aware",
    "not that im aware", "not to my knowledge", "i don't think so", "i dont think so", "don't think so",
    "not really", "not at all", "no way", "nothing like that", "not anymore", "no longer", "we aren't",
    "we are not", "we're not", "it isn't", "it is not", "isn't", "it's not", "its not", "none of", "we never",
    "haven't", "have not", "don't", "dont", "not", "of course not", "absolutely not", "definitely not",
    "certainly not", "not right", "not correct", "isn't right", "is wrong", "different", "not the same",
    "aren't", "wasn't", "nor", "not us", "we do not have", "no we", "i have no", "i've no", "i have none",
    "i guess not", "we have nothing", "nothing like",
)
_UNSURE_PHRASES = (
    "not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "idk", "maybe", "no clue",
    "not certain", "possibly", "perhaps", "depends", "dunno", "might", "could be", "hard to say",
    "i forget", "can't remember", "cant remember", "don't remember", "dont remember",
)
_SWITCH_MARKERS = re.compile(r"\b(?:actually|wait|i mean|sorry|scratch that|on second thought|correction|"
                             r"rather|oops|my bad)\b")


def is_unsure(text: str) -> bool:
    """"not sure", "no idea", "maybe", "I forget"."""
    t = norm(text)
    return any(_has(p, t) is not None for p in _UNSURE_PHRASES)


def _polarity(segment: str) -> Optional[bool]:
    best: Optional[tuple[int, int, bool]] = None  # (position, -length, value)
    for phrases, value in ((_NO_PHRASES, False), (_YES_PHRASES, True), (_NO_TOKENS, False), (_YES_TOKENS, True)):
        for p in phrases:
            pos = _has(p, segment)
            if pos is None:
                continue
            cand = (pos, -len(p), value)
            if best is None or cand[:2] < best[:2]:
                best = cand
    return None if best is None else best[2]


def parse_yes_no(text: Optional[str], intent: Optional[str] = None) -> Optional[bool]:
    """True / False for a yes or no in any common form ("yep", "yeah we do", "no we don't", "we have a 500
    gallon diesel tank", "not that I know of", "YES", "yse"); None when unclear or unsure. After "actually" /
    "wait" the later answer wins ("no wait, yes"). The NLU intent (affirm/deny) decides only for a short
    reply the words don't settle. (Facility Information's yes/no questions.)"""
    t = norm(text)
    if not t:
        return None
    if is_unsure(t):
        return None
    if re.search(r"\byes\b.*\b(?:and|or)\b.*\bno\b|\bno\b.*\b(?:and|or)\b.*\byes\b", t):
        return None  # "yes and no", "yes or no?"
    segments = [s for s in _SWITCH_MARKERS.split(t) if s.strip()]
    for segment in reversed(segments):
        value = _polarity(segment.strip())
        if value is not None:
            return value
    words = t.split()
    if len(words) == 1 and len(words[0]) <= 6:  # typos: "yeas", "nopw"
        match = difflib.get_close_matches(words[0], _YES_TOKENS + _NO_TOKENS, n=1, cutoff=0.75)
        if match:
            return match[0] in _YES_TOKENS
    if intent in ("affirm", "deny") and len(words) <= 3 and "?" not in (text or ""):
        return intent == "affirm"
    return None


YES_WORDS = (
    "yes", "y", "yep", "yeah", "yea", "ya", "yup", "sure", "correct", "right", "true", "affirmative",
    "we do", "i do", "it does", "we have", "absolutely", "definitely", "of course", "ok", "okay", "uh huh",
)
NO_WORDS = (
    "no", "n", "nope", "nah", "none", "not", "never", "false", "negative", "we don't", "we dont", "we do not",
    "i don't", "i dont", "don't", "dont", "doesn't", "doesnt", "nothing", "no way", "not really",
)


def leading_yes_no(text: str) -> Optional[bool]:
    """True / False when the reply is or starts with a yes or no word ("yep", "we don't, ..."), None otherwise.
    Stricter than `parse_yes_no` (no phrases inside the sentence, no typos): the inventory reads "yes" this
    way, where a sentence after a question is often a material ("we have acetone" is not a yes)."""
    s = clean(text)
    if not s:
        return None
    for words, value in ((NO_WORDS, False), (YES_WORDS, True)):
        for w in sorted(words, key=len, reverse=True):
            if s == w or s.startswith(w + " ") or s.startswith(w + ","):
                return value
    return None


# --- skip, keep, confirm, go back, explain ---------------------------------------------------------------

_SKIP_RE = re.compile(
    r"^(?:(?:ok|okay|um|uh|well|sorry|then|just)\s+)*(?:"
    r"skip(?:\s+(?:it|this|this one|that|that one|for now|the question|this question|please))*|"
    r"pass|n/?a|na|none|nothing|no one|noone|nobody|not applicable|doesn'?t apply|does not apply|"
    r"leave (?:it |this |that )?(?:blank|empty|out)|blank|empty|no(?:\s+thanks?(?:\s+you)?)?|nope|nah|"
    r"(?:i|we) (?:don'?t|do not|dont) have (?:one|it|any|that|them|an?\s+.+|any\s+.+|.+ number)|"
    r"(?:don'?t|dont|do not) have (?:one|it|any|that|an?\s+.+)|there (?:is|'s) (?:none|no one|nobody)|"
    r"there isn'?t (?:one|any)|we have none|no(?:\s+\w+){1,3}|not (?:needed|required)|no need|"
    r"(?:we )?(?:don'?t|dont) need (?:it|one|that)|(?:i'?d )?rather not(?: say)?|next"
    r")[.!]*$"
)


def is_skip(text: str) -> bool:
    """"skip", "n/a", "none", "I don't have one", "we don't have a DUNS number", "leave it blank", "no fax"
    (Facility Information: a "no" there means there is nothing to give)."""
    t = norm(text)
    return bool(t) and bool(_SKIP_RE.match(t))


_SKIP_OR_UNKNOWN_RE = re.compile(
    r"(?:skip(?: it| this(?: one)?| that)?|pass|n/?a|none|no idea|not sure|unknown|i don'?t know|dunno|"
    r"don'?t know|leave it (?:blank|empty)|blank|later|i'?ll do it later|we don'?t have (?:one|it|that)|"
    r"i don'?t have (?:one|it|that)|not applicable|nothing)")


def is_skip_or_unknown(text: str) -> bool:
    """"skip", "n/a", "I don't know", "leave it blank", "later" (the inventory: not knowing an optional value
    leaves it blank; a bare "no" is not a skip there)."""
    return bool(_SKIP_OR_UNKNOWN_RE.fullmatch(clean(text)))


_KEEP_RE = re.compile(
    r"^(?:keep(?:\s+.*)?|it'?s (?:fine|correct|right|good|ok|okay)|that'?s (?:fine|correct|right|good|ok|okay)|"
    r"(?:no|don'?t|dont) change(?: it)?|leave it(?: as is| alone)?|same|unchanged|as is|"
    r"it'?s still (?:right|correct|good)|no changes?|looks (?:right|good|fine)|correct|right|fine|"
    r"still (?:right|correct|good|the same)|(?:that'?s|it'?s) still (?:right|correct|good)|never ?mind)[.!]*$"
)


def is_keep(text: str) -> bool:
    """"keep", "Keep (559) 555-0123", "it's fine", "leave it", "no change" (for a field that has a value)."""
    return bool(_KEEP_RE.match(norm(text)))


_CONFIRM_RE = re.compile(
    r"^(?:(?:yes|yep|yeah|ok|okay|sure)[,!.\s]+)?(?:looks (?:right|good|fine|great|correct|ok|okay)|"
    r"all (?:good|correct|right|set)|everything(?:'s| is)? (?:right|correct|good|fine)|that'?s (?:right|correct|"
    r"all|it)|confirm(?:ed)?|perfect|great|good|correct|right|fine|done|all done)\b"
)


def is_confirm(text: str, intent: Optional[str] = None) -> Optional[bool]:
    """Answer to "Does this look right?": True ("Looks right", "yes", "all good"), False ("no", "not quite",
    "something is wrong"), None when unclear."""
    t = norm(text)
    if re.search(r"\b(?:not (?:quite|right|correct|all)|something(?:'s| is)? (?:wrong|off)|mistake|wrong)\b", t):
        return False
    if _CONFIRM_RE.match(t):
        return True
    return parse_yes_no(text, intent)


_GO_BACK_RE = re.compile(
    r"\bgo(?:ing)? back\b|\bprevious (?:question|one|answer|step)\b|\blast question\b|\bback up\b|"
    r"^(?:back|previous|undo|undo that|undo it)$|\bundo\b|\bquestion before\b|\banswered (?:that|it|this) wrong\b|"
    r"\bwrong answer\b|\bback to the (?:last|previous|question)\b|\bstep back\b"
)


def is_go_back(text: str) -> bool:
    """"go back", "previous question", "undo", "oops I answered that wrong, go back"."""
    return bool(_GO_BACK_RE.search(norm(text)))


_EXPLAIN_RE = re.compile(
    r"\bwhat\b.*\bmean|\bwhat (?:is|are|was|'s) (?:a|an|the|this|that|these|it)?\b|\bwhat's\b|\bwhats\b|"
    r"\bwhat do you mean\b|\bmeaning\b|\bwhy\b.*\b(?:need|ask|want|require|matter|important|care|question)|"
    r"^why\b|\b(?:don't|dont|do not) (?:get|understand)\b|\bexplain\b|\bconfus|\bhuh\b|^\?+$|^what\??$|"
    r"\bnot sure what\b|\bhow (?:do|would|can|should) (?:i|we) (?:know|find|tell|figure|check|get)\b|"
    r"\bwhat counts\b|\bwhat kind\b|\bwhich ones\b|\bclarify\b|\bmore info\b|\btell me more\b|\bwhat for\b|"
    r"\bwhere do i find\b|\bwhere can i find\b|\bi'?m lost\b|^help\b|\bhelp me understand\b|^define\b|"
    r"\bwhat do(?:es)? (?:that|this|it|you)\b|"
    r"^(?:what|how|which|does|do|is|are|can|should|would|where|who|when|isn't|doesn't|shouldn't|wouldn't)\b.*\?\s*$"
)


def is_explain_request(text: str) -> bool:
    """"what does this mean?", "why do you need this?", "what's an EPA ID number?", "huh?", "I don't get it",
    and any question about the question (Facility Information, where no answer is phrased as a question)."""
    t = (text or "").strip().lower().replace("’", "'")
    if not t:
        return False
    return bool(_EXPLAIN_RE.search(t))


_WHAT_IT_MEANS_RE = re.compile(r"^(?:huh|what|what\?|\?+|what does (?:that|this|it) mean|what do you mean\b.*|"
                               r"why do you (?:need|ask|want)\b.*|why\??|i don'?t (?:get|understand)\b.*)\??$")


def asks_what_it_means(text: str) -> bool:
    """The whole reply asks what the question means: "huh?", "what does that mean", "why do you need that?",
    "I don't get it" (narrower than `is_explain_request`: the inventory's answers may be questions about
    materials)."""
    return bool(_WHAT_IT_MEANS_RE.match(_low(text)))


# --- cancel, stop, pause, done, save ---------------------------------------------------------------------

_CANCEL_RE = re.compile(r"^(?:(?:no|ok|okay|actually|please|just)[,\s]+)*(?:cancel|forget (?:it|that|this|about it)|"
                        r"never ?mind|nvm|scrap (?:it|that|this)|discard(?: it| this| that)?|abort|don'?t save(?: it)?|"
                        r"do not save(?: it)?|stop)\b(?:\s+(?:it|this|that|this one|that one|the \w+))?[.!]*$")


def is_cancel(text: str) -> bool:
    """"cancel", "forget it", "never mind", "scrap that", "don't save it", "stop this one": drop what is
    being entered."""
    return bool(_CANCEL_RE.match(_low(text)))


def starts_with_stop(text: str) -> bool:
    """"stop", "quit ...", "exit": leave the step."""
    return bool(re.match(r"^(?:stop|quit|exit)\b", _low(text)))


_PAUSE_RE = re.compile(r"\b(later|tomorrow|pause|break|come back|another time|be back|monday|tuesday|"
                       r"wednesday|thursday|friday|weekend|next week|save my (?:progress|work|answers|place|spot)|"
                       r"gotta go|have to go|need to go|leaving|continue (?:this )?(?:later|tomorrow)|"
                       r"pick (?:this|it) up|for (?:today|now|the day)|luego|ma[nñ]ana)\b")
# Said this plainly, it is a pause whatever the classifier thinks ("let's continue tomorrow" is never an answer).
_PAUSE_STRONG_RE = re.compile(
    r"\b(?:(?:continue|finish|do|pick (?:this|it) up|carry on|resume)(?: (?:this|it|the rest))?"
    r" (?:later|tomorrow|another (?:day|time)|next week|on (?:monday|tuesday|wednesday|thursday|friday))|"
    r"stop (?:for|here for) (?:today|now|the day|tonight)|(?:that'?s|thats) (?:it|enough) for (?:today|now|the day)|"
    r"gotta (?:go|run)|have to (?:go|run|leave)|need to (?:go|run|leave)|talk (?:to you )?later|call it a day|"
    r"be back (?:later|tomorrow)|seguimos ma[nñ]ana|contin[uú]o (?:ma[nñ]ana|luego))\b")


def mentions_pause(text: str) -> bool:
    """"let's continue tomorrow", "I have to go", "pick this up on Monday": words of pausing the filing."""
    return bool(_PAUSE_RE.search(_low(text)))


def says_pause(text: str) -> bool:
    """A pause said so plainly that it is one whatever the classifier says ("let's continue tomorrow",
    "stop for today", "gotta run")."""
    return bool(_PAUSE_STRONG_RE.search(_low(text)))


_DONE_RE = re.compile(r"^(?:(?:ok|okay|well)[,\s]+)*(?:that'?s all|thats all|that is all|that'?s it|done|"
                      r"i'?m done|we'?re done|all done|finished|i'?m finished|nothing else|no more materials|"
                      r"that'?s everything|that'?s all for now|stop here)[.!]*$")


def is_done(text: str) -> bool:
    """"that's all", "done", "we're done", "nothing else": the user says they have finished."""
    return bool(_DONE_RE.match(_low(text)))


_NO_MORE_RE = re.compile(r"^(?:(?:no|nope|nah|ok|okay|well)[,\s]+)*(?:that'?s all|thats all|that is all|that'?s it|"
                         r"that is it|done|i'?m done|we'?re done|all done|finished|i'?m finished|nothing else|"
                         r"no more|nothing more|no(?:pe|thing)?|no thanks|no thank you|that'?s everything|"
                         r"that'?s all we have|that'?s all for now|we'?re good|i'?m good|all set|none)[.!]*$")


def is_no_more(text: str) -> bool:
    """The answer to "anything else?" when there is nothing else: `is_done` phrases and also "no", "none",
    "no thanks", "all set"."""
    return bool(_NO_MORE_RE.match(_low(text)))


_SAVE_CONFIRMATION_RE = re.compile(
    r"^(?:(?:yes|yep|yeah|ok|okay|sure|great|perfect|good|looks good)[,!.\s]*)*(?:please\s+)?"
    r"(?:save|save it|save this|save that|save please|looks (?:good|right|fine|correct|ok)|"
    r"that'?s (?:right|correct|good)|correct|confirm(?:ed)?|all good|go ahead|ok|okay|yes|yep|"
    r"yeah|sure|perfect|good|right)?[.!]*$")


def is_save_confirmation(text: str) -> bool:
    """The answer to a summary card that keeps it: "save", "looks good, save it", "yes", "correct"."""
    low = _low(text)
    return bool(low) and bool(_SAVE_CONFIRMATION_RE.match(low))


def is_save_command(text: str) -> bool:
    """"save", "just save it", "save now please": save what is there, even with questions left."""
    return bool(re.match(r"^(?:please\s+)?(?:just\s+)?save(?: it| this| that| now)?(?: please)?[.!]*$", _low(text)))


_FILLER_RE = re.compile(r"^(?:hi|hello|hey|ok|okay|hmm+|um+|uh+|yes|no|yep|nope|sure|thanks|thank you|help|"
                        r"what|why|how|\?+|\.+)[.!?]*$")


def is_filler(text: str) -> bool:
    """A reply that says nothing to act on: "hi", "ok", "hmm", "thanks", "?"."""
    return bool(_FILLER_RE.match(_low(text)))


# --- numbers and units -----------------------------------------------------------------------------------

# CERS unit codes (cers-facts.md 1.3)
UNIT_CODES = {"gallons": "a", "cubic feet": "b", "pounds": "c", "tons": "d"}
UNIT_NAMES = {v: k for k, v in UNIT_CODES.items()}
UNIT_SINGULAR = {"a": "gallon", "b": "cubic foot", "c": "pound", "d": "ton"}


def fmt_number(x: float) -> str:
    """1200 -> "1,200"; 2.6417 -> "2.64"."""
    x = round(float(x), 2)
    return f"{x:,.0f}" if x.is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def fmt_amount(value: Optional[float], unit: Optional[str]) -> str:
    """165, "a" -> "165 gallons"; 1, "c" -> "1 pound"."""
    if value is None:
        return "not given"
    if unit not in UNIT_NAMES:
        return fmt_number(value)
    word = UNIT_SINGULAR[unit] if round(float(value), 2) == 1 else UNIT_NAMES[unit]
    return f"{fmt_number(value)} {word}"


def first_number(text: str) -> Optional[float]:
    """The first number in the text, digits or words ("fifty" -> 50.0, "1,200" -> 1200.0), None when none."""
    prepared = replace_number_words(text).replace(",", "")
    numbers = re.findall(r"(?<![\w.])(\d+(?:\.\d+)?|\.\d+)(?![\w.])", prepared)
    return float(numbers[0]) if numbers else None


def parse_unit(text: str) -> Optional[str]:
    """The CERS unit code for "gallons", "lbs", "cubic feet", "tons"... (None when no unit word is there)."""
    s = clean(text)
    for pattern, code in ((r"\b(?:cubic\s*f(?:ee|oo)?t|cu\.?\s*ft|cf|scf|ft3)\b", "b"),
                          (r"\b(?:gal(?:lon)?s?|gl)\b", "a"),
                          (r"\b(?:tons?|tonnes?)\b", "d"),
                          (r"\b(?:pounds?|lbs?|#)\b", "c")):
        if re.search(pattern, s):
            return code
    return None


def convert_between(value: float, from_unit: str, to_unit: str) -> Optional[float]:
    """Pounds <-> tons (the only CERS units that convert without knowing the material's density)."""
    if from_unit == to_unit:
        return value
    if (from_unit, to_unit) == ("d", "c"):
        return value * 2000
    if (from_unit, to_unit) == ("c", "d"):
        return value / 2000
    return None


# --- phones, emails, ZIP codes, spoken digits ------------------------------------------------------------

_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_PHONE_RE = re.compile(
    r"(?:\+?1[\s.\-]*)?\(?\b\d{3}\)?[\s.\-]*\d{3}[\s.\-]*\d{4}\b(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?",
    re.IGNORECASE,
)
_ZIP_RE = re.compile(r"(?<![\d\-])\d{5}(?:\s*-\s*\d{4})?(?![\d\-])")


def spoken_digits(text: str) -> str:
    """Digits spelled out in words become digits when there are at least 7 of them ("five five nine ...")."""
    words = re.split(r"[\s,\-]+", text.lower().strip())
    if sum(w in _DIGIT_WORDS for w in words) >= 7:
        joined = " ".join(_DIGIT_WORDS.get(w, w) for w in words if w)
        return re.sub(r"(?<=\d) (?=\d)", "", joined)
    return text


def find_phone(text: str) -> Optional[str]:
    m = _PHONE_RE.search(spoken_digits(text or ""))
    return m.group(0).strip() if m else None


def find_all_phones(text: str) -> list[str]:
    return [m.group(0).strip() for m in _PHONE_RE.finditer(spoken_digits(text or ""))]


def find_email(text: str) -> Optional[str]:
    m = EMAIL_IN_TEXT_RE.search(text or "")
    return m.group(0).strip(".,;") if m else None


def find_zip(text: str) -> Optional[str]:
    m = _ZIP_RE.search(text or "")
    return re.sub(r"\s", "", m.group(0)) if m else None
