"""Stage 5, second half: turn the model's answer for one chunk into records tied to the text.

The model cites sentences by number; evidence spans are those sentences' offsets, computed
here. Each figure and name the model wrote is looked up in the chunk (module ``locate``:
the cited sentences first, then the rest). A located figure takes the document's own
spelling as ``raw`` and is parsed in code (stage 6); names take the document's spelling
too. A record the entity rules reject (a name that is no project, a role for no company) is
dropped with a warning, as is a company the model lists as its own project ("NGC" by "NGC")
where no figure is given and none of its sentences tells of building, investing, settling or
signing. When the cited sentences hold none of a record's figures and names,
the citation moves to the sentences that do; a record whose anchor is found nowhere is
ungrounded (dropped, or kept with a flag on request). An indicator's name takes the text's
own wording (module ``wording``) and, when the model gave no period, the one the text states
for its figure (module ``periods``).

Beyond the model's answer: a batch of projects ("30 projects were started with a total
investment of ...") is no project; its count and its total become indicators, named from the
text, where no indicator of the model's states the same figure and the batch has a place; so do
the other counts of projects the chunk states (module ``counts``), and the statistics that a
clause of the plainest shape states ("natural gas output hit 23.94 billion cubic meters") where
no record writes its figure (module ``siblings``). A project the model calls in
operation or completed, whose sentences speak only of building, is under construction (module
``status``). An indicator whose level the text follows with its change ("8.1 billion yuan, up
12%") gets that change when the model left it out (module ``changes``).

``Location`` and ``locate`` are re-exported from ``locate``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from extractor.names import normalize_name
from extractor.pipeline.anchor import as_region, bounds_count, is_rank, states_statistic
from extractor.pipeline.changes import (
    share_of_a_whole,
    states_growth,
    with_changes,
    with_levels,
)
from extractor.pipeline.chunk import Chunk, Sentence, is_page_furniture
from extractor.pipeline.counts import project_counts, unstated
from extractor.pipeline.entities import (
    BATCH,
    PRODUCT,
    PROJECT_NOUN,
    company_of,
    is_enterprise_name,
    named_as_place,
    not_a_project,
    referent,
    written_name,
)
from extractor.pipeline.listed import (
    joint_venture_partners,
    listed_as_company,
    listed_companies,
    listed_projects,
    named_projects,
)
from extractor.pipeline.locate import ChunkText, Location, locate
from extractor.pipeline.normalize import (
    CHANGE_UNITS,
    CURRENCY_CODES,
    UNITLESS,
    Figure,
    FigureError,
    find_figures,
    listed_figures,
    named_capacity,
    parse_figure,
    to_change,
    to_money,
    to_quantity,
)
from extractor.pipeline.outputs import stated_capacity, stated_output
from extractor.pipeline.periods import (
    dates_expectation,
    event_days,
    names_a_period,
    only_as_basis,
    over_model,
    shared_periods,
    stated_period,
)
from extractor.pipeline.products import fold_products
from extractor.pipeline.rates import completion_rates
from extractor.pipeline.roles import stated_role
from extractor.pipeline.sector import listed_as_sector, name_sector, sentence_sector
from extractor.pipeline.siblings import sibling_statistics
from extractor.pipeline.status import built_status
from extractor.pipeline.subjects import (
    acting_place,
    framing_place,
    named_place,
    placed,
    spelled_out,
    without_province,
)
from extractor.pipeline.wire import (
    ChunkAnswer,
    ChunkExtraction,
    WireIndicator,
    WireProject,
    WireRole,
)
from extractor.pipeline.wording import (
    batch_total_name,
    count_name,
    count_wording,
    is_batch_count,
    measured_name,
    text_wording,
    total_wording,
)
from extractor.records import (
    Change,
    EnterpriseRole,
    Evidence,
    Indicator,
    Money,
    Project,
    Quantity,
    Role,
)

__all__ = ["Grounded", "Location", "ground_chunk", "is_enterprise_name", "locate"]


# A total of a batch of projects or companies ("total investment of projects signed").
_OF_PROJECTS = re.compile(r"\bof\s+(?:[\w-]+\s+){0,3}(?:projects|enterprises|companies)\b", re.I)


@dataclass(slots=True)
class Grounded:
    """Records of one chunk, with what grounding had to say about them."""

    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    roles: list[EnterpriseRole] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Record:
    """Evidence sentences of one record while its figures are being grounded.

    ``sentences`` are the cited sentences followed by those where a figure or name was found
    elsewhere in the chunk; ``found`` are the sentences (cited or not) holding one; ``hits``
    where each of the record's figures was found.
    """

    sentences: list[Sentence]
    warnings: list[str]
    label: str
    cited: list[Sentence] = field(default_factory=list)
    found: list[Sentence] = field(default_factory=list)
    hits: dict[str, tuple[Sentence, Location]] = field(default_factory=dict)
    by_value: bool = False  # its figures may be found by what they read as (``find_figure``)

    def in_sentence(self, figure: str | None) -> tuple[Sentence, int, int] | None:
        """Where ``figure`` was found: its sentence and its span in that sentence's text."""
        if figure is None or figure not in self.hits:
            return None
        sentence, loc = self.hits[figure]
        return sentence, loc.start - sentence.start, loc.end - sentence.start

    def located(self, sentence: Sentence) -> None:
        """A figure or name of the record is in ``sentence``: it becomes evidence."""
        if sentence not in self.found:
            self.found.append(sentence)
        if sentence not in self.sentences:
            self.sentences.append(sentence)

    def evidence(self, cited_hold_a_name: bool = False) -> list[Evidence]:
        """The evidence sentences in text order. When none of the cited sentences holds a
        figure or name of the record but other sentences do, the citation moves there: the
        evidence is those sentences only."""
        chosen = self.sentences
        moved = self.found and not any(s in self.cited for s in self.found)
        if moved and not cited_hold_a_name:
            chosen = self.found
        unique = sorted(set(chosen), key=lambda s: s.start)
        return [Evidence(start=s.start, end=s.end, text=s.text) for s in unique]


