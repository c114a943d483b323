"""Hindi function words that carry no topic: postpositions, pronouns, auxiliaries, conjunctions.

Written for Khabar rather than taken from Savoy's list, which also drops content words such as
घर (home), वर्ग (class), यहाँ (here) and अंदर (inside). Entries are compared after normalisation.
"""

from __future__ import annotations

from indexer.analysis.normalize import normalize

_WORDS = """
का की के को में से पर तक ने लिए द्वारा प्रति
मैं हम तुम आप वह वे यह ये उस उन इस इन उसे उन्हें इसे इन्हें मुझे हमें तुम्हें आपको
उसका उसकी उसके उनका उनकी उनके इसका इसकी इसके इनका इनकी इनके
मेरा मेरी मेरे हमारा हमारी हमारे तुम्हारा तुम्हारी तुम्हारे आपका आपकी आपके अपना अपनी अपने
जो जिस जिन जिसे जिन्हें जिसका जिसकी जिसके जिनका जिनकी जिनके
कोई किसी कुछ सब सभी स्वयं खुद
है हैं था थी थे हो हूं होता होती होते होना होने होगा होगी होंगे हुआ हुई हुए
रहा रही रहे गया गई गए गये गयी जाता जाती जाते जाना जाने जाए जाएगा जाएगी जाएंगे
किया किए किये कर करना करने करता करती करते करें
और या तथा एवं व लेकिन परंतु किंतु मगर बल्कि कि तो भी ही न नहीं ना
यदि अगर जब तब क्योंकि इसलिए ताकि वाला वाली वाले
"""

# Question words: a reader's question (कितने खिलाड़ी?) holds them, the answering article rarely
# does, so as rare terms they would outweigh the words that matter.
_QUESTION_WORDS = """
क्या कौन कौनसा कौनसी कौनसे किस किसे किसको किसने किसका किसकी किसके किन किन्हें किनका किनकी किनके
कितना कितनी कितने कब कहाँ कहां कैसे कैसा कैसी क्यों सा
"""

FUNCTION_WORDS: frozenset[str] = frozenset(normalize(w) for w in _WORDS.split())
QUESTION_WORDS: frozenset[str] = frozenset(normalize(w) for w in _QUESTION_WORDS.split())
STOPWORDS: frozenset[str] = FUNCTION_WORDS | QUESTION_WORDS


def is_stopword(normalized_word: str) -> bool:
    return normalized_word in STOPWORDS
