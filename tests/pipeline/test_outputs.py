"""A project's output value from the phrase of its sentences that names it
(``extractor.pipeline.outputs``), alone and through grounding. The sentences are invented in
the style of the articles, not taken from the seeds or the check half."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.outputs import stated_capacity, stated_output
from extractor.pipeline.wire import ChunkExtraction


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The plant is expected to achieve an annual output value of 6 billion yuan.",
            "6 billion yuan",
        ),
        ("Once running, it will generate annual sales of 900 million yuan.", "900 million yuan"),
        ("The park will be generating 40 billion yuan in output by 2030.", "40 billion yuan"),
        (
            "It has a capacity of 20GWh and an output value exceeding 12 billion yuan.",
            "12 billion yuan",
        ),
        ("The base will produce 300,000 tons of steel a year.", None),  # a capacity, no output
        ("The line's output is estimated to be 2 million units.", None),  # not money
    ],
)
def test_the_money_a_phrase_names_an_output_is_the_output(
    sentence: str, expected: str | None
) -> None:
    assert stated_output([sentence]) == expected


def test_the_projects_investment_is_never_its_output() -> None:
    sentence = "Its output value of 3 billion yuan, and sales of 2 billion yuan, are planned."
    assert stated_output([sentence], investment="3 billion yuan") == "2 billion yuan"


TEXT = (
    "Hengrui Motor Co., Ltd. began building its motor plant in the county.\n"
    "The plant, with an investment of 2.5 billion yuan, is expected to achieve an annual "
    "output value of 4 billion yuan.\n"
    "The county aims to achieve an output value of 80 billion yuan by 2027.\n"
)


def test_grounding_fills_the_output_of_a_project_that_stands_and_rescues_none() -> None:
    (chunk,) = default_chunks(TEXT)
    answer = ChunkExtraction.model_validate(
        {
            "projects": [
                {"sentences": [1, 2], "name": "motor plant", "investment": "2.5 billion yuan"},
                # a target phrase with no figure of its own: the output it names saves it not
                {"sentences": [3], "name": "Hengrui ambitions"},
            ]
        }
    )
    (plant,) = ground_chunk(TEXT, chunk, answer).projects
    assert plant.output_value is not None
    assert plant.output_value.amount == 4e9
    assert plant.investment is not None
    assert plant.investment.amount == 2.5e9


@pytest.mark.parametrize(
    ("sentence", "sizes"),
    [
        ("The Hexi base covers an area of 65,000 square meters.", [(65000.0, "m2")]),
        ("The plant has an annual output of 150 thousand tons of rice.", [(150000.0, "t/yr")]),
        ("The project will cost 2 billion yuan.", []),  # money is no size
        # more sizes than one project states: a list of things
        ("It makes 10,000 tons of resin, 20,000 tons of film and 5 MW of panels.", []),
    ],
)
def test_the_sizes_a_projects_own_sentence_states_are_its_capacity(
    sentence: str, sizes: list[tuple[float, str]]
) -> None:
    assert [(q.value, q.unit) for q in stated_capacity(sentence, set())] == sizes


def test_a_size_an_indicator_writes_is_no_projects_capacity() -> None:
    sentence = "The Hexi base covers an area of 65,000 square meters."
    assert stated_capacity(sentence, {65000.0}) == []


def test_grounding_gives_a_project_the_size_of_a_sentence_about_it_alone() -> None:
    text = (
        "The Qiaotou resin project covers an area of 65,000 square meters.\n"
        "The Hexi film project and the Anxi glass project cover 40,000 square meters.\n"
    )
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "projects": [
                {"sentences": [1], "name": "Qiaotou resin project"},
                {"sentences": [2], "name": "Hexi film project"},
                {"sentences": [2], "name": "Anxi glass project"},
            ]
        }
    )
    sizes = {
        p.name: [q.value for q in p.capacity] for p in ground_chunk(text, chunk, answer).projects
    }
    assert sizes == {
        "Qiaotou resin project": [65000.0],
        "Hexi film project": [],  # the sentence is about two projects
        "Anxi glass project": [],
    }
