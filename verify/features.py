"""Pair features: what can be read off two statements without a model.

For a checked statement and an evidence statement, ``pair_features`` returns a
``PairFeatures``: the facts a fact-checker would look at first (same speaker? how many days
apart? do the numbers differ, and which? does one deny what the other asserts?) plus overlap
measures.  ``PairFeatures.vector()`` gives them as floats in ``FEATURE_NAMES`` order for the
relation classifier, and ``describe`` turns them into one readable line ("same speaker,
12 days later, numbers differ: 10 vs 40").

Two cue lexicons, written for news in general, say how each side stands towards what it
tells: refuting ("a hoax", "denied", "false", "debunked", a denying cue) or only reporting
("reportedly", "allegedly", "claimed", "according to", "could not be verified", "declined to
comment").  A side that only reports a claim neither confirms nor refutes it: the classifier
learns such pairs as follow-ups of the story (``refute_one_side``, ``report_one_side`` and
their products with similarity; ``open_question`` for "whether" / "?").

A report of what someone else said ("Ministry officials said Governor Tal had promised ...")
is judged as that someone's statement: ``effective_speaker`` finds the inner speaker.

Pure Python and numpy: no model is loaded here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .dates import MONTHS
from .speakers import TITLE_WORDS, slugify
from .types import QuoteKind, Statement

__all__ = [
    "FEATURE_NAMES",
    "TEXT_MODES",
    "PairFeatures",
    "content_words",
    "contrast_link",
    "cue_text",
    "describe",
    "effective_speaker",
    "entities",
    "find_numbers",
    "is_denial_cue",
    "linked",
    "mentions_speaker",
    "negation_cues",
    "pair_features",
    "same_actor",
    "statement_text",
]

FEATURE_NAMES: tuple[str, ...] = (
    "cosine",
    "same_speaker",
    "speakers_known",
    "anonymous_involved",
    "dated",
    "log_days",
    "target_later",
    "target_earlier",
    "same_day",
    "negation_mismatch",
    "negation_any",
    "opposite_words",
    "numbers_both",
    "number_mismatch",
    "number_shared",
    "entity_overlap",
    "entity_conflict",
    "lexical_overlap",
    "containment",
    "direct_any",
    "refute_words",
    "hedge_words",
    "length_ratio",
    "same_speaker_later",
    "same_speaker_numbers_differ",
    "same_speaker_negation",
    "other_speaker_negation",
    "denial_cue",
    "mentions_other",
    "same_sentence",
    "contrast_link",
    "denial_mentions_other",
    "denial_untargeted",
    "contrast_other_speaker",
    "same_sentence_other_speaker",
    "denial_similar",
    "negation_similar",
    "opposite_similar",
    "sentence_overlap",
    "sentence_entity_overlap",
    "anchored",
    "refute_one_side",
    "report_one_side",
    "report_any",
    "refute_similar",
    "report_similar",
    "open_question",
)

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "as",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "has",
        "have",
        "had",
        "having",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "me",
        "him",
        "her",
        "them",
        "us",
        "our",
        "their",
        "his",
        "hers",
        "theirs",
        "my",
        "your",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "there",
        "here",
        "so",
        "such",
        "very",
        "just",
        "also",
        "too",
        "more",
        "most",
        "some",
        "any",
        "each",
        "said",
        "says",
        "say",
        "saying",
        "told",
        "tells",
        "according",
        "added",
        "adding",
        "stated",
        "statement",
        "after",
        "before",
        "during",
        "while",
        "since",
        "until",
        "again",
        "further",
        "once",
        "all",
        "both",
        "few",
        "other",
        "own",
        "same",
        "only",
        "s",
        "t",
        "not",
        "no",
        "nor",
        "don't",
    ]
)

_NEGATION_WORDS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "n't", "cannot", "nowhere"}
)
_DENIAL_WORDS = frozenset(
    {
        "deny",
        "denies",
        "denied",
        "denying",
        "reject",
        "rejects",
        "rejected",
        "rejecting",
        "refuse",
        "refuses",
        "refused",
        "dismiss",
        "dismisses",
        "dismissed",
        "false",
        "untrue",
        "fake",
        "hoax",
        "debunk",
        "debunked",
        "baseless",
        "unfounded",
        "wrong",
        "incorrect",
        "misleading",
        "fabricated",
        "retract",
        "retracted",
        "doubt",
        "doubts",
        "disputed",
        "disputes",
        "dispute",
        "contrary",
        "rumour",
        "rumor",
    }
)
_HEDGE_WORDS = frozenset(
    {
        "reportedly",
        "allegedly",
        "alleged",
        "claim",
        "claims",
        "claimed",
        "rumoured",
        "rumored",
        "unconfirmed",
        "may",
        "might",
        "could",
        "possibly",
        "perhaps",
        "appears",
        "appeared",
        "apparently",
        "expected",
        "likely",
        "unclear",
        "suggest",
        "suggests",
        "suspected",
        "believed",
        "reports",
        "report",
    }
)
# Pairs of words that point in opposite directions; a statement using one and its
# counterpart using the other is a hint of contradiction (or of an update, with dates).
_OPPOSITES: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(a.split()), frozenset(b.split()))
    for a, b in (
        (
            (
                "rise rises rose risen rising increase increased increases increasing grow grew grown growing up "
                "higher more gain gained gains surge surged jump jumped climb climbed expand expanded"
            ),
            (
                "fall falls fell fallen falling decrease decreased decreases decreasing shrink shrank shrunk "
                "shrinking down lower less fewer drop dropped drops decline declined plunge plunged cut cuts reduce "
                "reduced reduces reducing slump slumped"
            ),
        ),
        ("open opened opens reopen reopened", "close closed closes shut shutting"),
        ("win won wins winning", "lose lost loses losing"),
        (
            "accept accepted accepts approve approved approves agree agreed agreement",
            "reject rejected rejects veto vetoed oppose opposed disagree disagreed",
        ),
        ("confirm confirmed confirms", "deny denied denies"),
        ("safe safety", "unsafe dangerous danger"),
        ("success successful succeed succeeded progress", "failure failed fail fails stalled collapse collapsed"),
        ("legal lawful", "illegal unlawful"),
        ("true accurate correct", "false inaccurate incorrect wrong"),
        ("continue continues continued continuing resume resumed", "stop stopped stops halt halted suspend suspended"),
        ("guilty", "innocent"),
        ("alive survived", "dead died killed"),
        ("present attended", "absent"),
        ("hire hired hiring", "fire fired layoffs laid"),
    )
)

# Words and phrases by which a text calls a claim untrue ("a hoax", "denied reports that ...").
_REFUTE_CUES = re.compile(
    r"\b(?:hoax(?:es)?|fake|faked|false(?:ly)?|untrue|not true|debunk\w*|fabricat\w*|baseless|unfounded|"
    r"groundless|den(?:y|ies|ied|ying)|dismiss\w*|reject\w*|refut\w*|made[- ]up|forge(?:d|ry)|doctored|"
    r"photoshopped|myth|prank|satir\w*|misinformation|disinformation|mistaken|inaccurate|incorrect|"
    r"never happened|no such|no evidence|nonsense|rubbish|invented)\b",
    re.IGNORECASE,
)
# Words and phrases by which a text reports a claim without vouching for it ("reportedly",
# "claimed", "could not be verified", "declined to comment").
_REPORT_CUES = re.compile(
    r"\b(?:reportedly|allegedly|alleged|purported(?:ly)?|purports?|supposedly|claim(?:s|ed|ing)?|"
    r"rumou?r(?:s|ed)?|unconfirmed|unverified|speculat\w*|(?:is|are|was|were) said to|according to|"
    r"sources?|reports?|reported|may have|might have|could have|appears? to|appeared to|seems? to|"
    r"believed to|thought to|unclear|not clear|whether|investigating|looking into|"
    r"(?:declined|refused|would not|did not|could not|cannot) (?:to )?(?:comment|confirm|verify|be verified|"
    r"be confirmed|be independently verified)|neither confirm nor deny|no comment|not (?:yet )?confirmed|"
    r"not (?:been )?(?:independently )?verified)\b",
    re.IGNORECASE,
)

# Cue stems of a statement that rejects what it is about ("dismissed the promise as words").
_DENIAL_CUES = (
    "deny",
    "deni",
    "dismiss",
    "reject",
    "disput",
    "refut",
    "rebut",
    "contradict",
    "doubt",
    "question",
    "downplay",
    "scoff",
    "ridicul",
    "mock",
    "brush",
    "slam",
    "decr",
    "condemn",
    "counter",
    "retort",
)
# Words that open a sentence or join clauses to set one claim against another.
_CONTRAST_OPENERS = ("but", "however", "yet", "still", "nonetheless", "nevertheless", "instead", "in contrast")
_CONTRAST_JOINERS = re.compile(
    r"\b(?:despite|but|however|although|though|while|whereas|even as|contrary to|rather than)\b", re.IGNORECASE
)
# Generic words in speaker ids that say little on their own when found in a content.
_GENERIC_SPEAKER_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "anonymous",
        "unresolved",
        "said",
        "people",
        "official",
        "officials",
        "source",
        "sources",
        "senior",
        "group",
    ]
)
# Similarity above which two statements are about the same thing whatever their words.
ANCHOR_SIMILARITY = 0.6
_CONTRAST_WINDOW = 300  # characters: the sentence or two before a "But ..." sentence

_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "half": 0.5,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_NUMBER_RE = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?:\s*(?P<scale>thousand|million|billion|trillion|bn|m|k)\b)?(?P<pct>\s*(?:%|percent|per cent))?",
    re.IGNORECASE,
)
_MONTHS = {*MONTHS, *(m[:3] for m in MONTHS), "sept"}
_SPEECH = (
    r"said|says|say|told|tells|claimed|claims|stated|states|insisted|insists|warned|warns|announced|announces|"
    r"promised|promises|denied|denies|argued|argues|added|wrote|writes|maintained|maintains|suggested|"
    r"acknowledged|admitted|confirmed|reported|predicted|pledged|vowed|declared|assured"
)
_NAME = r"(?:[A-Z][\w'’.\-]+\s+){0,4}[A-Z][\w'’.\-]+"
_REPORTED_LEAD = re.compile(
    rf"^\s*(?:that\s+)?(?P<name>{_NAME})\s+(?:had\s+|has\s+)?(?:{_SPEECH})\b,?\s*(?:that\s+)?(?P<rest>\S.*)$", re.DOTALL
)
_REPORTED_TAIL = re.compile(
    rf"^(?P<rest>.*?[^\s,]),?\s+(?P<name>{_NAME})\s+(?:had\s+|has\s+)?(?:{_SPEECH})\.?\s*$", re.DOTALL
)
_ACCORDING = re.compile(rf"^(?P<rest>.*?[^\s,]),?\s+according to\s+(?P<name>{_NAME})\.?\s*$", re.DOTALL)
_NOT_NAMES = {"the", "a", "an", "it", "he", "she", "they", "we", "i", "this", "that", "there", "officials", "he's"}

TEXT_MODES = ("content", "speaker", "cue", "sentence")


def statement_text(statement: Statement, mode: str = "speaker") -> str:
    """The text a pair scorer reads for ``statement``.

    mode "content": the content span only; "speaker" (default): "<speaker>: <content>", so
    that short contents ("words") keep who said them; "cue": "<speaker> <cue as written>
    <content>" ("Zelensky dismiss Moscow's promise as merely words"); "sentence": the whole
    sentence.
    """
    content = " ".join(statement.content.split())
    if mode == "content":
        return content
    if mode == "sentence":
        return " ".join((statement.sentence or statement.content).split())
    speaker = " ".join((statement.speaker or "").split())
    if (not speaker or speaker.lower() == "unknown") and mode in ("speaker", "cue"):
        return content
    if mode == "speaker":
        return f"{speaker}: {content}"
    if mode == "cue":
        if statement.cue.lower().startswith("according"):
            return f"{content}, according to {speaker}"
        return f"{speaker} {cue_text(statement)} {content}"
    raise ValueError(f"unknown text mode {mode!r} (expected one of {', '.join(TEXT_MODES)})")


def cue_text(statement: Statement) -> str:
    """The cue as written in the sentence ("dismiss", "said"), else its lemma."""
    start = statement.cue_span.start - statement.sentence_span.start
    end = statement.cue_span.end - statement.sentence_span.start
    if 0 <= start < end <= len(statement.sentence):
        return " ".join(statement.sentence[start:end].split())
    return statement.cue


def _tokens(text: str) -> list[str]:
    text = text.replace("’", "'").replace("n't", " n't")
    return [t.lower() for t in _WORD_RE.findall(text)] + (["n't"] * text.count(" n't"))


def content_words(text: str) -> set[str]:
    """Lower-case words of ``text`` minus stop words, with a crude plural/tense stem."""
    words = set()
    for token in _tokens(text):
        if token in _STOPWORDS or len(token) < 2:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(token) > len(suffix) + 3 and token.endswith(suffix):
                token = token[: -len(suffix)]
                break
        words.add(token)
    return words


_NOT_ANCHORS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow week weekend month year
    day night morning evening january february march april may june july august september october november
    december percent people official officials government""".split()
) | frozenset(TITLE_WORDS)


