"""What limits the assessment itself (AS0xx): where sharecheck's judgement of a release rests
on too little, the report says so instead of passing in silence."""
from __future__ import annotations

from typing import Iterable

from ..findings import Finding
from ..naming import is_coded_name
from ._base import Detector, ScanContext


def coded_column_names(ctx: ScanContext, rule) -> Iterable[Finding]:
    """Most column names are codes and nobody declared what they are: every role and the
    subject were judged from values alone, and a code hides an age, a diagnosis or a ward as
    well as a measurement."""
    judged = [column for column in ctx.analysed.columns
              if column.source == "detected" and ctx.analysed.profiles[column.name].distinct > 1]
    # a coded name the data package documents (a field title) was read by that documentation
    coded = [column.name for column in judged if is_coded_name(column.name)
             and not column.classification.get("details", {}).get("documented_header")]
    if len(coded) < rule.params["min_columns"] or len(coded) < rule.params["min_share"] * len(judged):
        return
    shown = ", ".join(coded[:6]) + (", …" if len(coded) > 6 else "")
    left_out = sum(1 for column in judged if column.name in coded and column.role == "other")
    yield ctx.finding(
        rule,
        f"{len(coded)} of {len(judged)} column names are codes ({shown}): their roles, and what a row is "
        f"about, were judged from the values alone ({left_out} of them left as non-personal). A code can "
        "stand for an age, a diagnosis or a place as well as a measurement.",
        columns=tuple(coded),
        metrics={"coded_columns": len(coded), "judged_columns": len(judged), "coded_left_other": left_out},
    )


DETECTORS = {
    "coded_column_names": Detector(coded_column_names, {"min_columns": 3, "min_share": 0.5}),
}
