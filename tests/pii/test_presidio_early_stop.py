"""presidio stops on a column once no entity can cover half its sample: the evidence is the same
as when every sampled value is analysed, on hand-built hit patterns with known answers."""
from datetime import date

import pytest

from sharecheck.classify import evidence
from sharecheck.classify.evidence import ColumnEvidence, Context
from sharecheck.pii.engine import SampleHit

SAMPLE = [f"value {i}" for i in range(16)]  # 16 = rules/classifier.yaml presidio_sample


def _run(monkeypatch, hit_at):
    """Evidence of a 16-value column whose i-th value presidio finds an e-mail in when hit_at(i);
    returns (items, how many values were analysed)."""
    analysed = []

    def fake_analyze(values, nlp_model=None, threshold=0.3):
        out = []
        for value in values:
            analysed.append(value)
            index = SAMPLE.index(value)
            out.append([SampleHit("EMAIL_ADDRESS", 1.0, 1.0)] if hit_at(index) else [])
        return out

    monkeypatch.setattr("sharecheck.pii.engine.analyze_values", fake_analyze)
    monkeypatch.setattr("sharecheck.pii.presidio_gate.presidio_can_matter", lambda *args: True)
    out = ColumnEvidence("c", None, (), {}, {})
    evidence._presidio_evidence(list(SAMPLE), out, Context(None, 10.0, date(2026, 1, 1)))
    return [(item.semantic_type, item.strength, item.share, item.reasons) for item in out.items], len(analysed)


def test_a_column_with_no_hits_stops_after_nine_of_sixteen(monkeypatch):
    items, analysed = _run(monkeypatch, lambda i: False)
    assert items == []
    assert analysed == 9  # after 9 misses, 7 hits at most: 7/16 < 1/2


def test_hits_on_exactly_half_at_the_end_are_still_counted(monkeypatch):
    items, analysed = _run(monkeypatch, lambda i: i >= 8)
    assert analysed == 16
    assert items == [("email", 0.5, 0.5, ["presidio: EMAIL_ADDRESS covers 8/16 sampled values"])]


@pytest.mark.parametrize("hits", [range(7), range(9, 16), range(0, 16, 3)])
def test_fewer_than_half_give_nothing(monkeypatch, hits):
    items, analysed = _run(monkeypatch, lambda i: i in hits)
    assert items == []
    assert analysed <= 16


def test_a_majority_keeps_its_full_count(monkeypatch):
    items, analysed = _run(monkeypatch, lambda i: i % 4 != 3)  # 12 of 16
    assert analysed == 16
    assert items == [("email", 0.75, 0.75, ["presidio: EMAIL_ADDRESS covers 12/16 sampled values"])]
