"""Projects a sentence lists by name (``extractor.pipeline.listed``), alone and through
grounding. The sentences are invented in the style of the articles, not taken from the seeds
or the check half."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.listed import listed_companies, listed_projects, named_projects
from extractor.pipeline.wire import ChunkExtraction
from extractor.records import Status


def _names(text: str) -> list[str]:
    (chunk,) = default_chunks(text)
    return [p.name for p in listed_projects(chunk.sentences)]


def _owners(text: str) -> list[list[str]]:
    (chunk,) = default_chunks(text)
    return [p.enterprises for p in listed_projects(chunk.sentences)]


def test_each_named_item_of_a_list_after_including_is_a_project() -> None:
    text = (
        "The city started 12 projects, including the Hexi smart grid project in Anxi county, "
        "which has an investment of 2 billion yuan, Lanling Chemical's 50,000-ton resin "
        "facility, and the Qiaotou logistics park invested by Ruida Group.\n"
    )
    assert _names(text) == [
        "Hexi smart grid project",
        "50,000-ton resin facility",
        "Qiaotou logistics park",
    ]


def test_a_list_after_that_is_or_a_glued_including_is_read() -> None:
    text = (
        "Of the 8 projects, there are 3 industrial projects, that is, Hexi Battery Project, "
        "Anxi Glass Project and Lanling Resin Project.\n"
        "The zone grew on projects includingQiaotou Steel Phase II Project and Ruida Paper "
        "Project.\n"
    )
    assert _names(text) == [
        "Hexi Battery Project",
        "Anxi Glass Project",
        "Lanling Resin Project",
        "Qiaotou Steel Phase II Project",
        "Ruida Paper Project",
    ]


def test_and_inside_a_name_in_a_list_of_project_names_does_not_split_it() -> None:
    text = (
        "The 3 projects include Hexi Battery Project, Anxi Printing and Packaging Project and "
        "Lanling Resin Project.\n"
    )
    assert _names(text) == [
        "Hexi Battery Project",
        "Anxi Printing and Packaging Project",
        "Lanling Resin Project",
    ]


def test_a_listed_name_ends_before_the_clause_about_it() -> None:
    text = (
        "Key projects, including the Hexi Headquarters advanced in an orderly manner, the "
        "Qiaotou Data Center started simultaneously and the Anxi advanced materials base.\n"
    )
    assert _names(text) == [
        "Hexi Headquarters",
        "Qiaotou Data Center",
        "Anxi advanced materials base",
    ]


def _statuses(text: str) -> list[str | None]:
    (chunk,) = default_chunks(text)
    return [p.status.value if p.status else None for p in listed_projects(chunk.sentences)]


def test_a_listed_project_takes_the_one_status_its_sentence_states() -> None:
    started = (
        "Anxi broke ground on 12 projects, including the Hexi smart grid project and the "
        "Qiaotou logistics park.\n"
    )
    signed = "Anxi signed 8 projects, including the Hexi smart grid project.\n"
    both = "Anxi signed 8 projects and broke ground on 12, including the Hexi smart grid project.\n"
    assert _statuses(started) == ["under_construction", "under_construction"]
    assert _statuses(signed) == ["signed"]
    assert _statuses(both) == [None]  # two statuses: the sentence does not say whose


def test_the_owner_an_item_names_is_its_projects_enterprise() -> None:
    text = (
        "Other ventures, including the Hexi smart grid project, Lanling Chemical's 50,000-ton "
        "resin facility, and the Qiaotou logistics park invested by Ruida Group, "
        "and a power station by the Yellow River, are planned.\n"
    )
    assert _owners(text) == [[], ["Lanling Chemical"], ["Ruida Group"], []]


def test_after_a_count_of_projects_a_proper_name_without_project_word_is_one() -> None:
    text = (
        "24 projects, including Yinhe Wind turbine blades and Dongsheng Copper smelting, "
        "are listed.\n"
    )
    assert _names(text) == ["Yinhe Wind turbine blades", "Dongsheng Copper smelting"]


def test_lists_of_other_things_and_figures_of_a_project_named_before_are_not_projects() -> None:
    text = (
        "The park attracts industries such as biomedicine, new materials and Smart Logistics.\n"
        "Its projects have high quality, including the average investment of the project and "
        "the Jinxi and other projects of over 1 billion yuan.\n"
    )
    assert _names(text) == []


def test_grounding_adds_the_listed_projects_the_model_left_out() -> None:
    text = (
        "Anxi signed 6 projects, including the Hexi smart grid project and the Qiaotou "
        "logistics park.\n"
    )
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {"projects": [{"sentences": [1], "name": "Hexi smart grid project"}]}
    )
    names = [p.name for p in ground_chunk(text, chunk, answer).projects]
    assert "Qiaotou logistics park" in names


def test_a_list_is_not_split_inside_a_name_and_an_items_worth_is_no_part_of_its_name() -> None:
    text = (
        "The zone completed 40 industrial projects, including the Binhe Solar Glass Plant worth "
        "of 2.5 billion yuan, the Anxi Motor Co., Ltd. assembly base (900 million yuan), "
        "Yuanda Science and Technology Headquarters; and the Qiaotou logistics park.\n"
    )
    assert _names(text) == [
        "Binhe Solar Glass Plant",
        "Anxi Motor Co., Ltd. assembly base",
        "Yuanda Science and Technology Headquarters",
        "Qiaotou logistics park",
    ]


def _roles(text: str) -> list[tuple[str, str]]:
    (chunk,) = default_chunks(text)
    return [(r.enterprise, r.role.value) for r in listed_companies(chunk.sentences)]


def test_each_company_a_list_names_gets_a_role_by_what_the_list_calls_them() -> None:
    text = (
        "The zone boasts four carmakers and other manufacturers including Anxi Motor, "
        "Qiaotou-Hengda and Lishui Auto Parts Co., Ltd. "
        "Leading copper makers like Yuanda Group and Binhe Copper chose to settle there. "
        "The park has three newly introduced companies including Hexi Machinery.\n"
    )
    assert _roles(text) == [
        ("Anxi Motor", "other"),
        ("Qiaotou-Hengda", "other"),
        ("Lishui Auto Parts Co., Ltd", "other"),
        ("Yuanda Group", "chain_leader"),
        ("Binhe Copper", "chain_leader"),
        ("Hexi Machinery", "investor"),
    ]


def test_companies_a_list_calls_leaders_are_chain_leaders() -> None:
    text = (
        "Anxi houses renowned battery leaders such as Hexi Battery, BYD, Yuanda Power, and "
        "Binhe Lithium Energy.\n"
    )
    assert _roles(text) == [
        ("Hexi Battery", "chain_leader"),
        ("BYD", "chain_leader"),
        ("Yuanda Power", "chain_leader"),
        ("Binhe Lithium Energy", "chain_leader"),
    ]


def test_a_list_that_ends_in_its_head_names_each_company_before_it() -> None:
    text = (
        "Anxi group, HEXI KERRY, Yuanda Motor and other well-known enterprises at home and "
        "abroad have settled in the zone. "
        "In Lishui, Binhe Copper, Qiaotou Steel and other leading enterprises opened plants. "
        "The output of carpet, spinning and other light industry enterprises grew.\n"
    )
    assert _roles(text) == [
        ("Anxi group", "other"),
        ("HEXI KERRY", "other"),
        ("Yuanda Motor", "other"),
        ("Binhe Copper", "chain_leader"),
        ("Qiaotou Steel", "chain_leader"),
    ]


def test_a_company_list_after_include_with_long_names_and_upper_case_legal_forms_is_read() -> None:
    text = (
        "Registered enterprises include China Anxi Heavy Duty Machinery Group Binhe Gear Co., "
        "LTD, Hexi Rail Co., LTD and Lishui Motor Group Co., Ltd.\n"
    )
    assert _roles(text) == [
        ("China Anxi Heavy Duty Machinery Group Binhe Gear Co., LTD", "other"),
        ("Hexi Rail Co., LTD", "other"),
        ("Lishui Motor Group Co., Ltd", "other"),
    ]


def test_companies_a_place_attracted_or_lists_as_players_are_other_without_a_project() -> None:
    # the labellers' reading (decisions b11hub 18, b14northwest 6): companies a place has
    # attracted, named with no project of their own, are `other`, not investors
    text = (
        "The zone has attracted heavyweight players such as Anxi Motor and Yuanda Group. "
        "It has attracted nearly 30 enterprises such as Binhe Copper. "
        "Its wind project developers including Hexi Energy are busy.\n"
    )
    assert _roles(text) == [
        ("Anxi Motor", "other"),
        ("Yuanda Group", "other"),
        ("Binhe Copper", "other"),
        ("Hexi Energy", "other"),
    ]


def test_a_company_list_in_brackets_ends_at_the_closing_bracket() -> None:
    text = (
        "The machinery industry has formed two leading enterprises (Anxi Motor and Yuanda "
        "Group), 7 backbone enterprises (such as Binhe Copper, Hexi Machinery, etc.), and 20 "
        "supporting enterprises (such as Qiaotou Brakes), with main products covering pistons. "
        "The zone has 40 state-owned enterprises (SOEs) and private enterprises (firms).\n"
    )
    assert _roles(text) == [
        ("Anxi Motor", "chain_leader"),
        ("Yuanda Group", "chain_leader"),
        ("Binhe Copper", "other"),
        ("Hexi Machinery", "other"),
        ("Qiaotou Brakes", "other"),
    ]


def test_and_inside_a_companys_name_does_not_split_the_list() -> None:
    text = (
        "Anxi has signed deals with enterprises including Hexi Aerospace Science and Industry "
        "Corporation, Binhe Energy Conservation and Environmental Protection Group, Lishui "
        "Steel and Iron Group and Yuanda Group.\n"
    )
    assert [name for name, _ in _roles(text)] == [
        "Hexi Aerospace Science and Industry Corporation",
        "Binhe Energy Conservation and Environmental Protection Group",
        "Lishui Steel and Iron Group",
        "Yuanda Group",
    ]


def test_companies_a_place_cooperates_or_signs_an_agreement_with_are_partners() -> None:
    text = (
        "Anxi signed a cooperation agreement with companies such as Binhe Copper and Hexi "
        "Machinery. "
        "The city has cooperated with energy firms, including Yuanda Group.\n"
    )
    assert _roles(text) == [
        ("Binhe Copper", "partner"),
        ("Hexi Machinery", "partner"),
        ("Yuanda Group", "partner"),
    ]


def test_companies_listed_as_visitors_or_attendees_and_lists_of_products_get_no_role() -> None:
    text = (
        "More than 200 companies, including Anxi Motor and Yuanda Group, attended the fair. "
        "The mayor visited enterprises such as Binhe Copper. "
        "Its firms make products such as copper foil and cathode plates.\n"
    )
    assert _roles(text) == []


def test_and_inside_an_of_phrase_does_not_split_the_list() -> None:
    text = (
        "Anxi signed 6 projects, including Joint Innovation Project of Provincial and Municipal "
        "Universities, Hexi Logistics Park Project and Binhe Fund Project.\n"
    )
    assert _names(text) == [
        "Joint Innovation Project of Provincial and Municipal Universities",
        "Hexi Logistics Park Project",
        "Binhe Fund Project",
    ]


def test_a_listed_project_takes_the_sector_its_name_states_in_lower_case_words() -> None:
    text = (
        "Anxi signed 3 projects, including the big data industrial park, the 800-million yuan "
        "carpet base and Hexi Wind Power Equipment.\n"
    )
    (chunk,) = default_chunks(text)
    assert [(p.name, p.sector) for p in listed_projects(chunk.sentences)] == [
        ("big data industrial park", "big data"),
        ("800-million yuan carpet base", "carpet"),
        # the Chinese name it opens with is no sector; the rest is (row PLS)
        ("Hexi Wind Power Equipment", "wind power equipment"),
    ]


def test_a_listed_project_takes_the_capacity_its_name_states() -> None:
    text = (
        "Anxi started 3 projects, including Lanling Chemical's 50,000-ton resin facility, the "
        "2-million-kilowatt solar project and the Qiaotou logistics park.\n"
    )
    (chunk,) = default_chunks(text)
    sizes = {
        p.name: [(c.value, c.unit) for c in p.capacity] for p in listed_projects(chunk.sentences)
    }
    assert sizes == {
        "50,000-ton resin facility": [(50000, "t")],
        "2-million-kilowatt solar project": [(2e6, "kW")],
        "Qiaotou logistics park": [],
    }


def test_a_listed_project_lists_the_company_its_name_states_with_a_legal_form() -> None:
    # the guide: an enterprise named only inside the project's name is listed too
    text = (
        "Anxi started 2 projects, including the Ruida Group Hexi logistics park and the "
        "Qiaotou Smart Valley project.\n"
    )
    assert _owners(text) == [["Ruida Group"], []]


def test_a_listed_project_is_located_where_its_item_or_its_sentence_says() -> None:
    text = (
        "Hexi started 12 projects, including the Yunda wind power equipment project in Jinan "
        "New Area and the Qiaotou logistics park.\n\n"
        "In Torch Development Zone, 5 projects started, including the Ruida resin facility.\n"
    )
    chunks = default_chunks(text)
    located = {p.name: p.location for chunk in chunks for p in listed_projects(chunk.sentences)}
    assert located == {
        "Yunda wind power equipment project": "Jinan New Area",
        "Qiaotou logistics park": "Hexi",  # the place that starts them
        "Ruida resin facility": "Torch Development Zone",  # the place that frames the sentence
    }


def test_after_projects_such_as_a_proper_name_without_project_word_is_one() -> None:
    text = "Projects such as Qiaotou Academician Port and Hexi Smart Valley will open in May.\n"
    assert _names(text) == ["Qiaotou Academician Port", "Hexi Smart Valley"]


def test_the_partners_a_joint_venture_is_formed_between_are_its_joint_venture_partners() -> None:
    text = (
        "Anxi Wind Power was founded in 2022 as a joint venture between Qiaotou Heavy "
        "Industries, Hexi, and Lishui Precision Machinery. "
        "The joint venture between German carmaker Binhe Motor AG and Yuanda Auto Co Ltd "
        "will build a plant.\n"
    )
    (chunk,) = default_chunks(text)
    roles = ground_chunk(text, chunk, ChunkExtraction()).roles
    assert [(r.enterprise, r.role.value, r.project) for r in roles] == [
        ("Qiaotou Heavy Industries", "joint_venture_partner", None),
        ("Hexi", "joint_venture_partner", None),
        ("Lishui Precision Machinery", "joint_venture_partner", None),
        ("Binhe Motor AG", "joint_venture_partner", None),
        ("Yuanda Auto Co Ltd", "joint_venture_partner", None),
    ]


def test_and_inside_a_joint_venture_partners_name_is_kept() -> None:
    text = "Anxi Steel is a joint venture between Qiaotou Iron and Steel Group and Hexi.\n"
    (chunk,) = default_chunks(text)
    roles = ground_chunk(text, chunk, ChunkExtraction()).roles
    assert [r.enterprise for r in roles] == ["Qiaotou Iron and Steel Group", "Hexi"]


def test_a_list_after_covering_or_had_a_total_of_names_projects_too() -> None:
    text = (
        "Four industries are located in the base, covering the Hexi Smart Grid Project, "
        "Anxi Glass Cover Plate Project and Qiaotou Backplane Project. "
        "On the same day, Lishui county had a total of Binhe Textile phase II dyeing project, "
        "Yuanda's annual output of 10,000 tons resin project.\n"
    )
    assert _names(text) == [
        "Hexi Smart Grid Project",
        "Anxi Glass Cover Plate Project",
        "Qiaotou Backplane Project",
        "Binhe Textile phase II dyeing project",
        "annual output of 10,000 tons resin project",
    ]


def test_a_list_after_includes_names_projects_but_not_a_projects_parts() -> None:
    text = (
        "The started projects include the Hexi Battery Base Project (Phase I), Anxi Lithium "
        "Phase II and Qiaotou New Plant. "
        "The construction content includes a new R&D department, a production base and a "
        "demonstration center.\n"
    )
    assert _names(text) == [
        "Hexi Battery Base Project (Phase I)",
        "Anxi Lithium Phase II",
        "Qiaotou New Plant",
    ]


def test_a_glued_sentence_after_a_listed_name_is_no_part_of_it() -> None:
    text = (
        "The city signed projects including the Hexi smart grid project and the Anxi stone "
        "utilization project.Editor/Ma Xue\n"
    )
    assert _names(text) == ["Hexi smart grid project", "Anxi stone utilization project"]


def _named(text: str) -> list[str]:
    (chunk,) = default_chunks(text)
    return [p.name for p in named_projects(chunk.sentences, [])]


def test_a_proper_name_ending_in_a_facility_word_is_a_project_out_of_any_list() -> None:
    text = (
        "Work on the Qiaotou Gas Power Plant and the Lanxi Resin Production Base went on "
        "in May, and the Hexi Battery Project was signed.\n"
    )
    assert _named(text) == [
        "Qiaotou Gas Power Plant",
        "Lanxi Resin Production Base",
        "Hexi Battery Project",
    ]


def test_a_named_project_the_chunk_has_under_a_like_name_is_not_added_again() -> None:
    text = "The Qiaotou Gas Power Plant of Hexi Energy started construction in May.\n"
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {"projects": [{"sentences": [1], "name": "Qiaotou gas power plant"}]}
    )
    names = [p.name for p in ground_chunk(text, chunk, answer).projects]
    assert names == ["Qiaotou Gas Power Plant"]


@pytest.mark.parametrize(
    "text",
    [
        "The Provincial Government's Major Project list grew in May.\n",
        "The Strategic Cooperation Project was discussed at the meeting.\n",
        "The Qiaotou Surge Project drew crowds.\n",  # a programme word the name ends near
        "Anxi Industrial Park and the Hexi Science Park host 40 firms.\n",
        "The Anxi Resin Plants employ 900 people.\n",
        # words that leave the project unnamed, and a year before the head word
        "The Phase II Project and the PPP Project started in May.\n",
        "In 2023 Project construction sped up.\n",
    ],
)
def test_a_programme_a_park_a_plural_or_no_name_is_no_named_project(text: str) -> None:
    assert _named(text) == []


def test_grounding_adds_a_named_project_the_model_left_out() -> None:
    text = "The Qiaotou Gas Power Plant started construction in May.\n"
    (chunk,) = default_chunks(text)
    projects = ground_chunk(text, chunk, ChunkExtraction()).projects
    assert [(p.name, p.status) for p in projects] == [
        ("Qiaotou Gas Power Plant", Status.UNDER_CONSTRUCTION)
    ]


def test_a_listed_projects_sector_starts_after_the_chinese_names_its_name_opens_with() -> None:
    text = (
        "The county signed 5 projects, including the Qiaotou Hexi stone processing project "
        "and the Lanxi resin plant.\n"
    )
    (chunk,) = default_chunks(text)
    sectors = {p.name: p.sector for p in listed_projects(chunk.sentences)}
    assert sectors["Qiaotou Hexi stone processing project"] == "stone processing"


def test_a_named_projects_title_case_sector_is_lower_case_unless_a_name_is_left_in_it() -> None:
    text = (
        "Work on the Qiaotou Nuclear Power Plant, the Hexi BYD Battery Project and the "
        "Lanxiang Zhongshan Base went on in May.\n"
    )
    (chunk,) = default_chunks(text)
    sectors = {p.name: p.sector for p in named_projects(chunk.sentences, [])}
    assert sectors == {
        "Qiaotou Nuclear Power Plant": "nuclear power",
        "Hexi BYD Battery Project": None,  # an acronym is a company's name
        "Lanxiang Zhongshan Base": None,  # nothing but names
    }


def test_a_project_with_no_place_takes_the_one_its_name_opens_with() -> None:
    text = "Work on the Qiaotou Gas Power Plant went on in May, the first in Qiaotou City.\n"
    (chunk,) = default_chunks(text)
    projects = ground_chunk(text, chunk, ChunkExtraction()).projects
    assert [(p.name, p.location) for p in projects] == [("Qiaotou Gas Power Plant", "Qiaotou")]
