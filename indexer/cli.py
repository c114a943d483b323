"""The `khabar` command: reindex, search, serve.

Exit codes: 0 success, 1 input problems under --strict or a failed reindex, 2 bad usage,
3 no usable index, 4 another reindex is running.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from indexer import export as export_formats
from indexer.build import BuildReport, IncompleteIndex, NothingToIndex, Progress, StrictFailure, reindex
from indexer.engines import MissingDependency
from indexer.engines.base import IndexUnavailable, ReindexRunning
from indexer.engines.config import ENGINES, EngineConfig, from_options
from indexer.evaluation import Run, load_qrels, load_queries, score, write_trec_run
from indexer.facets import FACETS_BY_NAME
from indexer.ingest.clean import without_surrogates
from indexer.records import Problem
from indexer.search import PER_PAGE, SORTS, SearchRequest, SearchResult, SearchService

DEFAULT_CORPUS = Path("seeds")
NOTICE_LINES = 10  # pages left out listed one by one for each reason; the summary counts them all

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NO_INDEX, EXIT_BUSY = 0, 1, 2, 3, 4


class TqdmProgress(Progress):
    """A progress bar over the corpus bytes, with documents/s, on a terminal only."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar = None
        self.embed_bar: Any = None
        self.t0 = time.perf_counter()
        self.notices_seen: dict[str, int] = {}

    def start(self, total_bytes: int, files: int) -> None:
        if not self.stream.isatty():
            return
        from tqdm import tqdm

        self.bar = tqdm(
            total=total_bytes,
            unit="B",
            unit_scale=True,
            desc="indexing",
            file=self.stream,
            dynamic_ncols=True,
        )

    def file_done(self, nbytes: int, indexed: int) -> None:
        if self.bar is not None:
            rate = indexed / max(time.perf_counter() - self.t0, 1e-9)
            self.bar.set_postfix_str(f"{indexed} docs, {rate:.0f} docs/s", refresh=False)
            self.bar.update(nbytes)

    def waiting(self, holder: str) -> None:
        print(f"waiting for the running reindex (pid {holder}) to end...", file=self.stream, flush=True)

    def embed_start(self, passages: int) -> None:
        if not passages:
            return
        if not self.stream.isatty():
            print(f"embedding {passages} passage(s) for search by meaning...", file=self.stream, flush=True)
            return
        from tqdm import tqdm

        self.embed_bar = tqdm(
            total=passages, unit=" passages", desc="embedding", file=self.stream, dynamic_ncols=True
        )  # its ETA: the rate so far over what is left

    def embedded(self, n: int) -> None:
        bar = getattr(self, "embed_bar", None)
        if bar is not None:
            bar.update(n)
            if bar.n >= bar.total:
                bar.close()
                self.embed_bar = None

    def problem(self, problem: Problem) -> None:
        line = f"warning: {problem}"
        if problem.notice:
            # A crawl leaves out thousands of pages for a handful of reasons (section fronts,
            # folded captures): the first few of each are shown, the rest counted in the summary.
            key = _reason_key(problem.reason)
            seen = self.notices_seen.get(key, 0) + 1
            self.notices_seen[key] = seen
            if seen > NOTICE_LINES:
                return
            if seen == NOTICE_LINES:
                line += "\n  (more pages left out for this reason are counted in the summary, not listed)"
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _reason_key(reason: str) -> str:
    """A reason with its particulars taken out: "date '…' is not ISO", "… at column 7", "… (58%
    of its text is links)" are one reason each (UTF-8 keeps its 8)."""
    return re.sub(r"'[^']*'|(?<![\w-])\d+%?(?![\w-])", "…", reason)


def _grouped(problems: list[Problem]) -> list[tuple[str, int]]:
    """Reasons (``_reason_key``) with how many times each was met, most first."""
    reasons: dict[str, int] = {}
    for p in problems:
        key = _reason_key(p.reason)
        reasons[key] = reasons.get(key, 0) + 1
    return sorted(reasons.items(), key=lambda kv: -kv[1])


