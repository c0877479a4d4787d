"""The evaluation harness: score records against gold, with intervals, errors and a review page.

    loading -> validate (gold) -> score (align, compare, count) -> classify (errors)
            -> aggregate + bootstrap -> report (JSON, Markdown), errors.jsonl, review.html

Modules, one job each:

| module        | job                                                                  |
|---------------|----------------------------------------------------------------------|
| settings      | tolerances, thresholds, bootstrap settings; Mode, Level, RecordType  |
| loading       | read JSONL lines and texts; validate predictions record by record    |
| validate      | gold validation (``extract-eval validate``)                          |
| normalize     | text, period and unit normalization                                  |
| compare       | strict and lenient value comparators; text similarity                |
| fields        | which fields each record type has, how each is compared              |
| context       | enterprise aliases and project references within a document          |
| similarity    | record similarity for alignment                                      |
| align         | one-to-one assignment: most pairs, then similarity, then tie-break   |
| outcome       | field-level outcome of an aligned pair                               |
| score         | one document: alignment and counts at three levels in two modes      |
| classify      | the error class of every FN, FP and disagreement                     |
| metrics       | counts, precision, recall, F1 (``None`` for an empty denominator)    |
| bootstrap     | document-level bootstrap intervals and paired differences            |
| aggregate     | micro, macro, per-type, per-field, per-document scores; baseline     |
| gate          | --fail-under and --max-drop                                          |
| run           | one evaluation run from files to a ``Report``                        |
| report_model  | the shape of report.json                                             |
| report_json   | write report.json, read a baseline                                   |
| report_md     | the Markdown report                                                  |
| error_log     | errors.jsonl                                                         |
| review_html   | the self-contained review page                                       |

The scoring rules are versioned (``SCORER_VERSION``); ``VERSIONS.md`` beside this file says
what each version changed and how it moved the committed baseline.
"""

from __future__ import annotations

from extractor.evaluation.classify import ErrorRecord
from extractor.evaluation.error_log import write_errors
from extractor.evaluation.gate import GateSettings
from extractor.evaluation.report_json import read_report, write_report_json
from extractor.evaluation.report_md import render_markdown
from extractor.evaluation.report_model import Report
from extractor.evaluation.review_html import render_review_html
from extractor.evaluation.run import Evaluation, EvaluationConfig, evaluate
from extractor.evaluation.settings import (
    SCORER_VERSION,
    BootstrapSettings,
    ErrorClass,
    Level,
    MatchThresholds,
    Mode,
    RecordType,
    ScoringSettings,
    Tolerances,
)
from extractor.evaluation.validate import GoldCheck, Problem, check_gold_file

__all__ = [
    "SCORER_VERSION",
    "BootstrapSettings",
    "ErrorClass",
    "ErrorRecord",
    "Evaluation",
    "EvaluationConfig",
    "GateSettings",
    "GoldCheck",
    "Level",
    "MatchThresholds",
    "Mode",
    "Problem",
    "RecordType",
    "Report",
    "ScoringSettings",
    "Tolerances",
    "check_gold_file",
    "evaluate",
    "read_report",
    "render_markdown",
    "render_review_html",
    "write_errors",
    "write_report_json",
]
