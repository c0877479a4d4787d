"""What names a company and what names a single project (``extractor.pipeline.entities``),
and that grounding drops what names neither. The names are invented in the style of the
articles, not taken from the seeds or the check half."""

from __future__ import annotations

import pytest

from extractor.pipeline.chunk import chunk_document
from extractor.pipeline.entities import (
    EVENT,
    GENERIC,
    PLURAL,
    PRODUCT,
    company_of,
    is_enterprise_name,
    named_as_place,
    named_company,
    not_a_project,
    referent,
)
from extractor.pipeline.ground import Grounded, ground_chunk
from extractor.pipeline.wire import ChunkExtraction


@pytest.mark.parametrize(
    "name",
    [
        "Jiangxi Tongbo Co., Ltd.",
        "Lianfa",
        "Nanning Industrial Investment Group",
        "Sichuan Energy Investment Group",
        "Jiangxi Tongbo Technology",
        "Yibin Development Group Co., Ltd.",
        "Sun Paper",  # a surname, but "paper" is no pinyin given name
        "Li Auto",
        "Tongwei Co., Ltd.",
        "Linhai TV",  # a broadcaster that trades as a company
        "Fenghua Times",  # "Times" names companies too (Ningde Times)
        "Hengyuan Enterprises Co., Ltd.",  # a plural with a legal form is one company
        "Vix Co",  # roman-numeral letters inside a name
        "XCMG",
        "Dr. Reddy's Laboratories",  # a courtesy title inside a company's name
        "Mr Tea Group",
    ],
)
def test_companies_are_enterprises(name: str) -> None:
    assert is_enterprise_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "Yibin Municipal Government",
        "Ganzhou Bureau of Commerce",
        "Lianhua Industrial Park",
        "Qingshui Economic Development Zone",
        "Mayor Li Wenhua",
        "Director Zhao Min",
        "Baiyun District",
        "Yibin bureau of industry and information technology",
        "Linhai New Area Administration",  # an administration, an agency, an association
        "Yunnan Science and Technology Agency",
        "Linhai Investment Association",
        "Linhai Economic Co-operation Office",  # "Co-" opens a word, no legal form
        "Jiangxi",
        "Jiangxi Province",
        "Zhou Hongbin",  # a person: pinyin surname and given name
        "Gao Lin",
        "Zhang",  # a person the text named before, by surname
        "Site Manager Zhou Ming",  # a person after a title that does not open the name
        "Mr He",  # a person after a courtesy title, as fluent English writes one
        "Ms. Chen Li",
        "Dr Liu",
        "Xinhua Silk Road",  # media: a news agency, a news site, an expat magazine
        "Linhai Economic Net",
        "Linhai Online",
        "Hexi Investment Newsletter",
        "Hangzhou Life / Hangzhou Expat",
        "Tongwei, Longi and Jinko",  # a list, not one company
        "polylactic acid",  # a product: a company's name is a proper name
        "core components of large unmanned helicopters",
        "State-owned enterprises",  # a kind of companies, no one company
        "Top 500 Private Companies",
        "Co., Ltd.",  # a legal form alone, left by a line break inside a name
        "Group",
        "II.",  # a section's number
        "(iv)",
    ],
)
def test_governments_parks_places_people_and_lists_are_not_enterprises(name: str) -> None:
    assert not is_enterprise_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "Lianfa 5GW solar cell plant",
        "kitchen appliance base",
        "Phase II of the 3 million ton steel plant",
        "21.3-billion-yuan facility",
        "Qingshui Wisdom Valley Industrial Area",
        "Jiangxi Tongbo Co., Ltd.",
        "E-QM5 car",
        # a phase of a project named before is one, though no word here says which
        "second phase of the project",
        "Phase II",
        # the head comes before the post-modifier; "headquarters" is one
        "integrated base for chemical new materials",
        "intelligent manufacturing headquarters",
        # a statistic word inside a facility's name leaves it one
        "Investment Promotion Service Center project",
        "high growth battery plant",
        "May Day Square project",
        # a zone's own construction is one
        "Zhangzhou Development Zone standard factory project",
    ],
)
def test_single_undertakings_may_be_projects(name: str) -> None:
    assert not_a_project(name) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("six projects", "a batch of projects"),
        ("major projects", "a batch of projects"),
        ("18 projects above 100 million yuan", "a batch of projects"),
        ("a total of 42 key projects", "a batch of projects"),
        ("Specifically, 12 projects were signed with a total investment of 3 billion yuan",
         "a clause, not a name"),
        ("projects have been advancing fast", "a clause, not a name"),
        ("projects focus on leadership, demonstration and driving", "a clause, not a name"),
        ("Yibin City", "a place, an industry or a statistic"),
        ("solar cell industry", "a place, an industry or a statistic"),
        ("new energy vehicle production capacity", "a place, an industry or a statistic"),
        ("EV battery supply chain", "a place, an industry or a statistic"),
        ("NEV industry ecosystem", "a place, an industry or a statistic"),
        ("automotive sector", "a place, an industry or a statistic"),
        ("joint venture", "a place, an industry or a statistic"),
        ("5G development", "a place, an industry or a statistic"),
        ("large-scale industry fund", "a place, an industry or a statistic"),
        ("high-performance radial tires", PLURAL),
        # a plural head names a kind of facility or product, not one project
        ("factory buildings", PLURAL),
        ("5G base stations", PLURAL),
        ("Wanda steel and other projects of over 10 billion yuan", PLURAL),
        # a ceremony, meeting or event is held, not built, whatever project it is about
        ("new energy base project groundbreaking ceremony", EVENT),
        ("Hexi New Area's First Multi-project Agreement Signing Event", EVENT),
        ("launch ceremony", EVENT),
        ("polylactic acid", PRODUCT),
        ("new project", GENERIC),
        ("project landing construction", GENERIC),
        ("Key Projects Initiated at This Time", GENERIC),
        # a statistic's name, a person, a government: never an undertaking
        ("number of projects involving the logistics supply chain",
         "a place, an industry or a statistic"),
        ("Total Investment of 12.5 billion yuan", "a place, an industry or a statistic"),
        ("investment in Anxi", "a place, an industry or a statistic"),
        ("total sales revenue of Anxi's biotech", "a place, an industry or a statistic"),
        ("output value of the Hexi park", "a place, an industry or a statistic"),
        ("investment from January to April", "a place, an industry or a statistic"),
        ("investment completion rate", "a place, an industry or a statistic"),
        ("Rural tourism income", "a place, an industry or a statistic"),
        ("social electricity consumption", "a place, an industry or a statistic"),
        ("In 2022", "a date: a time names no project"),
        ("unknown", "no name"),
        ("N/A", "no name"),
        ("on May 5, 2023", "a date: a time names no project"),
        ("Zhou Hongbin", "a person"),
        ("Director Zhao Min", "a person"),
        ("project leader", "a person"),  # headed by a person's noun
        ("general manager", "a person"),
        ("Linhai port management committee", "a government, a trade body or a school"),
        ("Linhai Machinery Industry Association", "a government, a trade body or a school"),
        # a development zone is a location (guide section 2)
        ("Zhangzhou Development Zone", "a zone: a location (guide §2)"),
        ("East Lake High-tech Development Zone (Optics Valley of China)",
         "a zone: a location (guide §2)"),
        ("Xinjiang Pilot FTZ", "a zone: a location (guide §2)"),
        ("Hainan Free Trade Port", "a zone: a location (guide §2)"),
    ],
)  # fmt: skip
def test_batches_clauses_places_industries_and_statistics_are_not_projects(
    name: str, reason: str
) -> None:
    assert not_a_project(name) == reason


