"""The query a reader types, as terms (pure), and its FTS5 form run against a bare SQLite FTS5
table, so the match syntax is checked on every run whichever database the suite uses."""

import sqlite3

import pytest

from evidence import fts
from evidence.search_query import (
    MAX_TERMS,
    START,
    STOP,
    SYNONYM_GROUPS,
    fts5_match,
    parse,
    split_marks,
)
from tests.hostile import COMBINED, PAYLOADS

HOSTILE_QUERIES = [
    '"',
    '""',
    '"unbalanced quote',
    "*",
    "pain*",
    "NEAR(pain back)",
    "pain NEAR back",
    "NOT pain",
    "AND OR NOT",
    "-pain",
    "- - -",
    "title:pain",
    "^pain",
    "pain + back",
    "(pain",
    "pain)",
    "{title summary}: pain",
    "'; DROP TABLE evidence_evidenceitem; --",
    "x-ray-x-ray-x-ray",
    "pain\x00back",
    "\x02pain\x03",
    "💥 pain 💥",
    "ÀÉÎ õü",
    "a" * 5000,
    " ".join(["pain"] * 300),
    " ".join(f"word{n}" for n in range(300)),
]


def _phrases(term):
    return [" ".join(words) for words in term.phrases]


def test_single_words_are_terms_and_lone_stop_words_are_dropped():
    terms = parse("Myths about the bed rest")
    assert [term.typed for term in terms] == [("myths",), ("bed",), ("rest",)]


def test_a_hyphenated_word_is_a_phrase_with_its_synonyms():
    (term,) = parse("X-ray")
    assert term.typed == ("x", "ray")
    assert _phrases(term) == ["x ray", "xray", "imaging", "scan", "mri", "radiograph"]


def test_a_synonym_is_recognised_in_the_plural_and_with_a_space_for_the_hyphen():
    for query in ("x rays", "scans", "MRI"):
        (term,) = parse(query)
        assert "imaging" in _phrases(term), query


def test_multi_word_synonyms_are_recognised_longest_first():
    (term,) = parse("cognitive behavioural therapy")
    assert term.typed == ("cognitive", "behavioural", "therapy")
    assert "cbt" in _phrases(term)
    slipped, surgery = parse("slipped discs surgery")
    assert slipped.typed == ("slipped", "discs")
    assert {"disc herniation", "herniated disc"} <= set(_phrases(slipped))
    assert _phrases(surgery) == ["surgery"]


def test_every_synonym_group_expands_from_each_of_its_members():
    for group in SYNONYM_GROUPS:
        for member in group:
            (term,) = parse(member)
            assert len(term.phrases) == len(group), member


def test_a_quoted_passage_is_one_phrase():
    (term,) = parse('"paracetamol alone"')
    assert term.phrases == (("paracetamol", "alone"),)


def test_the_same_term_twice_is_searched_once():
    assert len(parse("pain pain imaging scan")) == 2


def test_a_query_of_nothing_searchable_has_no_terms():
    for query in ("", "   ", "!!!", "the and of", '"" - *', '"the"', "don't"):
        assert parse(query) == (), query


def test_a_long_query_is_cut_to_a_bounded_number_of_terms():
    terms = parse(" ".join(f"word{n}" for n in range(300)))
    assert len(terms) == MAX_TERMS


def test_the_fts5_expression_quotes_every_phrase():
    terms = parse("NEAR x-ray")
    assert fts5_match(terms) == (
        '("near") AND ("x ray" OR "xray" OR "imaging" OR "scan" OR "mri" OR "radiograph")'
    )
    assert fts5_match(terms, typed_only=True) == '("near") AND ("x ray")'


@pytest.fixture
def bare_index():
    """The real FTS5 table definition in a plain in-memory SQLite, without Django."""
    db = sqlite3.connect(":memory:")
    db.execute(fts.CREATE_TABLE)
    rows = [
        (1, "Myth: an X-ray shows the cause", "Scans mislead.", "", "", "Smith 2020"),
        (2, "Physiotherapy for back pain", "Exercise-based physio helps.", "", "", "Jones"),
        (3, "Herniated discs often shrink", "A slipped disc is not a life sentence.", "", "", ""),
        (4, "Painkillers", "Analgesics for acute pain; NEAR and NOT are words.", "", "", ""),
    ]
    db.executemany(
        f"INSERT INTO {fts.TABLE} (rowid, {', '.join(fts.COLUMNS)}) VALUES ({', '.join('?' * 6)})",
        rows,
    )
    yield db
    db.close()


def _found(db, query):
    terms = parse(query)
    if not terms:
        return set()
    sql = f"SELECT rowid FROM {fts.TABLE} WHERE {fts.TABLE} MATCH ?"
    return {row[0] for row in db.execute(sql, (fts5_match(terms),))}


def test_the_porter_tokenizer_stems_and_the_synonyms_widen(bare_index):
    assert _found(bare_index, "myths") == {1}
    assert _found(bare_index, "x-ray") == {1}
    assert _found(bare_index, "imaging") == {1}
    assert _found(bare_index, "physio") == {2}
    assert _found(bare_index, "disc herniation") == {3}
    assert _found(bare_index, "analgesic") == {4}
    assert _found(bare_index, "near") == {4}


def test_hostile_queries_are_safe_fts5_expressions(bare_index):
    for query in [*HOSTILE_QUERIES, *PAYLOADS, COMBINED]:
        _found(bare_index, query)  # an FTS5 syntax error would raise here


def test_marks_become_pieces_and_neighbouring_matches_join():
    text = f"A {START}X{STOP}-{START}ray{STOP} and <b>{START}scan{STOP}</b>"
    assert split_marks(text) == [
        ("A ", False),
        ("X-ray", True),
        (" and <b>", False),
        ("scan", True),
        ("</b>", False),
    ]


def test_an_unpaired_marker_is_dropped():
    assert split_marks(f"a{STOP}b{START}c") == [("ab", False), ("c", True)]
    assert split_marks("") == []
