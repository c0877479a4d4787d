"""Stage 7: one record per entity across chunks; roles point at merged project names."""

from __future__ import annotations

from typing import Any

from extractor.pipeline.merge import merge_records
from extractor.records import (
    Change,
    EnterpriseRole,
    Evidence,
    Indicator,
    Money,
    Project,
    Quantity,
    Role,
    Status,
)

TEXT = (
    "Shanshan Co., Ltd. started the Shanshan anode material base in Yinzhou. "
    "The Shanshan Anode Material Base project will cost 7 billion yuan. "
    "It has an annual output of 40,000 tons. "
    "Ningbo Shanshan New Material runs the base. "
    "The BYD Phase I battery base opened in 2022. "
    "The BYD Phase II battery base will open in 2025. "
    "Ningbo's industrial investment rose 15.4% year-on-year."
)


def ev(snippet: str) -> Evidence:
    start = TEXT.index(snippet)
    return Evidence(start=start, end=start + len(snippet), text=snippet)


def project(name: str, *evidence: str, **fields: Any) -> Project:
    return Project(name=name, evidence=[ev(e) for e in evidence], **fields)


def role(enterprise: str, kind: Role, project: str | None, *evidence: str) -> EnterpriseRole:
    return EnterpriseRole(
        enterprise=enterprise, role=kind, project=project, evidence=[ev(e) for e in evidence]
    )


FIRST = "Shanshan Co., Ltd. started the Shanshan anode material base in Yinzhou."
SECOND = "The Shanshan Anode Material Base project will cost 7 billion yuan."
THIRD = "It has an annual output of 40,000 tons."
FOURTH = "Ningbo Shanshan New Material runs the base."
PHASE_ONE = "The BYD Phase I battery base opened in 2022."
PHASE_TWO = "The BYD Phase II battery base will open in 2025."
GROWTH = "Ningbo's industrial investment rose 15.4% year-on-year."

TONS = Quantity(value=40000, unit="t/yr", raw="40,000 tons")
SEVEN_BILLION = Money(amount=7e9, currency="CNY", raw="7 billion yuan")


def test_the_same_project_from_two_chunks_is_one_record() -> None:
    a = project(
        "Shanshan anode material base",
        FIRST,
        location="Yinzhou",
        status=Status.PLANNED,
        enterprises=["Shanshan Co., Ltd."],
    )
    b = project(
        "The Shanshan Anode Material Base project",
        THIRD,
        SECOND,
        FIRST,
        investment=SEVEN_BILLION,
        capacity=[TONS],
        status=Status.UNDER_CONSTRUCTION,
        enterprises=["Shanshan", "Ningbo Shanshan New Material"],
    )
    merged = merge_records([a, b], [], [])
    (one,) = merged.projects
    assert one.name == "The Shanshan Anode Material Base project"  # the fullest form
    assert one.location == "Yinzhou"
    assert one.investment == SEVEN_BILLION
    assert one.capacity == [TONS]
    assert one.status is Status.UNDER_CONSTRUCTION  # the last stated
    assert one.enterprises == ["Shanshan Co., Ltd.", "Ningbo Shanshan New Material"]
    assert [e.text for e in one.evidence] == [FIRST, SECOND, THIRD]  # union, in text order


def test_capacities_and_evidence_are_unions_without_duplicates() -> None:
    a = project("anode material base", FIRST, capacity=[TONS])
    b = project(
        "Anode Material Base", FIRST, capacity=[TONS, Quantity(value=5, unit="GWh", raw="5GWh")]
    )
    (one,) = merge_records([a, b], [], []).projects
    assert [(q.value, q.unit) for q in one.capacity] == [(40000, "t/yr"), (5, "GWh")]
    assert [e.text for e in one.evidence] == [FIRST]


def test_different_projects_stay_apart() -> None:
    a = project("Shanshan anode material base", FIRST)
    b = project("kitchen appliance base", FOURTH)
    assert len(merge_records([a, b], [], []).projects) == 2


def test_phases_of_a_project_stay_apart() -> None:
    a = project("BYD Phase I battery base", PHASE_ONE)
    b = project("BYD Phase II battery base", PHASE_TWO)
    assert len(merge_records([a, b], [], []).projects) == 2


