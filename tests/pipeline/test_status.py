"""The status a sentence states for the projects it names (``extractor.pipeline.status``).
The sentences are invented in the articles' style."""

from __future__ import annotations

import pytest

from extractor.pipeline.status import stated_status
from extractor.records import Status


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Anxi signed 6 projects, including the Hexi resin project.", Status.SIGNED),
        ("12 projects broke ground, including the Qiaotou glass plant.", Status.UNDER_CONSTRUCTION),
        # a batch started, resumed or on site is being built
        (
            "In the 16 started projects, there are 9 industrial projects, that is, A and B.",
            Status.UNDER_CONSTRUCTION,
        ),
        ("Projects such as the Hexi Glass Project started smoothly.", Status.UNDER_CONSTRUCTION),
        (
            "It promoted the resumption of 46 projects such as the Anxi Bridge.",
            Status.UNDER_CONSTRUCTION,
        ),
        ("The Hexi Glass Project was put into operation.", Status.IN_OPERATION),
        ("The Hexi Glass Project was officiallyput into operation.", Status.IN_OPERATION),
        # finished building
        ("The Qiaotou Headquarters Building Project was completed.", Status.COMPLETED),
        ("Two plants have completed construction, namely A and B.", Status.COMPLETED),
        # money spent is no building finished; two statuses are none
        ("The project has been completed an investment of 3 billion yuan.", None),
        ("Five projects were signed and three were put into operation.", None),
        ("The city is home to the Hexi Glass Project.", None),
    ],
)
def test_the_one_status_a_sentence_states(sentence: str, status: Status | None) -> None:
    assert stated_status(sentence) is status
