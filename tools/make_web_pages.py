"""Write the judged web pages of tests/fixtures/web: the seed articles rendered as the pages news
sites publish (eight page shapes), pages that are not articles, and what each should give.

    python -m tools.make_web_pages [OUT]      (default tests/fixtures/web)

The pages are ours: the text is the project's own seed articles (seeds/), the shapes are
written here after the kinds of pages Hindi news sites serve (a CMS template with menus,
related-story boxes, share buttons, comments and tags; AMP; an old table layout mislabelled
windows-1252; a blog theme; an English byline; metadata only in JSON-LD; a print view; a photo
story with captions). ``judged.jsonl`` holds, for every page, what a reader of it would call its
headline, date, author and body (the seed's own fields), or why it is not an article. The
output is deterministic: run it again and the files are the same.
"""

from __future__ import annotations

import html
import json
import sys
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from indexer.ingest import read_corpus  # noqa: E402
from indexer.records import Article  # noqa: E402

MONTHS_HI = ["जनवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर",
             "नवंबर", "दिसंबर"]  # fmt: skip
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]  # fmt: skip
WEEKDAYS_HI = ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"]
DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")
LATIN = {
    "रमेश चौहान": "Ramesh Chauhan", "मोहम्मद आरिफ़": "Mohammad Arif", "नेहा गुप्ता": "Neha Gupta",
    "विकास त्रिपाठी": "Vikas Tripathi", "कविता जोशी": "Kavita Joshi", "अनीता सिंह": "Anita Singh",
    "फ़ातिमा ख़ान": "Fatima Khan", "अजय मिश्रा": "Ajay Mishra", "सीमा अग्रवाल": "Seema Agarwal",
    "दीपक पांडे": "Deepak Pandey", "अर्जुन मेहता": "Arjun Mehta", "सुनील यादव": "Sunil Yadav",
    "प्रिया शर्मा": "Priya Sharma", "राहुल वर्मा": "Rahul Verma",
}  # fmt: skip
MENU = ["होम", "देश", "विदेश", "राज्य", "खेल", "मनोरंजन", "व्यापार", "टेक", "लाइफस्टाइल", "वीडियो"]
RELATED = ["मौसम विभाग ने अगले तीन दिन के लिए चेतावनी जारी की", "शेयर बाज़ार में आज भी उतार-चढ़ाव जारी",
           "राजधानी में नई मेट्रो लाइन का काम तेज़", "किसानों के लिए नई योजना की घोषणा"]  # fmt: skip
COMMENTS = ["बहुत अच्छी जानकारी दी आपने, धन्यवाद।", "सरकार को इस पर ध्यान देना चाहिए।",
            "हमारे शहर में भी यही हाल है, कोई सुनने वाला नहीं।"]  # fmt: skip
E = html.escape


def paragraphs(a: Article) -> list[str]:
    return [" ".join(p.split()) for p in a.body.split("\n\n") if p.strip()]


def site(a: Article) -> tuple[str, str]:
    """(host, name) of the article's own site."""
    host = a.url.split("/")[2] if a.url else "khabar.example"
    return host, a.source or "ख़बर"


def hindi_date(d: datetime, digits: bool = False, weekday: bool = False) -> str:
    text = f"{d.day} {MONTHS_HI[d.month - 1]} {d.year}"
    if weekday:
        text = f"{WEEKDAYS_HI[d.weekday()]}, {text}"
    return text.translate(DIGITS) if digits else text


def menu() -> str:
    return (
        '<ul class="menu">'
        + "".join(f'<li><a href="/{n}">{E(m)}</a></li>' for n, m in enumerate(MENU))
        + "</ul>"
    )


def related_box() -> str:
    items = "".join(f'<li><a href="/story/{n}">{E(t)}</a></li>' for n, t in enumerate(RELATED))
    return f'<aside class="related-stories"><h3>ये भी पढ़ें</h3><ul>{items}</ul></aside>'


