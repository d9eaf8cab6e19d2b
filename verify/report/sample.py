"""An invented ``CheckResult`` for trying templates, tests and benchmarks without models.

The people, outlets and quotes are made up (a port town called Valmora); no real person is
quoted.  Every verdict label occurs once there are at least six statements; some speakers
are anonymous; evidence comes from other documents, with and without URLs; offsets are
exact (``Statement.content == Document.text[content_span]``).  ``hostile=True`` puts HTML,
quotes, a ``javascript:`` URL and control characters into titles, names and quotes, for
escaping tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field

from ..types import (
    CheckResult,
    Document,
    Evidence,
    InputFailure,
    QuoteKind,
    Relation,
    RelationLabel,
    Span,
    SpeakerKind,
    Statement,
    Verdict,
    VerdictLabel,
)

__all__ = ["HOSTILE_QUOTE", "HOSTILE_SPEAKER", "HOSTILE_TITLE", "sample_result"]

HOSTILE_TITLE = '<script>alert("title")</script> Harbour & "Bridge" \x07news\x00 </title>'
HOSTILE_QUOTE = 'the bridge is </mark><img src=x onerror=alert(1)> "safe" & \x1b[31mready\x0c'
HOSTILE_SPEAKER = 'O\'Brien "<b>the boss</b>"\x08'

_OUTLETS = ["The Harbour Gazette", "Northfield Ledger", "Radio Valmora", "Coastline Wire", "Valmora Evening Post"]
_HOSTS = [
    "harbour-gazette.example",
    "northfield-ledger.example",
    "radio-valmora.example",
    "coastline-wire.example",
    "evening-post.example",
]

_SPEAKERS = [
    ("Mayor Elena Brandt", "elena-brandt", SpeakerKind.PERSON),
    ("the Port Authority of Valmora", "port-authority-of-valmora", SpeakerKind.ORGANISATION),
    ("the Valmora interior ministry", "valmora-interior-ministry", SpeakerKind.GOVERNMENT),
    ("a senior port official", "anonymous:a-senior-port-official", SpeakerKind.ANONYMOUS),
    ("two people familiar with the talks", "anonymous:two-people-familiar-with-the-talks", SpeakerKind.ANONYMOUS),
    ("the dock workers' union", "dock-workers-union", SpeakerKind.GROUP),
    ("Councillor Tomas Reyes", "tomas-reyes", SpeakerKind.PERSON),
    ("harbour master Ines Okafor", "ines-okafor", SpeakerKind.PERSON),
]

# (claim, contradicting claim, supporting claim, follow-up claim)
_TOPICS = [
    (
        "the new bridge will open in May",
        "the bridge will not open before autumn",
        "the bridge is on schedule for a May opening",
        "inspectors will visit the bridge site next week",
    ),
    (
        "no jobs will be cut at the container terminal",
        "forty jobs at the container terminal will go this year",
        "the terminal is keeping all of its staff",
        "talks on terminal staffing resume on Friday",
    ),
    (
        "the harbour expansion is within its budget",
        "the expansion has overrun its budget by a third",
        "spending on the expansion matches the plan",
        "an audit of the expansion accounts has begun",
    ),
    (
        "the ferry service to the islands will continue",
        "the island ferry will stop running in June",
        "the ferry timetable for next year is unchanged",
        "a new ferry operator has been invited to bid",
    ),
    (
        "the water in the bay is safe for swimming",
        "bathing in the bay is unsafe after the spill",
        "tests show the bay water meets bathing standards",
        "more water samples will be taken on Monday",
    ),
    (
        "the fish market will stay at the old quay",
        "the fish market is moving to the east pier",
        "the market's lease at the old quay was renewed",
        "traders will meet the council about the market",
    ),
]

_EXTENSIONS = [
    "whatever the council decides at its next meeting",
    "despite the delays reported by contractors last month",
    "according to the latest figures shared with the council",
    "and the city has set aside the money to pay for it",
    "in line with the plan agreed with the regional government",
    "even after the storm damage along the east pier",
]
_SETTINGS = [
    "at a briefing in the harbour office on Tuesday",
    "in a statement posted online late on Wednesday",
    "in an interview with local radio",
    "during a heated council session",
    "as reporters gathered at the ferry terminal",
]

_PAST = {"say": "said", "warn": "warned", "insist": "insisted"}

_RATIONALES = {
    RelationLabel.CONTRADICTS: [
        "opposite claim about the same subject ({days} days apart)",
        "number mismatch and negation",
        "same subject, incompatible outcome",
    ],
    RelationLabel.SUPPORTS: ["same claim in other words", "agrees on date and subject", "restates the commitment"],
    RelationLabel.FOLLOWS_UP: [
        "later development on the same subject",
        "reports the next step",
        "follows the same story {days} days later",
    ],
}


@dataclass
class _Builder:
    text: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, piece: str) -> Span:
        span = Span(self.length, self.length + len(piece))
        self.text.append(piece)
        self.length += len(piece)
        return span


def _sentence(
    builder: _Builder,
    document_id: str,
    speaker: tuple[str, str, SpeakerKind],
    content: str,
    date: dt.date | None,
    direct: bool,
    cue: str,
) -> Statement:
    name, speaker_id, kind = speaker
    start = builder.length
    # news sentences run to 25-35 words: lengthen the claim and add where it was said
    content = f"{content}, {_EXTENSIONS[start % len(_EXTENSIONS)]}"
    setting = _SETTINGS[(start // 7) % len(_SETTINGS)]
    if direct:
        builder.add("\u201c")
        content_span = builder.add(content[0].upper() + content[1:])
        builder.add(",\u201d ")
        speaker_span = builder.add(name)
        builder.add(" ")
        cue_span = builder.add(_PAST[cue])
        builder.add(f" {setting}.")
    else:
        speaker_span = builder.add(name[0].upper() + name[1:])
        builder.add(" ")
        cue_span = builder.add(_PAST[cue])
        builder.add(f" {setting} that ")
        content_span = builder.add(content)
        builder.add(".")
    sentence_span = Span(start, builder.length)
    builder.add(" ")
    text = "".join(builder.text)
    return Statement(
        id=Statement.make_id(document_id, content_span),
        document_id=document_id,
        speaker=name,
        speaker_span=speaker_span,
        speaker_id=speaker_id,
        speaker_kind=kind,
        cue=cue,
        cue_span=cue_span,
        content=text[content_span.start : content_span.end],
        content_span=content_span,
        quote_kind=QuoteKind.DIRECT if direct else QuoteKind.INDIRECT,
        sentence=text[sentence_span.start : sentence_span.end],
        sentence_span=sentence_span,
        date=date,
        date_basis="publication date" if date else "",
        confidence=0.9,
    )


def _document(
    builder: _Builder, placeholder: str, statements: list[Statement], **meta: object
) -> tuple[Document, list[Statement]]:
    text = "".join(builder.text).rstrip()
    document = Document(id=Document.make_id(text) if text.strip() else placeholder, text=text, **meta)  # type: ignore[arg-type]
    fixed = [
        dataclasses.replace(st, document_id=document.id, id=Statement.make_id(document.id, st.content_span))
        for st in statements
    ]
    return document, fixed


def sample_result(
    statements: int = 12, seed: int = 0, hostile: bool = False, evidence_per_finding: int = 2
) -> CheckResult:
    """A made-up ``CheckResult`` with ``statements`` checked statements (default 12).

    seed: random seed (default 0; same seed, same result).
    hostile: put markup, quotes and control characters into the text (default ``False``).
    evidence_per_finding: evidence items on a finding (default 2; disputed gets at least 2).
    """
    rng = random.Random(seed)
    base_day = dt.date(2031, 3, 2)
    labels = list(VerdictLabel)
    weights = [5, 12, 8, 20, 10, 45]
    plan = [labels[i % len(labels)] for i in range(min(statements, len(labels)))]
    plan += rng.choices(labels, weights=weights, k=max(0, statements - len(plan)))

    # Evidence corpus: other outlets' articles, some with URLs, one local file without.
    evidence_docs: list[Document] = []
    pool: dict[tuple[int, int], list[Statement]] = {}
    per_doc = 6
    count_docs = max(2, min(400, statements // 6 + 2))
    for d in range(count_docs):
        builder = _Builder()
        sts = []
        keys = []
        day = base_day + dt.timedelta(days=rng.randint(-40, 40))
        for k in range(per_doc):
            topic = (d + k) % len(_TOPICS)
            variant = 1 + (d + k // 2) % 3
            speaker = _SPEAKERS[rng.randrange(len(_SPEAKERS))]
            sts.append(_sentence(builder, "", speaker, _TOPICS[topic][variant], day, rng.random() < 0.5, "say"))
            keys.append((topic, variant))
        outlet = d % len(_OUTLETS)
        url = None if d % 5 == 4 else f"https://{_HOSTS[outlet]}/{day.year}/{day.month:02d}/story-{d}"
        title = f"Valmora harbour dispute, day {d + 1}"
        if hostile and d == 0:
            title = HOSTILE_TITLE
            url = "javascript:alert('url')"
        document, sts = _document(
            builder,
            f"ev{d}",
            sts,
            title=title,
            source=_OUTLETS[outlet],
            url=url,
            date=day,
            origin=url or f"corpus/valmora-{d}.txt",
            origin_offset=None if url else 0,
        )
        evidence_docs.append(document)
        for key, st in zip(keys, sts):
            pool.setdefault(key, []).append(st)

    # Checked documents, about eight statements each.
    documents: list[Document] = []
    checked: list[tuple[Statement, VerdictLabel, int]] = []
    per_checked = 8
    index = 0
    number = 0
    while index < len(plan):
        builder = _Builder()
        builder.add("VALMORA \u2014 " if not hostile or number else "VALMORA <b>&amp;</b>\x00 \u2014 ")
        sts = []
        topics = []
        day = base_day + dt.timedelta(days=number)
        for label in plan[index : index + per_checked]:
            topic = rng.randrange(len(_TOPICS))
            speaker = _SPEAKERS[(index + rng.randrange(3)) % len(_SPEAKERS)]
            content = _TOPICS[topic][0]
            if hostile and index == 0:
                speaker = (HOSTILE_SPEAKER, "obrien", SpeakerKind.PERSON)
                content = HOSTILE_QUOTE
            undated = hostile and index % 7 == 3
            cue = rng.choice(["say", "warn", "insist"])
            sts.append(_sentence(builder, "", speaker, content, None if undated else day, rng.random() < 0.6, cue))
            topics.append((label, topic))
            index += 1
            if builder.length > 180 and rng.random() < 0.3:
                builder.add("\n\n")
        outlet = number % len(_OUTLETS)
        title = f"Harbour plans under scrutiny ({number + 1})"
        if hostile and number == 0:
            title = HOSTILE_TITLE
        document, sts = _document(
            builder,
            f"doc{number}",
            sts,
            title=title,
            source=_OUTLETS[outlet],
            url=f"https://{_HOSTS[outlet]}/news/harbour-{number + 1}" if number % 3 != 2 else None,
            date=day,
            origin=f"articles/harbour-{number + 1}.txt",
            origin_offset=0,
        )
        documents.append(document)
        checked.extend((st, label, topic) for st, (label, topic) in zip(sts, topics))
        number += 1

    verdicts = []
    doc_by_id = {d.id: d for d in [*evidence_docs, *documents]}
    by_speaker: dict[str, list[tuple[Statement, int]]] = {}
    for statement, label, topic in checked:
        evidence: list[Evidence] = []
        used: set[str] = set()
        relations: list[RelationLabel] = []
        if label is VerdictLabel.CONTRADICTED:
            relations = [RelationLabel.CONTRADICTS] * evidence_per_finding
        elif label is VerdictLabel.SUPPORTED:
            relations = [RelationLabel.SUPPORTS] * evidence_per_finding
        elif label is VerdictLabel.FOLLOW_UP:
            relations = [RelationLabel.FOLLOWS_UP] * max(1, evidence_per_finding - 1)
        elif label is VerdictLabel.DISPUTED:
            relations = [RelationLabel.SUPPORTS, RelationLabel.CONTRADICTS] + [RelationLabel.CONTRADICTS] * max(
                0, evidence_per_finding - 2
            )
        for relation_label in relations:
            variant = {RelationLabel.CONTRADICTS: 1, RelationLabel.SUPPORTS: 2, RelationLabel.FOLLOWS_UP: 3}[
                relation_label
            ]
            candidates = pool.get((topic, variant)) or [st for sts_ in pool.values() for st in sts_]
            fresh = [st for st in candidates if st.id not in used] or candidates
            other = fresh[rng.randrange(len(fresh))]
            used.add(other.id)
            evidence.append(_evidence(statement, other, relation_label, rng, doc_by_id))
        if label is VerdictLabel.SELF_CONTRADICTION:
            earlier = [st for st, t in by_speaker.get(statement.speaker_id, []) if t == topic]
            if earlier:
                other = earlier[-1]
            else:
                builder = _Builder()
                speaker = (statement.speaker, statement.speaker_id, statement.speaker_kind)
                when = (statement.date or base_day) - dt.timedelta(days=12)
                other = _sentence(builder, "", speaker, _TOPICS[topic][1], when, True, "say")
                document, (other,) = _document(
                    builder,
                    "self",
                    [other],
                    title="Earlier remarks on the harbour",
                    source=_OUTLETS[0],
                    url=f"https://{_HOSTS[0]}/archive/remarks-{len(evidence_docs)}",
                    date=when,
                    origin=f"https://{_HOSTS[0]}/archive/remarks-{len(evidence_docs)}",
                )
                evidence_docs.append(document)
                doc_by_id[document.id] = document
            evidence.append(_evidence(statement, other, RelationLabel.CONTRADICTS, rng, doc_by_id, same=True))
        evidence.sort(key=lambda e: -e.relation.probability)
        confidence = max((e.relation.probability for e in evidence), default=round(rng.uniform(0.5, 0.9), 3))
        verdicts.append(Verdict(statement=statement, label=label, confidence=confidence, evidence=tuple(evidence)))
        by_speaker.setdefault(statement.speaker_id, []).append((statement, topic))

    failures: tuple[InputFailure, ...] = ()
    if hostile:
        failures = (InputFailure("articles/<broken>.html", 'cannot read "file" \x1b[0m <here>'),)
    return CheckResult(
        documents=tuple(documents),
        verdicts=tuple(verdicts),
        failures=failures,
        corpus="valmora-sample.sqlite",
        models={"embedder": "all-MiniLM-L6-v2", "scorer": "sample"},
        evidence_documents={d.id: d for d in evidence_docs},
    )


def _evidence(
    statement: Statement,
    other: Statement,
    label: RelationLabel,
    rng: random.Random,
    docs: dict[str, Document],
    same: bool = False,
) -> Evidence:
    days = abs(((other.date or statement.date or dt.date(2031, 1, 1)) - (statement.date or dt.date(2031, 1, 1))).days)
    rationale = rng.choice(_RATIONALES[label]).format(days=days)
    if same:
        rationale = f"same speaker, {days} days apart; " + rationale
    probability = round(rng.uniform(0.62, 0.98), 3)
    relation = Relation(
        source_id=statement.id,
        target_id=other.id,
        label=label,
        probability=probability,
        scores={"nli": probability, "similarity": round(rng.uniform(0.55, 0.9), 3)},
        rationale=rationale,
        same_speaker=same or other.speaker_id == statement.speaker_id,
    )
    document = docs.get(other.document_id)
    return Evidence(relation=relation, statement=other, document=document)
