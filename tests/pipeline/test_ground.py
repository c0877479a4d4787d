"""Stage 5, second half: evidence offsets are computed in code, figures and names take the
document's spelling, and records the text does not support are dropped (or kept flagged)."""

from __future__ import annotations

from typing import Any

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.chunk import Chunk, chunk_document
from extractor.pipeline.ground import Grounded, ground_chunk
from extractor.pipeline.normalize import listed_figures
from extractor.pipeline.wire import ChunkExtraction
from extractor.records import DocumentRecord, Role

TEXT = (
    "Ningbo held an industry meeting on Monday.\n"
    "Ningbo Junjia Electric Appliance Co., Ltd. began building its kitchen appliance base "
    "in Qianwan New District.\n"
    "The base will cost 1.5 billion yuan and produce 40,000 tons a year.\n"
    "Ningbo's industrial investment rose 15.4% year-on-year in the first half of the year.\n"
)


def one_chunk(text: str = TEXT) -> Chunk:
    (chunk,) = default_chunks(text)
    return chunk


def ground(answer: dict[str, Any], *, keep: bool = False, text: str = TEXT) -> Grounded:
    return ground_chunk(
        text, one_chunk(text), ChunkExtraction.model_validate(answer), keep_ungrounded=keep
    )


def sentence_span(text: str, snippet: str) -> tuple[int, int]:
    start = text.index(snippet)
    return start, start + len(snippet)


def assert_exact(text: str, grounded: Grounded) -> None:
    """Every evidence span is the document's own text at its offsets."""
    for record in [*grounded.projects, *grounded.indicators, *grounded.roles]:
        for e in record.evidence:
            assert text[e.start : e.end] == e.text
    DocumentRecord.model_validate(
        {
            "doc_id": "t",
            "text_sha256": "0" * 64,
            "projects": [p.model_dump() for p in grounded.projects],
            "indicators": [i.model_dump() for i in grounded.indicators],
            "enterprise_roles": [r.model_dump() for r in grounded.roles],
        },
        context={"text": text},
    )


def test_cited_sentences_become_exact_evidence() -> None:
    grounded = ground(
        {
            "projects": [
                {
                    "sentences": [2, 3],
                    "name": "kitchen appliance base",
                    "location": "Qianwan New District",
                    "investment": "1.5 billion yuan",
                    "capacity": ["40,000 tons"],
                    "status": "under_construction",
                    "enterprises": ["Ningbo Junjia Electric Appliance Co., Ltd."],
                }
            ],
            "indicators": [
                {
                    "sentences": [4],
                    "name": "industrial investment",
                    "region": "Ningbo",
                    "change": "15.4%",
                }
            ],
            "roles": [
                {
                    "sentences": [2],
                    "enterprise": "Ningbo Junjia Electric Appliance Co., Ltd.",
                    "role": "developer",
                    "project": "kitchen appliance base",
                }
            ],
        }
    )
    assert grounded.warnings == []
    (project,) = grounded.projects
    spans = [(e.start, e.end) for e in project.evidence]
    assert spans == [
        sentence_span(TEXT, TEXT.splitlines()[1]),
        sentence_span(TEXT, TEXT.splitlines()[2]),
    ]
    assert project.investment is not None
    assert (project.investment.amount, project.investment.raw) == (1.5e9, "1.5 billion yuan")
    assert [(q.value, q.unit) for q in project.capacity] == [(40000, "t/yr")]
    (indicator,) = grounded.indicators
    assert indicator.change is not None
    assert indicator.change.value == 15.4
    assert [e.text for e in indicator.evidence] == [TEXT.splitlines()[3]]
    (role,) = grounded.roles
    assert role.role is Role.DEVELOPER
    assert_exact(TEXT, grounded)


def test_evidence_offsets_are_document_offsets_in_a_later_chunk() -> None:
    filler = " ".join(f"Filler sentence number {n} says nothing at all." for n in range(12))
    text = f"{filler}\n\n{TEXT}"
    chunks = chunk_document(text, max_tokens=60, overlap_tokens=0)
    last = chunks[-1]
    assert last.start > 0
    number = next(
        i for i, s in enumerate(last.sentences, start=1) if "15.4%" in s.text
    )  # the chunk-local sentence number the model would cite
    answer = ChunkExtraction.model_validate(
        {"indicators": [{"sentences": [number], "name": "investment", "change": "15.4%"}]}
    )
    grounded = ground_chunk(text, last, answer)
    (indicator,) = grounded.indicators
    (evidence,) = indicator.evidence
    assert evidence.start > len(filler)
    assert text[evidence.start : evidence.end] == evidence.text
    assert_exact(text, grounded)


