"""Measure understanding: intents (Rasa model), inventory sentences and filers' questions, on any set file.

Sets written apart (../shared/docs/evaluation.md), JSONL:
  `python -m bot.nlp.evaluate --inventory F.jsonl --intents F.jsonl --questions F.jsonl [--json] [--predictions OUT]`
prints per set its size, when it was written, whether it is seen or fresh, and every figure (intent accuracy;
material right / candidates offered / wrong, total, container, location, all fields right; questions answered
with every fact; with `--turns`, turns per chemical from the sentence to saved, played through the real
conversation). `--json` prints all figures as one JSON object on the last line; `--predictions OUT.jsonl`
writes what the product would store from each inventory sentence. With no set given, every set under
tests/apart/ is scored.

The older held-out NLU sets (Rasa YAML with entity annotations):
Score a trained Rasa model on held-out NLU sets: intents, and entities from every extractor.

Run: `python -m bot.nlp.evaluate [--model models/cers.tar.gz] [--data FILE]... [--quiet] [--json F]`.
`--data` may be given more than once; without it both held-out sets are scored (tests/nlu/heldout.yml: the
whole conversation, tests/nlu/heldout_filing.yml: Facility Information and Inventory). For each file, and for
all files together, it prints intent accuracy, the fallback rate, a per-intent table (precision/recall/F1), the
misclassified messages, and entity precision/recall/F1 per entity type; then a one-line-per-file overview.
Unlike `rasa test nlu` this scores what the running assistant sees, including entities from
SpacyEntityExtractor and RegexEntityExtractor. A prediction of `nlu_fallback` counts as a miss.
The model is loaded once for all files. Rasa is imported only inside the functions that need it (slow import).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from bot.config import REPO_ROOT

DEFAULT_MODEL = REPO_ROOT / "models" / "cers.tar.gz"
DEFAULT_DATA = REPO_ROOT / "tests" / "nlu" / "heldout.yml"
DEFAULT_FILING_DATA = REPO_ROOT / "tests" / "nlu" / "heldout_filing.yml"
DEFAULT_DATA_FILES: tuple[Path, ...] = (DEFAULT_DATA, DEFAULT_FILING_DATA)
Span = tuple[str, int, int]  # (entity type, start, end)


@dataclass(frozen=True)
class Example:
    """One held-out message with its gold intent and entity spans."""

    text: str
    intent: str
    entities: frozenset[Span]


@dataclass(frozen=True)
class Prediction:
    """What the model returned for one message."""

    intent: str
    confidence: float
    entities: frozenset[Span]
    extractors: tuple[tuple[Span, str], ...] = ()
    ranking: tuple[tuple[str, float], ...] = ()  # classifier's ranking without nlu_fallback

    @property
    def top_intent(self) -> tuple[str, float]:
        """The best intent before the FallbackClassifier stepped in."""
        return self.ranking[0] if self.ranking else (self.intent, self.confidence)


@dataclass
class Scores:
    """Precision, recall and F1 from true positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Everything the evaluation measured."""

    examples: list[Example]
    predictions: list[Prediction]
    intents: dict[str, Scores] = field(default_factory=dict)
    entities: dict[str, Scores] = field(default_factory=dict)
    extractors_by_entity: dict[str, Counter] = field(default_factory=dict)

    @property
    def intent_accuracy(self) -> float:
        hits = sum(e.intent == p.intent for e, p in zip(self.examples, self.predictions))
        return hits / len(self.examples) if self.examples else 0.0

    @property
    def fallback_rate(self) -> float:
        n = sum(p.intent == "nlu_fallback" for p in self.predictions)
        return n / len(self.predictions) if self.predictions else 0.0

    @property
    def entity_micro(self) -> Scores:
        total = Scores()
        for s in self.entities.values():
            total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        return total

    def accuracy_at(self, threshold: float, ambiguity: float) -> tuple[float, float]:
        """(accuracy, fallback rate) had the FallbackClassifier used these settings."""
        hits = falls = 0
        for ex, pred in zip(self.examples, self.predictions):
            ranking = pred.ranking or ((pred.intent, pred.confidence),)
            top, conf = ranking[0]
            second = ranking[1][1] if len(ranking) > 1 else 0.0
            if conf < threshold or conf - second < ambiguity:
                falls += 1
            elif top == ex.intent:
                hits += 1
        n = len(self.examples) or 1
        return hits / n, falls / n

    def misclassified(self) -> list[tuple[Example, Prediction]]:
        return [(e, p) for e, p in zip(self.examples, self.predictions) if e.intent != p.intent]


def load_examples(path: Path) -> list[Example]:
    """Read a Rasa NLU yml file (intents with [entity](type) annotations)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    out = []
    for msg in data.intent_examples:
        spans = frozenset((e["entity"], int(e["start"]), int(e["end"])) for e in msg.get("entities") or [])
        out.append(Example(text=msg.get("text"), intent=msg.get("intent"), entities=spans))
    return out


