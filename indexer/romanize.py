"""Sound-alike keys, so Hindi typed in Latin letters finds Devanagari words, and back.

ICU's transliterators follow ISO 15919 (मीटिंग -> mīṭiṅga), not the way people type Hindi
on a phone (meeting, sarkar, mazdoor, lockdown). Here both scripts are reduced to one rough
key of how the word sounds: aspiration, vowel length, the inherent vowel, nukta, retroflex vs
dental and doubled letters are all folded away.

    key("सरकार") == key("sarkar") == key("sarkaar") == "srkr"
    key("लॉकडाउन") == key("lockdown") == "lokdon"
"""

from __future__ import annotations

import re
import unicodedata

_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n",
    "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n",
    "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n",
    "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m",
    "य": "y", "र": "r", "ल": "l", "ळ": "l", "व": "v",
    "श": "sh", "ष": "sh", "स": "s", "ह": "h",
    "क़": "k", "ख़": "kh", "ग़": "g", "ज़": "z", "ड़": "r", "ढ़": "rh", "फ़": "f", "य़": "y",
}  # fmt: skip
_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ee", "उ": "u", "ऊ": "oo", "ऋ": "ri", "ए": "e", "ऐ": "ai",
    "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e",
}  # fmt: skip
_SIGNS = {
    "ा": "aa", "ि": "i", "ी": "ee", "ु": "u", "ू": "oo", "ृ": "ri", "े": "e", "ै": "ai", "ो": "o", "ौ": "au",
    "ॉ": "o", "ॅ": "e", "ं": "n", "ँ": "n", "ः": "h",
}  # fmt: skip
_VIRAMA = "\u094d"
_NUKTA = "\u093c"

# Applied in order to a lower-case Latin spelling (from either script).
_FOLDS: tuple[tuple[str, str], ...] = (
    (r"chh|ch", "C"),  # च छ, before a lone c becomes k
    (r"c(?=[eiy])", "s"),  # cinema, vaccine
    (r"ck|c|q", "k"),
    (r"x", "ks"),
    (r"ph|f", "f"),
    (r"sh|s", "s"),
    (r"([kgjtdbr])h", r"\1"),  # aspiration: kh gh jh th dh bh rh
    (r"ee|ii|ie", "i"),
    (r"oo|uu", "u"),
    (r"aa", "a"),
    (r"au|ow|ou", "o"),  # before w -> v: lockdown / लॉकडाउन
    (r"ai|ay|ei", "e"),
    (r"w", "v"),
    (r"z", "j"),
    (r"er\b", "r"),  # English -er is written -र (सुपर: super)
    (r"m(?=[bp])", "n"),  # anusvara before b/p sounds m: संबंध / sambandh
    (r"a(?!$)", ""),  # the inherent vowel: written or not, on either side (a final आ stays)
    (r"(.)\1+", r"\1"),  # doubled letters: dilli / दिल्ली
    (r"y$", "i"),
)
_COMPILED = tuple((re.compile(p), r) for p, r in _FOLDS)
_LATIN_WORD = re.compile(r"^[a-z]+$")


def devanagari_to_latin(word: str) -> str:
    """A plain phone-keyboard romanisation: सरकार -> sarakaar (inherent vowels spelled out)."""
    word = unicodedata.normalize("NFD", word)  # nukta letters arrive as base + nukta
    out: list[str] = []
    chars = list(word)
    for i, ch in enumerate(chars):
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if nxt == _NUKTA:
            ch = unicodedata.normalize("NFC", ch + _NUKTA)
            nxt = chars[i + 2] if i + 2 < len(chars) else ""
        if ch in _CONSONANTS:
            if ch == "ज" and chars[i + 1 : i + 3] == [_VIRAMA, "ञ"]:
                out.append("g")  # ज्ञ is said "gy" in Hindi: विज्ञान, vigyan
            elif ch == "ञ" and i >= 2 and chars[i - 2 : i] == ["ज", _VIRAMA]:
                out.append("y")
            else:
                out.append(_CONSONANTS[ch])
            # The inherent vowel: not before a matra or virama, and silent at the end of a word
            # (सरकार: sarkar).
            if nxt and nxt != _VIRAMA and (nxt not in _SIGNS or nxt in "ंँः") and _is_letter(nxt):
                out.append("a")
        elif ch in _VOWELS:
            out.append(_VOWELS[ch])
        elif ch in _SIGNS:
            out.append(_SIGNS[ch])
        elif ch.isdigit():
            out.append(str(unicodedata.digit(ch)))
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
    return "".join(out)


def _is_letter(ch: str) -> bool:
    return ("\u0900" <= ch <= "\u097f" and unicodedata.category(ch).startswith("L")) or ch in _SIGNS


def key(word: str) -> str:
    """The sound-alike key of a word in Devanagari or Latin letters ('' if it has no letters)."""
    latin = word.lower() if word.isascii() else devanagari_to_latin(word)
    for pattern, repl in _COMPILED:
        latin = pattern.sub(repl, latin)
    return latin


# The endings the stemmer strips (ों ें ाओं ा े ...), as typed in Latin letters: index terms are
# stems (कोरोना -> कोरोन, युवाओं -> युव), so a romanised word is also tried without them.
_LATIN_ENDINGS = ("iyon", "iyan", "aon", "yon", "on", "en", "ein", "ain", "a", "o", "e")


def latin_variants(word: str) -> list[str]:
    """``word`` and the same word without a Hindi inflectional ending (yuvaon -> yuv)."""
    out = [word]
    for ending in _LATIN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            out.append(word[: -len(ending)])
    return out