def test_raw_takes_the_documents_own_spelling() -> None:
    grounded = ground(
        {
            "projects": [
                {
                    "sentences": [3],
                    "name": "THE BASE",
                    "investment": "1.5  Billion YUAN",
                    "enterprises": ["ningbo junjia electric appliance co., ltd."],
                }
            ]
        }
    )
    (project,) = grounded.projects
    assert project.investment is not None
    assert project.investment.raw == "1.5 billion yuan"
    assert project.name == "The base"
    # the enterprise is found (fuzzily, in another sentence): its spelling is kept as written
    assert project.enterprises == ["ningbo junjia electric appliance co., ltd."]


def test_a_figure_found_in_an_uncited_sentence_moves_the_evidence_there() -> None:
    grounded = ground(
        {"indicators": [{"sentences": [2], "name": "industrial investment", "change": "15.4%"}]}
    )
    (indicator,) = grounded.indicators
    assert TEXT.splitlines()[3] in [e.text for e in indicator.evidence]
    assert_exact(TEXT, grounded)


def test_a_wrong_citation_is_replaced_not_kept() -> None:
    grounded = ground(
        {"indicators": [{"sentences": [1], "name": "industrial investment", "change": "15.4%"}]}
    )
    (indicator,) = grounded.indicators
    assert [e.text for e in indicator.evidence] == [TEXT.splitlines()[3]]


def test_sentence_numbers_out_of_range_are_ignored() -> None:
    grounded = ground(
        {"roles": [{"sentences": [99], "enterprise": "Ningbo Junjia Electric", "role": "investor"}]}
    )
    (role,) = grounded.roles
    assert [e.text for e in role.evidence] == [TEXT.splitlines()[1]]
    assert role.enterprise == "Ningbo Junjia Electric"


UNSUPPORTED = {
    "projects": [{"sentences": [1], "name": "Berlin battery plant"}],
    "indicators": [{"sentences": [4], "name": "exports", "change": "99.9%"}],
    "roles": [{"sentences": [2], "enterprise": "Contemporary Amperex", "role": "supplier"}],
}


def test_ungrounded_records_are_dropped_with_a_warning() -> None:
    grounded = ground(UNSUPPORTED)
    assert (grounded.projects, grounded.roles) == ([], [])
    # The model's indicator is gone; what is left is the statistic code reads in sentence 4.
    assert [(i.name, i.change and i.change.raw) for i in grounded.indicators] == [
        ("industrial investment", "15.4%")
    ]
    joined = "\n".join(grounded.warnings)
    assert "'Berlin battery plant': ungrounded, dropped" in joined
    assert "figure '99.9%' not found" in joined
    assert "'Contemporary Amperex': ungrounded, dropped" in joined


def test_ungrounded_records_are_kept_flagged_on_request() -> None:
    grounded = ground(UNSUPPORTED, keep=True)
    records = [*grounded.projects, *grounded.indicators, *grounded.roles]
    flagged = [r for r in records if r.ungrounded]
    assert len(flagged) == 3
    assert all(r.evidence == [] for r in flagged)
    assert [r for r in records if not r.ungrounded] == grounded.indicators[-1:]  # code's
    assert all("kept (flagged)" in w for w in grounded.warnings if "ungrounded" in w)
    assert_exact(TEXT, grounded)


def test_a_project_is_grounded_by_its_name_when_it_has_no_figure() -> None:
    grounded = ground({"projects": [{"sentences": [2], "name": "kitchen appliance base"}]})
    (project,) = grounded.projects
    assert not project.ungrounded
    assert [e.text for e in project.evidence] == [TEXT.splitlines()[1]]


def test_an_unreadable_figure_is_a_warning_not_a_crash() -> None:
    grounded = ground(
        {"projects": [{"sentences": [2], "name": "kitchen appliance base", "investment": "base"}]}
    )
    (project,) = grounded.projects
    assert project.investment is None
    assert any("no number" in w for w in grounded.warnings)


