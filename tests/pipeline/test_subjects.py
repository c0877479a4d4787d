"""The place that acts in a sentence (``extractor.pipeline.subjects``) and the batch figures
it places. The sentences are invented in the style of the articles, not taken from the seeds
or the check half."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.chunk import Sentence
from extractor.pipeline.counts import project_counts
from extractor.pipeline.subjects import acting_place, framing_place, named_place, placed
from extractor.records import Evidence, Indicator, Quantity


def _place(text: str, nth: int = 0) -> str | None:
    (chunk,) = default_chunks(text)
    sentence = chunk.sentences[nth]
    return acting_place(sentence) or framing_place(chunk.sentences, sentence)


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("Lishui signed eleven projects with investors from Hong Kong.", "Lishui"),
        ("On May 8, Yulin City held a ceremony for 30 key projects.", "Yulin City"),
        ("Southwest China's Guizhou launched 512 projects on Friday.", "Guizhou"),
        ("Inner Mongolia autonomous region has started 90 major projects.",
         "Inner Mongolia autonomous region"),
        ("In 2023, Anxi county will implement 40 industrial projects.", "Anxi county"),
        # a pronoun, a company or a clause opener is no place
        ("It signed eleven projects with investors from Hong Kong.", None),
        ("Hengrui Group signed eleven projects in the county.", None),
        ("Although Lishui signed eleven projects, investment fell.", None),
        ("Which completed 40 projects above designated size.", None),
        ("New invested projects had started production by May.", None),  # a capital opener
        ("Recently signed projects number 40.", None),
        # a place that does not act on projects
        ("Lishui is a city in Zhejiang with 2.5 million people.", None),
    ],
)  # fmt: skip
def test_the_place_that_signs_starts_or_launches_is_the_subject(
    sentence: str, place: str | None
) -> None:
    assert _place(sentence + "\n") == place


def test_the_paragraphs_acting_place_frames_its_later_sentences_only() -> None:
    text = (
        "Lishui signed eleven projects at the fair.\n"
        "Four of them were signed online.\n"
        "\n"
        "Another paragraph says six projects were started.\n"
    )
    assert _place(text, 1) == "Lishui"
    assert _place(text, 2) is None


def test_a_count_takes_the_acting_place_over_another_place_of_its_sentence() -> None:
    text = "Hezhou signed six projects with enterprises from the Yangtze River Delta on May 3.\n"
    (chunk,) = default_chunks(text)
    (count,) = project_counts(chunk.sentences, [])
    assert (count.name, count.region, count.period) == (
        "number of projects signed",
        "Hezhou",
        "May 3",
    )


def _figure(sentence: Sentence, figure: str, **fields: str | None) -> Indicator:
    return Indicator(
        name="industrial investment",
        value=Quantity(value=float(figure.split()[0]), unit="CNY", raw=figure),
        evidence=[Evidence(start=sentence.start, end=sentence.end, text=sentence.text)],
        **fields,
    )


def test_a_figure_of_no_place_and_no_company_takes_its_paragraphs_acting_place() -> None:
    text = "Yulin City launched 30 key projects. Industrial investment reached 12 yuan.\n"
    (chunk,) = default_chunks(text)
    (placed_figure,) = placed([_figure(chunk.sentences[1], "12 yuan")], chunk.sentences, text)
    assert placed_figure.region == "Yulin City"


def test_a_figure_of_no_place_takes_the_place_that_acts_first_in_the_document() -> None:
    text = "Anxi county signed 12 projects.\n\nIndustrial investment reached 12 yuan.\n"
    (chunk,) = default_chunks(text[text.index("Industrial") :])
    (placed_figure,) = placed([_figure(chunk.sentences[0], "12 yuan")], chunk.sentences, text)
    assert placed_figure.region == "Anxi county"


def test_a_figure_no_place_can_be_found_for_is_left_out_with_a_warning_a_companys_kept() -> None:
    text = "Industrial investment reached 12 yuan.\n"
    (chunk,) = default_chunks(text)
    sentence = chunk.sentences[0]
    company = _figure(sentence, "12 yuan", enterprise="Hengrui Group")
    warnings: list[str] = []
    figures = [_figure(sentence, "12 yuan"), company]
    assert placed(figures, chunk.sentences, text, warnings) == [company]
    assert warnings == [f"indicator {figures[0].name!r}: no place or company found for it, dropped"]


def test_a_place_noun_alone_is_resolved_and_never_lends_itself_to_another_figure() -> None:
    text = (
        "Anxi county signed 12 projects.\n\n"
        "Output of the county reached 30 yuan. Industrial investment reached 12 yuan.\n"
    )
    (chunk,) = default_chunks(text[text.index("Output") :])
    first, second = chunk.sentences
    figures = [_figure(first, "30 yuan", region="the county"), _figure(second, "12 yuan")]
    assert [f.region for f in placed(figures, chunk.sentences, text)] == [
        "Anxi county",
        "Anxi county",
    ]


@pytest.mark.parametrize(
    "unnamed",
    [
        "provinces",
        "provincial level",
        "development zones",
        # an event is where a batch was signed, no place
        "Yangtze River Delta Regional Cooperation Meeting",
        "Hexi Economic and Trade Cooperation Seminar",
        # the country is the whole a regional figure is compared with
        "China",
        "the country",
    ],
)
def test_lower_case_words_or_an_event_name_no_region_and_give_way_to_the_place(
    unnamed: str,
) -> None:
    text = "Anxi county signed 12 projects.\n\nIndustrial investment reached 12 yuan.\n"
    (chunk,) = default_chunks(text[text.index("Industrial") :])
    figure = _figure(chunk.sentences[0], "12 yuan", region=unnamed)
    (placed_figure,) = placed([figure], chunk.sentences, text)
    assert placed_figure.region == "Anxi county"


def test_a_companys_name_is_no_region_its_figure_is_the_companys() -> None:
    text = "Yulin City launched 30 key projects. Sales of Hengrui Group reached 12 yuan.\n"
    (chunk,) = default_chunks(text)
    own = _figure(chunk.sentences[1], "12 yuan", region="Hengrui Group")
    (figure,) = placed([own], chunk.sentences, text)
    assert (figure.region, figure.enterprise) == (None, "Hengrui Group")


def test_a_batch_given_a_companys_name_for_region_takes_the_place() -> None:
    text = "Yulin City launched 30 key projects. Hengrui Group signed projects worth 12 yuan.\n"
    (chunk,) = default_chunks(text)
    batch = _figure(chunk.sentences[1], "12 yuan", region="Hengrui Group Co., Ltd.")
    batch = batch.model_copy(update={"name": "total investment of projects signed"})
    (figure,) = placed([batch], chunk.sentences, text)
    assert (figure.region, figure.enterprise) == ("Yulin City", None)


@pytest.mark.parametrize(
    ("text", "region", "place"),
    [
        ("The government of Lishui in China's Zhejiang Province signed 12 projects.\n",
         "Zhejiang Province", "Lishui"),
        ("A ceremony was held in Yulin, Northwest China's Shaanxi province, on May 8.\n",
         "Shaanxi", "Yulin"),
        ("The park of Qinzhou City in south China's Guangxi Zhuang Autonomous Region grew.\n",
         "south China's Guangxi Zhuang Autonomous Region", "Qinzhou City"),
        ("Optics city in Hubei grows\n\nThe Wuhan Optics City in Hubei province grew. "
         "Hubei Jiufeng Co signed a deal.\n", "Hubei province", "Wuhan Optics City"),
        # the province is also named on its own, or locates two places: it stays
        ("Lishui in Zhejiang signed 12 projects. Zhejiang grew 5 percent.\n", "Zhejiang", None),
        ("Lishui, Zhejiang and Wenzhou, Zhejiang signed 12 projects.\n", "Zhejiang", None),
        ("Meanwhile in Zhejiang, 12 projects were signed.\n", "Zhejiang", None),
    ],
)  # fmt: skip
def test_a_province_written_only_to_locate_a_smaller_place_gives_way_to_it(
    text: str, region: str, place: str | None
) -> None:
    (chunk,) = default_chunks(text)
    figure = _figure(chunk.sentences[-1], "12 yuan", region=region)
    (out,) = placed([figure], chunk.sentences, text)
    assert out.region == (place or region)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Gansu is dry. Located in a desert, Lishui city grows. The city earned 12 yuan.\n",
         "Lishui city"),
        ("Anxi County is in Gansu. Solar is booming in the county, which earned 12 yuan.\n",
         "Anxi County"),
        # the sentence names the province, no such place is named before, or no noun refers
        ("Lishui city grows. The city and Gansu earned 12 yuan.\n", None),
        ("Gansu is dry. The city earned 12 yuan.\n", None),
        ("Lishui city grows. Hexi Solar earned 12 yuan.\n", None),
    ],
)  # fmt: skip
def test_the_city_a_sentence_writes_is_the_place_named_before_over_the_models_province(
    text: str, place: str | None
) -> None:
    (chunk,) = default_chunks(text)
    figure = _figure(chunk.sentences[-1], "12 yuan", region="Gansu")
    (out,) = placed([figure], chunk.sentences, text)
    assert out.region == (place or "Gansu")


@pytest.mark.parametrize(
    ("region", "place"),
    [
        ("Guazhou, Gansu", "Guazhou"),
        ("Cangzhou City, Hebei Province", "Cangzhou City"),
        ("Beibu Gulf Economic Zone, Guangxi Zhuang autonomous region", "Beibu Gulf Economic Zone"),
        # a list of places, or a tail that is no province, stays
        ("Beijing, Tianjin and Hebei Province", "Beijing, Tianjin and Hebei Province"),
        ("Jiutai District, Changchun", "Jiutai District, Changchun"),
    ],
)
def test_a_province_after_a_comma_in_a_region_gives_way_to_the_place_before_it(
    region: str, place: str
) -> None:
    text = "The county signed projects worth 12 yuan.\n"
    (chunk,) = default_chunks(text)
    (out,) = placed([_figure(chunk.sentences[0], "12 yuan", region=region)], chunk.sentences, text)
    assert out.region == place


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("SHZ", "Shuanghe High-tech Zone"),
        ("Shuanghe High-tech Zone (SHZ)", "Shuanghe High-tech Zone"),
        ("LDZ", "LDZ"),  # no definition in the text: left as written
        ("Shuanghe", "Shuanghe"),
    ],
)
def test_a_region_written_as_the_acronym_the_text_defines_is_spelled_out(
    region: str, expected: str
) -> None:
    text = (
        "The Shuanghe High-tech Zone (SHZ) signed 12 projects in May. "
        "Industrial investment in the SHZ reached 12 yuan.\n"
    )
    (chunk,) = default_chunks(text)
    figure = _figure(chunk.sentences[1], "12 yuan", region=region)
    (placed_figure,) = placed([figure], chunk.sentences, text)
    assert placed_figure.region == expected


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("Anxi WeChat Official Account 2023-03-02", "Anxi"),
        ("Anxi Daily", "Anxi"),
        ("Xinhua", "Anxi county"),  # a medium alone: the text's acting place instead
        ("Anxi county", "Anxi county"),
    ],
)
def test_a_region_a_byline_gave_keeps_only_its_place(region: str, expected: str) -> None:
    text = "Anxi county signed 12 projects. Industrial investment reached 12 yuan.\n"
    (chunk,) = default_chunks(text)
    figure = _figure(chunk.sentences[1], "12 yuan", region=region)
    (placed_figure,) = placed([figure], chunk.sentences, text)
    assert placed_figure.region == expected


@pytest.mark.parametrize(
    ("text", "region", "name", "expected"),
    [
        # "the company" is the company named before, whatever region the model gave
        ("Hexi Steel Group is based in Anxi. The company saw revenue reach 12 yuan.\n",
         "Anxi", "company saw revenue", ("revenue", None, "Hexi Steel Group")),
        # "it" and an opening company name only for a figure no place is found for
        ("Hexi Titanium Co Ltd grows. In 2023, it produced 12 yuan of sponge.\n",
         None, "sponge production", ("sponge production", None, "Hexi Titanium Co Ltd")),
        ("Hami-based Hexi Titanium Co Ltd produced 12 yuan of sponge.\n",
         None, "sponge production", ("sponge production", None, "Hexi Titanium Co Ltd")),
        ("Yulin City signed 3 projects. In 2023, it produced 12 yuan of sponge.\n",
         None, "sponge production", ("sponge production", "Yulin City", None)),
        # a batch of projects is a place's
        ("Hexi Steel Group is in Anxi county. The company signed 12 yuan of projects.\n",
         "Anxi county", "investment of projects", ("investment of projects", "Anxi county", None)),
    ],
)  # fmt: skip
def test_a_figure_whose_subject_is_a_company_is_the_companys(
    text: str, region: str | None, name: str, expected: tuple[str, str | None, str | None]
) -> None:
    (chunk,) = default_chunks(text)
    figure = _figure(chunk.sentences[-1], "12 yuan", region=region).model_copy(
        update={"name": name}
    )
    (out,) = placed([figure], chunk.sentences, text)
    assert (out.name, out.region, out.enterprise) == expected


def test_another_countrys_figure_is_left_out_with_a_warning_chinas_are_kept() -> None:
    text = (
        "Britain has pledged loans worth 15 yuan. Anxi county signed 12 projects worth 30 yuan.\n"
    )
    (chunk,) = default_chunks(text)
    foreign = _figure(chunk.sentences[0], "15 yuan", region="Britain")
    local = _figure(chunk.sentences[1], "30 yuan", region="Anxi county")
    warnings: list[str] = []
    assert placed([foreign, local], chunk.sentences, text, warnings) == [local]
    assert warnings == [
        f"indicator {foreign.name!r}: a figure of Britain, not of a place in China, dropped"
    ]


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Qiaotou Resin Processing Project", "Qiaotou"),
        ("Hexi District 718 New Materials Base", "Hexi District"),
        ("Lanxiang Smart Energy Project", None),  # a brand: the text writes it as no place
        ("Anxi Logistics Project", None),  # the text names no place Anxi
        ("Solar Glass Project", None),
    ],
)
def test_a_project_takes_the_place_its_name_opens_with_where_the_text_writes_it_as_one(
    name: str, place: str | None
) -> None:
    document = (
        "Qiaotou Resin Processing Project and Lanxiang Smart Energy Project started in "
        "Qiaotou and in Hexi District, where Lanxiang Group invests."
    )
    assert named_place(name, document) == place


def test_a_place_a_sentence_opens_with_counts_as_written_as_a_place() -> None:
    document = "In Qiaotou, the Qiaotou Resin Processing Project started."
    assert named_place("Qiaotou Resin Processing Project", document) == "Qiaotou"