def anchor_words(text: str) -> set[str]:
    """Content words that can tie two statements to one subject: ``content_words`` minus
    days, months, titles and other words every news sentence uses."""
    return {w for w in content_words(text) if w not in _NOT_ANCHORS and not w.isdigit()}


def negation_cues(text: str) -> set[str]:
    """Negation and denial words in ``text`` ("not", "n't", "denied", "false", ...)."""
    tokens = set(_tokens(text))
    return tokens & (_NEGATION_WORDS | _DENIAL_WORDS)


def entities(text: str) -> set[str]:
    """Lower-cased capitalised words not opening the text: a cheap stand-in for names."""
    found = set()
    for match in re.finditer(r"(?<![.!?:\"“]\s)(?<!^)\b[A-Z][a-zA-Z’'\-]+", text.strip()):
        word = match.group(0).lower().rstrip("'’s")
        if word not in _STOPWORDS and len(word) > 1:
            found.add(word)
    return found


def find_numbers(text: str) -> list[tuple[str, float]]:
    """Numbers in ``text`` as (as written, value): "4 million" → ("4 million", 4e6).

    Years (1900–2100 written as four digits), day numbers next to a month name and the
    pronoun-like "one" are left out, since they rarely carry the claim.
    """
    found: list[tuple[str, float]] = []
    lowered = text.lower()
    for match in _NUMBER_RE.finditer(text):
        raw = match.group("num")
        word = raw.lower()
        if word in _NUMBER_WORDS:
            if word in ("one", "half") and not match.group("scale") and not match.group("pct"):
                continue
            value = float(_NUMBER_WORDS[word])
        else:
            value = float(raw.replace(",", ""))
            if re.fullmatch(r"(19|20)\d\d", raw) and not match.group("pct"):
                continue
            before = lowered[max(0, match.start() - 10) : match.start()].split()
            after = lowered[match.end() : match.end() + 10].split()
            if (before and before[-1].strip(".,") in _MONTHS) or (after and after[0].strip(".,") in _MONTHS):
                continue
        scale = (match.group("scale") or "").lower()
        if scale:
            value *= _SCALES[scale]
        written = match.group(0).strip()
        found.append((written, value))
    return found