@pytest.mark.parametrize(
    ("field", "figure"),
    [("investment", "40,000 tons"), ("output_value", "40,000 tons"), ("investment", "15.4%")],
)
def test_a_figure_that_is_no_sum_of_money_is_no_investment_or_output_value(
    field: str, figure: str
) -> None:
    grounded = ground(
        {
            "projects": [
                {"sentences": [3], "name": "kitchen appliance base", field: figure},
            ]
        }
    )
    (project,) = grounded.projects
    assert (project.investment, project.output_value) == (None, None)
    assert any(f"{figure!r} is no sum of money" in w for w in grounded.warnings)


def test_a_bare_amount_in_billions_is_a_sum_of_money() -> None:
    text = "The base will cost 1.5 billion and open next year.\n"
    grounded = ground(
        {"projects": [{"sentences": [1], "name": "base", "investment": "1.5 billion"}]},
        text=text,
    )
    (project,) = grounded.projects
    assert project.investment is not None
    assert (project.investment.amount, project.investment.currency) == (1.5e9, "CNY")


def test_an_amount_is_no_relative_change() -> None:
    text = "Ningbo's industrial investment reached 87.7 billion yuan, up 23.1 billion yuan.\n"
    grounded = ground(
        {
            "indicators": [
                {
                    "sentences": [1],
                    "name": "industrial investment",
                    "region": "Ningbo",
                    "value": "87.7 billion yuan",
                    "change": "23.1 billion yuan",
                }
            ]
        },
        text=text,
    )
    (indicator,) = grounded.indicators
    assert indicator.value is not None
    assert indicator.value.value == 87.7e9
    assert indicator.change is None
    assert any("'23.1 billion yuan' is no relative change" in w for w in grounded.warnings)


def test_a_figure_that_lists_several_figures_is_no_figure() -> None:
    text = "The numbers of Ningbo's high-tech firms rose by 30, 22 and 20, respectively.\n"
    grounded = ground(
        {
            "indicators": [
                {
                    "sentences": [1],
                    "name": "high-tech firms",
                    "region": "Ningbo",
                    "change": "30, 22 and 20",
                }
            ]
        },
        text=text,
    )
    assert grounded.indicators == []
    assert any("'30, 22 and 20' lists several figures" in w for w in grounded.warnings)


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("30, 22, and 20, respectively", True),
        ("45 signed projects, 23 started projects and 18 completed projects", True),
        ("3.3 billion yuan and 1.5 billion yuan", True),
        # one figure: split, converted, or a level with its change
        ("4 billion 670 million yuan", False),
        ("120 billion yuan (about 17.4 billion U.S. dollars)", False),
        ("81,400, a year-on-year increase of 226%", False),
        ("5-10 billion yuan", False),
    ],
)
def test_listed_figures_are_told_from_one_figure(text: str, listed: bool) -> None:
    assert listed_figures(text) is listed


def test_a_figure_with_other_digits_is_not_grounded() -> None:
    text = "The digital park will cost 5.9 billion yuan in total.\n"
    grounded = ground(
        {
            "projects": [
                {"sentences": [1], "name": "digital park", "investment": "5.8 billion yuan"}
            ]
        },
        text=text,
    )
    (project,) = grounded.projects
    assert project.investment is None


def test_an_indicator_whose_figure_the_guide_does_not_record_is_dropped_with_a_warning() -> None:
    text = (
        "Output of the county rose 8.1% to 31 billion yuan in 2023.\n"
        "The county aims to reach 50 billion yuan of output in 2027.\n"
        "It signed 14 projects above 100 million yuan.\n"
        "The Dongfang battery project will add 9,000 tons of output.\n"
        "These are the figures of Anxi county.\n"
    )
    indicators = [
        {
            "region": "Anxi county",
            "sentences": [1],
            "name": "output",
            "value": "31 billion yuan",
            "change": "8.1%",
        },
        {"region": "Anxi county", "sentences": [2], "name": "output", "value": "50 billion yuan"},
        {
            "region": "Anxi county",
            "sentences": [3],
            "name": "projects signed",
            "value": "100 million yuan",
        },
        {
            "region": "Anxi county",
            "sentences": [3],
            "name": "number of projects signed",
            "value": "14 projects",
        },
        {
            "region": "Anxi county",
            "sentences": [4],
            "name": "battery output",
            "value": "9,000 tons",
        },
    ]
    grounded = ground({"indicators": indicators}, text=text)
    assert [i.value and i.value.value for i in grounded.indicators] == [31e9, 14]
    dropped = [w for w in grounded.warnings if "dropped, its figure is a target" in w]
    assert len(dropped) == 3