_WORD = re.compile(r"[^\W_]+")


class _Grounder:
    def __init__(self, document: str, chunk: Chunk, out: Grounded) -> None:
        self.text = ChunkText(document, chunk)
        self.out = out
        # Indicators the chunk's batches of projects state (their counts and totals), kept
        # where no indicator of the model's states the same figure (``counts.unstated``).
        self.batch: list[Indicator] = []
        # Projects named as products or phrases ("radial tires"), for ``fold_products``.
        self.products: list[Project] = []

    def _figure_location(self, record: _Record, figure: str) -> tuple[Sentence, Location] | None:
        hit = self.text.find_figure(figure, record.sentences, by_value=record.by_value)
        if hit is None:
            record.warnings.append(f"{record.label}: figure {figure!r} not found in the text")
            return None
        hit = self.text.restated(hit) or hit
        record.located(hit[0])
        record.hits[figure] = hit
        return hit

    def _parse(self, record: _Record, figure: str | None) -> tuple[Figure, str, str] | None:
        """The figure as the document writes it, with its sentence's text before and after."""
        if figure is None:
            return None
        hit = self._figure_location(record, figure)
        if hit is None:
            return None
        sentence, loc = hit
        doc = self.text.document
        raw = doc[loc.start : loc.end]
        if listed_figures(raw):
            record.warnings.append(f"{record.label}: {figure!r} lists several figures, dropped")
            return None
        before, after = doc[sentence.start : loc.start], doc[loc.end : sentence.end]
        try:
            parsed = parse_figure(raw, before=before, after=after)
        except FigureError as e:
            record.warnings.append(f"{record.label}: {e}")
            return None
        return parsed, before, after

    def money(self, record: _Record, figure: str | None) -> Money | None:
        """A sum of money: a figure with a currency, or a bare amount in millions or more
        ("13.2 billion"). Tons, kilometres, percents and share prices the model writes as
        an investment are none (a date is no figure at all: ``parse_figure``)."""
        parsed = self._parse(record, figure)
        if parsed is None:
            return None
        if parsed[0].unit not in CURRENCY_CODES:
            record.warnings.append(f"{record.label}: {figure!r} is no sum of money, dropped")
            return None
        return to_money(parsed[0])

    def quantity(self, record: _Record, figure: str | None) -> Quantity | None:
        parsed = self._parse(record, figure)
        return None if parsed is None else to_quantity(parsed[0])

    def change(self, record: _Record, figure: str | None) -> Change | None:
        """A relative change: a percent, points or a multiple (a bare number is taken in
        percent). An amount of money or of things ("an increase of 23.146 billion yuan") is
        none."""
        parsed = self._parse(record, figure)
        if parsed is None:
            return None
        figure_read, before, after = parsed
        if figure_read.unit is not None and figure_read.unit not in CHANGE_UNITS:
            record.warnings.append(f"{record.label}: {figure!r} is no relative change, dropped")
            return None
        if figure_read.unit == "%" and share_of_a_whole(after):
            record.warnings.append(
                f"{record.label}: {figure!r} is a share of a whole, no change, dropped"
            )
            return None
        return to_change(figure_read, before=before, after=after)

    def grows(self, record: _Record, wire: WireIndicator) -> bool:
        """Whether the percent the model gave as the level is a change by the words of its
        clause (``changes.states_growth``)."""
        found = record.in_sentence(wire.value)
        if found is None:
            return False
        sentence, start, end = found
        return states_growth(sentence.text, start, end)

    def batch_total(self, record: _Record, wire: WireProject) -> bool:
        """Whether the project's investment is a batch's total: its sentence counts projects
        before it ("six projects by state-owned enterprises, with investment amounting to
        22.44 billion yuan") and does not name the project."""
        found = record.in_sentence(wire.investment)
        if found is None:
            return False
        sentence, start, _ = found
        if not any(_BATCH_OF.search(f.text) for f in find_figures(sentence.text[:start])):
            return False
        return locate(wire.name, sentence.text, sentence.start) is None

    def anchored(self, record: _Record, *names: str | None) -> bool:
        """True when one of the names is found (fuzzily) in the record's sentences, or
        elsewhere in the chunk (then that sentence is cited too)."""
        for name in names:
            if not name:
                continue
            hit = self.text.find(name, record.sentences)
            if hit is not None:
                record.located(hit[0])
                return True
        return False

    def cited_hold(self, record: _Record, *names: str | None) -> bool:
        """True when one of the names is found (fuzzily) in a cited sentence."""
        return any(
            locate(name, s.text, s.start) is not None
            for name in names
            if name
            for s in record.cited
        )

    def indicator_name(self, record: _Record, wire: WireIndicator) -> str:
        """The indicator's name in the text's words (module ``wording``): a count the model
        calls "number of ..." is named from the words around its figure, and a bare total
        ("total investment") of a batch of projects or companies after that batch ("total
        investment of projects signed")."""
        hit = record.hits.get(wire.value) if wire.value else None
        if hit is not None and (
            wire.name.lower().startswith("number of")
            or _COUNTED.search(self.text.document[hit[1].start : hit[1].end]) is not None
        ):
            sentence, loc = hit
            at = loc.start - sentence.start
            counted = count_wording(sentence.text, at, loc.end - sentence.start)
            if counted is not None:
                return counted
        name = text_wording(wire.name, [s.text for s in record.sentences], wire.region)
        if hit is not None:
            sentence, loc = hit
            batch = total_wording(sentence.text, loc.start - sentence.start, name)
            if batch is not None and _OF_PROJECTS.search(batch):
                return batch
        if hit is not None:
            sentence, loc = hit
            return measured_name(name, sentence.text[: loc.start - sentence.start])
        return name

    def period(self, record: _Record, wire: WireIndicator) -> str | None:
        """The indicator's period (the guide's rule I9, see ``periods``): the model's, unless
        the figure's own sentence states another (``periods.over_model``). Without the
        model's, the one the text states for the figure: preferring the paragraph's to the
        model's measured worse, since the model also reads periods from further back than a
        chunk's paragraph. But a period with a word the chunk does not write ("first August")
        is the model's invention, and the text's takes its place."""
        hits = [record.hits[f] for f in (wire.value, wire.change) if f and f in record.hits]
        if not hits:
            return wire.period
        sentence, loc = hits[0]
        if (
            wire.period
            and self.written(wire.period)
            and names_a_period(wire.period)
            and not only_as_basis(wire.period, sentence.text)
            and not dates_expectation(wire.period, sentence, loc.start)
        ):
            return over_model(wire.period, sentence, loc.start)
        return stated_period(self.text.chunk.sentences, sentence, loc.start)

    @cached_property
    def _chunk_words(self) -> frozenset[str]:
        return frozenset(_WORD.findall(" ".join(s.text for s in self.text.chunk.sentences).lower()))

    def written_place(self, record: _Record, place: str | None) -> str | None:
        """``place`` unless the document writes none of its names: a place the model copied
        from the prompt's example ("Ningbo" in an article on Xi'an) is no place of the text,
        and the text's own is found instead (``subjects.placed``)."""
        if not place:
            return None
        names = [w for w in _WORD.findall(place) if w[:1].isupper()]
        if not names or any(w.casefold() in self._document_words for w in names):
            return place
        record.warnings.append(f"{record.label}: place {place!r} is not in the text, dropped")
        return None

    @cached_property
    def _document_words(self) -> frozenset[str]:
        return frozenset(w.casefold() for w in _WORD.findall(self.text.document))

    def written(self, phrase: str) -> bool:
        """Whether the chunk writes every word of ``phrase`` (case aside)."""
        return set(_WORD.findall(phrase.lower())) <= self._chunk_words

    def statistic(self, record: _Record, wire: WireIndicator) -> bool:
        """False when the indicator's figure (its value's, else its change's) is one the guide
        does not record as an indicator where the text states it (``anchor.is_statistic``)."""
        found = record.in_sentence(wire.value) or record.in_sentence(wire.change)
        if found is None:
            return True
        sentence, start, end = found
        return states_statistic(sentence.text, start, end, wire.name)

    def referent(self, record: _Record, name: str) -> str | None:
        """The company a name such as "the company" refers to (``entities.referent``),
        read before the record's first sentence."""
        first = min((s.start for s in record.sentences), default=self.text.chunk.sentences[0].start)
        return referent(name, self.text.document, first)

    def no_company(self, name: str) -> str | None:
        """Why ``name`` names no company (``entities``), or None when it may name one."""
        if not is_enterprise_name(name):
            return "not a company"
        if named_as_place(name, self.text.document):
            return "the text writes it as a place"
        return None

    def spelled(self, name: str, record: _Record) -> str:
        """The document's own spelling of a name found in the record's sentences."""
        for sentence in record.sentences:
            loc = locate(name, sentence.text, sentence.start)
            if loc is not None and loc.how != "fuzzy":
                return self.text.document[loc.start : loc.end]
        return name.strip()

    def project(self, wire: WireProject, keep_ungrounded: bool) -> None:
        record = self._start(wire.sentences, f"project {wire.name!r}")
        record.by_value = True  # its figures are fields of it, not the record (row VAL)
        investment = self.money(record, wire.investment)
        if investment is not None and self.batch_total(record, wire):
            record.warnings.append(
                f"{record.label}: investment {wire.investment!r} totals a batch of projects, "
                "dropped"
            )
            investment = None
        output_value = self.money(record, wire.output_value)
        capacity: list[Quantity] = []
        for text in wire.capacity:
            quantity = self.quantity(record, text)
            if quantity is None:
                continue
            if quantity.unit in CURRENCY_CODES:  # money is an investment, never a capacity
                if investment is None:
                    investment = Money(
                        amount=quantity.value,
                        currency=quantity.unit,
                        qualifier=quantity.qualifier,
                        raw=quantity.raw,
                        repaired=quantity.repaired,
                    )
                continue
            if quantity.unit == UNITLESS:
                record.warnings.append(f"{record.label}: capacity {text!r} has no unit, dropped")
                continue
            if _NO_CAPACITY.match(quantity.unit):
                record.warnings.append(
                    f"{record.label}: capacity {text!r} counts people or firms or is a share, "
                    "dropped"
                )
                continue
            capacity.append(quantity)
        reason = not_a_project(wire.name)
        sentences = [s.text for s in record.sentences]
        if reason in (None, PRODUCT) and listed_as_sector(wire.name, sentences):
            reason = "the text lists it as a sector"
        if reason is None and listed_as_company(wire.name, record.sentences):
            reason = "the text lists it among companies"
        if reason is not None and reason != PRODUCT:
            record.warnings.append(f"{record.label}: dropped, {reason}")
            if reason == BATCH:
                self.batch_indicators(record, wire)
            return
        if not capacity:
            capacity = named_capacity(wire.name)
        figures = [f for f in (investment, output_value, *capacity) if f is not None]
        enterprises = [
            c
            for e in (self.referent(record, e) for e in wire.enterprises)
            if e is not None
            and self.no_company(e) is None
            and written_name(e, self.text.document)
            and (c := company_of(e))
        ]
        if (
            not figures
            and _its_own_company(wire.name, enterprises)
            and not any(_UNDERTAKING.search(s.text) for s in record.sentences)
        ):
            record.warnings.append(f"{record.label}: dropped, a company listed as its own project")
            return
        if not (figures or enterprises or PROJECT_NOUN.search(wire.name)):
            record.warnings.append(
                f"{record.label}: dropped, no figure, company or project word: not a project"
            )
            return
        # a capacity read from the name alone grounds nothing when no cited sentence exists
        # (the model cites past the chunk's end): then the name itself must be found
        grounded = (bool(figures) and bool(record.sentences)) or self.anchored(
            record, wire.name, *enterprises
        )
        if not self._keep(record, grounded, keep_ungrounded):
            return
        name = self.spelled(wire.name, record)
        if output_value is None and grounded:  # the text's, for a project that stands
            stated = stated_output([s.text for s in record.sentences], wire.investment)
            output_value = self.money(record, stated)
        (self.products if reason == PRODUCT else self.out.projects).append(
            Project(
                name=name,
                # a company's name is no place
                location=_located(
                    as_region(self.written_place(record, wire.location)), self.text.document
                ),
                sector=wire.sector
                or name_sector(name, enterprises, wire.location, self.text.document)
                or sentence_sector(s.text for s in record.sentences),
                investment=investment,
                output_value=output_value,
                capacity=capacity,
                status=built_status(wire.status, [s.text for s in record.sentences]),
                enterprises=_unique(self.spelled(e, record) for e in enterprises),
                evidence=record.evidence(self.cited_hold(record, wire.name, *enterprises))
                if grounded
                else [],
                ungrounded=not grounded,
            )
        )

    def batch_indicators(self, record: _Record, wire: WireProject) -> None:
        """The indicators a batch of projects states: the count its name starts with ("30
        projects") and its total investment, each named from the text around its figure."""
        counts = [span.text for span in find_figures(wire.name) if is_batch_count(span.text)]
        for figure, money in ((counts[0] if counts else None, False), (wire.investment, True)):
            value = self.quantity(record, figure)
            if figure is None or value is None or figure not in record.hits:
                continue
            if money != (value.unit in CURRENCY_CODES):
                continue  # an "investment" that is a percent or has no unit states no total
            sentence, loc = record.hits[figure]
            at, end = loc.start - sentence.start, loc.end - sentence.start
            if money and bounds_count(sentence.text[:at]):
                continue  # a bound on each project of the batch
            name = (
                batch_total_name(sentence.text, at, wire.name)
                if money
                else count_wording(sentence.text, at, end)
            )
            if name is None or (not money and is_rank(sentence.text, at, end)):
                continue  # a ranking's size ("national top 100 pharmaceutical companies")
            self.batch.append(
                Indicator(
                    name=name,
                    region=acting_place(sentence)
                    or as_region(self.written_place(record, wire.location))
                    or framing_place(self.text.chunk.sentences, sentence),
                    period=stated_period(self.text.chunk.sentences, sentence, loc.start),
                    value=value,
                    evidence=[Evidence(start=sentence.start, end=sentence.end, text=sentence.text)],
                )
            )

    def indicator(self, wire: WireIndicator, keep_ungrounded: bool) -> None:
        record = self._start(wire.sentences, f"indicator {wire.name!r}")
        value = self.quantity(record, wire.value)
        change = self.change(record, wire.change)
        if (
            wire.change is None
            and value is not None
            and value.unit == "%"
            and self.grows(record, wire)
        ):
            value, change = None, self.change(record, wire.value)  # "rose by 6.2%" is a change
        grounded = value is not None or change is not None
        if not grounded:
            record.warnings.append(f"{record.label}: no figure found in the text")
        if not self._keep(record, grounded, keep_ungrounded):
            return
        if grounded and not self.statistic(record, wire):
            record.warnings.append(
                f"{record.label}: dropped, its figure is a target, a bound, a difference or "
                "one project's"
            )
            return
        self.out.indicators.append(
            Indicator(
                name=count_name(self.indicator_name(record, wire), value.unit if value else None),
                region=self.written_place(record, wire.region),
                enterprise=self.spelled(wire.enterprise, record) if wire.enterprise else None,
                period=self.period(record, wire),
                value=value,
                change=change,
                evidence=record.evidence(self.cited_hold(record, wire.name, wire.enterprise))
                if grounded
                else [],
                ungrounded=not grounded,
            )
        )

    def role(self, wire: WireRole, keep_ungrounded: bool) -> None:
        record = self._start(wire.sentences, f"role {wire.enterprise!r}")
        meant = self.referent(record, wire.enterprise)
        if meant is None:
            record.warnings.append(f"{record.label}: dropped, no company it refers to")
            return
        wire = wire.model_copy(update={"enterprise": meant})
        reason = self.no_company(wire.enterprise)
        if reason is not None:
            record.warnings.append(f"{record.label}: dropped, {reason}")
            return
        if wire.project and normalize_name(wire.project) == normalize_name(wire.enterprise):
            record.warnings.append(f"{record.label}: dropped, its project is its own name")
            return
        company = company_of(wire.enterprise)
        if company is None:
            record.warnings.append(f"{record.label}: dropped, a facility's name, not a company")
            return
        wire = wire.model_copy(update={"enterprise": company})
        # a company its text never names is the model's (its prompt's example), not the text's
        grounded = self.anchored(record, wire.enterprise) and written_name(
            wire.enterprise, self.text.document
        )
        if not self._keep(record, grounded, keep_ungrounded):
            return
        if grounded and not stated_role(wire.role, [s.text for s in record.sentences]):
            record.warnings.append(f"{record.label}: dropped, no word of its role in its sentences")
            return
        self.out.roles.append(
            EnterpriseRole(
                enterprise=self.spelled(wire.enterprise, record),
                role=wire.role,
                project=wire.project,
                evidence=record.evidence(self.cited_hold(record, wire.enterprise, wire.project))
                if grounded
                else [],
                ungrounded=not grounded,
            )
        )

    def _start(self, numbers: list[int], label: str) -> _Record:
        cited = self.text.cited(numbers)
        return _Record(sentences=list(cited), warnings=self.out.warnings, label=label, cited=cited)

    def _keep(self, record: _Record, grounded: bool, keep_ungrounded: bool) -> bool:
        if grounded:
            return True
        record.warnings.append(
            f"{record.label}: ungrounded, " + ("kept (flagged)" if keep_ungrounded else "dropped")
        )
        return keep_ungrounded