def effective_speaker(statement: Statement) -> tuple[str, str]:
    """(speaker id, content) the statement should be judged as.

    When the content is itself a report of what a named someone said ("Governor Ana Tal had
    promised ...", "..., Tal said"), that someone is the speaker and the inner clause the
    content; otherwise the statement's own ``speaker_id`` and ``content``.
    """
    content = " ".join(statement.content.split())
    for pattern in (_REPORTED_LEAD, _REPORTED_TAIL, _ACCORDING):
        match = pattern.match(content)
        if not match:
            continue
        name = match.group("name").strip()
        words = name.split()
        while words and (words[0].lower() in _NOT_NAMES or words[0].lower() in TITLE_WORDS):
            words = words[1:]
        if not words or words[-1].lower() in _NOT_NAMES:
            continue
        rest = match.group("rest").strip()
        if len(rest.split()) < 3:
            continue
        return slugify(" ".join(words)), rest
    return statement.speaker_id, content


def is_denial_cue(statement: Statement) -> bool:
    """Whether the statement's cue rejects its content ("deny", "dismiss", "reject", ...)."""
    cue = f"{statement.cue} {cue_text(statement)}".lower()
    return any(word.startswith(_DENIAL_CUES) for word in cue.split())


def mentions_speaker(text: str, speaker_id: str) -> bool:
    """Whether ``text`` names the speaker (a word of 4+ letters of its id, e.g. "Moscow's")."""
    words = {w for w in speaker_id.split("-") if len(w) >= 4 and w not in _GENERIC_SPEAKER_WORDS and not w.isdigit()}
    if not words:
        return False
    return bool(words & {t.rstrip("'s").rstrip("'") for t in _tokens(text)})


