"""LangExtract's side of the comparison: few-shot examples equivalent to the project's own,
and the mapping of its extractions into the record format.

The examples are built from the project's prompt examples (``extract.v1.examples.json``),
so both systems see the same facts: a project is extracted as its name with the other
fields as attributes, an indicator as the clause that states it, a role as the enterprise's
name. The mapping keeps LangExtract's own alignment as the evidence (its ``char_interval``)
and turns figures ("1.5 billion yuan") into the format's numbers with the project's
``normalize`` functions, the one part of the pipeline the format cannot do without. It adds
no grounding, merging or filtering of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import langextract as lx

from extractor.pipeline.normalize import FigureError, parse_figure, to_change, to_money, to_quantity
from extractor.pipeline.wire import PLACEHOLDERS
from extractor.records import EnterpriseRole, Evidence, Indicator, Project, Role, Status

__all__ = ["PROMPT", "examples", "to_records"]

_ABSENT = PLACEHOLDERS | {"not specified", "not mentioned", "not available"}
"""The project's placeholder words plus the ones this model writes under LangExtract."""

PROMPT = (
    "Extract from this news article about regional industrial development in China: "
    "industrial projects (class 'project': the project's name as written, with attributes "
    "location, sector, investment, output_value, capacity, status, enterprises), economic "
    "indicators (class 'indicator': the clause stating a statistic, with attributes name, "
    "region, period, value, change) and enterprise roles (class 'role': the enterprise's "
    "name, with attributes role and project). Status is one of planned, signed, "
    "under_construction, trial_production, in_operation, completed; role is one of "
    "chain_leader, investor, developer, operator, joint_venture_partner, supplier, customer, "
    "partner, other. Copy names and figures exactly as written; leave out what is not stated."
)


def _clause(sentence: str, name: str, figures: Iterable[str]) -> str:
    """The shortest stretch of ``sentence`` from the indicator's name to its last figure."""
    start = sentence.find(name)
    start = 0 if start < 0 else start
    end = max((sentence.find(f, start) + len(f) for f in figures if f in sentence), default=-1)
    return sentence[start:end] if end > start else sentence


def examples() -> list[lx.data.ExampleData]:
    """The project's few-shot examples, restated as LangExtract examples."""
    raw = resources.files("extractor.prompts").joinpath("extract.v1.examples.json").read_text()
    result = []
    for example in json.loads(raw):
        sentences: list[str] = example["sentences"]
        output: Mapping[str, list[dict[str, Any]]] = example["output"]
        extractions = []

        def attributes(item: Mapping[str, Any], *skip: str) -> dict[str, Any]:
            return {k: v for k, v in item.items() if k not in {"sentences", *skip} and v}

        for p in output.get("projects", []):
            extractions.append(
                lx.data.Extraction("project", p["name"], attributes=attributes(p, "name"))
            )
        for i in output.get("indicators", []):
            sentence = sentences[i["sentences"][0] - 1]
            figures = [i[k] for k in ("value", "change") if i.get(k)]
            extractions.append(
                lx.data.Extraction(
                    "indicator", _clause(sentence, i["name"], figures), attributes=attributes(i)
                )
            )
        for r in output.get("roles", []):
            extractions.append(
                lx.data.Extraction("role", r["enterprise"], attributes=attributes(r, "enterprise"))
            )
        result.append(lx.data.ExampleData(text=" ".join(sentences), extractions=extractions))
    return result


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    text = "" if value is None else str(value).strip()
    return None if text.lower() in _ABSENT else text


def _list(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [text for v in items if (text := _text(v)) is not None]


def _figure(kind: str, raw: str | None, sentence: str, warnings: list[str]) -> Any:
    if raw is None:
        return None
    try:
        figure = parse_figure(raw)
        if kind == "money":
            return to_money(figure)
        if kind == "change":
            return to_change(figure, sentence=sentence)
        return to_quantity(figure)
    except (FigureError, ValueError) as e:
        warnings.append(f"{kind} {raw!r}: {e}")
        return None


def _enum(kind: type[Status] | type[Role], value: str | None) -> Any:
    if value is None:
        return None
    try:
        return kind(value.strip().lower().replace(" ", "_"))
    except ValueError:
        return None


class _Attributes:
    """One extraction's attributes read as the record's fields."""

    def __init__(
        self, extraction: lx.data.Extraction, spans: list[Evidence], warnings: list[str]
    ) -> None:
        self.raw: Mapping[str, Any] = extraction.attributes or {}
        self.grounding: dict[str, Any] = {"evidence": spans, "ungrounded": not spans}
        self.said = extraction.extraction_text
        self.warnings = warnings

    def text(self, key: str) -> str | None:
        return _text(self.raw.get(key))

    def items(self, key: str) -> list[str]:
        return _list(self.raw.get(key))

    def texts(self, *keys: str) -> dict[str, str | None]:
        return {key: self.text(key) for key in keys}

    def figure(self, kind: str, key: str) -> Any:
        return _figure(kind, self.text(key), self.said, self.warnings)

    def project(self) -> Project:
        capacity = (
            _figure("quantity", c, self.said, self.warnings) for c in self.items("capacity")
        )
        return Project(
            **self.texts("location", "sector"),
            **self.grounding,
            name=self.text("name") or self.said,
            investment=self.figure("money", "investment"),
            output_value=self.figure("money", "output_value"),
            capacity=[q for q in capacity if q is not None],
            status=_enum(Status, self.text("status")),
            enterprises=self.items("enterprises"),
        )

    def indicator(self) -> Indicator:
        return Indicator(
            **self.texts("region", "enterprise", "period"),
            **self.grounding,
            name=self.text("name") or self.said,
            value=self.figure("quantity", "value"),
            change=self.figure("change", "change"),
        )

    def role(self) -> EnterpriseRole:
        role = _enum(Role, self.text("role")) or Role.OTHER
        project = self.text("project")
        return EnterpriseRole(enterprise=self.said, role=role, project=project, **self.grounding)


def to_records(
    document: lx.data.AnnotatedDocument, text: str, warnings: list[str]
) -> dict[str, list[Any]]:
    """The record lists of one document from LangExtract's extractions."""
    out: dict[str, list[Any]] = {"projects": [], "indicators": [], "enterprise_roles": []}
    for extraction in document.extractions or []:
        interval = extraction.char_interval
        start = interval.start_pos if interval else None
        end = interval.end_pos if interval else None
        spans = []
        if start is not None and end is not None and end > start:
            spans.append(Evidence(start=start, end=end, text=text[start:end]))
        attributes = _Attributes(extraction, spans, warnings)
        kind = extraction.extraction_class
        try:
            record: Project | Indicator | EnterpriseRole
            if kind == "project":
                record, key = attributes.project(), "projects"
            elif kind == "indicator":
                record, key = attributes.indicator(), "indicators"
            elif kind == "role":
                record, key = attributes.role(), "enterprise_roles"
            else:
                warnings.append(f"unknown class {kind!r}")
                continue
        except ValueError as e:  # pydantic's ValidationError is a ValueError
            warnings.append(f"{kind} {attributes.said!r}: {str(e).splitlines()[0]}")
            continue
        out[key].append(record)
    return out
