"""Value objects of the record format: evidence spans, money, quantities and changes.

These follow section 5 of the annotation guide (format v1.1). Amounts and values are plain
numbers with the scale already applied; ``raw`` keeps the text as written so that code, not a
language model, can check and re-derive the number.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, ValidationInfo, model_validator

__all__ = [
    "Basis",
    "Change",
    "ChangeUnit",
    "Evidence",
    "Money",
    "Qualifier",
    "Quantity",
    "RecordModel",
]


def _plain_number(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


Number = Annotated[float, PlainSerializer(_plain_number, return_type=float | int)]
"""A float that serializes without a trailing ``.0`` when it is whole (1500000000, not 1.5e9)."""


def _falsy(value: object) -> bool:
    return not value


class RecordModel(BaseModel):
    """Base of every record model: unknown keys are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, populate_by_name=True)


class Qualifier(StrEnum):
    """How the text bounds a figure."""

    EXACT = "exact"
    ABOUT = "about"
    OVER = "over"
    UNDER = "under"
    UP_TO = "up_to"


class ChangeUnit(StrEnum):
    """Unit of a stated change."""

    PERCENT = "%"
    PERCENTAGE_POINTS = "pp"
    TIMES = "times"


class Basis(StrEnum):
    """What a change is measured against."""

    YOY = "yoy"
    OTHER = "other"


_QUALIFIER_DOC = (
    "How the text bounds the figure: 'exact' when stated plainly; 'about' for about, nearly, "
    "around, or a magnitude label such as 'a billion-yuan project'; 'over' for more than, over, "
    "exceeding; 'under' for less than; 'up_to' for up to."
)
_RAW_DOC = "The figure exactly as written in the text, copied character for character."
_REPAIRED_DOC = (
    "True only when a number split by translation was put back together from the text's own "
    "digits ('27 percent year-on-year6%' means 27.6%)."
)


class Evidence(RecordModel):
    """A span of the document that states a record's facts.

    Offsets are Python ``str`` indices (code points, 0-based, end exclusive) into the document
    text exactly as stored. When the model is validated with ``context={"text": document}``
    the span is checked against the document.
    """

    start: int = Field(ge=0, description="Offset of the first character of the span.")
    end: int = Field(ge=0, description="Offset one past the last character of the span.")
    text: str = Field(min_length=1, description="Exactly text[start:end] of the document.")

    @model_validator(mode="after")
    def _check_span(self, info: ValidationInfo) -> Evidence:
        if self.end <= self.start:
            raise ValueError(f"evidence end {self.end} must be greater than start {self.start}")
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"evidence text has {len(self.text)} characters but the span "
                f"[{self.start}:{self.end}] has {self.end - self.start}"
            )
        context: Any = info.context
        document = context.get("text") if isinstance(context, dict) else None
        if isinstance(document, str):
            if self.end > len(document):
                raise ValueError(
                    f"evidence span [{self.start}:{self.end}] runs past the end of the "
                    f"document ({len(document)} characters)"
                )
            found = document[self.start : self.end]
            if found != self.text:
                raise ValueError(
                    f"evidence text does not match the document at [{self.start}:{self.end}]: "
                    f"expected {found[:60]!r}, got {self.text[:60]!r}"
                )
        return self


class Money(RecordModel):
    """An amount of money, scale applied ("1.36 trillion yuan" -> 1360000000000)."""

    amount: Number = Field(ge=0, description="The amount as a plain number with scale applied.")
    currency: str = Field(
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 code: CNY for yuan and RMB, USD, EUR, HKD.",
    )
    qualifier: Qualifier = Field(default=Qualifier.EXACT, description=_QUALIFIER_DOC)
    raw: str = Field(min_length=1, description=_RAW_DOC)
    repaired: bool = Field(default=False, description=_REPAIRED_DOC, exclude_if=_falsy)


class Quantity(RecordModel):
    """A level or size with its unit ("40,000 tons a year" -> 40000 t/yr)."""

    value: Number = Field(description="The value as a plain number with scale applied.")
    unit: str = Field(
        min_length=1,
        description=(
            "CNY (or another currency code) for money levels; % for shares and rates; physical "
            "units GWh, MWh, kWh, GW, MW, t, m2, mu, acres, with /yr only where the text says "
            "annual or per year (t/yr, units/yr); for counts the plural noun of what is counted "
            "(projects, enterprises, people, production lines)."
        ),
    )
    qualifier: Qualifier = Field(default=Qualifier.EXACT, description=_QUALIFIER_DOC)
    raw: str = Field(min_length=1, description=_RAW_DOC)
    repaired: bool = Field(default=False, description=_REPAIRED_DOC, exclude_if=_falsy)


class Change(RecordModel):
    """A stated change; decreases are negative."""

    value: Number = Field(description="The change as a number; negative for a decrease.")
    unit: ChangeUnit = Field(
        description="% for percent change, pp for percentage points, times for 'N times'."
    )
    basis: Basis = Field(
        description=(
            "yoy for year-on-year (a calendar year's growth rate counts); other for average "
            "annual growth, growth over several years or ratios to a base year."
        )
    )
    qualifier: Qualifier = Field(default=Qualifier.EXACT, description=_QUALIFIER_DOC)
    raw: str = Field(min_length=1, description=_RAW_DOC)
    repaired: bool = Field(default=False, description=_REPAIRED_DOC, exclude_if=_falsy)
