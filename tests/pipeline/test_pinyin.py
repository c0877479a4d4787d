"""Chinese proper names in pinyin (``extractor.pipeline.pinyin``). The names are invented."""

from __future__ import annotations

import pytest

from extractor.pipeline.pinyin import is_pinyin, proper_pinyin


@pytest.mark.parametrize("word", ["Qiaotou", "Hexi", "Lanxiang", "Zhongshan", "Anyou", "Xi'an"])
def test_a_word_that_splits_into_two_or_more_syllables_is_pinyin(word: str) -> None:
    assert is_pinyin(word) is (word != "Xi'an")  # "xian" is also one syllable: too short


@pytest.mark.parametrize(
    "word", ["Power", "Laser", "Fiber", "Nuclear", "Solar", "Engineering", "Sun", "BYD", "5G"]
)
def test_english_words_one_syllable_and_letters_that_do_not_split_are_not(word: str) -> None:
    assert not is_pinyin(word)


def test_a_pinyin_word_the_text_writes_in_lower_case_is_no_proper_name() -> None:
    text = "The machine tool base of Qiaotou makes machine parts."
    assert is_pinyin("Machine")
    assert not proper_pinyin("Machine", text)
    assert proper_pinyin("Qiaotou", text)
    assert not proper_pinyin("qiaotou", text)  # a proper name is capitalized