_BATCH_NOUNS = r"(?:projects|enterprises|companies|firms)"
"""What a batch counts."""
_BATCH_OF = re.compile(rf"\b{_BATCH_NOUNS}$")
"""A count whose figure ends in what a batch counts ("six projects", "11 foreign firms")."""
# A count of projects or companies is named "number of ...", whatever the model called it
# ("investment" for "61 projects exceeding 100 million yuan in investment").
_COUNTED = re.compile(rf"^[\d,.]+\s+(?:[\w-]+\s+){{0,4}}{_BATCH_NOUNS}$")


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        key = normalize_name(name)
        if key and key not in seen:
            seen[key] = name
    return list(seen.values())


def _filled(
    projects: list[Project], indicators: Sequence[Indicator], document: str
) -> list[Project]:
    """``projects`` with the place a name opens with where they have none
    (``subjects.named_place``) and the size their sentence states where they have none and
    the sentence is about them alone (``outputs.stated_capacity``)."""
    cited = Counter(e.start for p in projects for e in p.evidence)
    written = {round(f.value, 3) for i in indicators for f in (i.value, i.change) if f is not None}
    filled: list[Project] = []
    for project in projects:
        update: dict[str, object] = {}
        if project.location is None:
            update["location"] = named_place(project.name, document)
        if not project.capacity and project.evidence and cited[project.evidence[0].start] == 1:
            update["capacity"] = stated_capacity(project.evidence[0].text, written)
        filled.append(project.model_copy(update=update) if update else project)
    return filled


