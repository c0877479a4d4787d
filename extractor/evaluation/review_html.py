"""``review.html``: one self-contained page to review a run document by document.

Each document shows its text with gold evidence and predicted evidence highlighted in
different colours (green where they overlap), and each aligned record with its fields side
by side, disagreements marked (red; amber when only the strict mode rejects them). A menu
filters the records by error class; clicking a record picks out its evidence.

The page fetches nothing: styles and script are inline and a Content-Security-Policy
forbids every network source. Every ``<mark>`` lists the records it belongs to in
``data-g``/``data-p``; a predicted record whose evidence is not in the text has no mark.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Mapping, Sequence

from extractor.evaluation.classify import ErrorRecord
from extractor.evaluation.fields import FIELD_SPECS, Item, field_value
from extractor.evaluation.report_model import Report, level_key
from extractor.evaluation.score import DocumentResult, PairResult
from extractor.evaluation.settings import ErrorClass, Level, Mode
from extractor.records import Change, Money, Quantity

__all__ = ["render_review_html"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 16px;
z-index:2}
h1{font-size:18px;margin:0 0 4px}h2{font-size:16px;margin:0 0 8px}
section.doc{background:#fff;margin:16px;padding:12px 16px;border:1px solid #ddd;border-radius:6px}
.text{white-space:pre-wrap;font:13px/1.5 ui-monospace,monospace;max-height:28em;overflow:auto;
border:1px solid #eee;padding:8px;margin-bottom:12px}
mark{background:none;padding:0}mark.g{background:#ffe58a}mark.p{background:#b9dcff}
mark.g.p{background:#b8f0b0}mark.focus{outline:2px solid #d33}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #e3e3e3;padding:3px 6px;
vertical-align:top;text-align:left}tbody.rec tr.head td{background:#f2f2f2;cursor:pointer}
tr.bad td.v{background:#fde2e1}tr.soft td.v{background:#fff1d6}
.cls{display:inline-block;font-size:11px;border-radius:3px;padding:0 4px;margin-left:4px;
background:#eee}.cls.bad{background:#f7c6c4}.legend mark{padding:0 4px}
.hidden{display:none}small{color:#666}
"""