def is_latin_word(word: str) -> bool:
    return bool(_LATIN_WORD.match(word))


def has_devanagari(word: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in word)


# English spelling read the way Hindi prints English loanwords (मोबाइल, कर्फ्यू, स्टेशन,
# बैंक): the sound-alike key reads Latin letters as Hinglish (a is अ, i is इ), which suits
# `sarkar` but not `mobile`. These rules respell an English word as it is said; several
# readings are kept where English spelling is ambiguous (the a of bank/station/data), and the
# index's vocabulary decides which exist. Upper-case letters are settled sounds the vowel rules
# leave alone: I ee, U oo, Y ai, C ch, J j, E a silent e that lengthens the vowel before it.
_EN_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"ation$", ("eshan",)),  # station स्टेशन
    (r"(?<=[^aeiou])tion$|ssion$|sion$", ("shan",)),  # mission मिशन
    (r"ture$", ("Car",)),
    (r"ice$", ("is",)),  # police पुलिस, office ऑफिस
    (r"ine$", ("In", "Yn")),  # vaccine वैक्सीन, online ऑनलाइन
    (r"ile$", ("Yl",)),  # mobile मोबाइल
    (r"(?<=[^aeiou])le$", ("al",)),  # table टेबल
    (r"dge$|ge$", ("J",)),  # college कॉलेज
    (r"ce$", ("s",)),  # ambulance एंबुलेंस
    (r"ew$", ("yU",)),  # curfew कर्फ्यू
    (r"ia$", ("iya",)),  # media मीडिया
    (r"eo$|io$", ("iyo",)),  # video वीडियो, radio रेडियो
    (r"y$", ("I",)),  # party पार्टी
    (r"(?<=[^aeiou][^aeiou])e$", ("",)),  # nurse नर्स
    (r"([aeiou])([^aeiou])e$", (r"\1\2E",)),  # game, time, phone, tube
)
_EN_INSIDE: tuple[tuple[str, str], ...] = (
    (r"^sci(?=e)", "sY"),  # science साइंस
    (r"igh", "Y"),  # flight फ्लाइट
    (r"ee|ea|ie", "I"),  # team टीम
    (r"oo", "U"),
    (r"ph", "f"),
    (r"t?ch", "C"),  # match मैच
    (r"ck", "k"),
    (r"dg", "JJ"),  # budget बजट (two letters: the syllable before is closed; the key folds them)
    (r"cc(?=[eiI])", "ks"),  # vaccine वैक्सीन
    (r"sc(?=[eiI])", "s"),
    (r"(?<=[aeiou])s(?=[aeiouy])", "Z"),  # result रिजल्ट, visa वीजा (or s: basic बेसिक)
    (r"c(?=[eiyI])", "s"),
    (r"c", "k"),
    (r"g(?=[eiyI])", "J"),  # emergency इमरजेंसी, digital
    (r"qu", "kv"),
    (r"x", "ks"),
    (r"ow", "au"),
    (r"(?<=[^aeiou])(ir|er|ur)(?=[^aeiouy]|$)", "ar"),  # curfew कर्फ्यू, computer कंप्यूटर
    (r"w", "v"),
)
# One vowel letter, several sounds: (in a closed syllable, in an open one, before a silent e).
_EN_VOWELS = {
    "a": (("a", "ai"), ("e", "a", "ai"), ("e",)),  # bank बैंक, camp / station, data, sanitizer / game
    "i": (("i",), ("ai", "i"), ("ai",)),  # mission / virus वायरस, digital / time
    "u": (("a", "u"), ("yu", "u"), ("yu", "u")),  # bus बस / student स्टूडेंट, computer / tube
    "e": (("e", "a"), ("i", "e"), ("i",)),  # test, hotel होटल / media मीडिया
    "o": (("o", "a"), ("o", "u"), ("o",)),  # online, computer कंप्यूटर / video, police पुलिस / phone
}
_SETTLED = {"I": "i", "U": "u", "Y": "ai", "C": "ch", "J": "j", "E": ""}
_VOWEL_LETTERS = set("aeiouIUY")
_MAX_READINGS = 32


def english_respellings(word: str) -> list[str]:
    """``word`` (Latin letters) respelled as an English word is said, in a few readings:
    mobile -> mobail, curfew -> karfyu, station -> steshan, bank -> bank/baink."""
    w = word.lower()
    if not is_latin_word(w) or len(w) < 3:
        return []
    bases = [w]
    for pattern, repls in _EN_ENDINGS:
        if re.search(pattern, w):
            bases = [re.sub(pattern, r, b) for b in bases for r in repls]
            break  # one ending rule per word
    out: list[str] = []
    for base in bases:
        for pattern, repl in _EN_INSIDE:
            base = re.sub(pattern, repl, base)
        readings = [""]
        for i, ch in enumerate(base):
            if ch in _EN_VOWELS:
                rest = base[i + 1 :]
                closed, opened, long_ = _EN_VOWELS[ch]
                if len(rest) >= 2 and rest[1] == "E":
                    sounds = long_
                elif not rest or (rest[0] not in _VOWEL_LETTERS and rest[1:2] and rest[1] in _VOWEL_LETTERS):
                    sounds = opened  # one consonant, then a vowel (vi-rus), or the end
                else:
                    sounds = closed
                readings = [r + s for r in readings for s in sounds][:_MAX_READINGS]
            elif ch == "Z":
                readings = [r + s for r in readings for s in ("s", "j")][:_MAX_READINGS]
            else:
                readings = [r + _SETTLED.get(ch, ch) for r in readings]
        out += readings
    return [r for r in dict.fromkeys(out) if r and r != word.lower()]
