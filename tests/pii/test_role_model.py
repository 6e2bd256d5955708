"""The classifier's steps on their own: features of hand-built columns, the model file, fitting.

Expected values are worked out by hand from the frames built here, never read off the tool.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sharecheck.classify import ROLES, classify_columns, extract_features
from sharecheck.classify.features import header_tokens
from sharecheck.classify.model import FEATURE_VERSION, LinearModel, RoleModel, default_model, load_model_file, shipped_model_path
from sharecheck.classify.train import LabelledColumn, brier, expected_calibration_error, fit
from sharecheck.classify.words import check
from sharecheck.errors import RuleError
from sharecheck.profile import profile_frame

REPO = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- header tokens and features

@pytest.mark.parametrize("header, tokens", [
    ("nameFirst", ["name", "first"]),
    ("nameLast", ["name", "last"]),
    ("address2", ["address", "2"]),
    ("Zip+4", ["zip", "4"]),
    ("startStationID", ["start", "station", "id"]),
    ("Date de naissance", ["date", "de", "naissance"]),
    ("HTTPStatus_code", ["http", "status", "code"]),
])
def test_header_tokens_split_on_case_digits_and_separators(header, tokens):
    assert header_tokens(header) == tokens


def test_value_features_of_a_hand_built_frame():
    frame = pl.DataFrame({
        "rank": list(range(1, 101)),  # 100 distinct consecutive integers
        "flag": ["Y", "N"] * 50,  # two values, half each
        "note": [None] * 25 + ["x"] * 75,  # a quarter missing
    })
    table = extract_features(frame, profile_frame(frame))
    rank, flag, note = (table.columns[name] for name in ("rank", "flag", "note"))
    assert rank["dtype_int"] == 1.0 and rank["dtype_text"] == 0.0
    assert rank["uniqueness"] == 1.0 and rank["sequential"] == 1.0
    assert rank["entropy_norm"] == pytest.approx(1.0)  # uniform over its distinct values
    assert rank["entropy_bits"] == pytest.approx(np.log2(100) / 16)
    assert flag["binary"] == 1.0 and flag["top_share"] == 0.5
    assert flag["entropy_bits"] == pytest.approx(1 / 16)  # one bit
    assert note["null_share"] == 0.25 and note["uniqueness"] == pytest.approx(1 / 75)
    assert rank["tok_rank"] == 1.0 and "tok_flag" not in rank
    assert rank["ctx_width"] == pytest.approx(np.log10(4) / 2)


def test_camel_case_name_parts_are_read_as_names_and_paired():
    frame = pl.DataFrame({"nameFirst": ["Mary", "John", "Linda", "James"] * 10,
                          "nameLast": ["Smith", "Jones", "Brown", "Garcia"] * 10})
    table = extract_features(frame, profile_frame(frame))
    first = table.columns["nameFirst"]
    assert first["tok_name"] == 1.0 and first["tok_first"] == 1.0
    kinds = {kind for kind, _ in table.candidates["nameFirst"]}
    assert "first_name" in kinds  # the census lists name the values even where the header is camelCase


def test_context_sees_a_first_name_beside_a_last_name():
    frame = pl.DataFrame({"first_name": ["Mary", "John"] * 20, "last_name": ["Smith", "Jones"] * 20, "n": list(range(40))})
    table = extract_features(frame, profile_frame(frame))
    assert table.columns["first_name"]["ctx_first_last"] == 1.0
    assert table.columns["n"]["ctx_first_last"] == 0.0
    assert table.columns["n"]["ctx_name_beside"] == 1.0


# ---------------------------------------------------------------- model file

def test_shipped_model_loads_with_its_versions_and_every_role():
    document = json.loads(shipped_model_path().read_text(encoding="utf-8"))
    assert document["format_version"] == 2 and document["feature_version"] == FEATURE_VERSION
    assert document["meta"]["sklearn"] and document["meta"]["columns"] > 0
    model = load_model_file(shipped_model_path())
    assert set(model.role.classes) == set(ROLES)
    assert model.role.temperature > 0


def test_a_model_of_another_feature_version_is_refused(tmp_path):
    document = json.loads(shipped_model_path().read_text(encoding="utf-8"))
    document["feature_version"] = FEATURE_VERSION + 1
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(RuleError, match="rebuild"):
        load_model_file(path)


def test_a_model_naming_unknown_features_is_refused(tmp_path):
    document = json.loads(shipped_model_path().read_text(encoding="utf-8"))
    document["role"]["features"][0] = "no_such_feature"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(RuleError, match="no_such_feature"):
        load_model_file(path)


def test_predictions_are_deterministic_and_probabilities_in_unit_interval():
    frame = pl.DataFrame({"age": [20 + i % 60 for i in range(200)], "sex": ["M", "F"] * 100,
                          "amount": [i * 1.5 for i in range(200)]})
    first = classify_columns(frame, profile_frame(frame))
    second = classify_columns(frame, profile_frame(frame))
    for name in frame.columns:
        assert first[name] == second[name]
        probabilities = list(first[name].probabilities.values())
        assert all(0.0 <= p <= 1.0 for p in probabilities) and sum(probabilities) == pytest.approx(1.0, abs=1e-3)
        assert 0.0 <= first[name].confidence <= 1.0


def test_softmax_with_temperature_by_hand():
    model = LinearModel.build(["a"], [0.0], [1.0], [[1.0], [0.0]], [0.0, 0.0], ("x", "y"), temperature=2.0)
    proba = model.proba(np.array([[2.0]]))[0]
    assert proba[0] == pytest.approx(np.exp(1) / (np.exp(1) + 1))  # logits 2 and 0, halved


# ---------------------------------------------------------------- boosted trees

def _two_stumps():
    from sharecheck.classify.trees import LEAF, TreeEnsemble

    # tree 0 (class x): a <= 0.5 ? +1 : -1 ; tree 1 (class y): b <= 2 ? 0.5 : 3
    return TreeEnsemble(("a", "b"), ("x", "y"), np.array([0.1, -0.2]), 0.5, np.array([0, 3]), np.array([0, 1]),
                        np.array([0, LEAF, LEAF, 1, LEAF, LEAF]), np.array([0.5, 0, 0, 2.0, 0, 0]),
                        np.array([1, LEAF, LEAF, 4, LEAF, LEAF]), np.array([2, LEAF, LEAF, 5, LEAF, LEAF]),
                        np.array([0, 1.0, -1.0, 0, 0.5, 3.0]), 1)


def test_tree_scores_by_hand():
    raw = _two_stumps().raw(np.array([[0.0, 2.0], [1.0, 9.0]]))
    # row 0: x = 0.1 + 0.5 * 1, y = -0.2 + 0.5 * 0.5; row 1: x = 0.1 - 0.5, y = -0.2 + 0.5 * 3
    assert raw == pytest.approx(np.array([[0.6, 0.05], [-0.4, 1.3]]))


def test_blend_is_the_mean_of_the_two_softmaxes_recalibrated():
    from sharecheck.classify.model import blend

    linear, trees = np.array([[np.log(3.0), 0.0]]), np.array([[0.0, 0.0]])
    # softmaxes (0.75, 0.25) and (0.5, 0.5): mean (0.625, 0.375); temperature 2 takes square roots
    assert blend(linear, trees, 1.0)[0] == pytest.approx([0.625, 0.375])
    expected = np.sqrt([0.625, 0.375]) / np.sqrt([0.625, 0.375]).sum()
    assert blend(linear, trees, 2.0)[0] == pytest.approx(expected)


def test_copied_trees_reproduce_scikit_learn():
    """The independent implementation is scikit-learn's own decision_function, on rows the trees
    were not fitted on and on rows that sit exactly on a split threshold."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from sharecheck.classify.trees import LEAF, from_sklearn_hist

    rng = np.random.default_rng(3)
    train_rows = rng.normal(size=(300, 6))
    labels = np.array(ROLES)[(train_rows[:, 0] > 0).astype(int) + 2 * (train_rows[:, 1] > 0.5)]  # four roles of five
    fitted = HistGradientBoostingClassifier(max_iter=20, max_depth=3, max_features=0.5, l2_regularization=1.0,
                                            early_stopping=False, random_state=0).fit(train_rows, labels)
    ensemble = from_sklearn_hist(fitted, [f"f{i}" for i in range(6)], ROLES, train_rows)
    fresh = rng.normal(size=(200, 6))
    inner = ensemble.feature != LEAF
    on_threshold = np.tile(fresh[:1], (int(inner.sum()), 1))
    on_threshold[np.arange(len(on_threshold)), ensemble.feature[inner]] = ensemble.threshold[inner]
    columns = [ROLES.index(label) for label in fitted.classes_]
    for rows in (fresh, on_threshold):
        assert np.allclose(ensemble.raw(rows)[:, columns], fitted.decision_function(rows), atol=1e-6)
    missing = [i for i in range(len(ROLES)) if i not in columns]
    assert (ensemble.raw(fresh)[:, missing] < -20).all()  # the role the labels lack stays out of reach


