"""Typed settings of the scorer: the contract's tolerances, match thresholds and bootstrap.

Every number that changes a score lives here, is written into ``report.json`` and is shown in
the Markdown report, so that two reports can only be compared when their settings agree.

| setting                     | default | meaning                                        |
|-----------------------------|---------|------------------------------------------------|
| Tolerances.strict           | 0.005   | numbers agree within 0.5 % (strict mode)       |
| Tolerances.lenient          | 0.02    | numbers agree within 2 % (lenient mode)        |
| MatchThresholds.project     | 0.55    | least alignment similarity of a project pair   |
| MatchThresholds.indicator   | 0.6     | ... of an indicator pair                       |
| MatchThresholds.enterprise_role | 0.6 | ... of an enterprise-role pair                 |
| MatchThresholds.role_enterprise | 0.8 | least enterprise-name similarity of a role pair |
| MatchThresholds.fuzzy_text  | 85      | rapidfuzz token_sort_ratio for lenient text    |
| MatchThresholds.period_overlap | 0.5  | token Jaccard for a lenient period             |
| BootstrapSettings.resamples | 1000    | document-level bootstrap resamples             |
| BootstrapSettings.seed      | 0       | seed of the resampling (reproducible reports)  |
| BootstrapSettings.confidence| 0.95    | two-sided percentile interval                  |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "SCORER_VERSION",
    "BootstrapSettings",
    "ErrorClass",
    "Level",
    "MatchThresholds",
    "Mode",
    "RecordType",
    "ScoringSettings",
    "Tolerances",
]

SCORER_VERSION = "2.3.1"
"""Version of the scoring rules; bump it whenever a change can move a score (what each
version changed, and how it moved the committed baseline: ``VERSIONS.md`` beside this
module)."""


class Mode(StrEnum):
    """How forgiving the value comparators are."""

    STRICT = "strict"
    LENIENT = "lenient"


class Level(StrEnum):
    """What is counted: found records, individual field values, or wholly correct records."""

    DETECTION = "detection"
    FIELD = "field"
    EXACT = "exact"


class RecordType(StrEnum):
    """The three record kinds, named as the lists of a document line (singular)."""

    PROJECT = "project"
    INDICATOR = "indicator"
    ENTERPRISE_ROLE = "enterprise_role"


class ErrorClass(StrEnum):
    """Why a unit was counted as a false negative or false positive (see ``classify``)."""

    MISSING = "missing"
    SPURIOUS = "spurious"
    WRONG_VALUE = "wrong_value"
    MAGNITUDE = "magnitude"
    CURRENCY = "currency"
    UNIT = "unit"
    WRONG_PERIOD = "wrong_period"
    WRONG_REGION = "wrong_region"
    WRONG_ROLE = "wrong_role"
    WRONG_PROJECT = "wrong_project"
    UNGROUNDED = "ungrounded"
    INVALID = "invalid"  # a predicted record that does not validate, dropped before scoring


@dataclass(frozen=True, slots=True)
class Tolerances:
    """Relative tolerance on Money amounts, Quantity values and Change values."""

    strict: float = 0.005
    lenient: float = 0.02

    def __post_init__(self) -> None:
        if not 0 <= self.strict <= self.lenient < 1:
            raise ValueError("tolerances must satisfy 0 <= strict <= lenient < 1")

    def for_mode(self, mode: Mode) -> float:
        return self.strict if mode is Mode.STRICT else self.lenient


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """Least similarity for a record pair to be aligned, and the lenient text thresholds."""

    project: float = 0.55
    indicator: float = 0.6
    enterprise_role: float = 0.6
    role_enterprise: float = 0.8
    fuzzy_text: float = 85.0
    period_overlap: float = 0.5

    def __post_init__(self) -> None:
        record = (self.project, self.indicator, self.enterprise_role, self.role_enterprise)
        for value in (*record, self.period_overlap):
            if not 0 < value <= 1:
                raise ValueError("record thresholds and period overlap must be in (0, 1]")
        if not 0 < self.fuzzy_text <= 100:
            raise ValueError("fuzzy_text is a rapidfuzz score in (0, 100]")

    def for_type(self, record_type: RecordType) -> float:
        if record_type is RecordType.PROJECT:
            return self.project
        if record_type is RecordType.INDICATOR:
            return self.indicator
        return self.enterprise_role


@dataclass(frozen=True, slots=True)
class BootstrapSettings:
    """Document-level bootstrap: resamples, seed and the confidence of the intervals."""

    resamples: int = 1000
    seed: int = 0
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if self.resamples < 0 or self.seed < 0:
            raise ValueError("bootstrap resamples and seed cannot be negative")
        if not 0 < self.confidence < 1:
            raise ValueError("confidence must be in (0, 1)")


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    """Everything that decides a score.

    ``agreement`` compares two gold files: ``optional`` is then honoured on both sides (in a
    normal evaluation a prediction cannot excuse its own records by marking them optional).
    ``strict_input`` makes an invalid predicted record or an unusable prediction line an
    error instead of a dropped record or an empty document.
    """

    tolerances: Tolerances = field(default_factory=Tolerances)
    thresholds: MatchThresholds = field(default_factory=MatchThresholds)
    bootstrap: BootstrapSettings = field(default_factory=BootstrapSettings)
    allow_missing: bool = False
    agreement: bool = False
    strict_input: bool = False
