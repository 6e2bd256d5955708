"""What a column's name says about it, in the languages of rules/vocabulary.yaml."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ._resources import load_yaml


@dataclass(frozen=True)
class NameHint:
    semantic_type: str
    score: float  # 0..1: how strongly the name alone points to the type
    language: str
    term: str
    exact: bool


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=1 << 16)
def normalise_column_name(name: str) -> str:  # cached: a join judges every pair of two releases' names
    """`Date de naissance` -> `date_de_naissance`; `startStationID` -> `start_station_id`."""
    text = str(name).replace("ß", "ss")
    text = _CAMEL.sub("_", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return text


@dataclass(frozen=True)
class _Term:
    tokens: tuple[str, ...]
    whole_only: bool
    prefix: bool
    language: str
    text: str


@lru_cache(maxsize=1)
def _partners() -> dict[str, str]:
    """semantic type -> the type whose column must stand beside it for the type's whole-only
    terms to count (latitude <-> longitude)."""
    types = load_yaml("vocabulary.yaml")["types"]
    partners = {semantic_type: str(entry["partner"]) for semantic_type, entry in types.items() if entry.get("partner")}
    for semantic_type, partner in partners.items():
        if partners.get(partner) != semantic_type:
            raise ValueError(f"rules/vocabulary.yaml: {semantic_type}'s partner {partner!r} must be a type naming it back as partner")
    return partners


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, tuple[tuple[_Term, ...], frozenset[str]]]:
    document = load_yaml("vocabulary.yaml")
    vocabulary = {}
    for semantic_type, entry in document["types"].items():
        terms = []
        for language, words in (entry.get("terms") or {}).items():
            for word in words:
                word = str(word)
                whole_only = word.startswith("=")
                word = word.lstrip("=")
                prefix = word.endswith("*")
                word = word.rstrip("*")
                terms.append(_Term(tuple(normalise_column_name(word).split("_")), whole_only, prefix, language, word))
        vocabulary[semantic_type] = (tuple(terms), frozenset(entry.get("exclude") or ()))
    return vocabulary


def _find(tokens: tuple[str, ...], term: _Term) -> int:
    """Index of the last token of the term's last occurrence in `tokens`, or -1."""
    width = len(term.tokens)
    for start in range(len(tokens) - width, -1, -1):
        window = tokens[start:start + width]
        if term.prefix:
            if window[:-1] == term.tokens[:-1] and window[-1].startswith(term.tokens[-1]):
                return start + width - 1
        elif window == term.tokens:
            return start + width - 1
    return -1


@lru_cache(maxsize=4096)
def match_column_name(name: str) -> tuple[NameHint, ...]:
    """Every semantic type the name points to, best first.

    A whole-name match beats a partial one; among partial ones, longer terms win
    (birth_date over date) and a term at the end of the name wins (the head noun in
    English: total_pay is pay, pay_date is a date).
    """
    normalised = normalise_column_name(name)
    if not normalised:
        return ()
    return _match_tokens(tuple(piece for token in normalised.split("_") for piece in _glued_words(token)))


@lru_cache(maxsize=1 << 14)
def _match_tokens(tokens: tuple[str, ...]) -> tuple[NameHint, ...]:
    token_set = set(tokens)
    best: dict[str, NameHint] = {}
    for semantic_type, (terms, exclude) in _vocabulary().items():
        for term in terms:
            # A term matches only where its first token (or, for a one-word prefix, the start
            # of one) is in the name: most of the ~2,000 terms are ruled out by one lookup.
            head = term.tokens[0]
            if head not in token_set and not (term.prefix and len(term.tokens) == 1 and any(t.startswith(head) for t in tokens)):
                continue
            exact = term.tokens == tokens or (term.prefix and len(tokens) == len(term.tokens) and _find(tokens, term) >= 0)
            if exact:
                score = 1.0
            else:
                if term.whole_only:
                    continue
                if exclude & token_set and not (exclude & set(term.tokens)):
                    continue
                end = _find(tokens, term)
                if end < 0:
                    continue
                coverage = len(term.tokens) / len(tokens)
                score = 0.55 + 0.25 * coverage + (0.1 if end == len(tokens) - 1 else 0.0)
            hint = NameHint(semantic_type, round(min(score, 1.0), 3), term.language, term.text, exact)
            if semantic_type not in best or hint.score > best[semantic_type].score:
                best[semantic_type] = hint
    return tuple(sorted(best.values(), key=lambda hint: (-hint.score, hint.semantic_type)))


@lru_cache(maxsize=1 << 14)
def _glued_words(token: str) -> tuple[str, ...]:
    """`momage` -> (mom, age), `lsalary` -> (l, salary), `caseid` -> (case, id): a header written
    without separators, as codebooks and statistics packages do. The split is the likeliest one
    under English word frequencies (wordninja) and is kept only where the token means nothing to
    the vocabularies whole and one piece is a term that may stand inside a longer name:
    `average`, `stage` and `usage` are English words and stay whole, and `inst` (in + st) stays
    whole because `st` means street only as a name of its own."""
    if len(token) < 4 or not token.isalpha() or _match_tokens((token,)):
        return (token,)
    import wordninja  # ~0.2 s to load its word list, paid only by a release with such a header

    pieces = tuple(piece.lower() for piece in wordninja.split(token))
    if len(pieces) < 2 or not any(piece in _inner_terms() for piece in pieces):
        return (token,)
    return pieces


@lru_cache(maxsize=1)
def _inner_terms() -> frozenset[str]:
    """One-word terms that may match inside a longer name (not `=`whole-only ones); prefix
    terms are left out, a glued token's pieces being whole words."""
    return frozenset(term.tokens[0] for terms, _exclude in _vocabulary().values() for term in terms
                     if len(term.tokens) == 1 and not term.whole_only and not term.prefix)


def table_name_hints(names) -> dict[str, tuple[NameHint, ...]]:
    """Each column's hints read beside the table's other headers. A hint from a whole-only term
    of a type with a partner (`y` for latitude) stands only where another column's name points
    to the partner type: `x` beside `y` are positions, a `y` alone is an outcome."""
    hints = {name: match_column_name(name) for name in names}
    partners = _partners()
    named_as: dict[str, set[str]] = {}  # type -> the columns whose names point to it
    for name, found in hints.items():
        for hint in found:
            named_as.setdefault(hint.semantic_type, set()).add(name)
    return {name: tuple(hint for hint in found
                        if hint.semantic_type not in partners or not _is_whole_only(hint)
                        or named_as.get(partners[hint.semantic_type], set()) - {name})
            for name, found in hints.items()}


def _is_whole_only(hint: NameHint) -> bool:
    tokens = tuple(normalise_column_name(hint.term).split("_"))
    return hint.exact and any(term.whole_only and term.tokens == tokens and term.language == hint.language
                              for term in _vocabulary()[hint.semantic_type][0])


def best_name_hint(name: str) -> NameHint | None:
    hints = match_column_name(name)
    return hints[0] if hints else None


def is_coded_name(name: str) -> bool:
    """A column name that says nothing about its column: no term of the vocabularies, and no
    word of three letters or more (`z1`, `t2`, `q5a`, `V12`, `da`). Such a name is a code from
    a codebook; `id`, `x`, `age` are words of the vocabularies and are not codes."""
    normalised = normalise_column_name(name)
    if not normalised or match_column_name(name):
        return False
    return all(len(token) <= 2 for token in re.findall(r"[a-z]+", normalised))
