"""Two small invented articles and the answers a good model gives for them.

Each answer is a ``ChunkExtraction`` as JSON, citing the articles' real sentence numbers
(each article is one chunk at the default budget). ``answer_for`` picks the answer for the
article in a request, so the fake server answers whatever order the documents arrive in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from extractor.config import ExtractorConfig
from extractor.pipeline.chunk import Chunk, chunk_document
from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.wire import ChunkExtraction
from extractor.records import Indicator
from fakes.openai_server import Reply, Seen, chat_completion

__all__ = [
    "ANSWERS",
    "ARTICLES",
    "LONG",
    "answer_for",
    "article_in",
    "chunk_model",
    "default_chunks",
    "failing_for",
    "good_model",
    "numbered",
    "write_articles",
]

NINGBO = (
    "Ningbo Junjia Electric Appliance Co., Ltd. began building its 1.5 billion yuan kitchen "
    "appliance base in Qianwan New District. Ningbo's industrial investment rose 15.4% "
    "year-on-year in the first half of the year.\n"
)
ZHAOQING = (
    "Zhaoqing signed 12 projects with a total investment of 30 billion yuan in 2023.\n\n"
    "Xpeng Motors opened its parts park in Gaoyao District. The park has an annual output "
    "of 40,000 tons.\n"
)
ARTICLES = {"ningbo": NINGBO, "zhaoqing": ZHAOQING}

ANSWERS: dict[str, dict[str, Any]] = {
    "ningbo": {
        "projects": [
            {
                "sentences": [1],
                "name": "kitchen appliance base",
                "location": "Qianwan New District",
                "investment": "1.5 billion yuan",
                "status": "under_construction",
                "enterprises": ["Ningbo Junjia Electric Appliance Co., Ltd."],
            }
        ],
        "indicators": [
            {
                "sentences": [2],
                "name": "industrial investment",
                "region": "Ningbo",
                "period": "first half of the year",
                "change": "15.4%",
            }
        ],
    },
    "zhaoqing": {
        "projects": [
            {
                "sentences": [2, 3],
                "name": "parts park",
                "location": "Gaoyao District",
                "capacity": ["40,000 tons"],
                "enterprises": ["Xpeng Motors"],
            }
        ],
        "indicators": [
            {
                "sentences": [1],
                "name": "signed projects",
                "region": "Zhaoqing",
                "period": "2023",
                "value": "12 projects",
            }
        ],
        "roles": [
            {
                "sentences": [2],
                "enterprise": "Xpeng Motors",
                "role": "investor",
                "project": "parts park",
            }
        ],
    },
}


def article_in(seen: Seen) -> str | None:
    """Which article a chat request is about (by its first sentence)."""
    for doc_id, text in ARTICLES.items():
        if text.split(".")[0] in seen.user_text:
            return doc_id
    return None


def answer_for(seen: Seen) -> dict[str, Any]:
    doc_id = article_in(seen)
    return ANSWERS[doc_id] if doc_id else {}


def good_model(seen: Seen) -> Reply:
    """A model that answers every article correctly at the first attempt."""
    return chat_completion(seen, answer_for(seen))


def failing_for(doc_id: str, bad: Reply | Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    """A good model, except for the article ``doc_id``: that one gets ``bad``."""

    def respond(seen: Seen) -> Reply:
        if article_in(seen) != doc_id:
            return good_model(seen)
        return bad if isinstance(bad, Reply) else bad(seen)

    return respond


def default_chunks(text: str) -> list[Chunk]:
    """``text`` chunked as a run with ``ExtractorConfig``'s default budget and overlap does."""
    config = ExtractorConfig()
    return chunk_document(
        text, max_tokens=config.chunk_tokens, overlap_tokens=config.overlap_tokens
    )


def grounded_indicators(text: str, *indicators: dict[str, Any]) -> list[Indicator]:
    """The indicators grounding keeps and adds for a one-chunk ``text`` whose answer states
    ``indicators`` (wire form: sentences, name, region, period, value ...)."""
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate({"indicators": list(indicators)})
    return ground_chunk(text, chunk, answer).indicators


def write_articles(folder: Any, names: tuple[str, ...] = ("ningbo", "zhaoqing")) -> None:
    """Write the named articles as ``NAME.txt`` into ``folder`` (a ``Path``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(ARTICLES[name], encoding="utf-8")


LONG = (
    "The Shanshan anode material base broke ground in Yinzhou in March. It will cost 7 billion "
    "yuan. Local officials attended the ceremony on a sunny morning. Reporters from three "
    "newspapers were there.\n\n"
    "Zhaoqing reported strong growth in the spring. The Shanshan anode material base will "
    "produce 40,000 tons a year. Output is expected to start in 2025. Many workers are being "
    "hired.\n"
)
"""An article that takes several chunks at a 50-token budget and names one project twice."""


def numbered(user_text: str) -> dict[int, str]:
    """The numbered sentences of a chunk request: ``{1: "...", 2: "..."}``."""
    sentences: dict[int, str] = {}
    for line in user_text.splitlines():
        if line.startswith("[") and "] " in line:
            number, text = line[1:].split("] ", 1)
            sentences[int(number)] = text
    return sentences


def chunk_model(seen: Seen) -> Reply:
    """Answers any chunk of ``LONG``: the base where it is named, with the figures it sees."""
    sentences = numbered(seen.user_text)
    named = [n for n, s in sentences.items() if "Shanshan anode material base" in s]
    if not named:
        return chat_completion(seen, {})
    project: dict[str, Any] = {"sentences": named[:1], "name": "Shanshan anode material base"}
    if any("7 billion yuan" in s for s in sentences.values()):
        project["investment"] = "7 billion yuan"
    if any("40,000 tons" in s for s in sentences.values()):
        project["capacity"] = ["40,000 tons"]
    return chat_completion(seen, {"projects": [project]})