def ground_chunk(
    document: str,
    chunk: Chunk,
    answer: ChunkExtraction | ChunkAnswer,
    *,
    keep_ungrounded: bool = False,
) -> Grounded:
    """Records of one chunk with evidence offsets and parsed values."""
    out = Grounded()
    grounder = _Grounder(document, chunk, out)
    for project in answer.projects:
        grounder.project(project, keep_ungrounded)
    out.projects = fold_products(out.projects, grounder.products, out.warnings)
    out.projects.extend(listed_projects(chunk.sentences))
    out.projects.extend(named_projects(chunk.sentences, out.projects))
    for indicator in answer.indicators:
        grounder.indicator(indicator, keep_ungrounded)
    for role in answer.roles:
        grounder.role(role, keep_ungrounded)
    named = {normalize_name(r.enterprise) for r in out.roles}
    out.roles.extend(
        r for r in listed_companies(chunk.sentences) if normalize_name(r.enterprise) not in named
    )
    partners = {
        normalize_name(r.enterprise) for r in out.roles if r.role is Role.JOINT_VENTURE_PARTNER
    }
    out.roles.extend(
        r
        for r in joint_venture_partners(chunk.sentences)
        if normalize_name(r.enterprise) not in partners
    )
    out.indicators.extend(unstated(grounder.batch, out.indicators))
    out.indicators.extend(project_counts(chunk.sentences, out.indicators))
    out.indicators = completion_rates(chunk.sentences, out.indicators)
    out.indicators.extend(sibling_statistics(chunk.sentences, out.indicators, out.projects))
    out.indicators = placed(
        with_levels(with_changes(out.indicators, chunk.sentences), chunk.sentences),
        chunk.sentences,
        document,
        out.warnings,
    )
    out.indicators = event_days(shared_periods(out.indicators, chunk.sentences), chunk.sentences)
    # a record that only page furniture states (a Chinese footer, a credit line) is the page's
    out.projects = _filled(
        [r for r in out.projects if not _on_furniture(r)], out.indicators, document
    )
    out.indicators = [r for r in out.indicators if not _on_furniture(r)]
    out.roles = [r for r in out.roles if not _on_furniture(r) and not _named_on_furniture(r)]
    return out