def _sentence_key(statement: Statement) -> str:
    return " ".join(statement.sentence.split()).lower()


def contrast_link(first: Statement, second: Statement) -> bool:
    """Whether the writer sets the two statements against each other in one document.

    True when both come from one sentence holding a contrast word ("despite", "but",
    "while" ...), or when the later one's sentence opens with "But" / "However" / "Yet" ...
    and the earlier one ends shortly before it (within 300 characters: a sentence or two).
    """
    if first.document_id != second.document_id:
        return False
    if first.sentence_span == second.sentence_span:
        return bool(_CONTRAST_JOINERS.search(first.sentence))
    earlier, later = sorted((first, second), key=lambda s: s.sentence_span.start)
    gap = later.sentence_span.start - earlier.sentence_span.end
    opening = " ".join(later.sentence.split()[:2]).lower().strip(",;:")
    opens_with_contrast = any(opening == o or opening.startswith((o + " ", o + ",")) for o in _CONTRAST_OPENERS)
    return 0 <= gap <= _CONTRAST_WINDOW and opens_with_contrast


def linked(first: Statement, second: Statement) -> bool:
    """Whether the text ties two statements together whatever their similarity: one names
    the other's speaker ("dismissed Moscow's promise"), or the writer contrasts them
    (``contrast_link``).  Used to keep such pairs as candidates."""
    speaker_a, text_a = effective_speaker(first)
    speaker_b, text_b = effective_speaker(second)
    if same_actor(speaker_a, speaker_b):
        return False
    return mentions_speaker(text_a, speaker_b) or mentions_speaker(text_b, speaker_a) or contrast_link(first, second)


