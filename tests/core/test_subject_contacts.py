"""Contacts shared by many of the people or events on the rows (sharecheck/subject_contacts.py):
an organisation's, not personal data. Roles are set by hand, so what is tested is the subject
step, not the role model. Every value is generated."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl

from sharecheck.profile import profile_frame
from sharecheck.report import ColumnReport
from sharecheck.subject import decide_subject
from sharecheck.subject_rules import thresholds

from .test_verdict_policy import _decide as _decide_with_roles

YARDS = ["100 Depot Rd", "2 Harbor Way", "55 Mill St", "9 Quarry Ln", "71 Rail Ave"]


def _decide(frame: pl.DataFrame, roles: dict[str, tuple[str, str]]):
    subject, columns = _decide_with_roles(frame, roles)
    return subject, {c.name: c for c in columns}


def _times(rng, n):
    start = datetime(2023, 1, 1)
    return [(start + timedelta(minutes=int(m))).strftime("%Y-%m-%d %H:%M:%S") for m in rng.integers(0, 500_000, n)]


def _tows(n=300, seed=1):
    rng = np.random.default_rng(seed)
    yard = rng.integers(0, len(YARDS), n)
    return pl.DataFrame({"tow_time": _times(rng, n), "plate": [f"X{v:06d}" for v in rng.integers(0, 10**6, n)],
                         "towed_to_address": [YARDS[i] for i in yard], "yard_phone": [f"555-010{i}" for i in yard]})


TOW_ROLES = {"tow_time": ("quasi_identifier", "datetime"), "plate": ("direct_identifier", "vehicle_plate"),
             "towed_to_address": ("direct_identifier", "street_address"), "yard_phone": ("direct_identifier", "phone")}


def test_a_yards_address_and_phone_on_every_tow_are_not_personal():
    subject, columns = _decide(_tows(), TOW_ROLES)
    assert subject.involves_people and subject.shared_contacts == ("towed_to_address", "yard_phone")
    assert columns["towed_to_address"].role == "other" and columns["yard_phone"].role == "other"
    assert "an organisation's or a site's contact" in columns["yard_phone"].evidence[0]
    # the plate reaches its keeper whatever the yard: it stays
    assert columns["plate"].role == "direct_identifier"
    # the evidence counts values and rows, and shows none of them
    shown = " ".join(subject.evidence)
    assert "'yard_phone' holds 5 values, each on a median of" in shown
    assert not any(value in shown for value in YARDS + ["555-010"])
    assert subject.to_dict()["shared_contacts"] == ["towed_to_address", "yard_phone"]


def test_near_miss_each_persons_own_phone_stays_an_identifier():
    rng = np.random.default_rng(2)
    n = 300
    frame = pl.DataFrame({"age": rng.integers(18, 90, n).tolist(), "phone": [f"555-{v:07d}" for v in rng.permutation(n)]})
    subject, columns = _decide(frame, {"age": ("quasi_identifier", "age"), "phone": ("direct_identifier", "phone")})
    assert subject.about == "people" and subject.shared_contacts == ()
    assert columns["phone"].role == "direct_identifier"


def test_near_miss_a_household_phone_shared_by_a_few_stays_an_identifier():
    # households of up to 6 people share a landline: a median well under the threshold
    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 7, 120)
    phones = [f"555-{h:07d}" for h, size in enumerate(sizes) for _ in range(size)]
    frame = pl.DataFrame({"age": rng.integers(1, 90, len(phones)).tolist(), "phone": phones})
    subject, columns = _decide(frame, {"age": ("quasi_identifier", "age"), "phone": ("direct_identifier", "phone")})
    assert columns["phone"].role == "direct_identifier"


def test_near_miss_a_patients_phone_on_each_of_many_visits_counts_once():
    # 30 patients, 40 visits each: every phone is on 40 rows, but of one person
    rng = np.random.default_rng(4)
    patients = [p for p in range(30) for _ in range(40)]
    frame = pl.DataFrame({"patient_id": [f"P{p:04d}" for p in patients], "visit_time": _times(rng, len(patients)),
                          "age": [20 + p for p in patients], "phone": [f"555-{p:07d}" for p in patients]})
    roles = {"patient_id": ("pseudonym", "record_id"), "visit_time": ("quasi_identifier", "datetime"),
             "age": ("quasi_identifier", "age"), "phone": ("direct_identifier", "phone")}
    subject, columns = _decide(frame, roles)
    assert subject.person_column == "patient_id" and subject.shared_contacts == ()
    assert columns["phone"].role == "direct_identifier"


def test_the_threshold_is_the_boundary():
    least = thresholds()["shared_contact_min_people"]
    for per_value, shared in ((least, True), (least - 1, False)):
        rng = np.random.default_rng(5)
        n = per_value * 6
        frame = pl.DataFrame({"tow_time": _times(rng, n), "yard_phone": [f"555-010{i % 6}" for i in range(n)]})
        subject, columns = _decide(frame, {"tow_time": ("quasi_identifier", "datetime"), "yard_phone": ("direct_identifier", "phone")})
        assert (columns["yard_phone"].role == "other") is shared, per_value


def test_a_declared_subject_keeps_the_detection_of_whose_a_contact_is():
    frame = _tows()
    columns = [ColumnReport(name=n, role=r, semantic_type=k, confidence=0.9, source="detected")
               for n, (r, k) in TOW_ROLES.items()]
    subject = decide_subject(frame, profile_frame(frame), columns, {}, count_column=None, about="events", source="user")
    assert subject.source == "user" and subject.shared_contacts == ("towed_to_address", "yard_phone")
    assert subject.evidence[0] == "declared by the user"