def _on_furniture(record: Project | Indicator | EnterpriseRole) -> bool:
    return bool(record.evidence) and all(is_page_furniture(e.text) for e in record.evidence)


def _named_on_furniture(role: EnterpriseRole) -> bool:
    """Whether the role's enterprise is named only on the page's furniture among its evidence
    ("Seetao" of the dateline "Seetao 2021-11-30 11:28"): a site is no company."""
    naming = [e for e in role.evidence if role.enterprise.lower() in e.text.lower()]
    return bool(naming) and all(is_page_furniture(e.text) for e in naming)


def _located(location: str | None, document: str) -> str | None:
    """A project's location without the province that only locates it ("Wuhu, Anhui"), and
    spelled out when it is an acronym the document defines ("BDA")."""
    if not location:
        return None
    return spelled_out(location, document) or without_province(location) or location


_NO_CAPACITY = re.compile(
    r"^(?:%|workers?|staff|employees?|people|persons?|jobs?|businesses|shops|enterprises"
    r"|compan(?:y|ies)|firms?|factories|households)(?:/\w+)?$",
    re.IGNORECASE,
)
"""Units of a figure that is no production capacity or size (the guide: "not jobs"): a count
of people or firms ("200 workers", "300,000 small businesses") or a share ("20 per cent of the
city's factories")."""