def comments() -> str:
    items = "".join(
        f'<div class="comment"><b>पाठक {n + 1}</b><p>{E(c)}</p></div>' for n, c in enumerate(COMMENTS)
    )
    return f'<section id="comments"><h3>टिप्पणियाँ ({len(COMMENTS)})</h3>{items}<form><textarea></textarea><button>भेजें</button></form></section>'


def ps(a: Article, every: int = 0, insert: str = "") -> str:
    out = []
    for n, p in enumerate(paragraphs(a)):
        out.append(f"<p>{E(p)}</p>")
        if every and n == every - 1:
            out.append(insert)
    return "\n".join(out)


def cms(a: Article) -> str:
    name = site(a)[1]
    d = a.date
    assert d is not None
    tags = "".join(f'<a class="tag" href="/tag/{n}">{E(t)}</a> ' for n, t in enumerate(a.tags))
    return f"""<!DOCTYPE html>
<html lang="hi"><head><meta charset="utf-8">
<title>{E(a.title)} | {E(name)}</title>
<link rel="canonical" href="{E(a.url)}">
<meta property="og:type" content="article"><meta property="og:title" content="{E(a.title)}">
<meta property="og:url" content="{E(a.url)}">
<meta property="article:published_time" content="{d:%Y-%m-%d}T10:30:00+05:30">
<meta property="article:section" content="{E(a.category)}">
<meta name="author" content="{E(a.author)}">
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "article"}});</script>
</head><body>
<header><div class="logo">{E(name)}</div><nav>{menu()}</nav></header>
<div class="breadcrumb"><a href="/">होम</a> » <a href="/{E(a.category)}">{E(a.category)}</a></div>
<main><article>
<h1 class="story-title">{E(a.title)}</h1>
<div class="byline">रिपोर्ट: <a href="/author/1">{E(a.author)}</a> | अपडेटेड: {hindi_date(d)}, 10:30 AM IST</div>
<div class="share"><a href="#">फेसबुक</a> <a href="#">ट्विटर</a> <a href="#">व्हाट्सऐप</a> <a href="#">लिंक कॉपी करें</a></div>
{ps(a, 2, related_box())}
<div class="tags">टैग: {tags}</div>
</article>
{comments()}
</main>
<footer><p>© {d.year} {E(name)}. सर्वाधिकार सुरक्षित।</p><a href="/privacy">गोपनीयता नीति</a> <a href="/about">हमारे बारे में</a></footer>
</body></html>
"""


def amp_url(a: Article) -> str:
    host = a.url.split("/")[2]
    return a.url.replace(f"://{host}/", f"://{host}/amp/", 1)


def amp(a: Article) -> str:
    name = site(a)[1]
    d = a.date
    assert d is not None
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
          "datePublished": f"{d:%Y-%m-%d}T08:00:00+05:30", "author": {"@type": "Person", "name": a.author},
          "publisher": {"@type": "Organization", "name": name}, "mainEntityOfPage": a.url}  # fmt: skip
    return f"""<!doctype html>
<html ⚡ lang="hi"><head><meta charset="utf-8">
<title>{E(a.title)}</title>
<link rel="canonical" href="{E(a.url)}">
<meta name="viewport" content="width=device-width,minimum-scale=1">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-custom>body{{font-family:sans-serif}}</style>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
</head><body>
<amp-sidebar id="sidebar" layout="nodisplay">{menu()}</amp-sidebar>
<header class="amp-header"><a href="/">{E(name)}</a></header>
<article class="amp-story">
<h1>{E(a.title)}</h1>
<p class="amp-byline">{E(a.author)} · {hindi_date(d)}</p>
<amp-img src="/img/lead.jpg" width="800" height="450" layout="responsive" alt=""></amp-img>
{ps(a, 1, '<amp-ad width="300" height="250" type="adsense" data-ad-client="ca-pub-1"></amp-ad>')}
</article>
<amp-social-share type="whatsapp"></amp-social-share>
<footer>© {E(name)}</footer>
</body></html>
"""


