"""``review.html``: one self-contained page to review a run document by document.

Each document shows its text with gold evidence and predicted evidence highlighted in
different colours (green where they overlap), and each aligned record with its fields side
by side, disagreements marked (red; amber when only the strict mode rejects them). A menu
filters the records by error class; clicking a record picks out its evidence.

The page fetches nothing: styles and script are inline and a Content-Security-Policy
forbids every network source. Every ``<mark>`` lists the records it belongs to in
``data-g``/``data-p``; a predicted record whose evidence is not in the text has no mark.

The markup is the Jinja2 template ``templates/review.html.j2``, rendered with autoescape:
this module computes what the page shows (plain values, never markup), the template escapes
every value it prints.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import jinja2

from extractor.evaluation.classify import ErrorRecord
from extractor.evaluation.match import FIELD_SPECS, Item, field_value
from extractor.evaluation.report import Report, level_key
from extractor.evaluation.score import DocumentResult, PairResult
from extractor.evaluation.settings import ErrorClass, Level, Mode
from extractor.records import Change, Money, Quantity

__all__ = ["render_review_html"]

TEMPLATE = "review.html.j2"


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("extractor.evaluation", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template(TEMPLATE)


@dataclass(frozen=True, slots=True)
class _Piece:
    """A stretch of a document's text; ``cls`` ("g", "p" or "g p") when evidence covers it,
    with the ids of the gold and predicted records it belongs to."""

    text: str
    cls: str = ""
    g: str = ""
    p: str = ""


@dataclass(frozen=True, slots=True)
class _Row:
    cls: str
    field: str
    gold: str
    pred: str
    verdict: str
    labels: list[str]


@dataclass(frozen=True, slots=True)
class _Pair:
    record_type: str
    gold: str | None
    pred: str | None
    gid: str
    pid: str
    note: str
    classes: list[str]
    rows: list[_Row]


@dataclass(frozen=True, slots=True)
class _Document:
    n: int
    doc_id: str
    status: str
    score: str
    pieces: list[_Piece]
    pairs: list[_Pair]


@dataclass(frozen=True, slots=True)
class _Option:
    value: str
    count: int


def _show(value: object) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, Money):
        return f"{value.raw} ({value.amount:,.6g} {value.currency}, {value.qualifier.value})"
    if isinstance(value, Quantity):
        return f"{value.raw} ({value.value:,.6g} {value.unit}, {value.qualifier.value})"
    if isinstance(value, Change):
        return f"{value.raw} ({value.value:+g} {value.unit.value} {value.basis.value})"
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    return str(getattr(value, "value", value))


def _record_id(doc_n: int, side: str, item: Item) -> str:
    return f"d{doc_n}-{side}-{item.record_type.value}-{item.index}"


def _highlight(text: str, spans: Sequence[tuple[int, int, str, str]]) -> list[_Piece]:
    """The text cut wherever evidence starts or ends, each piece with what covers it."""
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [(side, rid) for s, e, side, rid in spans if s <= start and end <= e]
        g = sorted({rid for side, rid in covering if side == "g"})
        p = sorted({rid for side, rid in covering if side == "p"})
        cls = " ".join(x for x, ids in (("g", g), ("p", p)) if ids)
        pieces.append(_Piece(text[start:end], cls, " ".join(g), " ".join(p)))
    return pieces


def _spans(doc_n: int, doc: DocumentResult) -> list[tuple[int, int, str, str]]:
    spans: list[tuple[int, int, str, str]] = []
    for side, groups in (("g", doc.gold_items), ("p", doc.pred_items)):
        for items in groups.values():
            for item in items:
                if item.ungrounded:
                    continue
                rid = _record_id(doc_n, side, item)
                spans.extend((e.start, e.end, side, rid) for e in item.record.evidence)
    return spans


def _pair_rows(pair: PairResult, errors: Sequence[ErrorRecord]) -> list[_Row]:
    rows = []
    for n, spec in enumerate(FIELD_SPECS[pair.record_type]):
        g = field_value(pair.gold.record, spec) if pair.gold else None
        p = field_value(pair.pred.record, spec) if pair.pred else None
        verdict, row_cls = "", ""
        if pair.gold is not None and pair.pred is not None:
            strict_ok = pair.fields[Mode.STRICT][n].agrees
            lenient_ok = pair.fields[Mode.LENIENT][n].agrees
            verdict = "agree" if strict_ok else "lenient only" if lenient_ok else "disagree"
            if strict_ok and g in (None, []) and p in (None, []):
                verdict = ""
            row_cls = "" if strict_ok else "soft" if lenient_ok else "bad"
        labels = [e.error_class.value for e in errors if e.field == spec.name]
        rows.append(_Row(row_cls, spec.name, _show(g), _show(p), verdict, labels))
    return rows


def _pair(doc_n: int, pair: PairResult, errors: Sequence[ErrorRecord]) -> _Pair:
    sim = f" · similarity {pair.similarity:.2f}" if pair.similarity is not None else ""
    optional = " · optional (not counted)" if not pair.counted else ""
    return _Pair(
        record_type=pair.record_type.value,
        gold=pair.gold.label if pair.gold else None,
        pred=pair.pred.label if pair.pred else None,
        gid=_record_id(doc_n, "g", pair.gold) if pair.gold else "",
        pid=_record_id(doc_n, "p", pair.pred) if pair.pred else "",
        note=sim + optional,
        classes=sorted({e.error_class.value for e in errors}),
        rows=_pair_rows(pair, errors),
    )


def _errors_by_pair(
    errors: Iterable[ErrorRecord],
) -> dict[tuple[str, str, object, object], list[ErrorRecord]]:
    out: dict[tuple[str, str, object, object], list[ErrorRecord]] = {}
    for e in errors:
        key = (e.doc_id, e.record_type.value, e.gold_index, e.pred_index)
        out.setdefault(key, []).append(e)
    return out


def _document(
    doc_n: int,
    doc: DocumentResult,
    text: str,
    errors: Mapping[tuple[str, str, object, object], list[ErrorRecord]],
    f1: float | None,
) -> _Document:
    pairs = []
    for pair in doc.pairs:
        key = (
            doc.doc_id,
            pair.record_type.value,
            pair.gold.index if pair.gold else None,
            pair.pred.index if pair.pred else None,
        )
        pairs.append(_pair(doc_n, pair, errors.get(key, [])))
    return _Document(
        n=doc_n,
        doc_id=doc.doc_id,
        status=doc.status.value,
        score="n/a" if f1 is None else f"{f1:.3f}",
        pieces=_highlight(text, _spans(doc_n, doc)),
        pairs=pairs,
    )


def render_review_html(
    report: Report,
    documents: Sequence[DocumentResult],
    errors: Sequence[ErrorRecord],
    texts: Mapping[str, str],
) -> str:
    """The page; ``texts`` must hold the text of every document."""
    agreement = report.kind == "agreement"
    by_pair = _errors_by_pair(errors)
    f1s = {d.doc_id: d.f1[level_key(Level.FIELD, Mode.LENIENT)] for d in report.documents}
    counts = {e.error_class: e.strict for e in report.errors}
    first, second = ("annotator A", "annotator B") if agreement else ("gold", "prediction")
    return _template().render(
        title="Annotator agreement review" if agreement else "Evaluation review",
        first=first,
        second=second,
        gold=report.inputs.gold,
        pred=report.inputs.pred,
        options=[_Option(c.value, counts.get(c, 0)) for c in ErrorClass],
        documents=[
            _document(n, d, texts[d.doc_id], by_pair, f1s.get(d.doc_id))
            for n, d in enumerate(documents)
        ],
    )