_UNDERTAKING = re.compile(
    r"\b(?:projects?|plants?|factor(?:y|ies)|facilit(?:y|ies)|bases?|lines?|parks?|cent(?:er|re)s?"
    r"|headquarters|campus|workshops?|phases?|invest(?:s|ed|ing|ments?)?|build(?:s|ing)?|built"
    r"|construct(?:s|ed|ing|ion)?|settl(?:e|es|ed|ing)|sign(?:s|ed|ing)?|land(?:s|ed)"
    r"|introduc(?:e|es|ed|ing)|sets?\s+up|establish(?:es|ed|ing)?|expan(?:d|ds|ded|ding|sion)"
    r"|broke\s+ground|groundbreaking|put\s+into|commenc(?:e|es|ed|ing))\b",
    re.IGNORECASE,
)
"""Words of a sentence that tells of something built, invested in, settled or signed. Not
``PROJECT_NOUN`` and a list of verbs: "hub", "station" or "mill" also name no undertaking in a
feature's prose (with them, an Economist section's name, "Technology Quarterly", listed as a
project of itself, is kept)."""


def _its_own_company(name: str, enterprises: Iterable[str]) -> bool:
    """Whether a project's name is only one of its own enterprises' ("NGC" built by "NGC"): a
    company the text mentions, not something it builds. A name with a project's word keeps
    ("Haichen Lithium Battery Phase II" of "Haichen Lithium Battery")."""
    if PROJECT_NOUN.search(name):
        return False
    key = normalize_name(name)
    return any(normalize_name(e) == key for e in enterprises)
