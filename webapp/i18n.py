"""The page speaks Hindi first, English on request: every label in both languages.

The language comes from ``?lang=`` (remembered in a cookie), else the cookie, else Hindi.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

LANGUAGES = ("hi", "en")
DEFAULT = "hi"
COOKIE = "lang"

MONTHS = {
    "hi": ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip

MESSAGES: dict[str, dict[str, str]] = {
    "site": {"hi": "ख़बर", "en": "Khabar"},
    "tagline": {"hi": "हिंदी समाचार खोज", "en": "Hindi news search"},
    "skip": {"hi": "मुख्य सामग्री पर जाएँ", "en": "Skip to main content"},
    "search_label": {"hi": "हिंदी समाचार खोजें", "en": "Search Hindi news"},
    "placeholder": {
        "hi": "हिंदी समाचार खोजें… जैसे किसान आंदोलन या kisan",
        "en": "Search Hindi news… e.g. किसान or kisan",
    },
    "search": {"hi": "खोजें", "en": "Search"},
    "other_language": {"hi": "English", "en": "हिंदी"},
    "narrow": {"hi": "परिणाम सीमित करें", "en": "Narrow the results"},
    "facet.category": {"hi": "श्रेणी", "en": "Category"},
    "facet.source": {"hi": "स्रोत", "en": "Source"},
    "facet.author": {"hi": "लेखक", "en": "Author"},
    "facet.year": {"hi": "वर्ष", "en": "Year"},
    "facet.month": {"hi": "महीना", "en": "Month"},
    "facet.tags": {"hi": "टैग", "en": "Tags"},
    "more": {"hi": "{n} और", "en": "{n} more"},
    "date": {"hi": "तारीख़", "en": "Date"},
    "from": {"hi": "से", "en": "From"},
    "to": {"hi": "तक", "en": "To"},
    "apply": {"hi": "लागू करें", "en": "Apply"},
    "last7": {"hi": "पिछले 7 दिन", "en": "Last 7 days"},
    "last30": {"hi": "पिछले 30 दिन", "en": "Last 30 days"},
    "last365": {"hi": "पिछला एक साल", "en": "Last year"},
    "quick_note": {"hi": "सबसे नए लेख ({d}) से गिनकर", "en": "counted back from the newest article ({d})"},
    "results_word": {"hi": "परिणाम", "en": "results"},
    "articles_word": {"hi": "लेख", "en": "articles"},
    "took": {"hi": "{ms} ms में", "en": "in {ms} ms"},
    "sort": {"hi": "क्रम", "en": "Sort"},
    "sort.relevance": {"hi": "प्रासंगिकता", "en": "Relevance"},
    "sort.newest": {"hi": "नवीनतम पहले", "en": "Newest first"},
    "sort.oldest": {"hi": "पुराने पहले", "en": "Oldest first"},
    "selected": {"hi": "चुने गए फ़िल्टर", "en": "Selected filters"},
    "remove": {"hi": "हटाएँ", "en": "Remove"},
    "clear_all": {"hi": "सभी हटाएँ", "en": "Clear all"},
    "did_you_mean": {"hi": "क्या आपका मतलब था", "en": "Did you mean"},
    "translit_why": {
        "hi": "(रोमन अक्षरों में लिखे शब्द इन देवनागरी वर्तनियों से भी मिलाए गए)",
        "en": "(words in Latin letters were also matched to these Devanagari spellings)",
    },
    "note.any_word": {
        "hi": "सभी शब्दों वाला कोई लेख नहीं मिला, इसलिए किसी भी शब्द वाले लेख दिखाए जा रहे हैं।",
        "en": "No article has all the words, so articles with any of them are shown.",
    },
    "note.some_words": {
        "hi": "सभी शब्दों वाले लेख कम हैं; उनके बाद कुछ शब्दों वाले लेख दिखाए जा रहे हैं।",
        "en": "Few articles have all the words; articles with some of them follow.",
    },
    "by_meaning": {"hi": "अर्थ से मिला", "en": "found by meaning"},
    "by_meaning_why": {
        "hi": "इस लेख में खोज के शब्द नहीं हैं; यह अर्थ में खोज के निकट है",
        "en": "This article lacks the query's words; its meaning is close to the query",
    },
    "meaning_off": {
        "hi": "अर्थ से खोज बंद है ({why}); केवल शब्दों से खोजा गया।",
        "en": "Search by meaning is off ({why}); the words alone were searched.",
    },
    "note.some_words_ranked": {
        "hi": "सभी शब्दों वाले लेख कम हैं; कुछ शब्दों वाले लेख भी उनके साथ, शब्दों और अर्थ के आधार पर, क्रम में रखे गए हैं।",
        "en": "Few articles have all the words; articles with some of them are ranked with them, by "
        "their words and their meaning.",
    },
    "some_words_follow": {
        "hi": "नीचे के लेखों में खोज के कुछ ही शब्द हैं",
        "en": "The articles below have only some of the words",
    },
    "note.plain_words": {
        "hi": "खोज की वाक्य-रचना अधूरी थी (कोष्ठक या उद्धरण चिह्न बंद नहीं, या बिना शब्द का AND/OR); "
        "जितनी समझ आई उतनी खोजी गई।",
        "en": "The query syntax was incomplete (an unclosed bracket or quote, or an operator without "
        "a word); it was read as far as it could be.",
    },
    "note.too_many_words": {
        "hi": "खोज के केवल पहले 100 शब्द खोजे गए।",
        "en": "Only the first 100 words of the query were searched.",
    },
    "note.pattern_truncated": {
        "hi": "पैटर्न से मेल खाने वाले शब्द बहुत अधिक थे; वर्णक्रम में पहले 10,000 ही खोजे गए।",
        "en": "A pattern stood for more words than are searched; only the first 10,000 of them, "
        "in alphabetical order, were searched.",
    },
    "note.nothing_searchable": {
        "hi": "इस खोज में खोजने लायक कोई शब्द नहीं है (केवल बहुत आम शब्द या चिह्न)।",
        "en": "The query has no searchable words (only very common words or symbols).",
    },
    "note.page_out_of_range": {
        "hi": "यह पृष्ठ परिणामों के अंतिम पृष्ठ के बाद का है।",
        "en": "This page is past the last page.",
    },
    "empty": {"hi": "“{q}” के लिए कोई लेख नहीं मिला।", "en": "No article found for “{q}”."},
    "try_suggestion": {"hi": "{s} खोजकर देखें।", "en": "Try {s}."},
    "try_fewer": {"hi": "कम शब्दों से खोजें, या वर्तनी बदलकर देखें।", "en": "Try fewer words, or another spelling."},
    "try_unfiltered": {"hi": "फ़िल्टर हटाकर खोजें", "en": "Search without the filters"},
    "pages": {"hi": "पृष्ठ", "en": "Pages"},
    "prev": {"hi": "← पिछला", "en": "← Previous"},
    "next": {"hi": "अगला →", "en": "Next →"},
    "page_of": {"hi": "पृष्ठ {p} / {n}", "en": "Page {p} of {n}"},
    "back": {"hi": "← “{q}” के परिणामों पर लौटें", "en": "← Back to the results for “{q}”"},
    "tags": {"hi": "टैग", "en": "Tags"},
    "byline": {"hi": "लेखक परिचय", "en": "About the author"},
    "original": {"hi": "मूल लेख", "en": "Original article"},
    "similar": {"hi": "मिलते-जुलते लेख", "en": "Similar articles"},
    "home": {"hi": "मुखपृष्ठ पर जाएँ", "en": "Go to the home page"},
    "suggestions": {"hi": "सुझाव", "en": "Suggestions"},
    "error.400": {"hi": "अनुरोध ठीक नहीं है", "en": "Bad request"},
    "error.404": {"hi": "पृष्ठ नहीं मिला", "en": "Page not found"},
    "error.405": {"hi": "यह तरीका मान्य नहीं है", "en": "Method not allowed"},
    "error.500": {"hi": "सर्वर में गड़बड़ी", "en": "Server error"},
    "error.503": {"hi": "खोज अभी उपलब्ध नहीं है", "en": "Search is not available"},
    "variants_why": {
        "hi": "(कम छपने वाली वर्तनी के साथ उसकी आम वर्तनी भी खोजी गई; आपकी लिखी वर्तनी वाले लेख पहले)",
        "en": "(the common spelling was searched too; articles with the spelling typed come first)",
    },
    "heading_results": {"hi": "“{q}” की खोज", "en": "Search for “{q}”"},
    "heading_latest": {"hi": "नवीनतम समाचार", "en": "The latest news"},
    "timeline": {"hi": "समय के साथ", "en": "Over time"},
    "timeline_about": {
        "hi": "हर {interval} प्रकाशित मिलते लेख; किसी पट्टी पर क्लिक करें तो उसी अवधि के लेख दिखेंगे।",
        "en": "Matching articles published per {interval}; click a bar to narrow the dates to it.",
    },
    "interval.day": {"hi": "दिन", "en": "day"},
    "interval.week": {"hi": "सप्ताह", "en": "week"},
    "interval.month": {"hi": "महीने", "en": "month"},
    "interval.year": {"hi": "वर्ष", "en": "year"},
    "interval.decade": {"hi": "दशक", "en": "decade"},
    "interval.century": {"hi": "शताब्दी", "en": "century"},
    "interval.millennium": {"hi": "सहस्राब्दी", "en": "millennium"},
    "week_of": {"hi": "सप्ताह", "en": "week of"},
    "n_articles": {"hi": "{n} लेख", "en": "{n} articles"},
    "period": {"hi": "अवधि", "en": "Period"},
    "all_articles": {"hi": "सभी लेख", "en": "all articles"},
    "show_share": {"hi": "सभी लेखों में हिस्सा दिखाएँ", "en": "Show as a share of all articles"},
    "show_counts": {"hi": "लेखों की संख्या दिखाएँ", "en": "Show article counts"},
    "share_about": {
        "hi": "हिस्सा: उस अवधि के सभी लेखों (इन्हीं फ़िल्टरों के साथ) में से मिलते लेख।",
        "en": "Share: matching articles out of all articles of the period (under the same filters).",
    },
    "compare": {"hi": "तुलना करें", "en": "Compare"},
    "compare_with": {"hi": "किसी और खोज से तुलना", "en": "Compare with another search"},
    "compare_full": {"hi": "अधिकतम 4 खोजों से तुलना हो सकती है", "en": "At most 4 searches can be compared"},
    "undated_note": {
        "hi": "बिना तारीख़ वाले लेख इसमें नहीं गिने गए",
        "en": "Articles without a date are not counted",
    },
    "characteristic": {"hi": "इन परिणामों के ख़ास शब्द", "en": "Words that characterise these results"},
    "characteristic_about": {
        "hi": "पूरे संग्रह की तुलना में शीर्ष {n} परिणामों में अधिक आने वाले शब्द; शब्द पर क्लिक करने से वह खोज में जुड़ता है।",
        "en": "Words over-represented in the top {n} results compared with the whole archive; "
        "click one to add it to the search.",
    },
    "take_away": {"hi": "परिणाम ले जाएँ", "en": "Take the results away"},
    "export_csv": {"hi": "CSV (Excel)", "en": "CSV (Excel)"},
    "export_jsonl": {"hi": "JSON Lines", "en": "JSON Lines"},
    "export_about": {
        "hi": "सभी {n} मिलते लेख डाउनलोड करें (एक बार में अधिकतम {limit})",
        "en": "Download all {n} matching articles (at most {limit} at a time)",
    },
    "export_limited": {
        "hi": "पहले {limit} लेख डाउनलोड करें ({n} में से; सीमा {limit})",
        "en": "Download the first {limit} of the {n} matching articles (the limit is {limit})",
    },
    "feed": {"hi": "इस खोज की फ़ीड (Atom)", "en": "Feed of this search (Atom)"},
    "no_article": {"hi": "इस पहचान ({id}) का कोई लेख नहीं है।", "en": "There is no article with the id {id}."},
}


def language() -> str:
    return getattr(g, "lang", DEFAULT)


def t(key: str, **values: object) -> str:
    text = MESSAGES[key][language()]
    return text.format(**values) if values else text


def month_name(month: int) -> str:
    return MONTHS[language()][month - 1]


def register(app: Flask) -> None:
    @app.before_request
    def pick_language() -> None:
        asked = request.args.get("lang", "")
        g.lang = asked if asked in LANGUAGES else request.cookies.get(COOKIE, DEFAULT)
        if g.lang not in LANGUAGES:
            g.lang = DEFAULT

    @app.after_request
    def remember_language(response: Response) -> Response:
        asked = request.args.get("lang", "")
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return response

    app.jinja_env.globals.update(t=t, language=language)
