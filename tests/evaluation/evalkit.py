"""Builders of small synthetic gold and prediction files for the scorer's tests.

Two invented articles with records labelled by hand; ``evidence()`` finds a snippet in the
text so that every span is exact. Nothing here reads ``gold/seeds.jsonl``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from extractor.evaluation.run import Evaluation, EvaluationConfig, evaluate
from extractor.evaluation.settings import BootstrapSettings, ScoringSettings

Record = dict[str, Any]

TEXT_A = (
    "Ningbo Junjia Electric Appliance Co., Ltd. began building its 1.5 billion yuan kitchen "
    "appliance base in Qianwan New District. Junjia also set up a research centre. "
    "The Shanshan anode material base, with an annual output of 40,000 tons and 100MW/400MWh "
    "of storage, was put into operation in Yinzhou. "
    "Ningbo's industrial investment rose 15.4% year-on-year in the first half of the year. "
    "The city's industrial output value reached 1.21 trillion yuan from January to July this "
    "year, an increase of 6.2% year-on-year. "
    "The number of new enterprises was 120 in 2023. "
    "Shanshan Co., Ltd. invested in the anode base, which is run by Ningbo Shanshan New "
    "Material."
)
TEXT_B = (
    "Zhaoqing signed 12 projects with a total investment of 30 billion yuan in 2023. "
    "Xpeng Motors opened its parts park in Gaoyao District. "
    "Exports of Zhaoqing reached 2 billion US dollars last year."
)
TEXTS = {"doc_a": TEXT_A, "doc_b": TEXT_B}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evidence(doc_id: str, snippet: str) -> list[Record]:
    text = TEXTS[doc_id]
    start = text.index(snippet)
    return [{"start": start, "end": start + len(snippet), "text": snippet}]


def money(amount: float, raw: str, currency: str = "CNY") -> Record:
    return {"amount": amount, "currency": currency, "qualifier": "exact", "raw": raw}


def quantity(value: float, unit: str, raw: str) -> Record:
    return {"value": value, "unit": unit, "qualifier": "exact", "raw": raw}


def change(value: float, raw: str, unit: str = "%", basis: str = "yoy") -> Record:
    return {"value": value, "unit": unit, "basis": basis, "qualifier": "exact", "raw": raw}


def project(doc_id: str, name: str, snippet: str, **fields: Any) -> Record:
    record: Record = {
        "name": name,
        "location": None,
        "sector": None,
        "investment": None,
        "output_value": None,
        "capacity": [],
        "status": None,
        "enterprises": [],
    }
    record.update(fields)
    record["evidence"] = evidence(doc_id, snippet)
    return record


def indicator(doc_id: str, name: str, snippet: str, **fields: Any) -> Record:
    record: Record = {
        "name": name,
        "region": None,
        "enterprise": None,
        "period": None,
        "value": None,
        "change": None,
    }
    record.update(fields)
    record["evidence"] = evidence(doc_id, snippet)
    return record


def role(doc_id: str, enterprise: str, role_: str, snippet: str, **fields: Any) -> Record:
    record: Record = {"enterprise": enterprise, "role": role_, "project": None}
    record.update(fields)
    record["evidence"] = evidence(doc_id, snippet)
    return record


def document(
    doc_id: str,
    projects: Iterable[Record] = (),
    indicators: Iterable[Record] = (),
    roles: Iterable[Record] = (),
) -> Record:
    return {
        "doc_id": doc_id,
        "text_sha256": sha(TEXTS[doc_id]),
        "projects": list(projects),
        "indicators": list(indicators),
        "enterprise_roles": list(roles),
    }


def gold_a() -> Record:
    a = "doc_a"
    kitchen = "Ningbo Junjia Electric Appliance Co., Ltd. began building its 1.5 billion yuan"
    anode = "The Shanshan anode material base, with an annual output of 40,000 tons"
    owners = "Shanshan Co., Ltd. invested in the anode base"
    return document(
        a,
        projects=[
            project(
                a,
                "kitchen appliance base",
                kitchen,
                location="Qianwan New District",
                sector="kitchen appliances",
                investment=money(1.5e9, "1.5 billion yuan"),
                status="under_construction",
                enterprises=["Ningbo Junjia Electric Appliance Co., Ltd."],
                aliases=["Junjia kitchen appliance base"],
            ),
            project(
                a,
                "Shanshan anode material base",
                anode,
                location="Yinzhou",
                sector="anode material",
                capacity=[
                    quantity(40000, "t/yr", "40,000 tons"),
                    quantity(100, "MW", "100MW"),
                    quantity(400, "MWh", "400MWh"),
                ],
                status="in_operation",
                enterprises=["Shanshan Co., Ltd.", "Ningbo Shanshan New Material"],
            ),
            project(
                a,
                "research centre",
                "Junjia also set up a research centre.",
                enterprises=["Junjia"],
                optional=True,
            ),
        ],
        indicators=[
            indicator(
                a,
                "industrial investment",
                "Ningbo's industrial investment rose 15.4% year-on-year",
                region="Ningbo",
                period="first half of the year",
                change=change(15.4, "15.4% year-on-year"),
            ),
            indicator(
                a,
                "industrial output value",
                "The city's industrial output value reached 1.21 trillion yuan",
                region="Ningbo",
                period="January to July this year",
                value=quantity(1.21e12, "CNY", "1.21 trillion yuan"),
                change=change(6.2, "6.2% year-on-year"),
            ),
            indicator(
                a,
                "number of new enterprises",
                "The number of new enterprises was 120 in 2023.",
                region="Ningbo",
                period="2023",
                value=quantity(120, "enterprises", "120"),
            ),
        ],
        roles=[
            role(
                a,
                "Ningbo Junjia Electric Appliance Co., Ltd.",
                "investor",
                kitchen,
                project="kitchen appliance base",
                aliases=["Junjia"],
            ),
            role(
                a, "Shanshan Co., Ltd.", "investor", owners, project="Shanshan anode material base"
            ),
            role(
                a,
                "Ningbo Shanshan New Material",
                "operator",
                "which is run by Ningbo Shanshan New Material",
                project="Shanshan anode material base",
            ),
        ],
    )


def gold_b() -> Record:
    b = "doc_b"
    signed = "Zhaoqing signed 12 projects with a total investment of 30 billion yuan in 2023."
    park = "Xpeng Motors opened its parts park in Gaoyao District."
    return document(
        b,
        projects=[
            project(
                b,
                "parts park",
                park,
                location="Gaoyao District",
                status="in_operation",
                enterprises=["Xpeng Motors"],
            )
        ],
        indicators=[
            indicator(
                b,
                "number of signed projects",
                signed,
                region="Zhaoqing",
                period="2023",
                value=quantity(12, "projects", "12 projects"),
            ),
            indicator(
                b,
                "total investment of signed projects",
                signed,
                region="Zhaoqing",
                period="2023",
                value=quantity(3e10, "CNY", "30 billion yuan"),
            ),
            indicator(
                b,
                "exports",
                "Exports of Zhaoqing reached 2 billion US dollars last year.",
                region="Zhaoqing",
                period="last year",
                value=quantity(2e9, "USD", "2 billion US dollars"),
            ),
        ],
        roles=[role(b, "Xpeng Motors", "investor", park, project="parts park")],
    )


def gold() -> list[Record]:
    return [gold_a(), gold_b()]


def as_prediction(doc: Record) -> Record:
    """A copy without the gold-only keys, as an extractor would write it."""
    out = copy.deepcopy(doc)
    for key in ("projects", "indicators", "enterprise_roles"):
        for record in out[key]:
            record.pop("optional", None)
            record.pop("aliases", None)
    return out


def predictions(docs: Sequence[Record]) -> list[Record]:
    return [as_prediction(d) for d in docs]


class Bench:
    """A temporary folder with the documents, and files to score."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs = root / "docs"
        self.docs.mkdir(exist_ok=True)
        for doc_id, text in TEXTS.items():
            (self.docs / f"{doc_id}.txt").write_text(text, encoding="utf-8")

    def write(self, name: str, lines: Sequence[Record | str]) -> Path:
        path = self.root / name
        body = [line if isinstance(line, str) else json.dumps(line) for line in lines]
        path.write_text("".join(f"{line}\n" for line in body), encoding="utf-8")
        return path

    def evaluate(
        self,
        gold_lines: Sequence[Record | str],
        pred_lines: Sequence[Record | str],
        *,
        resamples: int = 200,
        seed: int = 0,
        allow_missing: bool = False,
        agreement: bool = False,
        with_docs: bool = True,
    ) -> Evaluation:
        config = EvaluationConfig(
            gold=self.write("gold.jsonl", gold_lines),
            pred=self.write("pred.jsonl", pred_lines),
            docs=self.docs if with_docs else None,
            scoring=ScoringSettings(
                bootstrap=BootstrapSettings(resamples=resamples, seed=seed),
                allow_missing=allow_missing,
                agreement=agreement,
            ),
        )
        return evaluate(config)