def same_actor(a: str, b: str) -> bool:
    """Whether two speaker ids name one actor: equal, or one is the other's surname.

    ("volodymyr-zelensky", "zelensky") → True; ("unknown", "unknown") → False.
    """
    if not a or not b or a == "unknown" or b == "unknown":
        return False
    if a == b:
        return True
    pa, pb = a.split("-"), b.split("-")
    short, long = (pa, pb) if len(pa) < len(pb) else (pb, pa)
    return len(short) == 1 and short[0] == long[-1] and len(short[0]) > 2


@dataclass(frozen=True)
class PairFeatures:
    """Facts about one (checked, evidence) pair.

    values: one float per name in ``FEATURE_NAMES``.
    same_speaker: both statements come from the same actor (after ``effective_speaker``).
    days: evidence date minus checked date in days (``None`` when a date is missing).
    numbers: the numbers as written in each statement (checked, evidence).
    negations: negation/denial words in each statement.
    opposites: opposite-direction word pairs found ("rose" vs "fell").
    """

    values: tuple[float, ...]
    same_speaker: bool
    days: int | None
    numbers: tuple[tuple[str, ...], tuple[str, ...]]
    negations: tuple[tuple[str, ...], tuple[str, ...]]
    opposites: tuple[tuple[str, str], ...]

    def vector(self) -> np.ndarray:
        """The values as a float32 array, ``FEATURE_NAMES`` order."""
        return np.asarray(self.values, dtype=np.float32)

    def as_dict(self) -> dict[str, float]:
        """{feature name: value}."""
        return dict(zip(FEATURE_NAMES, self.values))

    @property
    def number_mismatch(self) -> bool:
        return bool(self.as_dict()["number_mismatch"])

    @property
    def negation_mismatch(self) -> bool:
        return bool(self.as_dict()["negation_mismatch"])