@pytest.mark.parametrize(
    ("sentence", "said", "expected"),
    [
        # building, and nothing of running: under construction
        (
            "Construction of the Anxi glass plant started in May.",
            "in_operation",
            "under_construction",
        ),
        ("The Anxi glass plant broke ground in May.", "completed", "under_construction"),
        # running or finished, as the text says
        ("The Anxi glass plant was put into operation in May.", "in_operation", "in_operation"),
        ("Construction of the Anxi glass plant was completed in May.", "completed", "completed"),
        # money spent is no project finished: building goes on
        ("The completion rate of investment in the Anxi glass plant reached 65%.", "completed",
         "under_construction"),
        ("The Anxi glass plant completed an investment of 2 billion yuan.", "completed",
         "under_construction"),
        # the text says neither: no status (EXPERIMENTS row SN)
        ("The Anxi glass plant makes float glass.", "in_operation", None),
        ("The Anxi glass plant will cost 2 billion yuan.", "completed", None),
        # other statuses are never changed
        ("The Anxi glass plant was signed and construction started.", "signed", "signed"),
    ],
)  # fmt: skip
def test_a_project_said_to_run_whose_text_speaks_only_of_building_is_under_construction(
    sentence: str, said: str, expected: str | None
) -> None:
    text = sentence + "\n"
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {"projects": [{"sentences": [1], "name": "Anxi glass plant", "status": said}]}
    )
    (project,) = ground_chunk(text, chunk, answer).projects
    assert project.status == expected


HEADLINED = (
    "Hefei starts 58 projects worth 32 billion yuan\n\n"
    "Xinhua | Updated: 2024-05-08\n\n"
    "Hefei started 58 major projects with a total investment of 32 billion yuan on May 6. "
    "Most of them are in new energy vehicles.\n"
)
# The model's answer: the headline's count, cited on the headline.
HEADLINE_COUNT = {
    "indicators": [
        {"sentences": [1], "name": "number of projects", "region": "Hefei", "value": "58 projects"}
    ]
}


def test_a_headline_figure_takes_the_sentence_that_states_it() -> None:
    """The model cites the headline; the body sentence restating its figure carries the
    period, the fuller wording and the evidence."""
    grounded = ground(HEADLINE_COUNT, text=HEADLINED)
    indicator = next(i for i in grounded.indicators if i.name.startswith("number of"))
    assert indicator.name == "number of major projects started"
    body = HEADLINED.split("\n\n")[2].split(" Most")[0]
    assert [e.text for e in indicator.evidence] == [body]
    assert indicator.period == "May 6"
    assert indicator.value is not None
    assert indicator.value.raw == "58 major projects"
    assert_exact(HEADLINED, grounded)


def test_a_headline_figure_the_body_does_not_restate_stays_on_the_headline() -> None:
    text = HEADLINED.replace("58 major projects", "dozens of major projects")
    (indicator,) = ground(HEADLINE_COUNT, text=text).indicators
    assert [e.text for e in indicator.evidence] == [text.splitlines()[0]]
    # no phrase of its own, but the batch is the one the body dates: the event's day (I9b)
    assert indicator.period == "May 6"


DATED = (
    "Updated: 2024-05-08\n\n"
    "Hefei signed 58 projects with a total investment of 32 billion yuan on May 6. "
    "In the first half of 2023, its industrial output rose 8.1 percent to 150 billion yuan. "
    "In the first seven months, exports reached 9 billion yuan. "
    "Its parks are home to 210 enterprises.\n"
)


@pytest.mark.parametrize(
    ("figure", "model", "period"),
    [
        # the model's date from the dateline: the figure's sentence states its own day
        ("32 billion yuan", "2024-05-08", "May 6"),
        # the model's year is part of the sentence's period: the fuller phrase
        ("150 billion yuan", "2023", "the first half of 2023"),
        # the same period but for "the": the model's stays
        ("9 billion yuan", "first seven months", "first seven months"),
        # no time phrase in the model's answer: the sentence's
        ("9 billion yuan", None, "the first seven months"),
        # no time phrase in the sentence: the model's, written in the chunk, stays
        ("210 enterprises", "the first half of 2023", "the first half of 2023"),
    ],
)
def test_the_period_the_figures_own_sentence_states_wins(
    figure: str, model: str | None, period: str
) -> None:
    answer = {
        "indicators": [
            {"sentences": [2], "name": "total", "region": "Hefei", "value": figure, "period": model}
        ]
    }
    grounded = ground(answer, text=DATED)
    (indicator,) = [i for i in grounded.indicators if i.value and i.value.raw == figure]
    assert indicator.period == period