def test_leaf_values_stay_bounded_on_contradictory_labels():
    """An unpenalised Newton step divides by the hessian p(1 - p), which can be near 0 (a leaf of
    4e92 in a corpus fit). With the L2 penalty a leaf is -rate * sum(g) / (sum(h) + l2), each
    multinomial gradient g = p - y lies in [-1, 1] and h >= 0, so no leaf can exceed
    rate * (rows in the leaf) / l2: here 0.15 * 400 / 1 = 60, whatever the labels."""
    from sharecheck.classify.train import TREES, _fit_trees

    rng = np.random.default_rng(5)
    rows = np.repeat(rng.normal(size=(40, 4)), 10, axis=0)
    labels = np.array(ROLES)[rng.integers(0, 3, len(rows))]  # alike rows, contradictory labels
    assert TREES["l2_regularization"] > 0
    ensemble = _fit_trees(rows, labels, [f"f{i}" for i in range(4)])
    assert np.abs(ensemble.value).max() <= TREES["learning_rate"] * len(rows) / TREES["l2_regularization"]


def test_mean_of_two_stumps_by_hand():
    """Two one-split trees for class 0 on feature x: A gives 2 (x <= 0) or 4, B gives 6 (x <= 1)
    or 0; baselines 1 and 3. Mean at x = -1: (1 + 2 + 3 + 6) / 2 = 6; at x = 0.5: (1 + 4 + 3 + 6)
    / 2 = 7; at x = 2: (1 + 4 + 3 + 0) / 2 = 4. The other classes keep their mean baseline."""
    from sharecheck.classify.trees import LEAF, TreeEnsemble

    def stump(cut, low, high, base):
        return TreeEnsemble(("x",), ("a", "b"), np.array([base, 0.0]), 1.0, np.array([0]), np.array([0]),
                            np.array([0, LEAF, LEAF]), np.array([cut, 0.0, 0.0]), np.array([1, LEAF, LEAF]),
                            np.array([2, LEAF, LEAF]), np.array([0.0, low, high]), 1, float32_inputs=False)

    averaged = TreeEnsemble.mean_of([stump(0.0, 2.0, 4.0, 1.0), stump(1.0, 6.0, 0.0, 3.0)])
    assert averaged.problems() == []
    assert averaged.raw(np.array([[-1.0], [0.5], [2.0]])).tolist() == [[6.0, 0.0], [7.0, 0.0], [4.0, 0.0]]
    with pytest.raises(ValueError):
        TreeEnsemble.mean_of([stump(0.0, 2.0, 4.0, 1.0), replace(stump(0.0, 2.0, 4.0, 1.0), features=("y",))])