def _to_prediction(parsed: dict[str, Any]) -> Prediction:
    intent = parsed.get("intent") or {}
    spans: dict[Span, str] = {}
    for ent in parsed.get("entities") or []:
        if ent.get("start") is None or ent.get("end") is None:
            continue
        span = (str(ent["entity"]), int(ent["start"]), int(ent["end"]))
        spans.setdefault(span, str(ent.get("extractor") or "?"))
    ranking = tuple(
        (str(r.get("name")), float(r.get("confidence") or 0.0))
        for r in parsed.get("intent_ranking") or []
        if r.get("name") != "nlu_fallback"
    )
    return Prediction(
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        entities=frozenset(spans),
        extractors=tuple(spans.items()),
        ranking=ranking,
    )


_AGENTS: dict[str, Any] = {}  # one loaded model per process: the held-out files and the intent sets share it


async def _predict_all(model: Path, texts: list[str]) -> list[Prediction]:
    from rasa.core.agent import Agent

    key = str(Path(model).resolve())
    if key not in _AGENTS:
        _AGENTS[key] = Agent.load(str(model))
    agent = _AGENTS[key]
    return [_to_prediction(await agent.parse_message(text)) for text in texts]


def predict(model: Path, texts: list[str]) -> list[Prediction]:
    """Parse every text with the model's NLU pipeline (all extractors, FallbackClassifier included)."""
    return asyncio.run(_predict_all(model, texts))


# Entity types the held-out sets annotate. The ruler's inventory spans (material, quantity, container) are not
# annotated here: they are scored on the inventory sentence sets (tests/nlp, bot.nlp.evaluate_inventory).
SCORED_ENTITY_TYPES = frozenset({"cers_id", "email", "phone", "zip", "street_number", "city"})


def score(examples: list[Example], predictions: list[Prediction]) -> Report:
    """Per-intent and per-entity-type scores (entity types in SCORED_ENTITY_TYPES)."""
    report = Report(examples=examples, predictions=predictions)
    intents: dict[str, Scores] = defaultdict(Scores)
    entities: dict[str, Scores] = defaultdict(Scores)
    extractors: dict[str, Counter] = defaultdict(Counter)
    for ex, pred in zip(examples, predictions):
        if ex.intent == pred.intent:
            intents[ex.intent].tp += 1
        else:
            intents[ex.intent].fn += 1
            intents[pred.intent].fp += 1
        gold = {sp for sp in ex.entities if sp[0] in SCORED_ENTITY_TYPES}
        found = {sp for sp in pred.entities if sp[0] in SCORED_ENTITY_TYPES}
        for span in gold & found:
            entities[span[0]].tp += 1
        for span in found - gold:
            entities[span[0]].fp += 1
        for span in gold - found:
            entities[span[0]].fn += 1
        for span, extractor in pred.extractors:
            extractors[span[0]][extractor] += 1
    report.intents = dict(intents)
    report.entities = dict(entities)
    report.extractors_by_entity = dict(extractors)
    return report


def evaluate(model: Path = DEFAULT_MODEL, data: Path = DEFAULT_DATA) -> Report:
    """Load the held-out set and the model, predict, score."""
    examples = load_examples(data)
    return score(examples, predict(model, [e.text for e in examples]))


