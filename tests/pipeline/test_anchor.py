"""The figure pass (``extract.v1+figures.v1``): code lists every figure of a chunk, the model
labels each by letter under an answer model that requires every letter, and code builds the
indicators from the labels; they join the main call's indicators for the figures those do not
state. The end-to-end tests run against a real OpenAI-compatible HTTP
server on 127.0.0.1 that answers each request by the answer model it names."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fakes.articles import ANSWERS, article_in, write_articles
from fakes.openai_server import FakeOpenAI, Reply, Seen, chat_completion, running_fake
from fakes.runs import run_prompt
from pydantic import ValidationError

from extractor.errors import ConfigError
from extractor.pipeline.anchor import (
    bounds_count,
    indicators_from_labels,
    is_change,
    is_statistic,
    labels_model,
    list_figures,
    settled,
    states_statistic,
)
from extractor.pipeline.batch import BatchSummary
from extractor.pipeline.prompt import Prompt, figures_question, load_prompt
from extractor.records import DocumentRecord

PROMPT = "extract.v1+figures.v1"

SENTENCES = [
    "Hefei's industrial added value rose 8.1% year-on-year to 120.3 billion yuan in 2023.",
    "The city signed 36 key industrial projects, and the share of NEVs reached 28.4%.",
    "At the fair on May 3, 500 guests watched; the city aims at 200 billion yuan by 2025.",
]


def labels(sentences: list[str], given: dict[str, dict[str, Any]]) -> Any:
    """An answer for ``sentences``: the given labels, every other figure "other"."""
    figures = list_figures(sentences)
    body = {f.label: {"figure": f.text, **given.get(f.label, {"kind": "other"})} for f in figures}
    return labels_model(tuple(f.text for f in figures)).model_validate(body)


def test_every_figure_is_listed_with_a_letter_its_sentence_and_its_words() -> None:
    figures = list_figures(SENTENCES)
    assert [(f.label, f.text, f.sentence) for f in figures] == [
        ("a", "8.1%", 1),
        ("b", "120.3 billion yuan", 1),
        ("c", "36 key industrial projects", 2),
        ("d", "28.4%", 2),
        ("e", "500 guests", 3),
        ("f", "200 billion yuan", 3),
    ]
    question = figures_question(SENTENCES)
    assert "[2] The city signed 36 key industrial projects" in question
    assert 'c: "36 key industrial projects" in [2] "The city signed 36 key' in question


def test_the_answer_model_requires_every_letter_in_order_each_naming_its_figure() -> None:
    model = labels_model(("8.1%", "120.3 billion yuan", "36 projects"))
    schema = model.model_json_schema()
    assert list(schema["properties"]) == ["a", "b", "c"]
    assert schema["required"] == ["a", "b", "c"]
    first = schema["$defs"]["Figure_a"]
    assert list(first["properties"])[:2] == ["figure", "kind"]
    assert first["properties"]["figure"]["const"] == "8.1%"
    good = {
        "a": {"figure": "8.1%", "kind": "other"},
        "b": {"figure": "120.3 billion yuan", "kind": "other"},
        "c": {"figure": "36 projects", "kind": "other"},
    }
    model.model_validate(good)
    with pytest.raises(ValidationError):
        model.model_validate({k: v for k, v in good.items() if k != "c"})
    with pytest.raises(ValidationError):  # a label for the wrong figure
        model.model_validate(good | {"b": {"figure": "36 projects", "kind": "other"}})


def test_a_figure_its_sentence_shows_is_no_indicator_gets_no_name_to_write() -> None:
    sentences = [
        "The county signed 36 projects above 100 million yuan.",
        "Exports grew 8.1%, 2.4 percentage points higher than the national average.",
        "It aims to reach 200 billion yuan of output by 2030.",
    ]
    figures = list_figures(sentences)
    assert [f.text for f in figures] == [
        "36 projects",
        "100 million yuan",
        "8.1%",
        "2.4 percentage points",
        "200 billion yuan",
    ]
    flags = settled(sentences, figures)
    assert flags == (False, True, False, True, True)
    model = labels_model(tuple(f.text for f in figures), flags)
    schema = model.model_json_schema()["$defs"]
    assert set(schema["Figure_b"]["properties"]) == {"figure", "kind"}
    assert schema["Figure_b"]["properties"]["kind"]["enum"] == ["project", "target", "other"]
    assert "name" in schema["Figure_c"]["properties"]
    good = {f.label: {"figure": f.text, "kind": "other"} for f in figures}
    model.model_validate(good)
    named = {"figure": "200 billion yuan", "kind": "indicator", "name": "output"}
    with pytest.raises(ValidationError):
        model.model_validate(good | {"e": named})


@pytest.mark.parametrize(
    ("sentence", "figure", "expected"),
    [
        ("Added value rose 8.1% year-on-year to 120.3 billion yuan.", "8.1%", True),
        ("The share of NEVs reached 28.4%.", "28.4%", False),
        (
            "Output reached 12 billion yuan, accounting for 28.4%, up 2 percentage points.",
            "28.4%",
            False,
        ),
        (
            "Output reached 12 billion yuan, accounting for 28.4%, up 2 percentage points.",
            "2 percentage points",
            True,
        ),
        ("The growth rate of industrial investment reached 31.9%.", "31.9%", True),
        ("Exports grew 1.82 times.", "1.82 times", True),
        ("Output reached 120.3 billion yuan, up 8.1%.", "120.3 billion yuan", False),
    ],
)
def test_a_growth_figure_is_a_change_and_a_share_a_level(
    sentence: str, figure: str, expected: bool
) -> None:
    listed = next(f for f in list_figures([sentence]) if f.text == figure)
    assert is_change(sentence, listed) is expected


def test_a_level_and_its_change_under_one_name_are_one_indicator() -> None:
    area = {"region": "Hefei", "period": "2023"}
    answer = labels(
        SENTENCES,
        {
            "a": {"kind": "indicator", "name": "growth of industrial added value", **area},
            "b": {"kind": "indicator", "name": "industrial added value", **area},
            "c": {"kind": "indicator", "name": "number of projects signed", **area},
            "d": {"kind": "indicator", "name": "share of NEVs", **area},
            "f": {"kind": "target"},
        },
    )
    built = indicators_from_labels(SENTENCES, list_figures(SENTENCES), answer)
    assert [(i.name, i.value, i.change, i.sentences) for i in built] == [
        ("industrial added value", "120.3 billion yuan", "8.1%", [1]),
        ("number of projects signed", "36 key industrial projects", None, [2]),
        ("share of NEVs", "28.4%", None, [2]),
    ]
    assert {(i.region, i.period) for i in built} == {("Hefei", "2023")}


def test_figures_of_two_names_or_two_sentences_stay_apart() -> None:
    sentences = [
        "Investment rose 11%, and exports rose 9%.",
        "Output reached 3 billion yuan.",
        "Output grew 5%.",
    ]
    answer = labels(
        sentences,
        {
            "a": {"kind": "indicator", "name": "investment"},
            "b": {"kind": "indicator", "name": "exports"},
            "c": {"kind": "indicator", "name": "output"},
            "d": {"kind": "indicator", "name": "output"},
        },
    )
    built = indicators_from_labels(sentences, list_figures(sentences), answer)
    assert [(i.name, i.value, i.change) for i in built] == [
        ("investment", None, "11%"),
        ("exports", None, "9%"),
        ("output", "3 billion yuan", None),
        ("output", None, "5%"),
    ]


def test_projects_targets_others_and_nameless_indicators_are_no_indicator() -> None:
    answer = labels(
        SENTENCES,
        {
            "a": {"kind": "project", "name": "added value"},
            "b": {"kind": "target", "name": "added value"},
            "c": {"kind": "indicator", "name": "unknown"},
        },
    )
    assert indicators_from_labels(SENTENCES, list_figures(SENTENCES), answer) == []


def test_the_combined_prompt_keeps_the_main_prompt_and_hashes_both() -> None:
    main = load_prompt("extract.v1")
    combined = load_prompt(PROMPT)
    assert isinstance(main, Prompt)
    assert isinstance(combined, Prompt)
    assert combined.prompt_id == PROMPT
    assert combined.system == main.system
    assert combined.sha256 != main.sha256
    assert combined.figures is not None
    assert main.figures is None
    turns = combined.figures.examples
    assert [t["role"] for t in turns[:2]] == ["user", "assistant"]
    first = json.loads(turns[1]["content"])
    assert set(first) == {f.label for f in list_figures(_example_sentences(0))}


def _example_sentences(index: int) -> list[str]:
    raw = resources.files("extractor.prompts").joinpath("figures.v1.examples.json").read_text()
    return [str(s) for s in json.loads(raw)[index]["sentences"]]


@pytest.mark.parametrize("prompt", ["typed.v1+figures.v1", "extract.v1+", "a.v1+b.v1+c.v1"])
def test_a_figure_pass_joins_only_a_one_call_prompt(prompt: str) -> None:
    with pytest.raises(ConfigError):
        load_prompt(prompt)


def test_an_example_that_does_not_label_every_figure_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(Path(str(resources.files("extractor.prompts"))), folder)
    path = folder / "figures.v1.examples.json"
    examples = json.loads(path.read_text(encoding="utf-8"))
    examples[1]["output"].pop("b")
    path.write_text(json.dumps(examples), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("example 2 of prompt figures.v1")):
        load_prompt(PROMPT, folder)


def _labels_for(seen: Seen) -> Reply:
    """Labels every figure of the Zhaoqing article; the main call finds only its project."""
    body = seen.body or {}
    name = str(body["response_format"]["json_schema"]["name"])
    if name == "ChunkExtraction":
        return chat_completion(seen, {"projects": ANSWERS[article_in(seen) or ""]["projects"]})
    assert name == "FigureLabels3"
    area = {"region": "Zhaoqing", "period": "2023"}
    return chat_completion(
        seen,
        {
            "a": {
                "figure": "12 projects",
                "kind": "indicator",
                "name": "number of projects signed",
                **area,
            },
            "b": {
                "figure": "30 billion yuan",
                "kind": "indicator",
                "name": "total investment of projects signed",
                **area,
            },
            "c": {"figure": "40,000 tons", "kind": "project"},
        },
    )


def _run(fake: FakeOpenAI, tmp_path: Path) -> tuple[BatchSummary, DocumentRecord]:
    summary, records = run_prompt(fake.base_url, tmp_path, PROMPT)
    return summary, records[0]


def _run_zhaoqing(
    respond: Callable[[Seen], Reply], tmp_path: Path
) -> tuple[BatchSummary, DocumentRecord, list[str]]:
    """The Zhaoqing article through the figure pass, and the answer models asked, in order."""
    write_articles(tmp_path / "in", ("zhaoqing",))
    with running_fake(respond) as fake:
        summary, record = _run(fake, tmp_path)
        asked = [
            str((r.body or {})["response_format"]["json_schema"]["name"])
            for r in fake.chat_requests
        ]
    return summary, record, asked


def test_the_figure_pass_adds_the_indicators_the_main_call_did_not_write(tmp_path: Path) -> None:
    summary, record, asked = _run_zhaoqing(_labels_for, tmp_path)
    assert summary.failed == 0
    assert sorted(asked) == ["ChunkExtraction", "FigureLabels3"]
    assert [p.name for p in record.projects] == ["parts park"]
    assert [(i.name, i.value and i.value.value) for i in record.indicators] == [
        ("number of projects signed", 12),
        ("total investment of projects signed", 30e9),
    ]
    assert record.indicators[0].evidence[0].text.startswith("Zhaoqing signed 12 projects")
    assert record.meta is not None
    assert record.meta.prompt_version == PROMPT
    assert record.meta.usage is not None
    assert record.meta.usage.calls == 2


def _main_with_indicator(seen: Seen) -> Reply:
    """The main call names the Zhaoqing article's count; the figure pass names both of its
    first two figures, the count under another name."""
    body = seen.body or {}
    name = str(body["response_format"]["json_schema"]["name"])
    if name == "ChunkExtraction":
        return chat_completion(seen, ANSWERS["zhaoqing"])
    area = {"kind": "indicator", "region": "Zhaoqing", "period": "2023"}
    return chat_completion(
        seen,
        {
            "a": {"figure": "12 projects", "name": "deals signed", **area},
            "b": {"figure": "30 billion yuan", "name": "total investment", **area},
            "c": {"figure": "40,000 tons", "kind": "project"},
        },
    )


def test_the_figure_pass_adds_only_indicators_of_figures_the_main_call_left(
    tmp_path: Path,
) -> None:
    summary, record, asked = _run_zhaoqing(_main_with_indicator, tmp_path)
    assert summary.failed == 0
    assert asked == ["ChunkExtraction", "FigureLabels3"]  # the figure call waits for the main
    assert [(i.name, i.value and i.value.value) for i in record.indicators] == [
        ("number of projects signed", 12),  # the main call's, named as a count
        ("total investment of projects signed", 30e9),  # named after its batch
    ]


def test_a_chunk_whose_figures_are_all_covered_or_settled_asks_only_the_main_call(
    tmp_path: Path,
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "few.txt").write_text(
        "Zhaoqing signed 12 projects in 2023. The city aims to reach 50 projects by 2025.\n",
        encoding="utf-8",
    )

    def answer(seen: Seen) -> Reply:
        return chat_completion(seen, ANSWERS["zhaoqing"])

    with running_fake(answer) as fake:
        summary, record = _run(fake, tmp_path)
        assert len(fake.chat_requests) == 1
    assert summary.failed == 0
    assert [i.name for i in record.indicators] == ["number of projects signed"]


def test_a_chunk_without_figures_asks_only_the_main_call(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "plain.txt").write_text(
        "Xpeng Motors opened its parts park in Gaoyao District.\n", encoding="utf-8"
    )

    def answer(seen: Seen) -> Reply:
        return chat_completion(seen, {})

    with running_fake(answer) as fake:
        summary, record = _run(fake, tmp_path)
        assert len(fake.chat_requests) == 1
    assert summary.failed == 0
    assert record.indicators == []


def test_a_period_without_time_a_company_region_and_a_nameless_change_are_mended() -> None:
    sentences = [
        "Specifically, Yibin Lianfa Co., Ltd. made 3 billion yuan in 2023, up 12% year-on-year.",
        "Exports rose 9% year-on-year.",
    ]
    answer = labels(
        sentences,
        {
            "a": {
                "kind": "indicator",
                "name": "output value",
                "region": "Yibin Lianfa Co., Ltd.",
                "period": "specifically",
            },
            "b": {"kind": "indicator", "name": "year-on-year increase", "period": "2023"},
            "c": {"kind": "indicator", "name": "year-on-year growth", "period": "2023"},
        },
    )
    built = indicators_from_labels(sentences, list_figures(sentences), answer)
    assert [(i.name, i.region, i.period, i.value, i.change) for i in built] == [
        ("output value", None, None, "3 billion yuan", "12%")
    ]


def test_targets_and_one_projects_figures_are_no_indicator_even_when_labelled_one() -> None:
    sentences = [
        "The plant is expected to create 150 jobs, and Yibin's exports rose 9% in 2023.",
        "The planned investment of the project is 2 billion yuan.",
    ]
    answer = labels(
        sentences,
        {
            "a": {"kind": "indicator", "name": "number of jobs"},
            "b": {"kind": "indicator", "name": "exports", "region": "Yibin"},
            "c": {"kind": "indicator", "name": "planned investment of the project"},
        },
    )
    built = indicators_from_labels(sentences, list_figures(sentences), answer)
    assert [(i.name, i.change) for i in built] == [("exports", "9%")]


@pytest.mark.parametrize(
    "before",
    [
        "The district signed 86 new projects of over",
        "It started 20 projects topping",
        "It started 20 projects above",
        "There are 170 projects with a total investment of more than",
    ],
)
def test_the_words_before_a_bound_on_each_counted_project_end_in_it(before: str) -> None:
    assert bounds_count(before + " ")


def test_a_bound_on_what_is_counted_and_a_difference_in_points_are_no_indicator() -> None:
    sentences = [
        "The county started 18 projects above 50 million yuan this year.",
        "Its investment grew 7.5%, 1.2 percentage points higher than the provincial average.",
        "The share of private investment rose by 0.8 percentage points year-on-year.",
    ]
    answer = labels(
        sentences,
        {
            "a": {"kind": "indicator", "name": "number of projects started"},
            "b": {"kind": "indicator", "name": "investment of projects"},
            "c": {"kind": "indicator", "name": "investment growth"},
            "d": {"kind": "indicator", "name": "difference from the provincial average"},
            "e": {"kind": "indicator", "name": "share of private investment"},
        },
    )
    built = indicators_from_labels(sentences, list_figures(sentences), answer)
    assert [(i.name, i.value, i.change) for i in built] == [
        ("number of projects started", "18 projects", None),
        ("investment growth", None, "7.5%"),
        ("share of private investment", None, "0.8 percentage points"),
    ]


@pytest.mark.parametrize(
    ("sentence", "figure", "expected"),
    [
        (
            "This project, with a total investment of 16 billion yuan, opens in May.",
            "16 billion yuan",
            False,
        ),
        ("The first phase of the project has a capacity of 60 GWh.", "60 GWh", False),
        ("The project received 6 billion yuan in investment.", "6 billion yuan", False),
        (
            "The 12 projects signed have a total investment of 5 billion yuan.",
            "5 billion yuan",
            True,
        ),
        ("Investment in industrial projects grew 9.1% in 2023.", "9.1%", True),
        # one facility named by what it is, where no batch of projects is spoken of
        (
            "With a total land area of 95.67 hectares, the battery manufacturing project is "
            "expected to finish in 2025.",
            "95.67 hectares",
            False,
        ),
        (
            "The other four projects were signed, with a total investment of 4.88 billion "
            "yuan, including the tourism complex project in Yizhou.",
            "4.88 billion yuan",
            True,
        ),
        # a named project's figure; a named factory's output is its company's statistic
        (
            "The total investment of Hexi New Energy lithium battery Project is 380 million yuan.",
            "380 million yuan",
            False,
        ),
        ("The Anxi factory's output value grew by 20% in May.", "20%", True),
    ],
)
def test_a_figure_of_a_sentence_about_one_project_is_no_statistic(
    sentence: str, figure: str, expected: bool
) -> None:
    assert _total_is_statistic(sentence, figure) is expected


@pytest.mark.parametrize(
    ("sentence", "figure", "expected"),
    [
        # the investment stated right after one facility is that facility's
        (
            "Meanwhile, Hexi Group's logistics project, with an investment of 3 billion yuan, "
            "sits on the east bank.",
            "3 billion yuan",
            False,
        ),
        (
            "The Lanxi production base -- with a total investment of 450 million yuan -- "
            "started in May.",
            "450 million yuan",
            False,
        ),
        ("The new plant has a total investment of about 800 million yuan.", "800 million yuan",
         False),
        # a batch spoken of before the facility's word: the batch's investment
        (
            "Twelve projects have settled in the park, with a total investment of 2.6 billion "
            "yuan.",
            "2.6 billion yuan",
            True,
        ),
        ("Industrial investment in the county reached 2.6 billion yuan.", "2.6 billion yuan",
         True),
    ],
)  # fmt: skip
def test_an_investment_stated_right_after_one_facility_is_no_statistic(
    sentence: str, figure: str, expected: bool
) -> None:
    assert _total_is_statistic(sentence, figure) is expected


def _total_is_statistic(sentence: str, figure: str) -> bool:
    listed = next(f for f in list_figures([sentence]) if f.text == figure)
    return is_statistic(sentence, listed, "total investment")


@pytest.mark.parametrize(
    ("sentence", "figure", "expected"),
    [
        (
            "Lishui signed 9 projects with a total investment of 7.2 billion yuan ($1.04 "
            "billion) on Friday.",
            "$1.04 billion",
            False,
        ),
        (
            "Lishui signed 9 projects with a total investment of 7.2 billion yuan ($1.04 "
            "billion) on Friday.",
            "7.2 billion yuan",
            True,
        ),
        ("Exports of the county reached $1.04 billion in 2023.", "$1.04 billion", True),
    ],
)
def test_a_dollar_figure_in_brackets_after_a_yuan_figure_is_its_conversion(
    sentence: str, figure: str, expected: bool
) -> None:
    assert _total_is_statistic(sentence, figure) is expected


@pytest.mark.parametrize(
    "sentence",
    [
        "We expect the annual output to hit 1.2 billion yuan.",
        "The total investment is projected to reach 1.5 billion yuan.",
        "The bureau forecasts output of 3 billion yuan next year.",
        "The county is targeting annual output of 1.2 billion yuan.",
        "The park aims at an annual output of 1.5 billion yuan.",
        "The zone is poised to pass 3 billion yuan in output.",
    ],
)
def test_an_expectation_in_any_verb_form_is_no_statistic(sentence: str) -> None:
    start = sentence.index("1.2" if "1.2" in sentence else "1.5" if "1.5" in sentence else "3 b")
    end = sentence.index(" yuan") + len(" yuan")
    assert not states_statistic(sentence, start, end, "annual output")


def test_a_reached_figure_beside_no_expectation_is_a_statistic() -> None:
    sentence = "Annual output reached 1.2 billion yuan last year."
    start = sentence.index("1.2")
    assert states_statistic(sentence, start, start + len("1.2 billion yuan"), "annual output")


@pytest.mark.parametrize(
    ("sentence", "statistic"),
    [
        ("It is expected to reach an output value of 800 million yuan and a tax of 20 million "
         "yuan.", False),
        ("Output value reached 800 million yuan and a tax of 20 million yuan was paid.", True),
        ("It is expected to open in May, and tax revenue rose to 20 million yuan.", True),
    ],
)  # fmt: skip
def test_a_figure_joined_by_and_to_an_expectation_is_no_statistic(
    sentence: str, statistic: bool
) -> None:
    start = sentence.index("20 million")
    end = start + len("20 million yuan")
    assert states_statistic(sentence, start, end, "tax") is statistic


@pytest.mark.parametrize(
    "name",
    [
        "G360 Wenchang-Lingao Expressway project",
        "Datang Gas Power Plant",
        "investment per project",
        # a park, a workshop or a company is one, not a statistic's measure
        "zero-carbon demonstrative industrial park",
        "hub casting workshop",
        "auto parts company",
        "Hexi Tobacco Industrial Co Ltd",
    ],
)
def test_a_figure_named_after_one_facility_is_no_statistic(name: str) -> None:
    sentence = "The annual completion rate of investment reached 65%."
    start = sentence.index("65%")
    assert not states_statistic(sentence, start, start + 3, name)
    assert states_statistic(sentence, start, start + 3, "investment completion rate")
    # a company's figure named by its measure is one (its enterprise is set elsewhere)
    assert states_statistic(sentence, start, start + 3, "revenue of Hexi Tobacco Co Ltd")


@pytest.mark.parametrize(
    ("sentence", "figure", "statistic"),
    [
        ("The zone ranked 84th among 169 national high-tech zones.", "84th", False),
        ("Anxi took 9th place in China for its business environment.", "9th place", False),
        ("Patent licensing has ranked top 3 in the province for years.", "top 3", False),
        ("Patent licensing has ranked top 3 in the province for years.", "3", False),
        ("It is one of China's largest automobile production areas.", "one of China's", False),
        # the size of a named ranking is part of its name
        ("Anxi attracted the settlement of Fortune 500 companies.", "500 companies", False),
        ("It drew projects of Fortune Global 500 enterprises.", "500 enterprises", False),
        ("Two firms are on the Forbes 2000 list.", "2000", False),
        # a count of the top companies, and a plain figure, are statistics
        ("Anxi attracted 12 Fortune 500 companies in 2023.", "12", True),
        ("Anxi signed 30 projects in 2023.", "30 projects", True),
    ],
)
def test_a_rank_is_no_statistic(sentence: str, figure: str, statistic: bool) -> None:
    start = sentence.index(figure)
    assert states_statistic(sentence, start, start + len(figure), "ranking") is statistic