def test_ensembles_of_several_seeds_average_their_raw_scores(monkeypatch):
    """Averaged by hand: the mean ensemble's scores are the mean of each seed's, and it survives
    the JSON round trip and the structural checks."""
    from sharecheck.classify import train
    from sharecheck.classify.trees import TreeEnsemble

    rng = np.random.default_rng(11)
    rows = rng.normal(size=(300, 6))
    labels = np.array(ROLES)[(rows[:, 0] > 0).astype(int) + (rows[:, 1] > 0.5).astype(int) + (rows[:, 2] > 1).astype(int)]
    names = [f"f{i}" for i in range(6)]
    singles = []
    for seed in (0, 1, 2):
        monkeypatch.setattr(train, "TREE_SEEDS", (seed,))
        singles.append(train._fit_trees(rows, labels, names))
    monkeypatch.setattr(train, "TREE_SEEDS", (0, 1, 2))
    averaged = train._fit_trees(rows, labels, names)
    fresh = rng.normal(size=(50, 6))
    expected = (singles[0].raw(fresh) + singles[1].raw(fresh) + singles[2].raw(fresh)) / 3
    assert np.allclose(averaged.raw(fresh), expected, atol=1e-9)
    assert not np.allclose(singles[0].raw(fresh), singles[1].raw(fresh))  # the seeds draw different trees
    assert len(averaged.roots) == 3 * len(singles[0].roots)
    again = TreeEnsemble.from_dict(json.loads(json.dumps(averaged.to_dict(digits=12))))
    assert again.problems() == [] and np.allclose(again.raw(fresh), expected, atol=1e-6)