def legacy(a: Article) -> str:
    """An old table layout that says windows-1252 but is UTF-8 (the bytes are written as UTF-8)."""
    name = site(a)[1]
    d = a.date
    assert d is not None
    body = "<br><br>\n".join(f'<font face="Mangal" size="3">{E(p)}</font>' for p in paragraphs(a))
    links = "<br>".join(f'<a href="/s{n}">{E(m)}</a>' for n, m in enumerate(MENU))
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>{E(a.title)} - {E(name)}</title></head>
<body bgcolor="#ffffff"><table width="100%" border="0"><tr>
<td width="150" valign="top" class="leftnav">{links}</td>
<td valign="top">
<font size="5"><b>{E(a.title)}</b></font><br>
<font size="2" color="#666666">लेखक: {E(a.author)} &nbsp;|&nbsp; प्रकाशित: {hindi_date(d)}</font><br><br>
{body}
<br><br><font size="1"><a href="/print">प्रिंट करें</a> | <a href="/mail">ई-मेल करें</a></font>
</td>
<td width="160" valign="top"><b>सबसे ज़्यादा पढ़ी गईं</b><br>{"<br>".join(E(t) for t in RELATED)}</td>
</tr></table>
<center><font size="1">Copyright {d.year} {E(name)}</font></center>
</body></html>
"""


def blog(a: Article) -> str:
    name = site(a)[1]
    d = a.date
    assert d is not None
    recent = "".join(f"<li><a href='/p/{n}'>{E(t)}</a></li>" for n, t in enumerate(RELATED))
    cloud = " ".join(f"<a href='/tag/{n}'>{E(m)}</a>" for n, m in enumerate(MENU[1:7]))
    return f"""<!DOCTYPE html>