def test_the_same_indicator_twice_is_one_record_with_both_spans() -> None:
    change = Change(value=15.4, unit="%", basis="yoy", raw="15.4%")
    a = Indicator(
        name="industrial investment", region="Ningbo", change=change, evidence=[ev(GROWTH)]
    )
    b = Indicator(
        name="Industrial Investment", region="ningbo", change=change, evidence=[ev(FIRST)]
    )
    other = Indicator(
        name="industrial investment",
        region="Ningbo",
        change=Change(value=6, unit="%", basis="yoy", raw="6%"),
        evidence=[ev(GROWTH)],
    )
    merged = merge_records([], [a, b, other], [])
    assert len(merged.indicators) == 2
    assert [e.text for e in merged.indicators[0].evidence] == [FIRST, GROWTH]


def test_roles_compare_enterprises_without_legal_suffixes() -> None:
    base = project("Shanshan anode material base", FIRST)
    roles = [
        role("Shanshan Co., Ltd.", Role.DEVELOPER, "Shanshan anode material base", FIRST),
        role("SHANSHAN", Role.DEVELOPER, "anode material base", SECOND),
        role("Shanshan Limited", Role.DEVELOPER, "Shanshan anode material base", THIRD),
    ]
    merged = merge_records([base], [], roles)
    (one,) = merged.roles
    assert one.enterprise == "Shanshan Co., Ltd."
    assert [e.text for e in one.evidence] == [FIRST, SECOND, THIRD]


def test_a_roles_project_points_at_the_merged_name() -> None:
    a = project("Shanshan anode material base", FIRST)
    b = project("The Shanshan Anode Material Base project", SECOND)
    roles = [role("Ningbo Shanshan New Material", Role.OPERATOR, "the anode base", FOURTH)]
    merged = merge_records([a, b], [], roles)
    (name,) = [p.name for p in merged.projects]
    (operator,) = merged.roles
    assert operator.project == name
    assert merged.warnings == []


def test_a_role_for_an_unknown_project_loses_the_project_with_a_warning() -> None:
    base = project("Shanshan anode material base", FIRST)
    roles = [role("Ningbo Shanshan New Material", Role.OPERATOR, "Hangzhou chip fab", FOURTH)]
    merged = merge_records([base], [], roles)
    (operator,) = merged.roles
    assert operator.project is None
    assert any("'Hangzhou chip fab' is not among the projects" in w for w in merged.warnings)


def test_enterprises_of_a_project_imply_investor_roles() -> None:
    base = project(
        "Shanshan anode material base", FIRST, SECOND, enterprises=["Shanshan Co., Ltd."]
    )
    merged = merge_records([base], [], [])
    (implied,) = merged.roles
    assert (implied.enterprise, implied.role, implied.project) == (
        "Shanshan Co., Ltd.",
        Role.INVESTOR,
        "Shanshan anode material base",
    )
    assert implied.evidence == base.evidence


def test_no_implied_role_where_an_explicit_role_names_the_enterprise_and_project() -> None:
    base = project(
        "Shanshan anode material base",
        FIRST,
        enterprises=["Shanshan Co., Ltd.", "Ningbo Shanshan New Material"],
    )
    explicit = [
        role("Shanshan", Role.OPERATOR, "the Shanshan anode material base project", FIRST),
    ]
    merged = merge_records([base], [], explicit)
    got = sorted((r.enterprise, r.role.value, r.project) for r in merged.roles)
    assert got == [
        ("Ningbo Shanshan New Material", "investor", "Shanshan anode material base"),
        ("Shanshan", "operator", "Shanshan anode material base"),
    ]


def test_ungrounded_projects_imply_no_roles() -> None:
    flagged = Project(name="Imagined plant", enterprises=["Tesla Inc."], ungrounded=True)
    merged = merge_records([flagged], [], [])
    assert merged.roles == []
    assert merged.projects == [flagged]


def test_no_implied_roles_when_the_strategy_states_roles_itself() -> None:
    base = project("Shanshan anode material base", FIRST, enterprises=["Shanshan Co., Ltd."])
    stated = [role("Shanshan", Role.OPERATOR, None, FIRST)]
    merged = merge_records([base], [], stated, implied_roles=False)
    assert [(r.enterprise, r.role) for r in merged.roles] == [("Shanshan", Role.OPERATOR)]