def test_shipped_model_blends_trees_and_refuses_broken_ones(tmp_path):
    document = json.loads(shipped_model_path().read_text(encoding="utf-8"))
    model = load_model_file(shipped_model_path())
    assert model.trees is not None and model.trees.features == model.role.features and model.blend_temperature > 0
    for change, message in ((lambda d: d["role_trees"]["left"].__setitem__(0, 10 ** 9), "outside the ensemble"),
                            (lambda d: d["role_trees"]["features"].reverse(), "other features"),
                            (lambda d: d.__setitem__("blend_temperature", 0), "temperature"),
                            (lambda d: d["role_trees"].pop("value"), "incomplete")):
        broken = json.loads(json.dumps(document))
        change(broken)
        path = tmp_path / "model.json"
        path.write_text(json.dumps(broken), encoding="utf-8")
        with pytest.raises(RuleError, match=message):
            load_model_file(path)


def test_environment_names_another_model_file(tmp_path, monkeypatch):
    from sharecheck.classify import model as model_module

    document = json.loads(shipped_model_path().read_text(encoding="utf-8"))
    path = tmp_path / "other.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setenv(model_module.ENVIRONMENT, str(path))
    assert default_model().to_dict() == load_model_file(path).to_dict()


# ---------------------------------------------------------------- fitting

def _column(source, name, role, kind, **features):
    return LabelledColumn(source, f"{source}/t", name, role, kind, {**features, f"tok_{name}": 1.0},
                          ((kind, {"c_name": 1.0, f"prior_{kind}": 1.0}), ("category", {"prior_category": 1.0})))


def test_a_tiny_training_set_gets_the_obvious_cases_right():
    columns = []
    for source in ("a", "b", "c", "d"):
        columns += [_column(source, "email", "direct_identifier", "email", name_direct_identifier=1.0, value_direct_identifier=1.0),
                    _column(source, "zip", "quasi_identifier", "postal_code", name_quasi_identifier=1.0),
                    _column(source, "diagnosis", "sensitive", "health", name_sensitive=1.0),
                    _column(source, "rowid", "other", "record_id", sequential=1.0, uniqueness=1.0),
                    _column(source, "score", "other", "measure", dtype_float=1.0)]
    # the shipped shrinkage (train.ROLE_C) is set for ~3,000 columns; on 20 it would flatten everything
    model = fit(columns, role_c=1.0)
    matrix = model.role.matrix([{"name_direct_identifier": 1.0, "value_direct_identifier": 1.0}, {"name_quasi_identifier": 1.0},
                                {"name_sensitive": 1.0}, {"sequential": 1.0, "uniqueness": 1.0}])
    predicted = [model.role.classes[i] for i in model.role.proba(matrix).argmax(axis=1)]
    assert predicted == ["direct_identifier", "quasi_identifier", "sensitive", "other"]
    scores = model.score_types([{"c_name": 1.0, "prior_email": 1.0}, {"prior_category": 1.0}])
    assert scores[0] > scores[1]


def test_calibration_figures_by_hand():
    proba = np.array([[0.8, 0.2], [0.6, 0.4]])
    # squared distances to the truth (first row right, second wrong): 0.04+0.04, 0.36+0.36
    assert brier(proba, [0, 1]) == pytest.approx((0.08 + 0.72) / 2)
    # both rows in confidence bins of their own: |1-0.8| and |0-0.6|, each half the rows
    assert expected_calibration_error(proba, [0, 1]) == pytest.approx(0.5 * 0.2 + 0.5 * 0.6)