<html lang="hi-IN"><head><meta charset="UTF-8">
<title>{E(a.title)} &#8211; {E(name)}</title>
<link rel="canonical" href="{E(a.url)}">
<meta name="generator" content="WordPress 6.4">
</head><body class="post-template-default single">
<div id="page"><header id="masthead"><p class="site-title">{E(name)}</p><nav id="site-navigation">{menu()}</nav></header>
<div id="content"><div id="primary">
<article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{E(a.title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{d:%Y-%m-%d}T07:45:00+05:30">{hindi_date(d)}</time></span>
<span class="byline"> द्वारा <span class="author vcard"><a class="url fn n" rel="author" href="/author/x">{E(a.author)}</a></span></span></div></header>
<div class="entry-content">
{ps(a)}
</div>
<footer class="entry-footer"><span class="cat-links">श्रेणी: <a href="/c" rel="category tag">{E(a.category)}</a></span></footer>
</article>
<div id="respond" class="comment-respond"><h3>एक उत्तर दें</h3><form id="commentform"><p>आपका ईमेल पता प्रकाशित नहीं किया जाएगा।</p><textarea></textarea><input type="submit" value="टिप्पणी करें"></form></div>
</div>
<aside id="secondary" class="widget-area"><section class="widget"><h2>हाल के पोस्ट</h2><ul>{recent}</ul></section>
<section class="widget"><h2>टैग</h2>{cloud}</section></aside>
</div><footer id="colophon">{E(name)} · WordPress द्वारा संचालित</footer></div>
</body></html>
"""


def english_byline(a: Article) -> str:
    d = a.date
    assert d is not None
    return f"""<!DOCTYPE html>
<html lang="hi"><head><meta charset="utf-8">
<title>{E(a.title)}</title>
<link rel="canonical" href="{E(a.url)}">
<meta property="og:title" content="{E(a.title)}">
</head><body>
<div class="top-bar">Download our app | ई-पेपर | Subscribe</div>
<nav>{menu()}</nav>
<div class="story">
<h1>{E(a.title)}</h1>
<p class="meta">By {E(LATIN.get(a.author, a.author))} | Updated: {MONTHS_EN[d.month - 1]} {d.day}, {d.year} 10:30 AM IST</p>
<div class="story-body">
{ps(a, 3, '<div class="ad-slot">Advertisement</div>')}
</div>
<div class="follow">हमें Google News पर फॉलो करें</div>
</div>
<div class="trending"><h4>Trending</h4><ol>{"".join(f"<li>{E(t)}</li>" for t in RELATED)}</ol></div>
</body></html>
"""


def jsonld(a: Article) -> str:
    name = site(a)[1]
    d = a.date
    assert d is not None
    ld = [{"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
           "datePublished": f"{d:%Y-%m-%d}T06:10:00+05:30", "dateModified": f"{d:%Y-%m-%d}T09:00:00+05:30",
           "author": [{"@type": "Person", "name": a.author}], "articleSection": a.category,
           "keywords": ", ".join(a.tags), "url": a.url},
          {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": []}]  # fmt: skip
    body = "\n".join(f'<div class="para">{E(p)}</div>' for p in paragraphs(a))
    return f"""<!DOCTYPE html>
<html lang="hi"><head><meta charset="utf-8">
<title>{E(a.title)} - {E(name)}</title>
<link rel="canonical" href="{E(a.url)}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<script>var __STATE__ = {{"user": null, "ads": true}};</script>
</head><body>
<div id="cookie-banner">हम आपके अनुभव को बेहतर बनाने के लिए कुकीज़ का उपयोग करते हैं। <button>स्वीकार करें</button></div>
<div id="root"><div class="header">{menu()}</div>
<div class="article-wrap"><div class="headline-block"><span class="h1">{E(a.title)}</span></div>
<div class="story-content">
{body}
</div>
<div class="newsletter">हमारे न्यूज़लेटर के लिए साइन अप करें <input placeholder="ईमेल"></div>
</div></div>
</body></html>
"""


def print_view(a: Article) -> str:
    name = site(a)[1]
    d = a.date
    assert d is not None
    return f"""<html><head><meta charset="utf-8"><title>{E(name)} - प्रिंट</title>
<link rel="canonical" href="{E(a.url)}"></head>
<body onload="window.print()">
<div class="print-logo">{E(name)}</div>
<h2>{E(a.title)}</h2>
<div>दिनांक: {d:%d/%m/%Y} &nbsp; संवाददाता: {E(a.author)}</div>
<hr>
{ps(a)}
<hr><div class="print-footer">इस लेख का लिंक: {E(a.url)} <a href="javascript:window.print()">इस पेज को प्रिंट करें</a></div>
</body></html>
"""


def photo(a: Article) -> str:
    name = site(a)[1]
    d = a.date
    assert d is not None
    fig = '<figure><img src="/img/{n}.jpg" alt=""><figcaption>फोटो: {c} (फाइल फोटो)</figcaption></figure>'
    out = []
    for n, p in enumerate(paragraphs(a)):
        out.append(f"<p>{E(p)}</p>")
        if n in (0, 2):
            out.append(fig.format(n=n, c=E(a.category or "प्रतीकात्मक")))
    return f"""<!DOCTYPE html>
<html lang="hi"><head><meta charset="utf-8"><title>{E(a.title)} | {E(name)}</title>
<link rel="canonical" href="{E(a.url)}">
<meta name="description" content="{E(paragraphs(a)[0][:150])}">
</head><body>
<nav>{menu()}</nav>
<article>
<h1>{E(a.title)}</h1>
<div class="writer">{E(a.author)} | {hindi_date(d, digits=True, weekday=True)}</div>
{chr(10).join(out)}
</article>
<div class="more-photos"><h3>तस्वीरों में देखें</h3><img src="/g/1.jpg"><img src="/g/2.jpg"></div>
</body></html>
"""


# -- the held-out shapes: written after Khabar's extraction was built, measured as they came --------


def portal(a: Article) -> str:
    """A big portal's page: headline in a div, an English-Hindi byline, "Also read" links inside
    the paragraphs, a follow widget; the date only in JSON-LD."""
    _, name = site(a)
    d = a.date
    assert d is not None
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
          "datePublished": f"{d:%Y-%m-%d}T09:15:00+05:30", "author": {"@type": "Person", "name": a.author}}  # fmt: skip
    paras = paragraphs(a)
    body = []
    for n, p in enumerate(paras):
        also = f' <a href="/also/{n}">यह भी पढ़ें: {E(RELATED[n % len(RELATED)])}</a>' if n == 1 else ""
        body.append(f"<p>{E(p)}</p>{also and '<p>' + also + '</p>'}")
    return f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8">
<title>{E(a.title)} - {E(name)}</title><meta property="og:title" content="{E(a.title)}">
<link rel="canonical" href="{E(a.url)}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head>
<body><div class="top-nav">{menu()}</div><div class="container"><div class="article-heading"><div class="hd">{E(a.title)}</div></div>
<div class="article-meta">Edited By: {E(a.author)} | Updated: {d.day:02d} {MONTHS_EN[d.month - 1][:3]} {d.year} 09:15 AM (IST)</div>
<div class="article-desc">{"".join(body)}</div>
<div class="follow-us">Follow us on <a href="#">Facebook</a> <a href="#">X</a> <a href="#">YouTube</a></div>
<div class="recommended"><h3>आपके लिए</h3>{related_box()}</div></div></body></html>
"""


def spa(a: Article) -> str:
    """A script-built page: its state as JSON in a script, the text also in the markup; the
    headline in og:title and an h2, the date printed with Devanagari digits and a comma."""
    _, name = site(a)
    d = a.date
    assert d is not None
    state = {"props": {"pageProps": {"story": {"id": a.id, "headline": a.title}}}}
    printed = f"{d.day} {MONTHS_HI[d.month - 1]}, {d.year}".translate(DIGITS)
    body = "".join(f'<div class="text-block"><p>{E(p)}</p></div>' for p in paragraphs(a))
    return f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>{E(name)}</title>
<meta property="og:title" content="{E(a.title)}"><meta property="og:type" content="article"><link rel="canonical" href="{E(a.url)}">
<script id="__NEXT_DATA__" type="application/json">{json.dumps(state, ensure_ascii=False)}</script></head>
<body><div id="__next"><header><span class="brand">{E(name)}</span></header>
<main><h2 class="story-hl">{E(a.title)}</h2><div class="story-by"><a class="author-name" href="/a">{E(a.author)}</a><span class="story-date">{printed}</span></div>
{body}<div class="app-banner">ऐप डाउनलोड करें</div></main></div></body></html>
"""


def wire(a: Article) -> str:
    """An agency's copy: headline in an h2, the date as dd-mm-yyyy, the author named in a
    "रिपोर्टर" line after the text."""
    _, name = site(a)
    d = a.date
    assert d is not None
    return f"""<html><head><meta charset="utf-8"><title>{E(a.title)} :: {E(name)}</title></head>
<body><div class="masthead">{E(name)} समाचार सेवा</div>
<h2 class="story-title">{E(a.title)}</h2><span class="date">{d:%d-%m-%Y}</span>
<div class="story">{ps(a)}</div><p class="credit">रिपोर्टर: {E(a.author)}</p>
<div class="footer-links"><a href="/t">नियम</a> <a href="/c">संपर्क</a></div></body></html>
"""


def opinion(a: Article) -> str:
    """A column: the author in a box with a bio at the end, the date in a time element without
    a datetime attribute."""
    _, name = site(a)
    d = a.date
    assert d is not None
    return f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>{E(a.title)} | {E(name)}</title>
<link rel="canonical" href="{E(a.url)}"></head><body><nav>{menu()}</nav>
<article class="opinion"><span class="kicker">नज़रिया</span><h1>{E(a.title)}</h1><time>{hindi_date(d)}</time>
{ps(a)}
<div class="author-box"><h4>{E(a.author)}</h4><p>लेखक वरिष्ठ पत्रकार हैं। ये उनके निजी विचार हैं।</p></div></article>
{comments()}</body></html>
"""


def liveblog(a: Article) -> str:
    """Updates with times above each paragraph; the byline and date in a header div."""
    _, name = site(a)
    d = a.date
    assert d is not None
    updates = "".join(
        f'<div class="update"><span class="time">{9 + n}:{(7 * n) % 60:02d} IST</span><p>{E(p)}</p></div>'
        for n, p in enumerate(paragraphs(a))
    )
    return f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>LIVE: {E(a.title)}</title>
<link rel="canonical" href="{E(a.url)}"><meta property="article:published_time" content="{d:%Y-%m-%d}T09:00:00+05:30"></head>
<body><nav>{menu()}</nav><div class="live-header"><h1>{E(a.title)}</h1><div class="byline">{E(a.author)}, {E(name)}</div></div>
<div class="live-updates">{updates}</div><div class="share"><a href="#">शेयर करें</a></div></body></html>
"""


HELD_OUT = {"portal": portal, "spa": spa, "wire": wire, "opinion": opinion, "liveblog": liveblog}


SHAPES = {"cms": cms, "amp": amp, "legacy": legacy, "blog": blog, "english-byline": english_byline,
          "jsonld": jsonld, "print": print_view, "photo": photo}  # fmt: skip
NO_URL = {"legacy"}  # shapes whose page does not say its own URL


def not_articles(arts: list[Article]) -> list[tuple[str, str, str]]:
    """(name, html, why) of pages that are not articles."""
    teasers = "".join(
        f'<div class="card"><a href="{E(a.url)}"><h3>{E(a.title)}</h3></a><p>{E(paragraphs(a)[0][:60])}…</p></div>'
        for a in arts[:30]
    )
    front = f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>देश की ताज़ा ख़बरें | नवयुग टाइम्स</title>
<meta property="og:type" content="website"></head><body><nav>{menu()}</nav><h1>देश</h1>{teasers}
<div class="pagination"><a href="?page=2">अगला</a></div></body></html>
"""
    tag_items = "".join(f'<li><a href="{E(a.url)}">{E(a.title)}</a> <span>{a.date:%d/%m/%Y}</span></li>'
                        for a in arts[:25] if a.date)  # fmt: skip
    tag = f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>टैग: चुनाव - जनपथ न्यूज़</title></head>
<body><nav>{menu()}</nav><h1>चुनाव से जुड़ी ख़बरें</h1><ul class="tag-list">{tag_items}</ul></body></html>
"""
    results = "".join(f'<div class="result"><a href="{E(a.url)}">{E(a.title)}</a></div>' for a in arts[5:25])
    search = f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>खोज: "बारिश" - भारत वार्ता</title></head>
<body><form action="/search"><input name="q" value="बारिश"><button>खोजें</button></form>
<p>"बारिश" के लिए 20 परिणाम</p>{results}</body></html>
"""
    imgs = "".join(
        f'<figure><img src="/g/{n}.jpg"><figcaption>तस्वीर {n + 1}</figcaption></figure>' for n in range(12)
    )
    gallery = f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>तस्वीरें: मानसून की पहली बारिश</title>
<meta property="og:type" content="article"></head><body><nav>{menu()}</nav><h1>तस्वीरें: मानसून की पहली बारिश</h1>{imgs}</body></html>
"""
    error = f"""<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>पेज नहीं मिला - 404</title></head>
<body><nav>{menu()}</nav><h1>क्षमा करें, यह पेज नहीं मिला</h1><p>आप जिस पेज को ढूंढ रहे हैं वह हटा दिया गया है।</p>
<a href="/">होम पेज पर जाएं</a></body></html>
"""
    english = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Monsoon arrives early in Kerala, says weather office</title>
<meta property="article:published_time" content="2024-05-30T11:00:00+05:30"><meta name="author" content="Staff Reporter"></head>
<body><article><h1>Monsoon arrives early in Kerala, says weather office</h1>
<p>The southwest monsoon reached the Kerala coast on Thursday, two days ahead of its usual date, the weather office said, bringing relief after weeks of heat across the south.</p>
<p>Fishermen were advised not to venture into the sea for the next three days as strong winds and heavy rain are expected along the coast and in the hills of the Western Ghats.</p>
<p>Officials said reservoirs in the state were at a third of their capacity and that an early and steady monsoon would ease the pressure on drinking water and hydroelectric supply.</p>
</article></body></html>
"""
    return [
        ("section-front", front, "links"),
        ("tag-page", tag, "links"),
        ("search-page", search, "links"),
        ("gallery", gallery, "little text"),
        ("error-404", error, "little text"),
        ("english-article", english, "not Hindi"),
    ]


def stories() -> list[Article]:
    """The seed articles the pages are made of, in the pages' order."""
    arts = [a for a in read_corpus([REPO / "seeds"]) if isinstance(a, Article) and a.origin.endswith(".txt")]
    return sorted((a for a in arts if a.date and a.author and a.url), key=lambda a: a.id)


def held_out(out: Path) -> None:
    """The held-out set: the same stories in the shapes written after the extractor."""
    arts = stories()
    pages = out / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    for old in pages.glob("*.html"):
        old.unlink()
    judged = []
    shapes = list(HELD_OUT)
    for n, a in enumerate(arts):
        shape = shapes[n % len(shapes)]
        name = f"{n:02d}-{shape}.html"
        (pages / name).write_bytes(HELD_OUT[shape](a).encode("utf-8"))
        assert a.date is not None
        canonical = "" if shape == "wire" else a.url
        judged.append({
            "file": name, "shape": shape, "article": True, "title": a.title, "date": f"{a.date:%Y-%m-%d}",
            "author": a.author, "url": a.url, "canonical": canonical, "category": a.category,
            "body": "\n".join(paragraphs(a)),
        })  # fmt: skip
    with (out / "judged.jsonl").open("w", encoding="utf-8") as fh:
        for j in judged:
            fh.write(json.dumps(j, ensure_ascii=False) + "\n")
    print(f"{len(judged)} held-out pages in {pages}")


def main(out: Path) -> None:
    arts = stories()
    pages = out / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    for old in pages.glob("*.html"):
        old.unlink()
    judged = []
    shapes = list(SHAPES)
    for n, a in enumerate(arts):
        shape = shapes[n % len(shapes)]
        name = f"{n:02d}-{shape}.html"
        text = SHAPES[shape](a)
        (pages / name).write_bytes(text.encode("utf-8"))
        assert a.date is not None
        author = LATIN.get(a.author, a.author) if shape == "english-byline" else a.author
        judged.append({
            "file": name, "shape": shape, "article": True, "title": a.title, "date": f"{a.date:%Y-%m-%d}",
            "author": author, "url": amp_url(a) if shape == "amp" else a.url,
            "canonical": "" if shape in NO_URL else a.url,
            "category": a.category, "body": "\n".join(paragraphs(a)),
        })  # fmt: skip
    for n, (name, text, why) in enumerate(not_articles(arts)):
        fname = f"9{n}-{name}.html"
        (pages / fname).write_bytes(text.encode("utf-8"))
        judged.append({"file": fname, "shape": name, "article": False, "why": why})
    with (out / "judged.jsonl").open("w", encoding="utf-8") as fh:
        for j in judged:
            fh.write(json.dumps(j, ensure_ascii=False) + "\n")
    print(f"{len(judged)} pages ({sum(j['article'] for j in judged)} articles) in {pages}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "tests" / "fixtures" / "web")
    held_out(Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "tests" / "fixtures" / "web-heldout")