def _summary(report: BuildReport, out: TextIO) -> None:
    if report.damaged:
        print(f"note: {report.damaged}; rebuilt in full.", file=out)
    if report.meaning_off:
        print(f"Search by meaning is off: {report.meaning_off}.", file=out)
    if report.up_to_date:
        print(
            f"The index in {report.index_dir} is up to date: {report.files} file(s) unchanged "
            f"(checked in {report.seconds:.1f} s).",
            file=out,
        )
        return
    rate = report.indexed / report.seconds if report.seconds else 0.0
    read = report.files - report.unchanged
    print(
        f"Indexed {report.indexed} article(s) from {read} file(s) into {report.index_dir} "
        f"in {report.seconds:.1f} s ({rate:.0f} docs/s).",
        file=out,
    )
    if report.incremental:
        print(
            f"Incremental: {report.unchanged} file(s) unchanged, {read} added or changed, "
            f"{report.removed} removed (--full rebuilds everything).",
            file=out,
        )
    if report.meaning:
        rate = f" in {report.embed_seconds:.1f} s ({report.embedded / report.embed_seconds:.1f}/s)" if (
            report.embedded and report.embed_seconds) else ""  # fmt: skip
        print(
            f"Search by meaning: {report.embedded} passage(s) embedded{rate}, the others' vectors "
            f"reused from the cache ({report.meaning}).",
            file=out,
        )
    if report.problems:
        print(f"Problems: {report.skipped} skipped, {report.warnings} indexed with a warning:", file=out)
        for reason, n in _grouped(report.problems):
            print(f"  {n:>5}  {reason}", file=out)
    if report.notices:
        print(f"Left out (not news articles, or the same story again): {len(report.notices)}", file=out)
        for reason, n in _grouped(report.notices):
            print(f"  {n:>5}  {reason}", file=out)


def engine_config(args: argparse.Namespace) -> EngineConfig:
    """The engine the options name (else the environment's, else Whoosh in index/)."""
    return from_options(
        engine=args.engine,
        index_dir=args.index,
        opensearch_url=args.opensearch_url,
        opensearch_index=args.opensearch_index,
        user=args.opensearch_user,
        password=args.opensearch_password,
        api_key=args.opensearch_api_key,
        ca_file=args.opensearch_ca,
        aws_region=args.opensearch_aws_region,
        aws_service=args.opensearch_aws_service,
        shards=getattr(args, "shards", None),
        replicas=getattr(args, "replicas", None),
        insecure=args.opensearch_insecure or None,
    )