BREAKDOWN = (
    "Cangzhou started 30 projects this year. Among them, there are 17 projects with a total "
    "investment of more than 100 million yuan and 5 projects with a total investment of over "
    "1 billion yuan.\n"
)


def test_a_bound_in_a_breakdown_names_its_count_and_is_no_total() -> None:
    """ "17 projects with a total investment of more than 100 million yuan": the sum bounds
    each counted project; it names the count and is no batch total, whether code reads the
    count or the model gives it as a batch of projects."""
    answer = {
        "indicators": [
            {
                "sentences": [2],
                "name": "number of projects",
                "region": "Cangzhou",
                "value": "17 projects",
            }
        ],
        "projects": [
            {
                "sentences": [2],
                "name": "5 projects",
                "location": "Cangzhou",
                "investment": "1 billion yuan",
            }
        ],
    }
    grounded = ground(answer, text=BREAKDOWN)
    named = {i.value.raw: i.name for i in grounded.indicators if i.value is not None}
    assert named["17 projects"] == (
        "number of projects with a total investment of more than 100 million yuan"
    )
    assert (
        named["5 projects"] == "number of projects with a total investment of over 1 billion yuan"
    )
    assert "100 million yuan" not in named
    assert "1 billion yuan" not in named


def test_a_rankings_size_in_a_batch_name_is_no_count() -> None:
    """A project the model names after a ranking ("national top 100 pharmaceutical
    companies") is a batch of companies, but its figure is the ranking's size, no count."""
    text = (
        "Seven medicine companies in Anxi are listed as national top 100 pharmaceutical "
        "companies. Anxi signed 30 projects this year.\n"
    )
    answer = {
        "projects": [
            {
                "sentences": [1],
                "name": "national top 100 pharmaceutical companies",
                "location": "Anxi",
            },
            {"sentences": [2], "name": "30 projects", "location": "Anxi"},
        ]
    }
    values = [i.value.raw for i in ground(answer, text=text).indicators if i.value]
    assert "100 pharmaceutical companies" not in values
    assert "30 projects" in values


def test_a_range_in_a_breakdown_names_its_count_and_is_no_total() -> None:
    text = (
        "Cangzhou started 30 projects this year. Among them, there are 12 projects with a "
        "total investment of one billion yuan to 3 billion yuan.\n"
    )
    grounded = ground({"indicators": []}, text=text)
    named = {i.value.raw: i.name for i in grounded.indicators if i.value is not None}
    assert named["12 projects"] == (
        "number of projects with a total investment of one billion yuan to 3 billion yuan"
    )
    assert "one billion yuan" not in named


def test_a_sum_after_a_batch_that_is_no_breakdown_stays_its_total() -> None:
    text = "Cangzhou signed 30 projects with a total investment of more than 20 billion yuan.\n"
    answer = {
        "indicators": [
            {
                "sentences": [1],
                "name": "number of projects",
                "region": "Cangzhou",
                "value": "30 projects",
            }
        ]
    }
    named = {i.value.raw: i.name for i in ground(answer, text=text).indicators if i.value}
    assert named == {
        "30 projects": "number of projects signed",
        "20 billion yuan": "total investment of projects signed",
    }


def test_a_project_without_a_capacity_takes_the_size_its_name_states() -> None:
    text = (
        "The 2-million-kilowatt Hongshan solar project broke ground on Monday.\n"
        "The 50,000-ton Hongshan resin plant started production.\n"
        "The 800-million-yuan Hongshan logistics park was signed.\n"
    )
    grounded = ground(
        {
            "projects": [
                {"sentences": [1], "name": "2-million-kilowatt Hongshan solar project"},
                {
                    "sentences": [2],
                    "name": "50,000-ton Hongshan resin plant",
                    "capacity": ["50,000-ton"],
                },
                {"sentences": [3], "name": "800-million-yuan Hongshan logistics park"},
            ]
        },
        text=text,
    )
    sizes = [[(q.value, q.unit) for q in p.capacity] for p in grounded.projects]
    # the model's capacity is not doubled, and a sum of money is no size
    assert sizes == [[(2e6, "kW")], [(50000, "t")], []]