def test_grounding_drops_a_batch_named_as_a_project_and_keeps_the_project() -> None:
    text = (
        "Yibin signed six projects worth 4.2 billion yuan. "
        "Lianfa will build a 5GW solar cell plant for 3.5 billion yuan."
    )
    chunk = chunk_document(text, max_tokens=400, overlap_tokens=0)[0]
    answer = ChunkExtraction.model_validate(
        {
            "projects": [
                {"sentences": [1], "name": "six projects", "investment": "4.2 billion yuan"},
                {
                    "sentences": [2],
                    "name": "5GW solar cell plant",
                    "investment": "3.5 billion yuan",
                },
            ]
        }
    )
    grounded = ground_chunk(text, chunk, answer)
    assert [p.name for p in grounded.projects] == ["5GW solar cell plant"]
    assert any("'six projects': dropped, a batch of projects" in w for w in grounded.warnings)


def _grounded_roles(text: str, *roles: dict[str, object]) -> Grounded:
    """Grounding of a one-chunk ``text`` whose answer states ``roles`` (wire form)."""
    (chunk,) = chunk_document(text, max_tokens=500, overlap_tokens=0)
    return ground_chunk(text, chunk, ChunkExtraction.model_validate({"roles": list(roles)}))


def test_a_role_whose_project_is_its_own_name_is_dropped() -> None:
    text = "Shangrao Tianrui New Energy will invest in the Shangrao Tianrui New Energy plant.\n"
    own = {"sentences": [1], "enterprise": "Shangrao Tianrui New Energy", "role": "investor"}
    grounded = _grounded_roles(
        text,
        {**own, "project": "Shangrao Tianrui New Energy"},
        {**own, "project": "Shangrao Tianrui New Energy plant"},
    )
    assert [r.project for r in grounded.roles] == ["Shangrao Tianrui New Energy plant"]
    assert any("its project is its own name" in w for w in grounded.warnings)


