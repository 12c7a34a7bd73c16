"""What a reader typed into the library's search box, turned into terms both databases search.

Pure: no Django. The synonym groups below are the one definition of the field's vocabulary;
PostgreSQL (a tsquery of phrases) and SQLite (an FTS5 match expression) are both built from
`parse()`, so the two back-ends find the same items. Word forms ("myths" for "myth") are the
databases' stemmers' work (PostgreSQL's English snowball, FTS5's porter tokenizer); this module
only decides which words and phrases are searched and how they combine.

A query is a list of terms, all of which must match (AND); a term is a list of alternative
phrases, any of which may match (OR). A word on its own is a one-word phrase; a hyphenated word
("x-ray") or a quoted passage ("paracetamol alone") is a phrase; a phrase from a synonym group
("slipped disc") becomes that whole group.
"""

import re
from dataclasses import dataclass

# Each group is a set of ways the field names one thing. Written as readers write them: case,
# hyphens and plural "s" do not matter here (see `_normal`).
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("x-ray", "xray", "imaging", "scan", "MRI", "radiograph"),
    ("physio", "physiotherapy", "physiotherapist", "physical therapy"),
    (
        "CBT",
        "cognitive behavioural therapy",
        "cognitive behavioral therapy",
        "cognitive behavioural",
        "cognitive behavioral",
    ),
    ("slipped disc", "disc herniation", "herniated disc", "prolapsed disc", "disc prolapse"),
    ("painkillers", "analgesics", "analgesia", "pain killers"),
)

# PostgreSQL's English stop words (tsearch_data/english.stop). A term of stop words only is
# dropped on both back-ends, so "myths about rest" means the same on SQLite, which keeps every
# word, as on PostgreSQL, which ignores them. Inside a longer phrase they stay.
_POSTGRESQL_ENGLISH_STOP = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which who
    whom this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_POSTGRESQL_ENGLISH_STOP.split())

MAX_QUERY_LENGTH = 500  # characters read from a query; the search form allows 200
MAX_TERMS = 10  # a search box, not a document: more words than this add nothing but cost
MAX_PHRASE_WORDS = 8
MAX_WORD_LENGTH = 40

# Databases mark matches with these; `split_marks` turns them into (text, is_match) pieces
# that a template escapes, so no stored or typed text is ever trusted as HTML.
START = "\x02"
STOP = "\x03"

WORD = re.compile(r"[^\W_]+")
# What separates words into terms: anything but letters, digits and the marks that join the
# parts of one word ("x-ray", "1.1.4", "and/or"), which make a phrase of them. An apostrophe
# separates, as PostgreSQL's parser does: "patient's" is "patient" and a stop word.
SEPARATORS = re.compile(r"[^\w\-\u2010-\u2015./]+")
QUOTED = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Term:
    """One thing the reader asked for: any of its phrases may match."""

    typed: tuple[str, ...]  # the words as the reader typed them (lower case)
    phrases: tuple[tuple[str, ...], ...]  # every phrase that counts as a match, typed first
    synonyms: tuple[str, ...] = ()  # the phrases besides the typed one, as the groups spell them


def _words(text: str) -> tuple[str, ...]:
    return tuple(w[:MAX_WORD_LENGTH] for w in WORD.findall(text.casefold()))


def _normal(word: str) -> str:
    """A word without a plural ending, for recognising a group's phrase ("slipped discs")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _key(words) -> tuple[str, ...]:
    return tuple(_normal(w) for w in words)


GROUP_PHRASES: tuple[tuple[tuple[str, ...], ...], ...] = tuple(
    tuple(_words(phrase) for phrase in group) for group in SYNONYM_GROUPS
)
# Every group phrase by its normal form, longest first so "cognitive behavioural therapy"
# is recognised before "cognitive behavioural".
_RECOGNISED = sorted(
    ((_key(phrase), index) for index, group in enumerate(GROUP_PHRASES) for phrase in group),
    key=lambda entry: -len(entry[0]),
)


def _units(q: str) -> list[tuple[str, ...]]:
    """The query's units, each the words of a quoted passage or of one chunk between separators."""
    units = []
    pieces = QUOTED.split(q)
    # An unbalanced quote leaves its tail unquoted, which is what a reader would expect.
    for position, piece in enumerate(pieces):
        if position % 2:
            words = _words(piece)[:MAX_PHRASE_WORDS]
            if words:
                units.append(words)
            continue
        for chunk in SEPARATORS.split(piece):
            words = _words(chunk)[:MAX_PHRASE_WORDS]
            if words:
                units.append(words)
    return units


