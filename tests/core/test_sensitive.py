"""The comment area's sensitive-word matcher: Chinese words, full-width and spaced-out variants."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leitai.core.sensitive import Hit, WordMatcher, normalise

WORDS = ["敏感词", "代开发票", "刷票", "VOTE BUY"]
MATCHER = WordMatcher(WORDS)


def test_a_chinese_word_is_found_with_its_place() -> None:
    text = "评论里有代开发票的广告"
    assert MATCHER.find(text) == [Hit(4, 8, "代开发票")]
    assert text[4:8] == "代开发票"


def test_spaces_full_width_spaces_and_zero_width_characters_do_not_hide_a_word() -> None:
    for text in (
        "代 开 发 票",
        "代\u3000开\u3000发\u3000票",
        "代\u200b开\u200d发\ufeff票",
        "代\t开\n发票",
    ):
        assert MATCHER.words_in(text) == ["代开发票"], text
        (hit,) = MATCHER.find(text)
        assert (hit.start, text[hit.end - 1]) == (0, "票")


def test_full_width_and_upper_case_latin_letters_match() -> None:
    text = "请大家 ｖｏｔｅ　ｂｕｙ 一下"
    (hit,) = MATCHER.find(text)
    assert hit.word == "VOTE BUY"
    assert text[hit.start : hit.end] == "ｖｏｔｅ　ｂｕｙ"
    assert MATCHER.words_in("VoteBuy") == ["VOTE BUY"]


def test_every_occurrence_and_overlapping_words() -> None:
    matcher = WordMatcher(["刷票", "票数", "刷票数"])
    assert matcher.find("刷票数刷票") == [
        Hit(0, 2, "刷票"),
        Hit(0, 3, "刷票数"),
        Hit(1, 3, "票数"),
        Hit(3, 5, "刷票"),
    ]
    assert matcher.words_in("刷票数刷票") == ["刷票", "刷票数", "票数"]


def test_punctuation_between_characters_is_not_removed() -> None:
    # Removing it would join the end of one sentence to the next into false hits.
    assert MATCHER.find("去刷。票") == []


def test_clean_text_empty_list_and_blank_words() -> None:
    assert MATCHER.find("支部工作扎实，群众满意") == []
    assert WordMatcher([]).find("敏感词") == []
    blank = WordMatcher(["", "  ", "\u3000", "敏感词", "敏 感 词"])
    assert blank.size == 1
    assert blank.words_in("敏感词") == ["敏感词"]


def test_normalise_keeps_the_origin_of_each_character() -> None:
    assert normalise("Ａ　b\u200bＣ") == ("abc", [0, 2, 4])
    # One character may become several (NFKC): each keeps its origin.
    assert normalise("㈱x") == ("(株)x", [0, 0, 0, 1])


@given(
    before=st.text(alphabet="支部工作群众满意，。 ", max_size=20),
    after=st.text(alphabet="支部工作群众满意，。 ", max_size=20),
    gaps=st.lists(st.sampled_from(["", " ", "\u3000", "\u200b", "\t"]), min_size=3, max_size=3),
)
def test_a_spaced_out_word_is_found_where_it_was_typed(
    before: str, after: str, gaps: list[str]
) -> None:
    word = "".join(char + gap for char, gap in zip("代开发", gaps, strict=True)) + "票"
    text = before + word + after
    hits = MATCHER.find(text)
    assert Hit(len(before), len(before) + len(word), "代开发票") in hits