def _opposites(a: set[str], b: set[str]) -> list[tuple[str, str]]:
    found = []
    for left, right in _OPPOSITES:
        for x, y in ((left, right), (right, left)):
            in_a, in_b = a & x, b & y
            if in_a and in_b and not (a & y) and not (b & x):
                found.append((min(in_a), min(in_b)))
    return found


def pair_features(checked: Statement, evidence: Statement, cosine: float | None = None) -> PairFeatures:
    """Features of the pair (``checked``, ``evidence``).

    cosine: similarity of their embeddings (``None`` → 0; the caller usually has it).
    """
    speaker_a, text_a = effective_speaker(checked)
    speaker_b, text_b = effective_speaker(evidence)
    same = same_actor(speaker_a, speaker_b)
    known = speaker_a not in ("", "unknown") and speaker_b not in ("", "unknown")
    anonymous = "anonymous" in (checked.speaker_kind.value, evidence.speaker_kind.value)

    days: int | None = None
    if checked.date is not None and evidence.date is not None:
        days = (evidence.date - checked.date).days

    tokens_a, tokens_b = set(_tokens(text_a)), set(_tokens(text_b))
    neg_a, neg_b = negation_cues(text_a), negation_cues(text_b)
    gram_a, gram_b = tokens_a & _NEGATION_WORDS, tokens_b & _NEGATION_WORDS
    negation_mismatch = bool(gram_a) != bool(gram_b) or bool(neg_a - gram_a) != bool(neg_b - gram_b)
    opposites = _opposites(tokens_a, tokens_b)

    nums_a, nums_b = find_numbers(text_a), find_numbers(text_b)
    values_a, values_b = {v for _, v in nums_a}, {v for _, v in nums_b}
    both_numbers = bool(values_a and values_b)
    shared_numbers = bool(values_a & values_b)
    number_mismatch = both_numbers and not shared_numbers

    ents_a, ents_b = entities(text_a), entities(text_b)
    union = ents_a | ents_b
    entity_overlap = len(ents_a & ents_b) / len(union) if union else 0.0
    entity_conflict = float(bool(ents_a and ents_b and not ents_a & ents_b))

    words_a, words_b = content_words(text_a), content_words(text_b)
    word_union = words_a | words_b
    lexical = len(words_a & words_b) / len(word_union) if word_union else 0.0
    containment = len(words_a & words_b) / min(len(words_a), len(words_b)) if words_a and words_b else 0.0

    direct_a = checked.quote_kind in (QuoteKind.DIRECT, QuoteKind.MIXED)
    direct_b = evidence.quote_kind in (QuoteKind.DIRECT, QuoteKind.MIXED)
    refute = len((tokens_a | tokens_b) & _DENIAL_WORDS)
    hedge = len((tokens_a | tokens_b) & _HEDGE_WORDS)
    len_a, len_b = max(1, len(tokens_a)), max(1, len(tokens_b))

    later = days is not None and days > 0
    earlier = days is not None and days < 0
    denial = is_denial_cue(checked) or is_denial_cue(evidence)
    mentions = mentions_speaker(text_a, speaker_b) or mentions_speaker(text_b, speaker_a)
    same_sentence = (
        bool(checked.sentence.strip())
        and _sentence_key(checked) == _sentence_key(evidence)
        and (checked.document_id == evidence.document_id)
    )
    contrast = contrast_link(checked, evidence)
    sentence_words_a, sentence_words_b = content_words(checked.sentence), content_words(evidence.sentence)
    union_words = sentence_words_a | sentence_words_b
    sentence_overlap = len(sentence_words_a & sentence_words_b) / len(union_words) if union_words else 0.0
    sentence_ents_a, sentence_ents_b = entities(checked.sentence), entities(evidence.sentence)
    union_ents = sentence_ents_a | sentence_ents_b
    sentence_entities = len(sentence_ents_a & sentence_ents_b) / len(union_ents) if union_ents else 0.0
    anchored = (
        bool(anchor_words(f"{checked.sentence} {text_a}") & anchor_words(f"{evidence.sentence} {text_b}"))
        or mentions
        or contrast
        or same_sentence
        or float(cosine or 0.0) >= ANCHOR_SIMILARITY
    )
    # the whole content, reporting clause included ("Reports claimed ..."), and a denying cue
    whole_a, whole_b = " ".join(checked.content.split()), " ".join(evidence.content.split())
    refutes_a = bool(_REFUTE_CUES.search(whole_a)) or is_denial_cue(checked)
    refutes_b = bool(_REFUTE_CUES.search(whole_b)) or is_denial_cue(evidence)
    reports_a, reports_b = bool(_REPORT_CUES.search(whole_a)), bool(_REPORT_CUES.search(whole_b))
    closeness = max(float(cosine or 0.0), containment)
    both_texts = f"{whole_a} {whole_b}"
    open_question = "?" in both_texts or bool(re.search(r"\bwhether\b", both_texts, re.IGNORECASE))
    values = (
        float(cosine or 0.0),
        float(same),
        float(known),
        float(anonymous),
        float(days is not None),
        min(1.0, math.log1p(abs(days)) / math.log1p(3650)) if days is not None else 0.0,
        float(later),
        float(earlier),
        float(days == 0),
        float(negation_mismatch),
        float(bool(neg_a or neg_b)),
        float(bool(opposites)),
        float(both_numbers),
        float(number_mismatch),
        float(shared_numbers),
        entity_overlap,
        entity_conflict,
        lexical,
        containment,
        float(direct_a or direct_b),
        min(refute, 3) / 3.0,
        min(hedge, 3) / 3.0,
        min(len_a, len_b) / max(len_a, len_b),
        float(same and (later or earlier)),
        float(same and number_mismatch),
        float(same and (negation_mismatch or bool(opposites))),
        float((not same) and (negation_mismatch or bool(opposites))),
        float(denial),
        float(mentions),
        float(same_sentence),
        float(contrast),
        float(denial and mentions),
        float(denial and not mentions),
        float(contrast and not same),
        float(same_sentence and not same),
        float(denial) * float(cosine or 0.0),
        float(negation_mismatch) * max(float(cosine or 0.0), containment),
        float(bool(opposites)) * max(float(cosine or 0.0), containment),
        sentence_overlap,
        sentence_entities,
        float(anchored),
        float(refutes_a != refutes_b),
        float(reports_a != reports_b),
        float(reports_a or reports_b),
        float(refutes_a != refutes_b) * closeness,
        float(reports_a != reports_b) * closeness,
        float(open_question),
    )
    return PairFeatures(
        values=values,
        same_speaker=same,
        days=days,
        numbers=(tuple(w for w, _ in nums_a), tuple(w for w, _ in nums_b)),
        negations=(tuple(sorted(neg_a)), tuple(sorted(neg_b))),
        opposites=tuple(opposites),
    )


