"""A chain leader, operator, partner, developer or supplier stands only where its sentences
hold a word of that role (guide R1 and the role list)."""

from __future__ import annotations

import pytest
from fakes.articles import default_chunks

from extractor.pipeline.ground import ground_chunk
from extractor.pipeline.roles import stated_role
from extractor.pipeline.wire import ChunkExtraction
from extractor.records import Role


@pytest.mark.parametrize(
    "sentence",
    [
        'Hexi cultivates "chain master" enterprises such as Contoso.',
        "Contoso, the chain leader of the battery industry, moved in.",
        "Leading enterprises such as Contoso settled in the park.",
        "Contoso acts as the head goose of the cluster.",
        "Contoso, a leading new energy vehicle maker, moved in.",
        "Contoso is an industry leader.",
    ],
)
def test_a_chain_leader_called_so_stands(sentence: str) -> None:
    assert stated_role(Role.CHAIN_LEADER, [sentence])


def test_a_chain_leader_nobody_is_called_is_not_stated() -> None:
    assert not stated_role(Role.CHAIN_LEADER, ["Contoso invested 2 billion yuan in Hexi."])
    # "leading" alone leads something, not an industry
    assert not stated_role(Role.CHAIN_LEADER, ["Contoso's plant is leading the county's growth."])


def test_investor_and_other_roles_are_not_checked() -> None:
    assert stated_role(Role.INVESTOR, ["Contoso opened a plant in Hexi."])
    assert stated_role(Role.OTHER, ["Contoso opened a plant in Hexi."])


@pytest.mark.parametrize(
    ("role", "stated", "unstated"),
    [
        (Role.OPERATOR, "Contoso will run the Hexi plant.", "Contoso opened a plant in Hexi."),
        # a project put into operation runs; the sentence says nothing of who runs it
        (
            Role.OPERATOR,
            "The Hexi plant is operated by Contoso.",
            "Contoso's Hexi plant was put into operation and is operational.",
        ),
        (Role.PARTNER, "Hexi signed an agreement with Contoso.", "Contoso is in Hexi."),
        # signed projects are a status; a partner signs with someone
        (Role.PARTNER, "Hexi signed with Contoso.", "Contoso's project was signed in Hexi."),
        (Role.DEVELOPER, "Contoso is building the park.", "Contoso moved to the park."),
        # construction that started, a development zone: no word of who builds
        (
            Role.DEVELOPER,
            "The park was developed by Contoso.",
            "Construction of Contoso's plant in the development zone started.",
        ),
        (Role.SUPPLIER, "Contoso supplies glass to the plant.", "Contoso sells glass."),
        # "supplier" says what a company trades in; a supplier supplies someone
        (
            Role.SUPPLIER,
            "Contoso provided the batteries for the Hexi plant.",
            "Major lithium supplier Contoso keeps investing.",
        ),
    ],
)
def test_a_role_stands_only_with_a_word_of_it(role: Role, stated: str, unstated: str) -> None:
    assert stated_role(role, [stated])
    assert not stated_role(role, [unstated])


def test_grounding_drops_a_chain_leader_its_sentences_do_not_state() -> None:
    text = (
        "Contoso invested 2 billion yuan in Hexi.\n"
        "Fabrikam, a leading enterprise of the industry, opened a plant in Hexi.\n"
    )
    (chunk,) = default_chunks(text)
    answer = ChunkExtraction.model_validate(
        {
            "roles": [
                {"sentences": [1], "enterprise": "Contoso", "role": "chain_leader"},
                {"sentences": [2], "enterprise": "Fabrikam", "role": "chain_leader"},
                {"sentences": [1], "enterprise": "Contoso", "role": "investor"},
            ]
        }
    )
    grounded = ground_chunk(text, chunk, answer)
    assert [(r.enterprise, r.role) for r in grounded.roles] == [
        ("Fabrikam", Role.CHAIN_LEADER),
        ("Contoso", Role.INVESTOR),
    ]
    assert any("no word of its role in its sentences" in w for w in grounded.warnings)