FOOTER = (
    "Haikou signed 12 projects worth 3 billion yuan in 2021.\n"
    "\n"
    "Website record number:琼ICP备2021000125号 政府网站标识码:4601000067\n"
)
CREDIT = (
    "Haikou signed 12 projects worth 3 billion yuan in 2021.\n"
    "\n"
    "Source: Hainan Daily Time: 4601000067\n"
)


@pytest.mark.parametrize("text", [FOOTER, CREDIT])
def test_a_record_that_only_a_page_footer_or_credit_line_states_is_left_out(text: str) -> None:
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [1],
                    "name": "number of projects signed",
                    "region": "Haikou",
                    "period": "2021",
                    "value": "12 projects",
                },
                {
                    "sentences": [2],
                    "name": "website record number",
                    "region": "琼",
                    "value": "4601000067",
                },
            ]
        }
    )
    names = [i.name for i in ground_chunk(text, chunk, answer).indicators]
    assert "number of projects signed" in names
    assert "website record number" not in names


DATELINE = "Hexi News 2021-11-30 11:28\nOn November 26, Anxi started 12 projects by Qiaotou Co.\n"
BREADCRUMB = (
    "Hexi News   ›   News   ›   Anxi News\n"
    "On November 26, Anxi started 12 projects by Qiaotou Co.\n"
)

COPYRIGHT = (
    "On November 26, Anxi started 12 projects by Qiaotou Co.\n"
    "Copyright @Hexi News 2019. All Rights Reserved.\n"
)


@pytest.mark.parametrize("text", [DATELINE, BREADCRUMB, COPYRIGHT])
def test_a_company_named_only_on_page_furniture_gets_no_role(text: str) -> None:
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "roles": [
                {"sentences": [1, 2], "enterprise": "Hexi News", "role": "investor"},
                {"sentences": [1, 2], "enterprise": "Qiaotou Co.", "role": "investor"},
                {"sentences": [1], "enterprise": "Hexi", "role": "other"},
            ]
        }
    )
    roles = [r.enterprise for r in ground_chunk(text, chunk, answer).roles]
    assert roles == ["Qiaotou Co."]


def test_a_company_given_for_a_projects_location_is_no_place() -> None:
    text = (
        "Hongshan Solar Co., Ltd. is building a blade plant in Wuwei.\n"
        "The Hongshan resin base opened in Lanzhou.\n"
    )
    grounded = ground(
        {
            "projects": [
                {
                    "sentences": [1],
                    "name": "blade plant",
                    "location": "Hongshan Solar Co., Ltd.",
                    "enterprises": ["Hongshan Solar Co., Ltd."],
                },
                {"sentences": [2], "name": "Hongshan resin base", "location": "Lanzhou"},
            ]
        },
        text=text,
    )
    assert [p.location for p in grounded.projects] == [None, "Lanzhou"]


def test_a_company_the_text_never_writes_takes_no_role_and_owns_no_project() -> None:
    text = "Hongshan Solar began building its blade plant in Wuwei on Monday.\n"
    grounded = ground(
        {
            "projects": [
                {
                    "sentences": [1],
                    "name": "blade plant",
                    "enterprises": ["Hongshan Solar", "Midea Group"],
                }
            ],
            "roles": [
                {"sentences": [1], "enterprise": "Midea Group", "role": "partner"},
                {"sentences": [1], "enterprise": "Hongshan Solar", "role": "investor"},
            ],
        },
        text=text,
    )
    assert [p.enterprises for p in grounded.projects] == [["Hongshan Solar"]]
    assert {r.enterprise for r in grounded.roles} == {"Hongshan Solar"}


def test_what_the_text_lists_as_a_sector_is_no_project() -> None:
    text = (
        "Twelve key projects commenced, covering such sectors as biomedicine and mobile "
        "lighting.\n"
        "The Hongshan biomedicine project broke ground on Monday.\n"
    )
    grounded = ground(
        {
            "projects": [
                {"sentences": [1], "name": "biomedicine", "status": "under_construction"},
                {"sentences": [1], "name": "mobile lighting", "status": "under_construction"},
                {"sentences": [2], "name": "Hongshan biomedicine project"},
            ]
        },
        text=text,
    )
    assert [p.name for p in grounded.projects] == ["Hongshan biomedicine project"]
    assert "the text lists it as a sector" in "\n".join(grounded.warnings)