def test_a_chain_leader_is_the_industrys_and_a_builder_with_a_project_its_investor() -> None:
    base = project("Shanshan anode material base", FIRST)
    roles = [
        role("BYD", Role.CHAIN_LEADER, "Shanshan anode material base", PHASE_ONE),
        role("Shanshan Co., Ltd.", Role.DEVELOPER, "Shanshan anode material base", FIRST),
        role("Ningbo Shanshan New Material", Role.DEVELOPER, None, FOURTH),
    ]
    merged = merge_records([base], [], roles)
    assert sorted((r.enterprise, r.role, r.project) for r in merged.roles) == [
        ("BYD", Role.CHAIN_LEADER, None),
        ("Ningbo Shanshan New Material", Role.DEVELOPER, None),
        ("Shanshan Co., Ltd.", Role.INVESTOR, "Shanshan anode material base"),
    ]


def test_partners_joint_venture_partners_and_customers_have_no_project() -> None:
    base = project("Shanshan anode material base", FIRST)
    roles = [
        role(name, kind, "Shanshan anode material base", FIRST)
        for name, kind in [
            ("BYD", Role.PARTNER),
            ("Ningbo Shanshan New Material", Role.JOINT_VENTURE_PARTNER),
            ("CATL", Role.CUSTOMER),
            ("Shanshan Co., Ltd.", Role.SUPPLIER),
        ]
    ]
    merged = merge_records([base], [], roles, implied_roles=False)
    assert sorted((r.enterprise, r.project) for r in merged.roles) == [
        ("BYD", None),
        ("CATL", None),
        ("Ningbo Shanshan New Material", None),
        ("Shanshan Co., Ltd.", "Shanshan anode material base"),  # a supplier may have one
    ]


def test_an_enterprise_with_a_role_for_a_project_keeps_no_facility_role_without_one() -> None:
    base = project("Shanshan anode material base", FIRST)
    roles = [
        role("Shanshan Co., Ltd.", Role.OPERATOR, None, FOURTH),
        role("Shanshan Co., Ltd.", Role.PARTNER, None, FOURTH),
        role("Shanshan Co., Ltd.", Role.CHAIN_LEADER, "Shanshan anode material base", FIRST),
        role("Shanshan Co., Ltd", Role.INVESTOR, "Shanshan anode material base", FIRST),
        role("Shanshan Co., Ltd", Role.DEVELOPER, "Hangzhou chip fab", FIRST),
        role("Ningbo Shanshan New Material", Role.OPERATOR, "Hangzhou chip fab", FOURTH),
    ]
    merged = merge_records([base], [], roles, implied_roles=False)
    assert sorted((r.enterprise, r.role, r.project) for r in merged.roles) == [
        ("Ningbo Shanshan New Material", Role.OPERATOR, None),
        ("Shanshan Co., Ltd", Role.INVESTOR, "Shanshan anode material base"),
        ("Shanshan Co., Ltd.", Role.CHAIN_LEADER, None),
        ("Shanshan Co., Ltd.", Role.PARTNER, None),
    ]
    dropped = [w for w in merged.warnings if "has a role for a project" in w]
    assert dropped == [
        "role 'Shanshan Co., Ltd.' (operator): dropped, the enterprise has a role for a project",
        "role 'Shanshan Co., Ltd' (investor): dropped, the enterprise has a role for a project",
    ]


def test_a_figure_written_once_is_one_indicator_whatever_two_chunks_called_it() -> None:
    growth = Change(value=15.4, unit="%", basis="yoy", raw="15.4%")
    first = Indicator(
        name="industrial investment", region="Ningbo", change=growth, evidence=[ev(GROWTH)]
    )
    second = Indicator(
        name="investment in industry",
        region="Yinzhou",
        period="this year",
        change=growth,
        evidence=[ev(GROWTH)],
    )
    (merged,) = merge_records([], [first, second], []).indicators
    assert (merged.name, merged.region, merged.period) == (
        "industrial investment",
        "Ningbo",
        "this year",  # an empty field of the first is filled from the second
    )


def test_a_figure_written_twice_in_its_sentence_may_be_two_indicators() -> None:
    sentence = "Output rose 5% and investment rose 5% year-on-year."
    text = f"{TEXT} {sentence}"
    start = text.index(sentence)
    span = Evidence(start=start, end=start + len(sentence), text=sentence)
    five = Change(value=5, unit="%", basis="yoy", raw="5%")
    output = Indicator(name="output", region="Ningbo", change=five, evidence=[span])
    investment = Indicator(name="investment", region="Ningbo", change=five, evidence=[span])
    assert len(merge_records([], [output, investment], []).indicators) == 2