def evaluate_files(model: Path = DEFAULT_MODEL, data: Iterable[Path] = DEFAULT_DATA_FILES) -> dict[Path, Report]:
    """One report per held-out file, in the order given; the model is loaded and run once for all of them."""
    per_file = {Path(path): load_examples(Path(path)) for path in data}
    texts = [e.text for examples in per_file.values() for e in examples]
    predictions = iter(predict(model, texts))
    return {path: score(examples, [next(predictions) for _ in examples]) for path, examples in per_file.items()}


def combine(reports: Iterable[Report]) -> Report:
    """All messages of several reports scored as one set (micro averages over every message)."""
    examples: list[Example] = []
    predictions: list[Prediction] = []
    for report in reports:
        examples += report.examples
        predictions += report.predictions
    return score(examples, predictions)


def display_name(path: Path) -> str:
    """The path relative to the repository when inside it (short headings, stable JSON keys)."""
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT.resolve()))
    except ValueError:
        return str(path)


def _fmt_spans(text: str, spans: Iterable[Span]) -> str:
    return ", ".join(f"{t}={text[s:e]!r}" for t, s, e in sorted(spans, key=lambda x: x[1])) or "-"


def format_report(report: Report, show_misses: bool = True, title: Optional[str] = None) -> str:
    """The report as plain text (under a `== title ==` heading when given)."""
    gold_counts = Counter(e.intent for e in report.examples)
    m = report.entity_micro
    lines = [f"== {title} ==", ""] if title else []
    lines += [
        f"Held-out messages: {len(report.examples)}",
        f"Intent accuracy:   {report.intent_accuracy:.3f}  (nlu_fallback on {report.fallback_rate:.1%} of messages)",
        f"Entities (micro):  precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}",
        "",
        f"{'intent':<24}{'support':>8}{'prec':>7}{'recall':>8}{'f1':>7}",
    ]
    for name in sorted(set(gold_counts) | set(report.intents)):
        s = report.intents.get(name, Scores())
        lines.append(f"{name:<24}{gold_counts.get(name, 0):>8}{s.precision:>7.2f}{s.recall:>8.2f}{s.f1:>7.2f}")
    misses = report.misclassified()
    if show_misses:
        lines += ["", f"Misclassified ({len(misses)}):"]
        for ex, pred in sorted(misses, key=lambda m: m[0].intent):
            note = ""
            if pred.intent == "nlu_fallback":
                note = " (top: {} {:.2f})".format(*pred.top_intent)
            lines.append(f"  [{ex.intent} -> {pred.intent} {pred.confidence:.2f}{note}] {ex.text}")
    lines += ["", f"{'entity':<24}{'gold':>6}{'pred':>6}{'prec':>7}{'recall':>8}{'f1':>7}  extractors"]
    for name in sorted(report.entities):
        s = report.entities[name]
        ext = ", ".join(f"{k}:{v}" for k, v in report.extractors_by_entity.get(name, Counter()).most_common())
        lines.append(f"{name:<24}{s.tp + s.fn:>6}{s.tp + s.fp:>6}{s.precision:>7.2f}{s.recall:>8.2f}{s.f1:>7.2f}  {ext}")
    lines.append(f"{'(all, micro)':<24}{m.tp + m.fn:>6}{m.tp + m.fp:>6}{m.precision:>7.2f}{m.recall:>8.2f}{m.f1:>7.2f}")
    if show_misses:
        lines += ["", "FallbackClassifier settings (threshold/ambiguity -> accuracy, fallback rate):"]
        for threshold in (0.3, 0.4, 0.5, 0.6):
            cells = []
            for ambiguity in (0.0, 0.05, 0.1):
                acc, falls = report.accuracy_at(threshold, ambiguity)
                cells.append(f"{threshold:.1f}/{ambiguity:.2f}: {acc:.3f} {falls:.1%}")
            lines.append("  " + "   ".join(cells))
    entity_errors = [(e, p) for e, p in zip(report.examples, report.predictions) if e.entities != p.entities]
    if show_misses and entity_errors:
        lines += ["", f"Entity errors ({len(entity_errors)}):"]
        for ex, pred in entity_errors:
            lines.append(f"  {ex.text!r}\n      gold: {_fmt_spans(ex.text, ex.entities)}"
                         f"\n      got:  {_fmt_spans(ex.text, pred.entities)}")
    return "\n".join(lines)


