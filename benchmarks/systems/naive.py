"""The naive baseline: one instructor call per document for the whole record set.

What a user writes in an afternoon: the project's own record models as the response model,
the whole article in one message, instructor's defaults (up to three re-asks), no chunking,
grounding, normalization or merging. The one concession: evidence is asked for as quotes, because no
language model can count character offsets; the records are written with ``ungrounded``
set and no offsets, which is what they are. A document whose answer does not validate is
written with no records and the error in ``meta.warnings`` (the naive script would crash).

``python -m benchmarks.systems.naive DOCS OUT --base-url URL --model NAME``
"""

from __future__ import annotations

import sys
from typing import Any

import instructor
from openai import OpenAI
from pydantic import BaseModel, Field

from benchmarks.systems.common import arguments, run_folder
from extractor.records import (
    EnterpriseRole,
    Indicator,
    IndicatorFields,
    Project,
    ProjectFields,
    RoleFields,
    Usage,
)

SYSTEM = (
    "You extract structured data from English news articles about regional industrial "
    "development in China: industrial projects, economic indicators, and the roles "
    "enterprises play. Fill the schema with every such fact the article states; for each "
    "record quote the sentences that state it."
)
MAX_TOKENS = 2048


class _Quoted(BaseModel):
    evidence: list[str] = Field(description="The sentences that state this record, quoted.")


class NaiveProject(ProjectFields, _Quoted):
    pass


class NaiveIndicator(IndicatorFields, _Quoted):
    pass


class NaiveRole(RoleFields, _Quoted):
    pass


class NaiveDocument(BaseModel):
    projects: list[NaiveProject]
    indicators: list[NaiveIndicator]
    enterprise_roles: list[NaiveRole]


def _records(answer: NaiveDocument) -> dict[str, list[Any]]:
    def plain(item: BaseModel) -> dict[str, object]:
        return item.model_dump(exclude={"evidence"}) | {"evidence": [], "ungrounded": True}

    return {
        "projects": [Project(**plain(p)) for p in answer.projects],
        "indicators": [Indicator(**plain(i)) for i in answer.indicators],
        "enterprise_roles": [EnterpriseRole(**plain(r)) for r in answer.enterprise_roles],
    }


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__.splitlines()[0], argv)
    client = instructor.from_openai(
        OpenAI(base_url=args.base_url, api_key="local"), mode=instructor.Mode.JSON_SCHEMA
    )

    def extract(text: str, warnings: list[str]) -> tuple[dict[str, list[Any]], dict[str, Any]]:
        answer, completion = client.chat.completions.create_with_completion(
            model=args.model,
            response_model=NaiveDocument,
            messages=[
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": text},
            ],
            temperature=0,
            max_tokens=MAX_TOKENS,
        )
        usage = completion.usage
        meta = {
            "mode": "json_schema",
            "prompt_version": "naive",
            "usage": Usage(
                calls=1,
                prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            ),
        }
        return _records(answer), meta

    return run_folder(args, "naive", extract)


if __name__ == "__main__":
    sys.exit(main())