def cmd_reindex(args: argparse.Namespace) -> int:
    paths = args.paths or [DEFAULT_CORPUS]
    try:
        config = engine_config(args)
    except ValueError as e:
        return _fail(str(e), EXIT_USAGE)
    progress = TqdmProgress(sys.stderr)
    where = config.where
    try:
        report = reindex(
            paths,
            config,
            strict=args.strict,
            progress=progress,
            full=args.full,
            wait=args.wait,
            procs=args.procs,
        )
    except ReindexRunning as e:
        return _fail(str(e), EXIT_BUSY)
    except StrictFailure as e:
        for p in e.standing:
            print(f"warning: {p} (recorded when it was indexed)", file=sys.stderr)
        return _fail(f"{e}; the previous index in {where} is unchanged.", EXIT_FAILED)
    except (NothingToIndex, IncompleteIndex) as e:
        return _fail(f"{e}; the previous index in {where} is unchanged.", EXIT_FAILED)
    except IndexUnavailable as e:
        return _fail(f"{e}; the previous index is unchanged.", EXIT_NO_INDEX)
    except OSError as e:
        return _fail(f"cannot write the index in {where}: {e}; the previous index is unchanged.", EXIT_FAILED)
    finally:
        progress.close()
    _summary(report, sys.stdout)
    return EXIT_OK


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _parse_filters(items: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not value.strip():
            raise ValueError(f"--filter wants FIELD=VALUE, got {item!r}")
        if name not in FACETS_BY_NAME:
            raise ValueError(f"unknown filter field {name!r}; use one of {', '.join(FACETS_BY_NAME)}")
        filters.setdefault(name, []).append(value.strip())
    return filters


def _terminal_marks(stream: TextIO) -> tuple[str, str]:
    return ("\033[1;33m", "\033[0m") if stream.isatty() else ("[", "]")


def _html_to_terminal(fragment: str, on: str, off: str) -> str:
    return html.unescape(fragment.replace("<mark>", on).replace("</mark>", off))


def print_plain(result: SearchResult, out: TextIO) -> None:
    on, off = _terminal_marks(out)
    r = result.request
    shown = (
        f"{(r.page - 1) * r.per_page + 1}-{(r.page - 1) * r.per_page + len(result.hits)}"
        if result.hits
        else "0"
    )
    print(
        f"{result.total} result(s) for {r.q!r} ({result.took_ms:.0f} ms); showing {shown}, "
        f"page {r.page} of {result.pages}",
        file=out,
    )
    if result.suggestion:
        print(f"did you mean: {result.suggestion}", file=out)
    for word, forms in result.transliterations.items():
        print(f"{word} also matched: {', '.join(forms)}", file=out)
    for word, forms in result.variants.items():
        print(f"{word} also matched the common spelling: {', '.join(forms)}", file=out)
    if result.note:
        print(f"note: {result.note}", file=out)
    for n, h in enumerate(result.hits, start=(r.page - 1) * r.per_page + 1):
        if result.all_words is not None and n == result.all_words + 1:
            print("\n--- the articles below have only some of the words ---", file=out)
        meta = " · ".join(x for x in (h.date[:10], h.source, h.category, h.author) if x)
        print(f"\n{n}. {_html_to_terminal(h.title_html, on, off)}", file=out)
        if meta:
            print(f"   {meta}", file=out)
        print(f"   {_html_to_terminal(h.snippet, on, off)}", file=out)
        print(f"   id: {h.id}", file=out)
    facets = [(k, vs) for k, vs in result.facets.items() if vs]
    if facets:
        print("", file=out)
        for name, values in facets:
            top = ", ".join(f"{v.value} ({v.count})" for v in values[:8])
            print(f"{name}: {top}{' …' if len(values) > 8 else ''}", file=out)


def _request(args: argparse.Namespace, **more: int) -> SearchRequest:
    """The search the query words and --filter/--from/--to/--sort describe; ValueError if bad."""
    return SearchRequest(
        q=without_surrogates(" ".join(args.query)),  # bytes that are not UTF-8, as Python reads them
        filters=_parse_filters([without_surrogates(f) for f in args.filter]),
        date_from=args.date_from,
        date_to=args.date_to,
        sort=args.sort,
        **more,  # type: ignore[arg-type]
    )


def cmd_search(args: argparse.Namespace) -> int:
    try:
        req = _request(args, page=args.page, per_page=args.limit)
    except ValueError as e:
        return _fail(str(e), EXIT_USAGE)
    try:
        result = SearchService(engine_config(args)).search(req)
    except ValueError as e:
        return _fail(str(e), EXIT_USAGE)
    except IndexUnavailable as e:
        return _fail(str(e), EXIT_NO_INDEX)
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_plain(result, sys.stdout)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Every matching article to a file (or stdout), streamed; a progress bar on a terminal."""
    try:
        req = _request(args)
    except ValueError as e:
        return _fail(str(e), EXIT_USAGE)
    limit = sys.maxsize if args.all else args.limit
    out_path: Path | None = args.output
    if out_path is not None and out_path.is_dir():
        return _fail(f"{out_path} is a folder; give a file name with -o", EXIT_USAGE)
    t0 = time.perf_counter()
    try:
        total, articles = SearchService(engine_config(args)).export(req, limit)
        wanted = min(total, limit)
        counted = _counting(articles, wanted, sys.stderr)
        if out_path is None:
            for chunk in export_formats.chunks(args.format, counted):
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            # Written beside the target and renamed: an interrupted export leaves no half file.
            tmp = out_path.with_name(f".{out_path.name}.part")
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                for chunk in export_formats.chunks(args.format, counted):
                    f.write(chunk)
            os.replace(tmp, out_path)
    except ValueError as e:
        return _fail(str(e), EXIT_USAGE)
    except IndexUnavailable as e:
        return _fail(str(e), EXIT_NO_INDEX)
    except OSError as e:
        return _fail(f"cannot write {out_path}: {e.strerror or e}", EXIT_FAILED)
    seconds = time.perf_counter() - t0
    note = f" (the first {wanted} of {total}; --all exports every one)" if total > wanted else ""
    where = f" to {out_path}" if out_path else ""
    print(f"exported {wanted} article(s){where} in {seconds:.1f} s{note}", file=sys.stderr)
    return EXIT_OK


def _counting(articles: Iterator[Any], total: int, stream: TextIO) -> Iterator[Any]:
    """The articles, moving a progress bar (articles/s) on a terminal."""
    if not stream.isatty():
        yield from articles
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=" articles", desc="exporting", file=stream, dynamic_ncols=True) as bar:
        for a in articles:
            yield a
            bar.update(1)


def cmd_serve(args: argparse.Namespace) -> int:
    from webapp.server import default_workers, run  # the one place the indexer reaches into the web app

    try:
        run(engine_config(args), args.host, args.port, args.workers or default_workers(), args.threads)
    except ValueError as e:
        return _fail(str(e), EXIT_USAGE)
    except IndexUnavailable as e:
        return _fail(str(e), EXIT_NO_INDEX)
    return EXIT_OK


def run_queries(service: SearchService, queries: list[tuple[str, str]], depth: int = 100) -> Run:
    """Every query through the real search service, top ``depth`` as a TREC run."""
    run: Run = {}
    for qid, text in queries:
        result = service.search(SearchRequest(q=text, per_page=depth, snippets=False))
        run[qid] = [(h.id, h.score or 0.0) for h in result.hits]
    return run


def cmd_eval(args: argparse.Namespace) -> int:
    try:
        queries = load_queries(args.queries)
        qrels = load_qrels(args.qrels)
    except (OSError, ValueError) as e:
        return _fail(str(e), EXIT_USAGE)
    try:
        config = engine_config(args)
    except ValueError as e:
        return _fail(str(e), EXIT_USAGE)
    if config.engine == "opensearch" and not (
        args.opensearch_index or os.environ.get("KHABAR_OPENSEARCH_INDEX")
    ):
        config = replace(config, opensearch_index="khabar-eval")  # never the reader's live index
    with tempfile.TemporaryDirectory(prefix="khabar-eval-") as tmp:
        if args.docs is None and (config.engine == "whoosh" and args.index is None):
            return _fail("give --docs to index, or --index with an index built from them", EXIT_USAGE)
        if args.docs is not None and not (config.engine == "whoosh" and args.index is not None):
            if config.engine == "whoosh":
                config = replace(config, index_dir=Path(tmp))
            try:
                report = reindex(list(args.docs), config, full=True)
            except (NothingToIndex, OSError, IndexUnavailable) as e:
                return _fail(str(e), EXIT_FAILED)
            print(f"Indexed {report.indexed} documents in {report.seconds:.1f} s", file=sys.stderr)
        try:
            service = SearchService(config)
            t0 = time.perf_counter()
            run = run_queries(service, queries)
            seconds = time.perf_counter() - t0
        except IndexUnavailable as e:
            return _fail(str(e), EXIT_NO_INDEX)
    if args.run:
        write_trec_run(run, args.run)
    scores = score(run, qrels)
    print(
        f"{len(queries)} queries in {seconds:.1f} s ({1000 * seconds / max(len(queries), 1):.1f} ms each)",
        file=sys.stderr,
    )
    if args.json:
        print(json.dumps({"queries": scores.queries, **scores.means}))
    else:
        print(scores.table())
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from indexer.benchmark.run import BenchOptions, run

    missing = [p for p in args.sources if not p.exists()]
    if missing:
        print(f"skipped: source corpus not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_OK
    try:
        config = engine_config(args)
    except ValueError as e:
        return _fail(str(e), EXIT_USAGE)
    opensearch = None
    if config.engine == "opensearch":
        # Its own index: never the reader's live one.
        name = args.opensearch_index or os.environ.get("KHABAR_OPENSEARCH_INDEX") or "khabar-bench"
        opensearch = replace(config, opensearch_index=name)
    if args.work is not None:
        try:
            Path(args.work).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            return _fail(f"cannot use {args.work} as the work folder: {e.strerror}", EXIT_USAGE)
    with tempfile.TemporaryDirectory(prefix="khabar-bench-", dir=args.work) as tmp:
        opts = BenchOptions(
            sources=args.sources,
            size=args.size,
            work=Path(tmp),
            queries=args.queries,
            http_clients=args.clients,
            http_seconds=args.http_seconds,
            peers=not args.no_peers,
            opensearch=opensearch,
            compare=not args.no_whoosh,
            cluster_pids=_local_cluster_pids(config) if opensearch else [],
            whoosh_index=args.index,
            reuse=args.reuse,
            vector_cache=args.vector_cache,
        )
        try:
            report = run(opts)
        except (ValueError, RuntimeError) as e:
            return _fail(str(e), EXIT_FAILED)
        if args.report:
            args.report.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return EXIT_OK


def _local_cluster_pids(config: EngineConfig) -> list[int]:
    """The JVMs of `khabar cluster start`, when that is the cluster the bench uses (their memory
    is measured); none for another cluster."""
    from indexer.engines.opensearch import localcluster

    info = localcluster.load()
    if info is None:
        return []
    ours = {u.rstrip("/") for u in info.urls}
    return [n.pid for n in info.nodes if n.alive()] if ours & set(config.opensearch_urls) else []


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return n


def add_engine_options(
    p: argparse.ArgumentParser, reindexing: bool = False, index_help: str | None = None
) -> None:
    """Which engine and index: the same options on every command that reads or writes an index."""
    g = p.add_argument_group("engine (options win over KHABAR_* environment variables)")
    g.add_argument("--engine", choices=ENGINES, default=None, help="whoosh (default) or opensearch")
    g.add_argument(
        "--no-semantic", action="store_true",
        help="no search by meaning: no vectors at reindex, words alone at search (or KHABAR_SEMANTIC=0)",
    )  # fmt: skip
    g.add_argument(
        "--index", type=Path, default=None, metavar="DIR",
        help=index_help or "Whoosh index folder (default: index/, or KHABAR_INDEX)",
    )  # fmt: skip
    g.add_argument(
        "--opensearch-url", default=None, metavar="URL",
        help="cluster URL, several nodes separated by commas (default http://127.0.0.1:9200)",
    )  # fmt: skip
    g.add_argument(
        "--opensearch-index", default=None, metavar="NAME", help="index name in the cluster (default khabar)"
    )
    g.add_argument("--opensearch-user", default=None, metavar="USER")
    g.add_argument(
        "--opensearch-password", default=None, metavar="PASSWORD",
        help="visible to other users in the process list: prefer KHABAR_OPENSEARCH_PASSWORD",
    )  # fmt: skip
    # Gone (OpenSearch has no API keys): still parsed, so that using it says why, not "unrecognized".
    g.add_argument("--opensearch-api-key", default=None, help=argparse.SUPPRESS)
    g.add_argument(
        "--opensearch-aws-region", default=None, metavar="REGION",
        help="sign requests with AWS SigV4 for this region (Amazon OpenSearch Service; needs the aws extra)",
    )  # fmt: skip
    g.add_argument(
        "--opensearch-aws-service", default=None, choices=("es", "aoss"),
        help="es: OpenSearch Service (default); aoss: OpenSearch Serverless",
    )  # fmt: skip
    g.add_argument(
        "--opensearch-ca", type=Path, default=None, metavar="FILE", help="CA certificate file for https"
    )
    g.add_argument(
        "--opensearch-insecure",
        action="store_true",
        help="send credentials over plain http to a host that is not this machine (refused otherwise)",
    )
    if reindexing:
        g.add_argument(
            "--shards", type=_positive, default=None, help="OpenSearch shards of a new index (default 3)"
        )
        g.add_argument(
            "--replicas", type=int, default=None, help="OpenSearch replicas of each shard (default 1)"
        )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="khabar", description="Khabar: full-text search for Hindi news.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser(
        "reindex",
        help="build the index from article files",
        description="Build a new index from .txt, .jsonl, .json and .csv articles and swap it "
        "in when complete; the previous index keeps serving until then. Only files added, changed "
        "or deleted since the last reindex are read again, unless --full.",
    )
    r.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help=f"files or folders (default: {DEFAULT_CORPUS}/)"
    )
    add_engine_options(r, reindexing=True)
    r.add_argument(
        "--procs", type=_positive, default=None, help="writing processes (default: one per core, up to 4)"
    )
    r.add_argument("--strict", action="store_true", help="fail (and keep the old index) on any input problem")
    r.add_argument("--full", action="store_true", help="rebuild everything, not only the files that changed")
    r.add_argument(
        "--wait", action="store_true", help="if another reindex is running, wait for it instead of failing"
    )
    r.set_defaults(func=cmd_reindex)

    s = sub.add_parser("search", help="search the index from the terminal")
    QUERY_COMMANDS["search"] = s
    s.add_argument("query", nargs="+", metavar="QUERY", help='words, "a phrase", -excluded, field:value')
    add_engine_options(s)
    s.add_argument(
        "--limit", type=_positive, default=PER_PAGE, metavar="N", help="results per page (default: 10)"
    )
    s.add_argument("--page", type=_positive, default=1, metavar="P")
    s.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help=f"narrow by {', '.join(FACETS_BY_NAME)}; repeat to combine",
    )
    s.add_argument(
        "--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD", help="published on or after"
    )
    s.add_argument(
        "--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD", help="published on or before"
    )
    s.add_argument("--sort", choices=SORTS, default="relevance")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_search)

    x = sub.add_parser(
        "export",
        help="write every matching article as CSV or JSON Lines",
        description="Write every article the search finds, in its order, as CSV (UTF-8 with a BOM, "
        "for spreadsheets; one row per article with the first 300 characters) or JSON Lines (whole "
        "records). Streamed: memory stays flat at any size.",
    )
    QUERY_COMMANDS["export"] = x
    x.add_argument("query", nargs="*", metavar="QUERY", help="as for search; none: every article")
    add_engine_options(x)
    x.add_argument(
        "--filter", action="append", default=[], metavar="FIELD=VALUE", help="as for search; repeat"
    )
    x.add_argument("--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD")
    x.add_argument("--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD")
    x.add_argument("--sort", choices=SORTS, default="relevance")
    x.add_argument("--format", choices=export_formats.FORMATS, default="csv")
    x.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here (default: stdout)")
    x.add_argument(
        "--limit",
        type=_positive,
        default=export_formats.LIMIT,
        metavar="N",
        help=f"at most N articles (default {export_formats.LIMIT})",
    )
    x.add_argument("--all", action="store_true", help="every matching article, without a limit")
    x.set_defaults(func=cmd_export)

    e = sub.add_parser(
        "eval",
        help="measure ranking quality on judged queries",
        description="Index DOCS (or use --index), run every query through the search service, "
        "and print nDCG@10, MRR@10, Recall@10 and Recall@100.",
    )
    e.add_argument(
        "--docs",
        type=Path,
        nargs="+",
        metavar="DOCS",
        help="documents (.jsonl or any reindex input; several paths are indexed together)",
    )
    e.add_argument("--queries", type=Path, required=True, metavar="QUERIES.tsv", help="qid<TAB>text lines")
    e.add_argument(
        "--qrels", type=Path, required=True, metavar="QRELS.txt", help="TREC qrels: qid 0 docid rel"
    )
    e.add_argument("--run", type=Path, metavar="OUT.run", help="write the TREC run (top 100) here")
    add_engine_options(
        e, index_help="an existing Whoosh index of DOCS (else DOCS are indexed in a temporary one)"
    )
    e.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    e.set_defaults(func=cmd_eval)

    b = sub.add_parser(
        "bench",
        help="measure indexing and search at scale, beside stock Whoosh and SQLite FTS5",
        description="Build SIZE synthetic articles from real Hindi headlines and sentences in SOURCES, "
        "index them, and print documents/s, memory, search latency, HTTP throughput and the peers' figures.",
    )
    b.add_argument(
        "sources", nargs="+", type=Path, metavar="SOURCES", help="real articles and headlines to sample"
    )
    b.add_argument("--size", type=_positive, default=10_000, help="articles to generate (default 10000)")
    b.add_argument("--queries", type=_positive, default=200, help="queries in the fixed mix (default 200)")
    b.add_argument("--clients", type=_positive, default=8, help="concurrent HTTP clients (default 8)")
    b.add_argument("--http-seconds", type=float, default=20.0, help="length of the HTTP run; 0 skips it")
    b.add_argument("--no-peers", action="store_true", help="skip stock Whoosh and SQLite FTS5")
    b.add_argument(
        "--no-whoosh", action="store_true", help="with --engine opensearch: skip the Whoosh engine beside it"
    )
    add_engine_options(b, reindexing=True)
    b.add_argument("--work", type=Path, default=None, help="folder for the temporary corpus and indexes")
    b.add_argument("--report", type=Path, default=None, help="also write the figures here as JSON")
    b.add_argument(
        "--reuse",
        action="store_true",
        help="measure search on the index an earlier run built (same SOURCES and SIZE; for Whoosh, "
        "give its --index) instead of reindexing, when it holds SIZE articles",
    )
    b.add_argument(
        "--vector-cache", type=Path, default=Path.home() / ".cache" / "khabar" / "bench-vectors",
        help="where the articles' vectors are kept between runs (the same articles are embedded once; "
        "default ~/.cache/khabar/bench-vectors)",
    )  # fmt: skip
    b.set_defaults(func=cmd_bench)

    v = sub.add_parser("serve", help="serve the search page and JSON API")
    add_engine_options(v)
    v.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)"
    )
    v.add_argument("--port", type=int, default=5000)
    v.add_argument("--threads", type=_positive, default=4, help="threads per process (default 4)")
    v.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="server processes (default: one per core, up to 4; 1 runs Waitress in this process)",
    )
    v.set_defaults(func=cmd_serve)
    from indexer.engines.opensearch import localcluster  # standard library only: no client needed

    localcluster.register(sub)
    return p


# Commands whose positional words are a query: a "-word" among them is an exclusion, not an option.
QUERY_COMMANDS: dict[str, argparse.ArgumentParser] = {}


def query_words_apart(argv: list[str]) -> list[str]:
    """``khabar search रूस -यूक्रेन``: argparse would take ``-यूक्रेन`` for an unknown option. Every
    argument of a query command that is neither one of its options nor an option's value is a
    query word; they are handed over after ``--``."""
    command = QUERY_COMMANDS.get(argv[0]) if argv else None
    if command is None:
        return argv
    options = {s: a for a in command._actions for s in a.option_strings}
    out, words = [argv[0]], []
    i = 1
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if arg == "--":
            words.extend(argv[i + 1 :])
            break
        if arg.startswith("-") and name in options:
            out.append(arg)
            if "=" not in arg and options[name].nargs != 0 and i + 1 < len(argv):
                out.append(argv[i + 1])
                i += 1
        else:
            words.append(arg)
        i += 1
    return [*out, "--", *words] if words else out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(query_words_apart(argv))
    if getattr(args, "no_semantic", False):
        os.environ["KHABAR_SEMANTIC"] = "0"  # so the server's worker processes inherit it
    try:
        return args.func(args)
    except MissingDependency as e:
        return _fail(str(e), EXIT_USAGE)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`khabar search … | head`): not an error worth a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