def format_overview(reports: dict[Path, Report], combined: Report) -> str:
    """One line per file and one for all files: the figures the tests hold floors on."""
    lines = [f"{'file':<36}{'messages':>9}{'intent acc':>11}{'fallback':>10}{'ent prec':>9}{'ent rec':>8}{'ent F1':>8}"]
    rows = [(display_name(p), r) for p, r in reports.items()] + [("(all files)", combined)]
    for name, r in rows:
        m = r.entity_micro
        lines.append(f"{name:<36}{len(r.examples):>9}{r.intent_accuracy:>11.3f}{r.fallback_rate:>10.1%}"
                     f"{m.precision:>9.3f}{m.recall:>8.3f}{m.f1:>8.3f}")
    return "\n".join(lines)


def summary(report: Report) -> dict[str, Any]:
    """The headline figures, for machines (tests, CI)."""
    micro = report.entity_micro
    gold_counts = Counter(e.intent for e in report.examples)
    return {
        "messages": len(report.examples),
        "intent_accuracy": round(report.intent_accuracy, 4),
        "fallback_rate": round(report.fallback_rate, 4),
        "entity_precision": round(micro.precision, 4),
        "entity_recall": round(micro.recall, 4),
        "entity_f1": round(micro.f1, 4),
        "entities": {k: {"precision": round(v.precision, 4), "recall": round(v.recall, 4), "f1": round(v.f1, 4)}
                     for k, v in sorted(report.entities.items())},
        "intents": {k: {"support": gold_counts.get(k, 0), "precision": round(v.precision, 4),
                        "recall": round(v.recall, 4), "f1": round(v.f1, 4)}
                    for k, v in sorted(report.intents.items())},
        "misclassified": [{"text": e.text, "gold": e.intent, "predicted": p.intent} for e, p in report.misclassified()],
    }


def summary_many(reports: dict[Path, Report], combined: Optional[Report] = None) -> dict[str, Any]:
    """The combined figures at the top level (as `summary` gives for one file), plus a section per file.

    `files` maps each file's display name to its own summary with the file's absolute `path`; with a single
    file the top level equals that file's summary, so readers of the one-file JSON keep working.
    """
    combined = combined or combine(reports.values())
    out = summary(combined)
    out["files"] = {display_name(p): {"path": str(Path(p).resolve()), **summary(r)} for p, r in reports.items()}
    return out


