"""Held-out comparisons: columns outside the link plan that both releases hold as one fact.

The overlap estimate (agreement.py) reads how often the plan's unique links agree on a column the
link did not use. That needs a column the two releases record as the same fact, and two surveys
seldom spell it alike: `education` and `educ`, `religiousness` and `religious`, `gender` and
`sex`. The join candidates drop such columns when their values are a small code range (1..5
agrees by chance, so it cannot carry a join), but a chance domain is exactly what the estimate can
use: u, the strangers' agreement, is measured, and only agreement beyond it counts.

A pair is held out when
- its names say one fact: the same name after normalisation, the name vocabularies give both the
  same meaning (`sex` ~ `gender`, rules/vocabulary.yaml), or one name abbreviates the other token
  by token (each token equal to, or a prefix of at least `min_prefix` letters of, the other's);
- its values can meet: one comparison domain (normalise.common_domain), and most of the smaller
  value set lies inside the other (`min_value_containment`): two 1..5 scales meet, an age in years
  and an age band coded 1..6 do not.
Two names for different facts that pass both tests (a visit date and a registration date) would
pass true links off as chance; dates and places are therefore never held out, and the estimate
takes the largest share over its columns, so one such column cannot lower it alone when another
column says the links are true.
"""
from __future__ import annotations

from ..naming import normalise_column_name
from . import normalise as nz
from .candidates import QUASI_IDENTIFIER, JoinCandidate, exact_overlap_of, name_evidence
from .forms import ReleaseForms
from .vocab import join_vocabulary

# Name evidence at which candidates.py takes two names for one meaning.
_SAME_MEANING = 0.7


def abbreviates(a_name: str, b_name: str, min_prefix: int) -> bool:
    """`educ` ~ `education`, `yrs_married` ~ `years_married` is not (yrs is no prefix): token by
    token, in order, each equal or the shorter a prefix of the longer with at least min_prefix letters."""
    tokens_a, tokens_b = normalise_column_name(a_name).split("_"), normalise_column_name(b_name).split("_")
    if len(tokens_a) != len(tokens_b) or tokens_a == tokens_b:
        return False
    for x, y in zip(tokens_a, tokens_b):
        short, long = sorted((x, y), key=len)
        if x != y and (len(short) < min_prefix or not long.startswith(short) or short.isdigit()):
            return False
    return True


def same_fact_name(a_name: str, b_name: str, min_prefix: int) -> str | None:
    """Why the two names say one fact, or None."""
    if normalise_column_name(a_name) == normalise_column_name(b_name):
        return "same name after normalisation"
    score, reason = name_evidence(a_name, b_name)
    if score >= _SAME_MEANING:
        return reason
    if abbreviates(a_name, b_name, min_prefix):
        return "one name abbreviates the other"
    return None


def same_fact_pairs(fa: ReleaseForms, fb: ReleaseForms, used_a: set[str], used_b: set[str]) -> list[JoinCandidate]:
    """Column pairs outside the plan that hold one fact in both releases, as comparisons for
    link.make_component (never as join candidates: they do not enter the plan)."""
    settings = join_vocabulary()["held_out"]
    pairs = []
    for a in fa.forms.values():
        if a.name in used_a or a.temporal:
            continue
        for b in fb.forms.values():
            if b.name in used_b or b.temporal:
                continue
            reason = same_fact_name(a.name, b.name, int(settings["min_prefix"]))
            if reason is None:
                continue
            domain = nz.common_domain(a, b)
            if domain is None:
                continue
            contained = exact_overlap_of(a, b, domain[0], domain[1]).containment
            if contained < settings["min_value_containment"]:
                continue
            evidence = (reason, f"{contained:.0%} of the smaller value set occurs in the other (held out from the link)")
            pairs.append(JoinCandidate(fa.name, fb.name, a.name, b.name, QUASI_IDENTIFIER, contained, contained,
                                       contained, contained, "exact", evidence))
    return pairs