def _days_phrase(days: int | None) -> str | None:
    if days is None:
        return None
    if days == 0:
        return "same day"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'later' if days > 0 else 'earlier'}"


def describe(features: PairFeatures, label: str = "", extra: Sequence[str] = ()) -> str:
    """One line a fact-checker can read, e.g. "same speaker, 12 days later, numbers differ: 10 vs 40".

    label: the relation label, used to lead with the finding ("contradicts: ...").
    extra: more clauses appended at the end (e.g. "NLI contradiction 0.94").
    """
    values = features.as_dict()
    parts: list[str] = []
    if label:
        parts.append(label.replace("_", " "))
    parts.append("same speaker" if features.same_speaker else "different speakers")
    when = _days_phrase(features.days)
    if when:
        parts.append(when)
    if values["number_mismatch"]:
        a, b = features.numbers
        parts.append(f"numbers differ: {', '.join(a)} vs {', '.join(b)}")
    elif values["number_shared"]:
        parts.append("same figures")
    if values["negation_mismatch"]:
        a, b = features.negations
        side = f"'{'/'.join(a)}'" if a else f"'{'/'.join(b)}'"
        parts.append(f"one side negates ({side})")
    if features.opposites:
        x, y = features.opposites[0]
        parts.append(f"opposite wording: {x} vs {y}")
    parts.append(f"similarity {values['cosine']:.2f}")
    parts.extend(extra)
    return ", ".join(parts)