def test_a_company_the_text_lists_among_companies_is_no_project_and_keeps_the_lists_role() -> None:
    text = (
        "The park has attracted nearly 30 enterprises such as Qiyuan Motors and Hongshan "
        "Solar.\n"
        "The Hongshan Solar blade plant broke ground on Monday.\n"
    )
    grounded = ground(
        {
            "projects": [
                {"sentences": [1], "name": "Qiyuan Motors", "enterprises": ["Qiyuan Motors"]},
                {
                    "sentences": [1],
                    "name": "Qiyuan Motors and Hongshan Solar",
                    "enterprises": ["Qiyuan Motors", "Hongshan Solar"],
                },
                {"sentences": [2], "name": "Hongshan Solar blade plant"},
            ]
        },
        text=text,
    )
    assert [p.name for p in grounded.projects] == ["Hongshan Solar blade plant"]
    assert "the text lists it among companies" in "\n".join(grounded.warnings)
    assert {(r.enterprise, r.project) for r in grounded.roles} == {
        ("Qiyuan Motors", None),
        ("Hongshan Solar", None),
    }


def test_a_capacity_that_counts_people_or_firms_or_is_a_share_is_no_capacity() -> None:
    text = (
        "The Qiyuan Motors plant in Hefei employs 200 workers, holds 20% of the city's output "
        "and makes 40,000 tons a year.\n"
    )
    grounded = ground(
        {
            "projects": [
                {
                    "sentences": [1],
                    "name": "Qiyuan Motors plant",
                    "capacity": ["200 workers", "20%", "40,000 tons a year"],
                }
            ]
        },
        text=text,
    )
    (project,) = grounded.projects
    assert [c.raw for c in project.capacity] == ["40,000 tons a year"]
    assert "counts people or firms or is a share" in "\n".join(grounded.warnings)


_OWN = (
    "Qiyuan Motors Co., Ltd., the region's largest carmaker, shared its export plans on Monday.\n"
    "Hongshan Solar will build a wafer plant in the Qianwan New District.\n"
)


@pytest.mark.parametrize(
    ("sentence", "name", "enterprise", "kept"),
    [
        (1, "Qiyuan Motors", "Qiyuan Motors", False),
        (1, "Qiyuan Motors", "Qiyuan Motors Co., Ltd.", False),  # legal forms aside
        (2, "Hongshan Solar", "Hongshan Solar", True),  # its sentence builds something
    ],
)
def test_a_company_listed_as_its_own_project_is_one_only_where_its_sentences_build(
    sentence: int, name: str, enterprise: str, kept: bool
) -> None:
    grounded = ground(
        {"projects": [{"sentences": [sentence], "name": name, "enterprises": [enterprise]}]},
        text=_OWN,
    )
    assert [p.name for p in grounded.projects] == ([name] if kept else [])
    dropped = "a company listed as its own project" in "\n".join(grounded.warnings)
    assert dropped is not kept


@pytest.mark.parametrize(
    ("sentence", "name", "figure", "expected"),
    [
        # a count of projects or companies is named from the text, whatever the model said
        (
            "Anxi signed 15 projects on May 6.",
            "contracts",
            "15 projects",
            "number of projects signed",
        ),
        (
            "Anxi has 34 industrial enterprises.",
            "total size",
            "34 industrial enterprises",
            "number of industrial enterprises",
        ),
        # other units keep the model's name
        ("Anxi made 230,000 units in May.", "NEV output", "230,000 units", "NEV output"),
    ],
)
def test_a_count_of_projects_or_companies_is_named_as_a_count(
    sentence: str, name: str, figure: str, expected: str
) -> None:
    text = sentence + "\n"
    answer = {
        "indicators": [
            {"sentences": [1], "name": name, "region": "Anxi", "value": figure, "period": "May"}
        ]
    }
    named = {i.value.raw: i.name for i in ground(answer, text=text).indicators if i.value}
    assert named[figure] == expected


def test_a_batchs_total_is_no_investment_of_a_project_its_sentence_does_not_name() -> None:
    text = (
        "Anxi signed 40 projects on Friday, including the Hexi big data center. "
        "Six projects by state-owned enterprises have investment of 22.4 billion yuan.\n"
    )
    answer = {
        "projects": [
            {
                "sentences": [1, 2],
                "name": "Hexi big data center",
                "location": "Anxi",
                "investment": "22.4 billion yuan",
                "status": "signed",
            }
        ]
    }
    projects = ground(answer, text=text).projects
    assert [p.investment for p in projects if p.name == "Hexi big data center"] == [None, None]