@pytest.mark.parametrize(
    ("name", "company"),
    [
        # a facility's name names no company
        ("Linhai Gas Power Plant", None),
        ("Tongda New Energy Battery Base Project (Phase I)", None),
        ("Tongda Lithium Battery Phase II", None),  # a phase with its number
        ("Linhai Logistics East China Headquarters", None),
        ("Linhai wind power plant construction", None),  # a work, in lower case
        ("Tongda Holdings Smart Logistics Park Project", None),  # "Project" outweighs a form
        # the facility word heads the name before its post-modifier
        ("commercial complex project on the west side of Linhai Lane", None),
        ("Tongda logistics center in Anxi", None),
        # a builder's name: "Construction" capitalized
        ("Hubei Third Construction", "Hubei Third Construction"),
        # its possessive owner does
        ("Jinhe Foods's new seasoning production project", "Jinhe Foods"),
        # a legal form makes it a company's name; a name without a facility word stays
        ("Linhai Power Plant Co., Ltd.", "Linhai Power Plant Co., Ltd."),
        ("Tongda New Energy", "Tongda New Energy"),
        ("Bank of Linhai", "Bank of Linhai"),
    ],
)
def test_a_facility_name_is_no_company_but_its_owner_is(name: str, company: str | None) -> None:
    assert company_of(name) == company


def test_grounding_gives_a_facility_named_role_to_its_owner_or_drops_it() -> None:
    text = (
        "Jinhe Foods's new seasoning production project started in Linhai. "
        "Linhai Gas Power Plant will supply the Linhai port project.\n"
    )
    grounded = _grounded_roles(
        text,
        {
            "sentences": [1],
            "enterprise": "Jinhe Foods's new seasoning production project",
            "role": "investor",
        },
        {
            "sentences": [2],
            "enterprise": "Linhai Gas Power Plant",
            "role": "investor",
            "project": "Linhai port project",
        },
    )
    assert [r.enterprise for r in grounded.roles] == ["Jinhe Foods"]
    assert any("a facility's name, not a company" in w for w in grounded.warnings)


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Fenglin", True),  # the text writes "Fenglin District"
        ("Tongda", False),  # written alone, never as a place's
        ("Fenglin Energy", False),  # a company's word makes it a company
    ],
)
def test_a_name_the_text_writes_as_a_place_is_named_as_place(name: str, place: bool) -> None:
    text = "Fenglin District signed 12 projects. Tongda and Fenglin Energy will invest.\n"
    assert named_as_place(name, text) is place


def test_grounding_drops_a_role_and_an_enterprise_the_text_writes_as_a_place() -> None:
    text = (
        "Fenglin District signed the Tongda battery project with Tongda Co., Ltd. "
        "Fenglin will build the Fenglin logistics park.\n"
    )
    (chunk,) = chunk_document(text, max_tokens=500, overlap_tokens=0)
    answer = ChunkExtraction.model_validate(
        {
            "projects": [
                {
                    "sentences": [1],
                    "name": "Tongda battery project",
                    "enterprises": ["Tongda Co., Ltd.", "Fenglin"],
                }
            ],
            "roles": [
                {"sentences": [1], "enterprise": "Tongda Co., Ltd.", "role": "investor"},
                {"sentences": [2], "enterprise": "Fenglin", "role": "investor"},
            ],
        }
    )
    grounded = ground_chunk(text, chunk, answer)
    assert [p.enterprises for p in grounded.projects] == [["Tongda Co., Ltd."]]
    assert [r.enterprise for r in grounded.roles] == ["Tongda Co., Ltd."]
    assert any("the text writes it as a place" in w for w in grounded.warnings)


def test_the_company_is_the_last_full_company_name_before_it() -> None:
    text = (
        "Tongda Co., Ltd. opened an office. Its chairman praised Fenglin Energy Group. "
        "The company signed a solar project."
    )
    at = text.index("The company")
    assert referent("The company", text, at) == "Fenglin Energy Group"
    assert referent("the company", text, text.index("Its")) == "Tongda Co., Ltd."
    assert referent("the company", text, 0) is None  # named nowhere before it
    assert referent("Tongda", text, at) == "Tongda"  # a name is its own referent


def test_grounding_gives_the_companys_role_to_the_company_named_before() -> None:
    text = (
        "Fenglin Energy Group opened an office in Anxi.\n\n"
        "The company will invest in the Anxi solar project.\n"
    )
    grounded = _grounded_roles(
        text,
        {
            "sentences": [2],
            "enterprise": "The company",
            "role": "investor",
            "project": "Anxi solar project",
        },
    )
    assert [r.enterprise for r in grounded.roles] == ["Fenglin Energy Group"]


@pytest.mark.parametrize(
    ("name", "company"),
    [
        (
            "Henan Anxi Electric Co., LTD. Electrical equipment production project",
            "Henan Anxi Electric Co., LTD.",
        ),
        (
            "Hexi Rubber and Plastic Products Co., Ltd. Robot Arm Project",
            "Hexi Rubber and Plastic Products Co., Ltd.",
        ),
        ("Ruida Holding Group car plant", "Ruida Holding Group"),
        (
            "biomedical project of Jiangyin Anxi Pharmaceutical Co., Ltd.",
            "Jiangyin Anxi Pharmaceutical Co., Ltd.",
        ),
        # no legal form, or a place's or government's name: no company
        ("Hexi Wind Power Equipment", None),
        ("Anxi County Government office building project", None),
        ("reconstruction of the Shuangyu branch of Anxi Central Hospital", None),
    ],
)
def test_a_project_name_states_its_company_with_its_legal_form(
    name: str, company: str | None
) -> None:
    assert named_company(name) == company
