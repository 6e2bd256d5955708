"""presidio without the network (DESIGN.md §6).

`AnalyzerEngine()` with its defaults downloads a spaCy model. We hand it a blank English
pipeline (tokeniser only: no download, no NER) and a registry we assemble ourselves from the
presidio pattern recognizers named in rules/recognizers.yaml plus our own. Only when the
caller names an installed spaCy model (`nlp_model="en_core_web_sm"`) do we load it, and then
presidio's SpacyRecognizer adds PERSON/LOCATION/NRP from real NER. A missing model is an error,
never a download.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..errors import UsageError
from .recognizers import presidio_config, value_patterns

_LOCK = threading.Lock()


class ModelNotInstalled(UsageError):
    """The user asked for a spaCy model that is not installed; sharecheck never downloads one."""


@dataclass(frozen=True)
class SampleHit:
    entity: str
    score: float
    coverage: float  # share of the value's non-space characters inside the entity's span


def _nlp_engine(nlp_model: str | None):
    import spacy
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    if nlp_model:
        try:
            nlp = spacy.load(nlp_model)
        except OSError as exc:  # spaCy's "can't find model" — we must not fetch it
            raise ModelNotInstalled(
                f"spaCy model {nlp_model!r} is not installed; install it yourself or run without nlp_model"
            ) from exc
    else:
        nlp = spacy.blank("en")

    class _PreloadedSpacyEngine(SpacyNlpEngine):
        """SpacyNlpEngine whose load() never fetches a model: only an installed one is loaded."""

        def __init__(self, pipeline):
            super().__init__(models=[{"lang_code": "en", "model_name": pipeline.meta.get("name", "blank")}])
            self.nlp = {"en": pipeline}

        def load(self) -> None:
            return None

    return _PreloadedSpacyEngine(nlp)


def _offline_email_recognizer():
    """presidio validates e-mail domains with tldextract, whose default extractor fetches the
    public-suffix list over HTTPS on first use. This one reads the snapshot bundled with
    tldextract and never opens a socket."""
    import tldextract
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str):
            return extractor(pattern_text).fqdn != ""

    return OfflineEmailRecognizer


_OFFLINE_OVERRIDES = {"EmailRecognizer": _offline_email_recognizer}


def _registry(with_ner: bool):
    from presidio_analyzer import Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer import predefined_recognizers

    registry = RecognizerRegistry(supported_languages=["en"])
    builtin, _ = presidio_config()
    for class_name in builtin:
        recognizer_class = _OFFLINE_OVERRIDES.get(class_name) or getattr(predefined_recognizers, class_name)
        if callable(recognizer_class) and not isinstance(recognizer_class, type):
            recognizer_class = recognizer_class()
        registry.add_recognizer(recognizer_class(supported_language="en"))
    for pattern in value_patterns():
        flags, body = pattern._flags_and_body
        registry.add_recognizer(PatternRecognizer(
            supported_entity=pattern.entity,
            name=f"sharecheck_{pattern.name}",
            patterns=[Pattern(name=pattern.name, regex=flags + body, score=pattern.score)],
            context=list(pattern.context) or None,
            supported_language="en",
        ))
    if with_ner:
        registry.add_recognizer(predefined_recognizers.SpacyRecognizer(supported_language="en"))
    return registry


@lru_cache(maxsize=4)
def analyzer(nlp_model: str | None = None):
    """The analyzer, built once per model name (building one costs about a second)."""
    from presidio_analyzer import AnalyzerEngine

    with _LOCK:
        return AnalyzerEngine(
            registry=_registry(with_ner=bool(nlp_model)),
            nlp_engine=_nlp_engine(nlp_model),
            supported_languages=["en"],
        )


def _coverage(text: str, start: int, end: int) -> float:
    total = sum(1 for ch in text if not ch.isspace())
    inside = sum(1 for ch in text[start:end] if not ch.isspace())
    return inside / total if total else 0.0


def analyze_values(values: Iterable[str], *, nlp_model: str | None = None, threshold: float = 0.3) -> list[list[SampleHit]]:
    """presidio's findings for each value, best entity per span, with how much of the value it covers."""
    # a long cell is still scanned, but not a whole document
    return [list(_analyze(str(value)[:2000], nlp_model, threshold)) for value in values]


@lru_cache(maxsize=1 << 16)
def _analyze(text: str, nlp_model: str | None, threshold: float) -> tuple[SampleHit, ...]:
    """One value: releases of one portal repeat theirs (street names, offence codes), and presidio
    gives a value the same findings every time."""
    results = analyzer(nlp_model).analyze(text=text, language="en", score_threshold=threshold)
    return tuple(SampleHit(r.entity_type, float(r.score), _coverage(text, r.start, r.end)) for r in results)