def test_a_projects_own_investment_beside_a_count_of_its_phases_stays() -> None:
    text = (
        "The Hexi battery project will build two phases, with a total investment of 51.7 "
        "billion yuan.\n"
    )
    answer = {
        "projects": [
            {"sentences": [1], "name": "Hexi battery project", "investment": "51.7 billion yuan"}
        ]
    }
    (project,) = ground(answer, text=text).projects
    assert project.investment is not None
    assert project.investment.raw == "51.7 billion yuan"


def test_a_projects_sum_with_a_currency_its_text_leaves_to_context_is_found_by_value() -> None:
    text = (
        "Yuxi signed the Hexi resin project and the Hexi film project. "
        "The resin project will cost 7.3 billion, and the film project 45billion.\n"
    )
    answer = {
        "projects": [
            {"sentences": [2], "name": "Hexi resin project", "investment": "7.3 billion yuan"},
            {"sentences": [2], "name": "Hexi film project", "investment": "45 billion yuan"},
        ],
        "indicators": [
            {"sentences": [2], "name": "investment", "region": "Yuxi", "value": "7.3 billion yuan"}
        ],
    }
    grounded = ground(answer, text=text)
    assert [(p.investment.raw, p.investment.amount) for p in grounded.projects if p.investment] == [
        ("7.3 billion", 7.3e9),
        ("45billion", 45e9),
    ]
    # an indicator's figure is the record itself: one the text does not write stays unfound
    assert grounded.indicators == []
    assert_exact(text, grounded)


def test_a_project_location_drops_the_province_that_only_locates_it() -> None:
    text = "The Hexi resin facility in Wuhu started construction on May 6.\n"
    answer = {
        "projects": [
            {
                "sentences": [1],
                "name": "Hexi resin facility",
                "location": "Wuhu, Anhui Province",
                "status": "under_construction",
            }
        ]
    }
    (project,) = ground(answer, text=text).projects
    assert project.location == "Wuhu"


def test_a_capacity_in_the_name_of_a_project_cited_past_the_chunk_is_found_by_name() -> None:
    """The model cites a sentence the chunk does not have, and the project's only figure is
    in its name ("150 megawatt"): the name is looked for in the chunk and cited there, never
    a record without evidence (which failed the whole document)."""
    text = (
        "Datong signed 17 projects on Friday. "
        "At the summit, Datong launched Chindata Group's project to build a 150 megawatt "
        "solar power station.\n"
    )
    name = "Chindata Group's project to build a 150 megawatt solar power station"
    answer = {"projects": [{"sentences": [12], "name": name, "enterprises": ["Chindata Group"]}]}
    grounded = ground(answer, text=text)
    (project,) = [p for p in grounded.projects if p.name == name]
    assert [e.text for e in project.evidence] == [text.split(". ", 1)[1].strip()]
    assert project.capacity[0].raw == "150 megawatt"
    assert_exact(text, grounded)


def test_a_place_the_document_never_writes_is_no_place_of_its_records() -> None:
    """The prompt's invented example is about Ningbo, and the model copies it into articles
    that never name Ningbo: such a region gives way to the text's own place, and such a
    location is left empty. A place the text writes, in another spelling, stays."""
    text = (
        "Xi 'an High-tech Zone started 31 projects on February 8, with a total investment of "
        "76.3 billion yuan, including the Hexi titanium alloy production base.\n"
    )
    answer = {
        "indicators": [
            {
                "sentences": [1],
                "name": "total investment of projects started",
                "region": "Ningbo",
                "value": "76.3 billion yuan",
            },
            {
                "sentences": [1],
                "name": "number of projects started",
                "region": "Xi ‘an High-tech Zone",
                "value": "31 projects",
            },
        ],
        "projects": [
            {
                "sentences": [1],
                "name": "Hexi titanium alloy production base",
                "location": "Ningbo",
            }
        ],
    }
    grounded = ground(answer, text=text)
    regions = {i.value.raw: i.region for i in grounded.indicators if i.value}
    assert regions["76.3 billion yuan"] in {"Xi 'an High-tech Zone", "Xi ‘an High-tech Zone"}
    assert regions["31 projects"] == "Xi ‘an High-tech Zone"
    assert grounded.projects
    assert all(p.location != "Ningbo" for p in grounded.projects)
