"""Pair features: speakers, dates, numbers, negation, links between statements, rationale."""

from __future__ import annotations

import datetime as dt

import pytest

from verify.features import (
    FEATURE_NAMES,
    anchor_words,
    contrast_link,
    describe,
    effective_speaker,
    find_numbers,
    is_denial_cue,
    linked,
    mentions_speaker,
    negation_cues,
    pair_features,
    same_actor,
    statement_text,
)
from verify.types import QuoteKind, Span, SpeakerKind, Statement


def make(
    content: str,
    speaker: str = "Ana Tal",
    speaker_id: str = "ana-tal",
    date: str | None = "2023-05-01",
    cue: str = "say",
    sentence: str | None = None,
    document_id: str = "doc",
    offset: int = 0,
    quote: QuoteKind = QuoteKind.INDIRECT,
) -> Statement:
    sentence = sentence or f"{speaker} said {content}."
    at = sentence.find(content)
    cue_at = sentence.find(" said ") + 1
    span = Span(offset + max(at, 0), offset + max(at, 0) + len(content))
    return Statement(
        id=Statement.make_id(document_id, span), document_id=document_id, speaker=speaker, speaker_span=None,
        speaker_id=speaker_id, speaker_kind=SpeakerKind.PERSON, cue=cue,
        cue_span=Span(offset + cue_at, offset + cue_at + 4) if cue_at > 0 else Span(offset, offset),
        content=content, content_span=span, quote_kind=quote, sentence=sentence,
        sentence_span=Span(offset, offset + len(sentence)), date=dt.date.fromisoformat(date) if date else None,
    )  # fmt: skip


def test_numbers_with_scales_words_and_percentages():
    found = find_numbers("The toll rose to 40, up from ten; 4 million fled, 10 percent of 1,200 people")
    assert [value for _, value in found] == [40.0, 10.0, 4_000_000.0, 10.0, 1200.0]
    assert [w for w, _ in find_numbers("on March 3, 2022 one man said")] == []


def test_same_speaker_later_figure_update():
    before = make("the death toll stood at 10", date="2023-01-01")
    after = make("the death toll had risen to 40", date="2023-01-13")
    features = pair_features(before, after, cosine=0.8)
    values = features.as_dict()
    assert features.same_speaker and features.days == 12
    assert values["number_mismatch"] == 1.0 and values["target_later"] == 1.0 and values["same_speaker_later"] == 1.0
    assert features.numbers == (("10",), ("40",))
    assert len(features.vector()) == len(FEATURE_NAMES)
    line = describe(features)
    assert "same speaker" in line and "12 days later" in line and "numbers differ: 10 vs 40" in line


def test_different_speakers_negation_and_earlier_date():
    a = make("the plant will close next year", date="2023-02-10")
    b = make("the plant will not close", speaker="Halvik Motors", speaker_id="halvik-motors", date="2023-02-01")
    features = pair_features(a, b, cosine=0.7)
    values = features.as_dict()
    assert not features.same_speaker and features.days == -9
    assert values["negation_mismatch"] == 1.0 and values["target_earlier"] == 1.0
    assert "not" in features.negations[1]
    assert "different speakers" in describe(features) and "9 days earlier" in describe(features)


def test_missing_dates_give_no_gap():
    features = pair_features(make("a", date=None), make("b"))
    assert features.days is None and features.as_dict()["dated"] == 0.0


def test_report_of_someone_else_is_judged_as_theirs():
    report = make(
        "Governor Ana Tal had promised that the bridge would reopen in May",
        speaker="the Dunmoor Herald",
        speaker_id="dunmoor-herald",
    )
    assert effective_speaker(report) == ("ana-tal", "the bridge would reopen in May")
    tail = make("the bridge would reopen in May, Tal said", speaker="ministry", speaker_id="ministry")
    assert effective_speaker(tail) == ("tal", "the bridge would reopen in May")
    own = make("the bridge will reopen in May")
    assert effective_speaker(own) == ("ana-tal", "the bridge will reopen in May")
    # the Herald's report and Tal's own later reversal are the same speaker
    reversal = make("the bridge will stay closed until December", date="2023-06-01")
    assert pair_features(report, reversal).same_speaker


def test_same_actor_matches_surnames_only():
    assert same_actor("volodymyr-zelensky", "zelensky")
    assert not same_actor("volodymyr-zelensky", "zelenskaya")
    assert not same_actor("unknown", "unknown")
    assert not same_actor("ana-tal", "al")