def _group_at(units, start: int) -> tuple[int, int] | None:
    """(group index, units used) when a group's phrase begins at this unit and ends on a unit."""
    words, ends = [], {}
    for offset, unit_words in enumerate(units[start : start + MAX_PHRASE_WORDS]):
        words.extend(unit_words)
        ends[len(words)] = offset + 1
    key = _key(words)
    for phrase, group in _RECOGNISED:
        if len(phrase) in ends and key[: len(phrase)] == phrase:
            return group, ends[len(phrase)]
    return None


def parse(q: str) -> tuple[Term, ...]:
    """The terms of a query, at most MAX_TERMS, each with its synonyms; () when nothing is left."""
    units = _units((q or "")[:MAX_QUERY_LENGTH])
    terms: list[Term] = []
    seen = set()
    position = 0
    while position < len(units) and len(terms) < MAX_TERMS:
        found = _group_at(units, position)
        if found:
            group, used = found
            typed = tuple(w for words in units[position : position + used] for w in words)
            others = [
                (phrase, spelt)
                for phrase, spelt in zip(GROUP_PHRASES[group], SYNONYM_GROUPS[group], strict=True)
                if _key(phrase) != _key(typed)
            ]
            term = Term(
                typed=typed,
                phrases=(typed, *(phrase for phrase, _spelt in others)),
                synonyms=tuple(spelt for _phrase, spelt in others),
            )
            identity = ("group", group)
            position += used
        else:
            words = units[position]
            position += 1
            if all(word in STOP_WORDS for word in words):
                continue
            term = Term(typed=words, phrases=(words,))
            identity = ("words", words)
        if identity not in seen:
            seen.add(identity)
            terms.append(term)
    return tuple(terms)


def _fts5_phrase(words: tuple[str, ...]) -> str:
    # Inside double quotes FTS5 reads only a phrase: AND, OR, NOT, NEAR, *, ^, - and column
    # filters are plain text there. Words hold letters and digits only; the doubling of any
    # quote is what FTS5 asks for, kept in case that ever changes.
    return '"' + " ".join(words).replace('"', '""') + '"'


def fts5_match(terms: tuple[Term, ...], *, typed_only: bool = False) -> str:
    """The FTS5 MATCH expression for the terms (each term's phrases OR'd, the terms AND'ed)."""
    groups = []
    for term in terms:
        phrases = (term.typed,) if typed_only else term.phrases
        groups.append("(" + " OR ".join(_fts5_phrase(p) for p in phrases) + ")")
    return " AND ".join(groups)


def has_synonyms(terms: tuple[Term, ...]) -> bool:
    """Whether any term searches more than what was typed."""
    return any(len(term.phrases) > 1 for term in terms)


def split_marks(text: str) -> list[tuple[str, bool]]:
    """Text marked by the database as (piece, is_match) pieces, adjacent matches joined.

    Matches separated only by spaces or hyphens become one ("X-ray", "slipped disc"), as FTS5
    and PostgreSQL mark those differently. An unpaired marker is dropped, never shown.
    """
    pieces: list[list] = []
    inside = False
    for part in re.split(f"([{START}{STOP}])", text or ""):
        if part == START:
            inside = True
        elif part == STOP:
            inside = False
        elif part:
            pieces.append([part, inside])
    merged: list[list] = []
    for piece in pieces:
        if merged and merged[-1][1] == piece[1]:
            merged[-1][0] += piece[0]
            continue
        # "<match>" "-" "<match>": fold the gap and the second match into the first.
        if (
            piece[1]
            and len(merged) >= 2
            and merged[-2][1]
            and not merged[-1][1]
            and re.fullmatch(r"[\s\-]{1,3}", merged[-1][0])
        ):
            gap = merged.pop()
            merged[-1][0] += gap[0] + piece[0]
            continue
        merged.append(piece)
    return [(text, bool(hit)) for text, hit in merged]


def has_mark(text: str | None) -> bool:
    """Whether the database marked a match in this text."""
    return bool(text) and START in text
