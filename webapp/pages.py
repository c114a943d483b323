"""HTML pages: the search page and the article page. Views stay thin: parse, call, render."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from webapp import service, urls
from webapp.params import FILTER_PARAMS, search_request

bp = Blueprint("pages", __name__)

PAGE_WINDOW = 2  # page links shown either side of the current page


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20 (None marks a gap)."""
    shown = {1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)}
    out: list[int | None] = []
    for n in sorted(shown):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@bp.get("/")
def search():  # type: ignore[no-untyped-def]
    req = search_request(request.args, current_app.config["MAX_QUERY_CHARS"])
    result = service(current_app).search(req)
    args = request.args
    selected = [
        (name, value, urls.toggle("/", args, name, value))
        for name in FILTER_PARAMS
        for value in args.getlist(name)
        if value
    ]
    dates = [
        (label, urls.without("/", args, (key,)))
        for key, label in (("from", "से"), ("to", "तक"))
        if args.get(key)
    ]
    return render_template(
        "search.html",
        result=result,
        req=req,
        args=args,
        urls=urls,
        selected=selected,
        date_filters=dates,
        clear_all=urls.without("/", args, (*FILTER_PARAMS, "from", "to")),
        page_numbers=_page_numbers(req.page, result.pages),
    )


@bp.get("/article/<path:article_id>")
def article(article_id: str):  # type: ignore[no-untyped-def]
    svc = service(current_app)
    found = svc.article(article_id)
    if found is None:
        abort(404, description=f"इस पहचान ({article_id}) का कोई लेख नहीं है।")
    q = request.args.get("q", "")[: current_app.config["MAX_QUERY_CHARS"]]
    paragraphs = svc.highlighted_paragraphs(found.body, q)
    return render_template("article.html", article=found, paragraphs=paragraphs, q=q)
