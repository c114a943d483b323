"""HTML pages: the search page and the article page. Views stay thin: parse, call, render."""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for

from webapp import chart, links, service, timing
from webapp.i18n import MESSAGES, MONTHS, language, t
from webapp.params import search_request, state

bp = Blueprint("pages", __name__)


@bp.get("/")
def search():  # type: ignore[no-untyped-def]
    svc = service(current_app)
    args = state(request.args)
    req = search_request(args, current_app.config["MAX_QUERY_CHARS"])
    result = svc.search(req)
    t0 = time.perf_counter()
    view = links.describe(result, args, "/", svc.newest_date())
    timeline = view.get("timeline")
    drawn = None
    if timeline:
        drawn = chart.draw(
            timeline, timeline["share"], MONTHS[language()], t("week_of"), MESSAGES["n_articles"][language()]
        )
    page = render_template("search.html", result=result, req=req, view=view, args=args, chart=drawn)
    return timing.timed(make_response(page), result, (time.perf_counter() - t0) * 1000)


@bp.get("/favicon.ico")
def favicon():  # type: ignore[no-untyped-def]
    # Browsers ask for /favicon.ico whatever the page says; the icon is one SVG.
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/article/<path:article_id>")
def article(article_id: str):  # type: ignore[no-untyped-def]
    svc = service(current_app)
    found = svc.article(article_id)
    if found is None:
        abort(404, description=t("no_article", id=article_id))
    args = state(request.args)
    q = args.get("q", "")[: current_app.config["MAX_QUERY_CHARS"]]
    paragraphs = svc.highlighted_paragraphs(found.body, q)
    return render_template(
        "article.html",
        article=found,
        paragraphs=paragraphs,
        q=q,
        similar=svc.similar(article_id),
        args=args,
    )