def _quiet_rasa() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    logging.basicConfig(level=logging.ERROR)
    for name in ("rasa", "tensorflow", "absl", "sanic"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    except ImportError:  # pragma: no cover - rasa depends on structlog
        pass


def load_intent_jsonl(path: Path) -> list[Example]:
    from bot.nlp.evaluate_sets import read_jsonl

    rows, _ = read_jsonl(path)
    return [Example(text=str(r["text"]), intent=str(r["intent"]), entities=frozenset()) for r in rows]


APART_DIR = REPO_ROOT / "tests" / "apart"


def _default_apart(kind: str) -> list[Path]:
    return sorted(APART_DIR.glob(f"*/{kind}.jsonl")) if APART_DIR.is_dir() else []


def _sets(args: argparse.Namespace) -> tuple[int, dict[str, Any], list[str]]:
    """The JSONL sets: inventory and questions need no model; intents load it once. Returns the exit code, the
    figures ({"sets": [...]}) and the printed sections."""
    from bot.nlp import evaluate_sets as ev

    figures: dict[str, Any] = {"sets": []}
    sections: list[str] = []
    predictions: list[dict[str, Any]] = []
    if args.inventory or args.questions:
        from bot.db import session_scope

        with session_scope() as db:
            for path in args.inventory:
                rows, info = ev.read_jsonl(path)
                sc = ev.score_inventory(db, rows, info, predictions if args.predictions else None)
                sections.append(ev.format_inventory(sc, show_misses=not args.quiet))
                figures["sets"].append(sc.as_dict())
            for path in args.questions:
                rows, info = ev.read_jsonl(path)
                qs = ev.score_questions(db, rows, info)
                sections.append(ev.format_questions(qs, show_misses=not args.quiet))
                figures["sets"].append(qs.as_dict())
            if args.turns:
                from bot.nlp.evaluate_turns import format_turns, score_turns

                for path in args.inventory:
                    rows, info = ev.read_jsonl(path)
                    ts = score_turns(db, rows[: args.turns_limit] if args.turns_limit else rows, info)
                    sections.append(format_turns(ts))
                    figures["sets"].append(ts.as_dict())
    if args.intents:
        if not args.model.is_file():
            print(f"No model file at {args.model}. Train a model first (rasa train) or pass --model.", file=sys.stderr)
            return 2, figures, sections
        _quiet_rasa()
        import warnings

        warnings.filterwarnings("ignore")
        per_file = {p: load_intent_jsonl(p) for p in args.intents}
        texts = [e.text for examples in per_file.values() for e in examples]
        preds = iter(predict(args.model, texts))
        for path, examples in per_file.items():
            report = score(examples, [next(preds) for _ in examples])
            _, info = ev.read_jsonl(path)
            title = f"intent set {display_name(path)} (size {len(examples)}, written {info.written}, {info.status})"
            sections.append(format_report(report, show_misses=not args.quiet, title=title))
            figures["sets"].append({"set": str(path), "kind": "intents", "size": len(examples),
                                    "written": info.written, "status": info.status,
                                    "intent_accuracy": round(report.intent_accuracy, 4),
                                    "fallback_rate": round(report.fallback_rate, 4)})
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as out:
            for p in predictions:
                out.write(json.dumps(p) + "\n")
    return 0, figures, sections


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="trained model (.tar.gz)")
    parser.add_argument("--inventory", type=Path, action="append", default=[], help="inventory set (JSONL)")
    parser.add_argument("--intents", type=Path, action="append", default=[], help="intent set (JSONL)")
    parser.add_argument("--questions", type=Path, action="append", default=[], help="question set (JSONL)")
    parser.add_argument("--predictions", type=Path, help="write what would be stored from each inventory sentence")
    parser.add_argument("--turns", action="store_true",
                        help="also play each inventory sentence through the conversation: turns per chemical")
    parser.add_argument("--turns-limit", type=int, default=0, help="only the first N sentences for --turns")
    parser.add_argument("--data", type=Path, action="append",
                        help="held-out NLU yml (older format); repeat for several files")
    parser.add_argument("--quiet", action="store_true", help="scores only, no list of misses")
    parser.add_argument("--json", nargs="?", const=True, type=Path,
                        help="print the figures as one JSON object on the last line (and write them to the file "
                             "when one is given)")
    args = parser.parse_args(argv)
    for path in [*args.inventory, *args.intents, *args.questions, *(args.data or [])]:
        if not Path(path).is_file():
            print(f"No set file at {path}.", file=sys.stderr)
            return 2
    if not (args.inventory or args.intents or args.questions or args.data):
        args.inventory, args.intents = _default_apart("inventory"), _default_apart("intents")
        args.questions = _default_apart("questions")
    # The JSONL sets and the held-out YAML files may be scored in one run: the model is loaded once for both.
    figures: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    sections: list[str] = []
    if args.inventory or args.intents or args.questions:
        rc, figures, sections = _sets(args)
        if rc:
            return rc
        printed = dict(figures)
    if args.data:
        data = list(dict.fromkeys(args.data))  # a file given twice is scored once
        if not args.model.is_file():
            print(f"No model file at {args.model}. Train a model first (rasa train) or pass --model.", file=sys.stderr)
            return 2
        _quiet_rasa()
        import warnings

        warnings.filterwarnings("ignore")
        reports = evaluate_files(args.model, data)
        combined = combine(reports.values())
        sections += [format_report(r, show_misses=not args.quiet, title=display_name(p)) for p, r in reports.items()]
        if len(reports) > 1:
            sections.append(format_report(combined, show_misses=False, title="all files combined"))
        sections.append(format_overview(reports, combined))
        figures = {**summary_many(reports, combined), **figures}
        printed = {**summary(combined), **printed}
    print("\n\n".join(sections))
    if args.json:
        if isinstance(args.json, Path):
            args.json.write_text(json.dumps(figures, indent=2))
        print(json.dumps(printed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
