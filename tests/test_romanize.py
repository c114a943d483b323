"""Sound-alike keys: Hindi typed in Latin letters meets Devanagari."""

from __future__ import annotations

import pytest

from indexer.romanize import devanagari_to_latin, english_respellings, key, latin_variants


@pytest.mark.parametrize(
    ("devanagari", "latin"),
    [
        ("कोरोना", "corona"),
        ("सरकार", "sarkar"),
        ("सरकार", "sarkaar"),
        ("मज़दूर", "mazdoor"),
        ("मजदूर", "mazdoor"),
        ("मजदूर", "majdur"),
        ("लॉकडाउन", "lockdown"),
        ("दिल्ली", "dilli"),
        ("किसान", "kisan"),
        ("चुनाव", "chunav"),
        ("चुनाव", "chunaav"),
        ("मीटिंग", "meeting"),
        ("संबंध", "sambandh"),
        ("पहुंचे", "pahunche"),
        ("फ़िल्म", "film"),
        ("बाज़ार", "bazaar"),
        ("नौकरी", "naukri"),
        ("ज़िंदगी", "zindagi"),
        ("विज्ञान", "vigyan"),  # ज्ञ is said gy
        ("राज्य", "rajya"),
        ("सुपर", "super"),  # English -er
        ("बाउल", "bowl"),
    ],
)
def test_keys_meet(devanagari: str, latin: str) -> None:
    # A Latin query word is looked up as typed and without a Hindi ending (rajya -> rajy).
    assert key(devanagari) in {key(v) for v in latin_variants(latin)}


@pytest.mark.parametrize(("a", "b"), [("टीका", "ठीक"), ("नेता", "नेट"), ("किम", "किमी"), ("kisan", "kesar")])
def test_keys_keep_apart(a: str, b: str) -> None:
    assert key(a) != key(b)


@pytest.mark.parametrize(
    ("word", "latin"),
    [("सरकार", "sarakaar"), ("कोरोना", "koronaa"), ("राज्य", "raajy"), ("क़ानून", "kaanoon"), ("२०२१", "2021")],
)
def test_devanagari_to_latin(word: str, latin: str) -> None:
    assert devanagari_to_latin(word) == latin


def test_latin_variants_strip_hindi_endings() -> None:
    assert latin_variants("yuvaon") == ["yuvaon", "yuv", "yuva"]
    assert latin_variants("corona") == ["corona", "coron"]
    assert latin_variants("bus") == ["bus"]  # too short to strip


@pytest.mark.parametrize(
    ("english", "devanagari"),
    [
        ("mobile", "मोबाइल"),
        ("curfew", "कर्फ्यू"),
        ("station", "स्टेशन"),
        ("bank", "बैंक"),
        ("police", "पुलिस"),
        ("virus", "वायरस"),
        ("vaccine", "वैक्सीन"),
        ("college", "कॉलेज"),
        ("online", "ऑनलाइन"),
        ("video", "वीडियो"),
        ("match", "मैच"),
        ("budget", "बजट"),
        ("nurse", "नर्स"),
        ("flight", "फ्लाइट"),
        ("computer", "कंप्यूटर"),
        ("hotel", "होटल"),
        ("result", "रिजल्ट"),
        ("emergency", "इमरजेंसी"),
        ("quarantine", "क्वारंटाइन"),
        ("mission", "मिशन"),
        ("team", "टीम"),
        ("website", "वेबसाइट"),
        ("science", "साइंस"),
    ],
)
def test_english_words_meet_their_hindi_spelling(english: str, devanagari: str) -> None:
    """An English word typed in Latin letters reaches the Devanagari loanword through one of its
    spoken readings (the Hinglish key alone reads `mobile` as mo-bi-le)."""
    assert key(devanagari) in {key(r) for r in english_respellings(english)}


def test_english_readings_are_few_and_skip_what_is_not_a_word() -> None:
    assert english_respellings("मोबाइल") == [] and english_respellings("tv") == []
    assert all(len(english_respellings(w)) <= 32 * 2 for w in ("sanitizer", "quarantine", "emergency"))
    assert "mobile" not in english_respellings("mobile")  # the word itself is read as Hinglish