def test_denial_cue_mentions_and_links():
    promise = make(
        "to cut combat operations",
        speaker="Estmark",
        speaker_id="estmark",
        cue="promise",
        sentence="Estmark's promise to cut combat operations was noted.",
        offset=0,
    )
    dismissal = make(
        "Estmark's promise as hollow",
        speaker="Ana Kovac",
        speaker_id="ana-kovac",
        cue="dismiss",
        sentence="Shelling went on, leading Ana Kovac to dismiss Estmark's promise as hollow.",
        offset=100,
    )
    assert is_denial_cue(dismissal) and not is_denial_cue(promise)
    assert mentions_speaker(dismissal.content, "estmark")
    values = pair_features(promise, dismissal, 0.3).as_dict()
    assert values["denial_cue"] == values["mentions_other"] == values["denial_mentions_other"] == 1.0
    assert linked(promise, dismissal)


def test_contrast_link_needs_the_same_document_and_a_contrast_word():
    first = make("talks will resume on Monday", sentence="Talks will resume on Monday, the envoy said.", offset=0)
    second = make(
        "a deal is a distant prospect",
        speaker="the presidency",
        speaker_id="presidency",
        sentence="But the presidency said a deal is a distant prospect.",
        offset=60,
    )
    assert contrast_link(first, second) and contrast_link(second, first)
    elsewhere = make(
        "a deal is a distant prospect",
        speaker="the presidency",
        speaker_id="presidency",
        sentence="But the presidency said a deal is a distant prospect.",
        offset=60,
        document_id="other",
    )
    assert not contrast_link(first, elsewhere)
    plain = make(
        "a deal is a distant prospect",
        speaker="the presidency",
        speaker_id="presidency",
        sentence="The presidency said a deal is a distant prospect.",
        offset=60,
    )
    assert not contrast_link(first, plain)


def test_negation_cues():
    assert negation_cues("They didn't agree and denied it") >= {"n't", "denied"}
    assert negation_cues("They agreed") == set()


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("content", "the plant will close"),
        ("speaker", "Ana Tal: the plant will close"),
        ("cue", "Ana Tal said the plant will close"),
        ("sentence", "Ana Tal said the plant will close."),
    ],
)
def test_statement_text_modes(mode, expected):
    assert statement_text(make("the plant will close"), mode) == expected


def test_statement_text_unknown_mode():
    with pytest.raises(ValueError):
        statement_text(make("x y z"), "nope")


def test_anchored_needs_a_shared_word_name_or_link():
    harbour = make("the harbour will reopen on Monday")
    strike = make("no ship will be unloaded at the harbour", speaker="Bo Strand", speaker_id="bo-strand")
    festival = make("the festival will show 120 films on Monday", speaker="Rosa Ilyin", speaker_id="rosa-ilyin")
    assert pair_features(harbour, strike, 0.3).as_dict()["anchored"] == 1.0
    # "Monday" and titles are not anchors; a high similarity alone is
    assert pair_features(harbour, festival, 0.3).as_dict()["anchored"] == 0.0
    assert pair_features(harbour, festival, 0.65).as_dict()["anchored"] == 1.0
    assert "monday" not in anchor_words("President Ana Tal said on Monday the harbour will reopen")


def anonymous(content: str) -> Statement:
    return make(content, speaker="unknown", speaker_id="unknown", date=None, sentence=content)


def test_refuting_and_reporting_cues_on_one_side():
    claim = anonymous("A bear walked into the Eastgate shopping centre")
    hoax = anonymous("Police said the story of a bear in the shopping centre was a hoax")
    report = anonymous("A video allegedly shows a bear inside the shopping centre")
    plain = anonymous("A bear walked through the shopping centre on Sunday")
    refuted = pair_features(claim, hoax, cosine=0.7).as_dict()
    assert refuted["refute_one_side"] == 1.0 and refuted["report_one_side"] == 0.0
    assert refuted["refute_similar"] == pytest.approx(max(0.7, refuted["containment"]))
    reported = pair_features(claim, report, cosine=0.8).as_dict()
    assert reported["report_one_side"] == 1.0 and reported["report_any"] == 1.0 and reported["refute_one_side"] == 0.0
    both = pair_features(report, anonymous("Reports claimed a bear was seen in the centre"), cosine=0.8).as_dict()
    assert both["report_one_side"] == 0.0 and both["report_any"] == 1.0
    asserted = pair_features(claim, plain, cosine=0.9).as_dict()
    assert asserted["refute_one_side"] == asserted["report_one_side"] == asserted["report_any"] == 0.0
    assert asserted["open_question"] == 0.0
    unclear = pair_features(claim, anonymous("It is unclear whether the bear entered the centre"), 0.6).as_dict()
    assert unclear["open_question"] == 1.0 and unclear["report_one_side"] == 1.0


def test_a_denial_cue_counts_as_refuting():
    claim = make("the plant will close next year")
    denial = make("the plant will close next year", speaker="Halvik Motors", speaker_id="halvik-motors", cue="deny",
                  sentence="Halvik Motors denied the plant will close next year.")  # fmt: skip
    values = pair_features(claim, denial, cosine=0.9).as_dict()
    assert values["refute_one_side"] == 1.0 and values["refute_similar"] == pytest.approx(0.9, abs=0.11)