_SCRIPT = """
(function () {
  var select = document.getElementById('filter');
  var shown = document.getElementById('shown');
  function apply() {
    var want = select.value;
    var records = document.querySelectorAll('tbody.rec');
    var count = 0;
    for (var i = 0; i < records.length; i++) {
      var classes = (records[i].getAttribute('data-classes') || '').split(' ');
      var visible = want === '' || (want === 'any' ? classes[0] !== '' :
        classes.indexOf(want) >= 0);
      records[i].classList.toggle('hidden', !visible);
      if (visible) { count += 1; }
    }
    shown.textContent = String(count);
  }
  function focus(ids) {
    var marks = document.querySelectorAll('mark');
    var first = null;
    for (var i = 0; i < marks.length; i++) {
      var own = ((marks[i].getAttribute('data-g') || '') + ' ' +
        (marks[i].getAttribute('data-p') || '')).split(' ');
      var hit = ids.some(function (id) { return id !== '' && own.indexOf(id) >= 0; });
      marks[i].classList.toggle('focus', hit);
      if (hit && first === null) { first = marks[i]; }
    }
    if (first !== null) { first.scrollIntoView({block: 'center'}); }
  }
  select.addEventListener('change', apply);
  var heads = document.querySelectorAll('tbody.rec tr.head');
  for (var i = 0; i < heads.length; i++) {
    heads[i].addEventListener('click', function (event) {
      var body = event.currentTarget.parentNode;
      focus([body.getAttribute('data-g') || '', body.getAttribute('data-p') || '']);
    });
  }
  apply();
})();
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


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


def _highlight(text: str, spans: Sequence[tuple[int, int, str, str]]) -> str:
    """The text with ``<mark>`` around every stretch covered by evidence."""
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out = []
    for start, end in itertools.pairwise(cuts):
        covering = [(side, rid) for s, e, side, rid in spans if s <= start and end <= e]
        chunk = _e(text[start:end])
        if not covering:
            out.append(chunk)
            continue
        g = sorted({rid for side, rid in covering if side == "g"})
        p = sorted({rid for side, rid in covering if side == "p"})
        cls = " ".join(x for x, ids in (("g", g), ("p", p)) if ids)
        attrs = f' class="{cls}"'
        attrs += f' data-g="{" ".join(g)}"' if g else ""
        attrs += f' data-p="{" ".join(p)}"' if p else ""
        out.append(f"<mark{attrs}>{chunk}</mark>")
    return "".join(out)


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


def _pair_rows(pair: PairResult, errors: Sequence[ErrorRecord]) -> list[str]:
    rows = []
    for n, spec in enumerate(FIELD_SPECS[pair.record_type]):
        g = field_value(pair.gold.record, spec) if pair.gold else None
        p = field_value(pair.pred.record, spec) if pair.pred else None
        mine = [e for e in errors if e.field == spec.name]
        verdict, row_cls = "", ""
        if pair.gold is not None and pair.pred is not None:
            strict_ok = pair.fields[Mode.STRICT][n].agrees
            lenient_ok = pair.fields[Mode.LENIENT][n].agrees
            verdict = "agree" if strict_ok else "lenient only" if lenient_ok else "disagree"
            if strict_ok and g in (None, []) and p in (None, []):
                verdict = ""
            row_cls = "" if strict_ok else "soft" if lenient_ok else "bad"
        labels = "".join(f'<span class="cls">{_e(e.error_class.value)}</span>' for e in mine)
        rows.append(
            f'<tr class="{row_cls}"><td>{_e(spec.name)}</td><td class="v">{_e(_show(g))}</td>'
            f'<td class="v">{_e(_show(p))}</td><td>{_e(verdict)}{labels}</td></tr>'
        )
    return rows


def _pair_html(doc_n: int, pair: PairResult, errors: Sequence[ErrorRecord]) -> str:
    classes = sorted({e.error_class.value for e in errors})
    gid = _record_id(doc_n, "g", pair.gold) if pair.gold else ""
    pid = _record_id(doc_n, "p", pair.pred) if pair.pred else ""
    g_label = _e(pair.gold.label) if pair.gold else "<i>no gold record</i>"
    p_label = _e(pair.pred.label) if pair.pred else "<i>no prediction</i>"
    sim = f" · similarity {pair.similarity:.2f}" if pair.similarity is not None else ""
    optional = " · optional (not counted)" if not pair.counted else ""
    tags = "".join(f'<span class="cls bad">{_e(c)}</span>' for c in classes)
    head = (
        f'<tr class="head"><td colspan="4"><b>{_e(pair.record_type.value)}</b> '
        f"{g_label} ↔ {p_label}<small>{sim}{optional}</small>{tags}</td></tr>"
    )
    body = "".join(_pair_rows(pair, errors))
    return (
        f'<tbody class="rec" data-classes="{" ".join(classes)}" data-g="{gid}" '
        f'data-p="{pid}">{head}{body}</tbody>'
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
) -> str:
    bodies = []
    for pair in doc.pairs:
        key = (
            doc.doc_id,
            pair.record_type.value,
            pair.gold.index if pair.gold else None,
            pair.pred.index if pair.pred else None,
        )
        bodies.append(_pair_html(doc_n, pair, errors.get(key, [])))
    score = "n/a" if f1 is None else f"{f1:.3f}"
    header = "<tr><th>field</th><th>gold</th><th>prediction</th><th>verdict</th></tr>"
    return (
        f'<section class="doc" id="doc-{doc_n}" data-doc="{_e(doc.doc_id)}">'
        f"<h2>{_e(doc.doc_id)} <small>{_e(doc.status.value)} · field-level lenient F1 "
        f"{score}</small></h2>"
        f'<div class="text">{_highlight(text, _spans(doc_n, doc))}</div>'
        f"<table><thead>{header}</thead>{''.join(bodies)}</table></section>"
    )


def render_review_html(
    report: Report,
    documents: Sequence[DocumentResult],
    errors: Sequence[ErrorRecord],
    texts: Mapping[str, str],
) -> str:
    """The page; ``texts`` must hold the text of every document."""
    agreement = report.kind == "agreement"
    title = "Annotator agreement review" if agreement else "Evaluation review"
    by_pair = _errors_by_pair(errors)
    f1s = {d.doc_id: d.f1[level_key(Level.FIELD, Mode.LENIENT)] for d in report.documents}
    counts = {e.error_class: e.strict for e in report.errors}
    options = ['<option value="">all records</option>', '<option value="any">with errors</option>']
    options += [
        f'<option value="{c.value}">{c.value} ({counts.get(c, 0)})</option>' for c in ErrorClass
    ]
    first, second = ("annotator A", "annotator B") if agreement else ("gold", "prediction")
    sections = "".join(
        _document(n, d, texts[d.doc_id], by_pair, f1s.get(d.doc_id))
        for n, d in enumerate(documents)
    )
    links = " · ".join(f'<a href="#doc-{n}">{_e(d.doc_id)}</a>' for n, d in enumerate(documents))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{_e(title)}</h1><div>{_e(first)} <code>{_e(report.inputs.gold)}</code>"
        f" · {_e(second)} <code>{_e(report.inputs.pred)}</code> · "
        f"{len(documents)} documents</div><nav>{links}</nav>"
        '<div class="legend">Evidence: '
        f'<mark class="g">{_e(first)}</mark> <mark class="p">{_e(second)}</mark> '
        '<mark class="g p">both</mark> · <label>Error class <select id="filter">'
        f"{''.join(options)}</select></label> · "
        '<span id="shown">0</span> records shown</div></header>'
        f"<main>{sections}</main><script>{_SCRIPT}</script></body></html>\n"
    )