def test_word_lists_are_checked_strictly():
    from sharecheck._resources import load_yaml

    document = json.loads(json.dumps(load_yaml("classifier.yaml")))
    document["words"]["qualifiers"].append(False)  # YAML's `no` unquoted
    with pytest.raises(RuleError, match="qualifiers"):
        check(document)
    document = json.loads(json.dumps(load_yaml("classifier.yaml")))
    document["words"]["typo"] = ["x"]
    with pytest.raises(RuleError, match="typo"):
        check(document)


def test_features_do_not_depend_on_the_hash_time_budget(monkeypatch):
    """A refit must give the shipped model on any machine: the hash-reversal budget (which runs
    out sooner on a loaded one) changes what the evidence says, never a feature."""
    import hashlib

    import sharecheck.classify as classify

    frame = pl.DataFrame({"rider_hash": [hashlib.md5(str(10_000 + i).encode()).hexdigest() for i in range(300)],
                          "fare": [float(i % 17) for i in range(300)]})
    runs = []
    for budget in (0.0, 60.0):
        monkeypatch.setattr(classify, "hash_budget_seconds", lambda budget=budget: budget)
        table = extract_features(frame, profile_frame(frame))
        runs.append((table.columns, table.evidence["rider_hash"].best("hash").details["hash_reversal"]))
    (starved, starved_reversal), (ample, ample_reversal) = runs
    assert starved_reversal != ample_reversal  # the budget did change what reversal found
    assert starved == ample


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / "benchmarks" / "corpus" / "load.py").exists() or not (REPO.parent / "shared" / "datasets").is_dir(),
                    reason="needs the labelled corpus and its data (../shared, the corpus packages)")
def test_training_script_reproduces_the_shipped_model(tmp_path):
    out = tmp_path / "model.json"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "train_roles.py"), "--out", str(out)], check=True,
                   env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, timeout=1800)
    rebuilt, shipped = json.loads(out.read_text()), json.loads(shipped_model_path().read_text())
    assert rebuilt["meta"]["corpus_digest"] == shipped["meta"]["corpus_digest"]
    assert rebuilt["role"]["features"] == shipped["role"]["features"]
    assert np.allclose(rebuilt["role"]["coef"], shipped["role"]["coef"], atol=1e-4)
    assert np.allclose(rebuilt["type"]["coef"], shipped["type"]["coef"], atol=1e-4)
    # The trees are compared by what they predict, not node by node: a split between two equal
    # gains goes either way on another machine's last float bit (session 7's refit of the
    # session-6 file differed from node 821 on, with the same features and the same linear part).
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus_features import as_columns, labelled_tables

    rows = [column.features for column in as_columns(labelled_tables())]
    _, ours = load_model_file(out).predict_roles(rows)
    _, theirs = load_model_file(shipped_model_path()).predict_roles(rows)
    assert (ours.argmax(axis=1) == theirs.argmax(axis=1)).mean() >= 0.99
    assert np.abs(ours - theirs).mean() <= 0.01


def test_the_shipped_model_from_the_rules_cache_equals_the_one_parsed_from_json(tmp_path, monkeypatch):
    from sharecheck.classify.trees import TreeEnsemble

    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    parsed = load_model_file(shipped_model_path())  # parses the JSON and writes the cache
    assert len(list((tmp_path / "cache").glob("*.json.marshal"))) == 1
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("parsed again instead of read from the cache"))
    cached = load_model_file(shipped_model_path())
    for part in ("role", "type"):
        a, b = getattr(parsed, part), getattr(cached, part)
        assert a.features == b.features and a.classes == b.classes and a.temperature == b.temperature
        for name in ("mean", "scale", "coef", "intercept"):
            assert getattr(a, name).dtype == getattr(b, name).dtype
            assert np.array_equal(getattr(a, name), getattr(b, name))  # bit for bit, not approximately
    for name in TreeEnsemble.__dataclass_fields__:
        x, y = getattr(parsed.trees, name), getattr(cached.trees, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y)
        else:
            assert x == y
    assert parsed.blend_temperature == cached.blend_temperature and parsed.meta == cached.meta


def test_a_model_file_outside_the_rules_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "fold.json"
    path.write_text(shipped_model_path().read_text(encoding="utf-8"), encoding="utf-8")
    assert load_model_file(path).to_dict() == load_model_file(shipped_model_path()).to_dict()
    assert len(list((tmp_path / "cache").glob("*.json.marshal"))) == 1  # the shipped one only
