"""The evaluation harness: score records against gold, with intervals, errors and a review page.

    loading (inputs, gold) -> compare (values) -> match (fields, similarity, alignment)
            -> score (one document's counts) -> classify (errors)
            -> aggregate + bootstrap (scores, intervals) -> report (JSON, Markdown, errors.jsonl)
            and review_html; run ties them together and gates the result

Scoring (``compare`` to ``classify``) imports nothing of reporting; ``aggregate`` turns its
counts into the report's model; ``report`` and ``review_html`` render it and compute no score.

| module        | job                                                                    |
|---------------|------------------------------------------------------------------------|
| settings      | tolerances, thresholds, bootstrap settings; Mode, Level, RecordType    |
| loading       | read JSONL lines and texts; validate predictions record by record;     |
|               | gold validation (``extract-eval validate``)                            |
| compare       | text, period and unit normalization; strict and lenient comparators    |
| match         | fields of each record type; a document's aliases and project           |
|               | references; record similarity; one-to-one assignment                   |
| score         | one document: field outcomes, alignment and counts (3 levels, 2 modes) |
| classify      | the error class of every FN, FP and disagreement                       |
| aggregate     | P, R, F1; micro, macro, per-type, per-field, per-document; baseline    |
| bootstrap     | document-level bootstrap intervals and paired differences              |
| report        | the shape of report.json; write it, read a baseline; the Markdown      |
|               | report; errors.jsonl                                                   |
| review_html   | the self-contained review page (``templates/review.html.j2``)          |
| run           | one evaluation run from files to a ``Report``; the CI gate             |

The scoring rules are versioned (``SCORER_VERSION``); ``VERSIONS.md`` beside this file says
what each version changed and how it moved the committed baseline.
"""

from __future__ import annotations

from extractor.evaluation.classify import ErrorRecord
from extractor.evaluation.loading import GoldCheck, Problem, check_gold_file
from extractor.evaluation.report import (
    Report,
    read_report,
    render_markdown,
    write_errors,
    write_report_json,
)
from extractor.evaluation.review_html import render_review_html
from extractor.evaluation.run import Evaluation, EvaluationConfig, GateSettings, evaluate
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
