"""An indicator's name in the text's own words (``extractor.pipeline.wording``) and its
period as the text states it (``extractor.pipeline.periods``), alone and through grounding.
The sentences are invented in the style of the articles, not taken from the seeds or the
check half."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks, grounded_indicators

from extractor.pipeline.chunk import Sentence
from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.periods import sentence_period, stated_period, time_phrases
from extractor.pipeline.wire import ChunkExtraction
from extractor.pipeline.wording import count_wording, text_wording

QUALIFIED = (
    "Of which, accumulative output value of equipment enterprises above designated size of "
    "the city had reached 12.4 billion yuan."
)


def test_a_reworded_name_takes_the_texts_words_and_its_qualifier() -> None:
    name = "accumulated output value of equipment enterprises of the city"
    assert text_wording(name, [QUALIFIED]) == (
        "accumulative output value of equipment enterprises above designated size"
    )


@pytest.mark.parametrize(
    ("name", "sentence", "expected"),
    [
        # a trailing place the record's region names goes
        (
            "battery industry output in Liuzhou City",
            "The battery industry output of Liuzhou rose to 8 billion yuan.",
            "battery industry output",
        ),
        # a capital that only starts the sentence is not kept
        (
            "port cargo throughput",
            "Port cargo throughput was 3.2 million tons.",
            "port cargo throughput",
        ),
    ],
)
def test_the_wording_drops_place_and_sentence_capital(
    name: str, sentence: str, expected: str
) -> None:
    assert text_wording(name, [sentence], region="Liuzhou") == expected


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        # the model's own phrase for a count: no stretch says it
        ("number of projects signed", "The county signed six projects worth 2 billion yuan."),
        # the words in another order are a rewording, not the name
        (
            "total investment of projects received",
            "The projects received a total investment of 3 billion yuan.",
        ),
        # the stretch lacks what is measured ("investment")
        (
            "total investment of projects in the port area",
            "Projects in the port area, with a total investment of 5 billion yuan, started.",
        ),
        # too few of the name's words in any one clause
        ("freight volume of the rail hub", "The hub handled 40,000 containers last year."),
    ],
)
def test_a_name_the_text_does_not_word_stays_the_models(name: str, sentence: str) -> None:
    assert text_wording(name, [sentence]) == name


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        (
            "In the first eight months of this year, output rose; from January to May 2024 it "
            "fell, and since last year the park has grown, as in 2019.",
            ["the first eight months of this year", "from January to May 2024", "since last year",
             "2019"],
        ),
        # the present, when the text names it
        (
            "So far, the county has signed 40 projects. Lishui launched 12 projects this week, "
            "and at present 30 projects are under construction; last month it started 9.",
            ["So far", "this week", "at present", "last month"],
        ),
        # a span up to a month of this or last year, as written
        (
            "Up until July this year, 57 projects started; as of May last year, 40.",
            ["Up until July this year", "as of May last year"],
        ),
        # "since" an event of a year: the span from it, not the year alone
        (
            "Since its establishment in August 2019, the zone has signed 290 projects.",
            ["Since its establishment in August 2019"],
        ),
        # "currently" and "up to now" name the present too
        (
            "The province currently has 12,000 projects. Up to now, the zone has signed 180.",
            ["currently", "Up to now"],
        ),
        # parts of a year named without a date
        (
            "Throughout the year, 142 projects were built. At the beginning of the year, 6 "
            "started; in end-April, 204 restarted.",
            ["Throughout the year", "At the beginning of the year", "end-April"],
        ),
        # a span of days
        (
            "From May 26 to May 29 this year, the expo signed 199 projects.",
            ["From May 26 to May 29 this year"],
        ),
    ],
)  # fmt: skip
def test_time_phrases_are_written_as_the_text_has_them_without_in(
    text: str, phrases: list[str]
) -> None:
    assert [p[2] for p in time_phrases(text)] == phrases


def test_a_year_after_a_month_is_not_read_as_its_day() -> None:
    text = "Through September 2021, the zone had 80 projects; in May 3rd, 2022, until June 9, 90."
    assert [p[2] for p in time_phrases(text)] == [
        "Through September 2021",
        "May 3rd, 2022",
        "until June 9",
    ]


DOC = (
    "In the first half of the year, the city signed 14 projects.\n"
    "Their total investment was 6.3 billion yuan.\n"
    "\n"
    "A new paragraph says the park has 210 enterprises.\n"
    "Accumulative output of the park reached 9 billion yuan in 2023, and 7 billion yuan in 2022.\n"
)


def test_a_figure_takes_its_own_phrase_else_its_paragraphs_framing_one() -> None:
    (chunk,) = default_chunks(DOC)
    sentences = chunk.sentences

    def period_of(figure: str) -> str | None:
        at = DOC.index(figure)
        (sentence,) = [s for s in sentences if s.start <= at < s.end]
        return stated_period(sentences, sentence, at)

    assert period_of("6.3 billion") == "the first half of the year"  # carried forward
    assert period_of("210 enterprises") is None  # another paragraph: nothing carried
    assert period_of("9 billion") == "2023"  # the first phrase after it
    assert period_of("7 billion") == "2022"  # its own phrase, not the one before it


def test_grounding_words_the_name_as_the_text_and_fills_a_missing_period() -> None:
    text = DOC + PLACES
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [2],
                    "name": "total investment",
                    "region": "Yulin",
                    "value": "6.3 billion yuan",
                },
                {
                    "sentences": [4],
                    "name": "accumulated output of the park",
                    "region": "Yulin",
                    "period": "the first half",
                    "value": "9 billion yuan",
                },
            ]
        }
    )
    first, second = ground_chunk(text, chunk, answer).indicators[:2]
    assert first.period == "the first half of the year"
    # the model's phrase comes from another paragraph; the figure's own sentence states 2023
    assert second.period == "2023"
    assert second.name == "accumulative output of the park"


@pytest.mark.parametrize(
    ("sentence", "figure", "expected"),
    [
        ("The county signed 12 projects.", "12 projects", "number of projects signed"),
        (
            "The zone newly started 20 projects above 50 million yuan, and signed 7 more.",
            "20 projects",
            "number of newly started projects above 50 million yuan",
        ),
        (
            "Of these, 9 are relocation projects from Suzhou with a total investment of 1.2 "
            "billion yuan.",
            "9 are relocation projects",
            "number of relocation projects from Suzhou",
        ),
        # a sum after the count is the batch's total, a bound on it is a qualifier
        (
            "It has 310 enterprises worth 2.5 billion yuan in 2024.",
            "310 enterprises",
            "number of enterprises",
        ),
        (
            "The zone attracted 158 projects valued at 159.7 billion yuan.",
            "158 projects",
            "number of projects attracted",
        ),
        (
            "The province commenced 2,076 projects worth more than 100 million yuan.",
            "2,076 projects",
            "number of commenced projects worth more than 100 million yuan",
        ),
        # a bound or range of each project's investment names the count; "each" does not
        (
            "There are 22 projects each with an investment of more than 500 million yuan.",
            "22 projects",
            "number of projects with an investment of more than 500 million yuan",
        ),
        (
            "Wuhu signed 6 projects with an investment of 5-10 billion yuan.",
            "6 projects",
            "number of signed projects with an investment of 5-10 billion yuan",
        ),
        (
            "Wuhu signed 15 projects with a total investment of 9.88 billion yuan.",
            "15 projects",
            "number of projects signed",
        ),
        # in a breakdown of a batch a bound total names the count; "are worth ... each" too
        (
            "Of the 308 projects, there are 170 projects with a total investment of more than "
            "100 million yuan.",
            "170 projects",
            "number of projects with a total investment of more than 100 million yuan",
        ),
        (
            "Wuhu signed 15 projects with a total investment of more than 9 billion yuan.",
            "15 projects",
            "number of projects signed",
        ),
        (
            "The zone has 158 projects, among which 46 projects are worth more than 1 billion "
            "yuan each.",
            "46 projects",
            "number of projects worth more than 1 billion yuan each",
        ),
        # the clause's verb after the count; no date, place or clause as qualifier
        (
            "Notably, 52 projects, including a rubber chemicals facility, have commenced "
            "operations.",
            "52 projects",
            "number of projects commenced operations",
        ),
        (
            "So far 31 projects in the Binhai New Area have started construction.",
            "31 projects",
            "number of projects started construction",
        ),
        (
            "The region launched 640 major projects on Monday that have a total investment of "
            "90 billion yuan.",
            "640 major projects",
            "number of major projects launched",
        ),
        # a decimal point or an initial's point ends no clause: the verb is still the count's
        (
            "A total of 12 projects with an investment of 10.5 billion yuan (about 1.5 billion "
            "U.S. dollars) were signed on Monday.",
            "12 projects",
            "number of projects signed",
        ),
        (
            "The park has 14 projects contracted at a total investment of 8 billion yuan.",
            "14 projects",
            "number of projects contracted",
        ),
        (
            "The province had cultivated 11 industrial clusters by the end of 2021.",
            "11 industrial clusters",
            "number of industrial clusters",
        ),
        # the examples of what is counted are no part of its name
        (
            "Of which 5 projects such as Hexi Automotive are under construction.",
            "5 projects",
            "number of projects",
        ),
        (
            "Some 46 projects -- such as the Anxi Financial City -- were signed.",
            "46 projects",
            "number of projects signed",
        ),
    ],
)
def test_a_count_is_named_from_its_noun_verb_and_qualifier(
    sentence: str, figure: str, expected: str
) -> None:
    start = sentence.index(figure)
    assert count_wording(sentence, start, start + len(figure)) == expected


def test_a_count_without_a_noun_has_no_wording() -> None:
    sentence = "The number reached 4,200 by May."
    start = sentence.index("4,200")
    assert count_wording(sentence, start, start + len("4,200")) is None


def test_grounding_names_a_count_the_model_calls_number_of_from_the_text() -> None:
    text = "In 2024, the district signed 12 projects above 10 million yuan.\n" + PLACES
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [1],
                    "name": "number of projects",
                    "region": "Yulin",
                    "value": "12 projects",
                }
            ]
        }
    )
    (indicator,) = ground_chunk(text, chunk, answer).indicators
    assert indicator.name == "number of signed projects above 10 million yuan"
    assert indicator.period == "2024"


@pytest.mark.parametrize(
    ("sentence", "name", "value", "expected"),
    [
        ("Liaoning had 110,000 5G base stations.", "5G base stations", "110,000",
         "number of 5G base stations"),
        ("Liaoning had 34 projects in all.", "total projects", "34", "number of projects"),
        ("Liaoning had an NEV output of 230,000 units.", "NEV output", "230,000 units",
         "NEV output"),
        ("Liaoning had a land area of 95.67 hectares.", "land area", "95.67 hectares",
         "land area"),
    ],
)  # fmt: skip
def test_a_count_the_model_names_by_what_it_counts_is_a_number_of(
    sentence: str, name: str, value: str, expected: str
) -> None:
    text = f"By the end of 2023, {sentence}\n"
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {"indicators": [{"sentences": [1], "name": name, "region": "Liaoning", "value": value}]}
    )
    (indicator,) = ground_chunk(text, chunk, answer).indicators
    assert indicator.name == expected


@pytest.mark.parametrize(
    ("sentence", "name", "value", "expected"),
    [
        ("the food industry achieved an output value of 57.28 billion yuan.", "food industry",
         "57.28 billion yuan", "output value of food industry"),
        ("the equipment industry's added value reached 3 billion yuan.", "equipment industry",
         "3 billion yuan", "added value of equipment industry"),
        ("the food industry grew 9.1%.", "food industry", "9.1%", "food industry"),
        ("the food industry sales reached 5 billion yuan.", "food industry sales",
         "5 billion yuan", "food industry sales"),
    ],
)  # fmt: skip
def test_a_level_named_by_its_industry_alone_takes_the_sentences_measure(
    sentence: str, name: str, value: str, expected: str
) -> None:
    text = f"In 2023, {sentence}\n" + PLACES
    (chunk,) = default_chunks(text)
    key = "change" if value.endswith("%") else "value"
    answer = ChunkExtraction.model_validate(
        {"indicators": [{"sentences": [1], "name": name, "region": "Anxi", key: value}]}
    )
    (indicator,) = ground_chunk(text, chunk, answer).indicators
    assert indicator.name == expected


def test_a_span_of_months_after_in_is_one_period() -> None:
    text = "In January-February, the city invested 3 billion yuan; during March to May, 4."
    assert [p[2] for p in time_phrases(text)] == ["January-February", "March to May"]


def test_a_span_of_years_is_a_period() -> None:
    text = "From 2019 to 2021, the county signed 80 projects; in 2022-2023 it signed 40."
    assert [p[2] for p in time_phrases(text)] == ["From 2019 to 2021", "2022-2023"]


def test_the_day_of_an_event_is_a_period_without_on() -> None:
    text = (
        "The county signed nine projects at a fair held on Oct 12. The district launched "
        "40 projects on Thursday, and the city started 12 more on May 6th, 2021."
    )
    assert [p[2] for p in time_phrases(text)] == ["Oct 12", "Thursday", "May 6th, 2021"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("A signing ceremony was held on 28 April in Linyi.", "28 April"),
        ("On the morning of February 7, Linyi started 68 projects.", "February 7"),
        ("On the afternoon of May 3, 2023, Anxi signed 9 projects.", "May 3, 2023"),
        ("March 19 morning, Hexi started 17 projects.", "March 19"),
    ],
)
def test_an_event_day_written_day_first_or_with_the_time_of_day_is_read(
    text: str, day: str
) -> None:
    assert [p[2] for p in time_phrases(text)] == [day]


def test_a_span_of_months_in_a_year_or_between_two_months_is_one_phrase() -> None:
    text = "From January to July in 2012, the park earned 6 billion yuan."
    assert [p[2] for p in time_phrases(text)] == ["From January to July in 2012"]
    text = "In 2023, between January and November, the county signed 61 projects."
    assert [p[2] for p in time_phrases(text)] == ["2023", "between January and November"]


PLACES = "These are the figures of Yulin and of Anxi.\n"
"""A closing line naming the places the answers give: a model's place must be the text's."""

EVENT = (
    "On June 3, the prefecture held a signing ceremony for investment projects. "
    "A total of 41 projects were signed, worth 26 billion yuan.\n"
)


def test_a_period_the_chunk_does_not_write_gives_way_to_the_texts() -> None:
    text = EVENT + PLACES
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                # an ISO date the text never writes: the event's day replaces it
                {
                    "sentences": [2],
                    "name": "number of projects signed",
                    "region": "Yulin",
                    "period": "2022-06-04",
                    "value": "41 projects",
                },
                # a period whose words the chunk writes is kept as the model wrote it
                {
                    "sentences": [2],
                    "name": "total investment of projects signed",
                    "region": "Yulin",
                    "period": "June",
                    "value": "26 billion yuan",
                },
            ]
        }
    )
    first, second = ground_chunk(text, chunk, answer).indicators
    assert first.period == "June 3"
    assert second.period == "June"


STAMPED = (
    "2021-06-22 10:07 Source: City News\n"
    "\n"
    "In the first five months, Xiangtan's industrial output rose 12 percent.\n"
    "Wind power investment reached 3.2 billion yuan, up 40 percent over the same period.\n"
)


@pytest.mark.parametrize(
    "model", ["2021-06-22", "2021-06-22 10:07", "same period", "City News", "wind power"]
)
def test_a_date_stamp_the_same_period_or_words_of_no_time_are_no_period(model: str) -> None:
    # a page's date stamp names no time of a figure, "the same period" only points at one,
    # and words with no time word in them (an event, a source) name none: the period the text
    # states for the figure takes their place (its paragraph's)
    (chunk,) = default_chunks(STAMPED)
    answer = ChunkExtraction.model_validate(
        {
            "indicators": [
                {
                    "sentences": [3],
                    "name": "wind power investment",
                    "region": "Xiangtan",
                    "period": model,
                    "value": "3.2 billion yuan",
                }
            ]
        }
    )
    indicators = ground_chunk(STAMPED, chunk, answer).indicators
    (indicator,) = [i for i in indicators if i.name == "wind power investment"]
    assert indicator.period == "the first five months"


def test_a_later_verb_that_belongs_to_another_count_is_not_taken() -> None:
    sentence = "Of the 40 projects, 25 projects have been signed."
    start = sentence.index("40 projects")
    assert count_wording(sentence, start, start + len("40 projects")) == "number of projects"


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (
            "two projects",
            "number of projects with a total investment of more than three billion yuan",
        ),
        (
            "13 projects",
            "number of projects with a total investment of one billion yuan to 3 billion yuan",
        ),
        ("seven projects", "number of projects with more than 10 billion yuan in investment"),
    ],
)
def test_a_bound_in_words_a_range_or_before_in_investment_names_the_count(
    figure: str, expected: str
) -> None:
    sentence = (
        "By scale, there are two projects with a total investment of more than three billion "
        "yuan, 13 projects with a total investment of one billion yuan to 3 billion yuan, and "
        "seven projects with more than 10 billion yuan in investment."
    )
    start = sentence.index(figure)
    assert count_wording(sentence, start, start + len(figure)) == expected


@pytest.mark.parametrize(
    ("sentence", "figure", "expected"),
    [
        # a verb whose object is a figure tells what the counted did
        (
            "Its 86 key projects attracted 4.1 billion yuan.",
            "86 key projects",
            "number of key projects",
        ),
        (
            "In May, 12 new projects reached a total of 3 billion yuan.",
            "12 new projects",
            "number of new projects",
        ),
    ],
)
def test_a_verb_with_a_figure_for_its_object_ends_a_counts_qualifier(
    sentence: str, figure: str, expected: str
) -> None:
    start = sentence.index(figure)
    assert count_wording(sentence, start, start + len(figure)) == expected


def test_a_name_keeps_the_number_that_is_part_of_it() -> None:
    sentence = "Liaoning accumulated over 110,000 5G base stations, up 20%."
    start = sentence.index("110,000")
    end = sentence.index(", up")
    assert text_wording("5G base stations", [sentence], "Liaoning") == "5G base stations"
    assert count_wording(sentence, start, end) == "number of 5G base stations"


FRAMED = (
    "In 2021, Weifang started 80 key projects with a total investment of 50 billion yuan.\n"
    "\n"
    "Among them, 30 projects are in new materials. Linyi signed 12 projects.\n"
)
EVENT_NAMED = (
    "At the Weifang Expo, Weifang started 80 key projects with a total investment of 50 "
    "billion yuan.\n"
    "\n"
    "Among them, 30 projects are in new materials.\n"
)


def _periods(text: str, *indicators: dict[str, object]) -> dict[str, str | None]:
    """The period of each indicator grounding keeps or adds, by its figure as written."""
    found = grounded_indicators(text, *indicators)
    return {i.value.raw: i.period for i in found if i.value is not None}


def _figure(sentence: int, name: str, region: str, value: str, **fields: str) -> dict[str, object]:
    return {"sentences": [sentence], "name": name, "region": region, "value": value, **fields}


def _counts(text: str, period: str) -> dict[str, str | None]:
    started = _figure(
        1, "number of key projects started", "Weifang", "80 key projects", period=period
    )
    return _periods(text, started)


def test_a_figure_without_a_stated_period_takes_its_places_period_in_the_chunk() -> None:
    periods = _counts(FRAMED, "2021")
    # the frame is a paragraph before: the text states no period for the count
    assert periods["30 projects"] == "2021"
    # another place's count does not take Weifang's period
    assert periods["12 projects"] is None


def test_a_period_the_chunk_writes_as_no_time_phrase_is_not_shared() -> None:
    periods = _counts(EVENT_NAMED, "Weifang Expo")  # an event's name, not a time phrase
    # no time word: no period of the count, and none shared with another
    assert periods["80 key projects"] is None
    assert periods["30 projects"] is None


CEREMONY = (
    "On May 28, 2024, Linyi held a concentrated start of key projects of the second quarter "
    "of 2024.\n"
    "\n"
    "Among them, Linyi started 40 industrial projects. Industrial output value reached 90 "
    "billion yuan in 2024.\n"
)


def _ceremony_periods(text: str, period: str) -> dict[str, str | None]:
    started = _figure(
        2, "number of industrial projects started", "Linyi", "40 industrial projects", period=period
    )
    output = _figure(3, "industrial output value", "Linyi", "90 billion yuan")
    return _periods(text, started, output)


# a quarter the model writes without a year is the event's year's
@pytest.mark.parametrize("period", ["the second quarter of 2024", "2024", "the second quarter"])
def test_a_batch_at_a_dated_event_takes_the_events_day(period: str) -> None:
    periods = _ceremony_periods(CEREMONY, period)
    assert periods["40 industrial projects"] == "May 28, 2024"
    assert periods["90 billion yuan"] == "2024"  # no batch of projects: its own period


def test_a_day_first_event_day_is_the_batchs_period_too() -> None:
    text = CEREMONY.replace("May 28, 2024", "28 May 2024")
    assert _ceremony_periods(text, "2024")["40 industrial projects"] == "28 May 2024"


def test_an_event_day_is_not_given_when_the_chunk_writes_two() -> None:
    text = CEREMONY.replace("Among them,", "On June 3, 2024, projects were signed. Among them,")
    periods = _ceremony_periods(text, "2024")
    assert periods["40 industrial projects"] == "2024"


def test_the_day_of_a_conference_is_the_period_of_the_batch_signed_there() -> None:
    # the day stands in a sentence about the event that does not say "projects"
    text = (
        "On May 28, 2024, the Invest in Linyi Conference opened in Jinan.\n"
        "\n"
        "Among them, Linyi started 40 industrial projects. Industrial output value reached 90 "
        "billion yuan in 2024.\n"
    )
    periods = _ceremony_periods(text, "2024")
    assert periods["40 industrial projects"] == "May 28, 2024"
    assert periods["90 billion yuan"] == "2024"


def test_recently_is_the_period_of_a_batch_the_text_dates_so() -> None:
    text = "Recently, Linyi started 40 industrial projects in its development zone.\n"
    started = _figure(1, "number of industrial projects started", "Linyi", "40 industrial projects")
    assert _periods(text, started) == {"40 industrial projects": "Recently"}


def test_the_time_a_figure_is_compared_with_is_not_its_period() -> None:
    text = (
        "In the first quarter of 2020, Weifang's industrial output reached 50 billion yuan, "
        "up 15 percent over the same period last year.\n"
    )
    output = _figure(1, "industrial output", "Weifang", "50 billion yuan", period="last year")
    assert _periods(text, output) == {"50 billion yuan": "the first quarter of 2020"}
    assert [p for _, _, p in time_phrases(text)] == ["the first quarter of 2020"]


@pytest.mark.parametrize("period", [None, "by the end of this year"])
def test_a_time_phrase_of_a_later_expectation_is_not_the_figures_period(
    period: str | None,
) -> None:
    text = (
        "Anxi's installed capacity of wind power has reached 3.5 million kW and is expected "
        "to pass 4 million kW by the end of this year.\n"
    )
    fields = {"period": period} if period else {}
    capacity = _figure(1, "installed capacity of wind power", "Anxi", "3.5 million kW", **fields)
    assert _periods(text, capacity) == {"3.5 million kW": None}


def test_a_time_phrase_right_after_a_figure_is_its_period() -> None:
    text = "Output grew from 86 billion yuan in 2015 to 135 billion yuan in 2020, up 9 percent."
    sentence = Sentence(0, len(text), text, 0)
    periods = [sentence_period(sentence, text.index(f)) for f in ("86", "135", "9 percent")]
    assert periods == ["2015", "2020", "2020"]
