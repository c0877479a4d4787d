"""``errors.jsonl``: one line per error.

An error line::

    {"doc": "003_...", "type": "project", "field": "investment", "class": "magnitude",
     "gold": {...}, "pred": {...}, "evidence": "...", "strict_only": false,
     "detail": "amount off by 10^-3", "gold_record": "...", "pred_record": "...",
     "gold_index": 2, "pred_index": 0}

``field`` is ``null`` for a whole record (missing, spurious, ungrounded); ``gold_index`` and
``pred_index`` are positions in the document's list of that type; ``strict_only`` marks an
error that the lenient mode accepts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from extractor.evaluation.classify import ErrorRecord
from extractor.evaluation.report_json import write_output

__all__ = ["error_line", "write_errors"]


def error_line(error: ErrorRecord) -> str:
    return json.dumps(
        {
            "doc": error.doc_id,
            "type": error.record_type.value,
            "field": error.field,
            "class": error.error_class.value,
            "gold": error.gold,
            "pred": error.pred,
            "evidence": error.evidence,
            "strict_only": error.strict_only,
            "detail": error.detail,
            "gold_record": error.gold_label,
            "pred_record": error.pred_label,
            "gold_index": error.gold_index,
            "pred_index": error.pred_index,
        },
        ensure_ascii=False,
    )


def write_errors(path: Path, errors: Iterable[ErrorRecord]) -> None:
    write_output(path, "".join(error_line(e) + "\n" for e in errors))
