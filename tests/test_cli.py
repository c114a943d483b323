"""The khabar command as a user runs it: exit codes, summaries, plain and JSON output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.cli import main
from indexer.engines.whoosh import store
from tests.conftest import CORPUS, REPO, reindex_paused_at, write


def test_reindex_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reindex", str(CORPUS), "--index", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr().out
    assert "Indexed 9 article(s) from 8 file(s)" in out and "docs/s" in out


def test_reindex_reports_problems_with_file_and_line(
    corpus_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(corpus_copy, "bad.jsonl", '{"title": "ok", "body": "पाठ"}\n{oops\n')
    write(corpus_copy, "latin1.txt", b"caf\xe9")
    assert main(["reindex", str(corpus_copy), "--index", str(tmp_path / "ix")]) == 0
    captured = capsys.readouterr()
    assert "bad.jsonl:2: invalid JSON" in captured.err
    assert "latin1.txt: not UTF-8 text" in captured.err
    assert (
        "Indexed 10 article(s)" in captured.out
        and "Problems: 2 skipped, 0 indexed with a warning" in captured.out
    )


def test_reindex_strict_fails_and_keeps_the_old_index(
    corpus_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ix = tmp_path / "ix"
    assert main(["reindex", str(CORPUS), "--index", str(ix)]) == 0
    write(corpus_copy, "empty.txt", "")
    assert main(["reindex", str(corpus_copy), "--index", str(ix), "--strict"]) == 1
    assert "unchanged" in capsys.readouterr().err
    assert store.current_generation(ix) == "g000001"


def test_reindex_of_nothing_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reindex", str(tmp_path / "missing"), "--index", str(tmp_path / "ix")]) == 1
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "no article could be read" in err


def test_reindex_into_an_unwritable_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x")
    assert main(["reindex", str(CORPUS), "--index", str(tmp_path / "file" / "ix")]) == 1
    assert "cannot write the index" in capsys.readouterr().err


def test_reindex_while_another_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ix = tmp_path / "ix"
    with reindex_paused_at("read", CORPUS, ix) as running:
        assert main(["reindex", str(CORPUS), "--index", str(ix)]) == 4
    assert f"another reindex (pid {running.pid})" in capsys.readouterr().err


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    from indexer.build import reindex
    from indexer.cli import TqdmProgress

    stream = FakeTerminal()
    progress = TqdmProgress(stream)
    reindex([CORPUS], tmp_path / "ix", progress=progress)
    progress.close()
    shown = stream.getvalue()
    assert "indexing" in shown and "9 docs" in shown and "docs/s" in shown


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path) -> None:
    from indexer.build import reindex
    from indexer.cli import TqdmProgress

    stream = io.StringIO()
    reindex([CORPUS], tmp_path / "ix", progress=TqdmProgress(stream))
    assert stream.getvalue() == ""


def test_search_plain(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "कोहली", "--index", str(corpus_index)]) == 0
    out = capsys.readouterr().out
    assert "1 result(s) for 'कोहली'" in out
    assert "विराट [कोहली]" in out  # emphasised (brackets when not a terminal)
    assert "2021-04-20 · दैनिक समाचार · खेल · प्रिया शर्मा" in out
    assert "category: खेल (1)" in out and "<mark>" not in out


def test_search_plain_sets_apart_articles_with_some_words(
    corpus_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "किसान दिल्ली", "--index", str(corpus_index)]) == 0
    out = capsys.readouterr().out
    assert "note: Few articles have all the words" in out
    first, sep, rest = out.partition("--- the articles below have only some of the words ---")
    assert sep and "राजनीति/kisan-andolan" in first and "id: " in rest


def test_search_json(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "search",
        "",
        "--index",
        str(corpus_index),
        "--json",
        "--filter",
        "category=खेल",
        "--filter",
        "category=व्यापार",
        "--sort",
        "oldest",
        "--limit",
        "2",
        "--page",
        "2",
    ]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 4 and data["page"] == 2 and len(data["hits"]) == 2
    assert [h["date"][:10] for h in data["hits"]] == ["2021-08-05", "2025-02-07"]
    assert {"category", "source", "author", "year"} <= set(data["facets"])
    assert data["note"] is None


def test_search_dates(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "", "--index", str(corpus_index), "--json", "--from", "2025-01-01"]) == 0
    assert [h["id"] for h in json.loads(capsys.readouterr().out)["hits"]] == ["brief-1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--filter", "colour=red"], "unknown filter field"),
        (["--filter", "category"], "FIELD=VALUE"),
        (["--limit", "1000"], "per_page"),
    ],
)
def test_search_usage_errors(
    corpus_index: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["search", "रूस", "--index", str(corpus_index), *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--page", "0"], ["--from", "kal"], ["--sort", "best"]])
def test_search_argument_errors(corpus_index: Path, args: list[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["search", "रूस", "--index", str(corpus_index), *args])
    assert e.value.code == 2


def test_search_without_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "रूस", "--index", str(tmp_path / "none")]) == 3
    assert "khabar reindex" in capsys.readouterr().err


def test_serve_without_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--index", str(tmp_path / "none")]) == 3


def test_console_script_is_installed() -> None:
    """The `khabar` entry point from setup.cfg, run as a separate process."""
    exe = Path(sys.executable).parent / "khabar"
    if not exe.exists():
        pytest.skip("khabar console script not installed in this environment (run `make test`)")
    out = subprocess.run(
        [str(exe), "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert "reindex" in out.stdout and "search" in out.stdout and "serve" in out.stdout


def test_search_shows_suggestions_and_transliterations(
    corpus_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "आदोलन", "--index", str(corpus_index)]) == 0
    assert "did you mean: आंदोलन" in capsys.readouterr().out
    assert main(["search", "kisan", "--index", str(corpus_index)]) == 0
    assert "kisan also matched: किसान" in capsys.readouterr().out


def test_search_from_after_to_is_a_usage_error(
    corpus_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The web answered 400; the CLI used to return nothing, silently."""
    code = main(["search", "रूस", "--index", str(corpus_index), "--from", "2024-01-01", "--to", "2023-01-01"])
    assert code == 2 and "must not be after" in capsys.readouterr().err


def test_search_takes_exclusions_as_query_words(
    corpus_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`khabar search -रूस` was an argparse error: a "-word" is an exclusion, not an option."""
    assert main(["search", "-रूस", "--index", str(corpus_index), "--json", "--limit", "50"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "-रूस" and data["total"] == 8 == len(data["hits"])
    assert main(["search", "किसान", "-आंदोलन", "--index", str(corpus_index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["query"] == "किसान -आंदोलन"


def test_export_csv_to_a_file(corpus_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    out = tmp_path / "rows.csv"
    args = ["export", "मुंबई", "-क्रिकेट", "--index", str(corpus_index), "-o", str(out)]
    assert main(args) == 0
    assert "exported" in capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    search = main(["search", "मुंबई", "-क्रिकेट", "--index", str(corpus_index), "--json", "--limit", "100"])
    assert search == 0
    found = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [h["id"] for h in found["hits"]] and rows
    assert not any("क्रिकेट" in r["title"] + r["excerpt"] for r in rows)
    assert not list(tmp_path.glob(".*.part"))  # written beside the file, then renamed


def test_export_jsonl_to_stdout_with_a_limit(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--index", str(corpus_index), "--format", "jsonl", "--limit", "3"]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert len(records) == 3 and all(r["body"] for r in records)
    assert "the first 3 of 9; --all exports every one" in captured.err
    assert main(["export", "--index", str(corpus_index), "--format", "jsonl", "--all"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 9


def test_export_errors(corpus_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "x", "--index", str(corpus_index), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert (
        main(["export", "x", "--index", str(corpus_index), "--from", "2021-02-01", "--to", "2021-01-01"]) == 2
    )
    assert main(["export", "x", "--index", str(tmp_path / "none")]) == 3


def test_export_progress_bar_on_a_terminal(corpus_index: Path, tmp_path: Path) -> None:
    from indexer.cli import _counting

    stream = FakeTerminal()
    assert len(list(_counting(iter(range(9)), 9, stream))) == 9
    assert "exporting" in stream.getvalue() and "9/9" in stream.getvalue()


def test_pages_left_out_are_listed_a_few_for_each_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crawl of thousands of section fronts must not print thousands of lines: the first
    NOTICE_LINES pages of each reason are listed, and the summary counts every one."""
    from indexer.cli import NOTICE_LINES

    corpus = tmp_path / "c"
    corpus.mkdir()
    english = (
        "<html><body><h1>Weather</h1><p>{} "
        + "The monsoon reached Kerala on Thursday. " * 12
        + "</p></body></html>"
    )
    for n in range(NOTICE_LINES + 5):
        write(corpus, f"en-{n:02d}.html", english.format(n))
    write(corpus, "stub.html", "<html><body><h1>तस्वीरें</h1><p>एक तस्वीर।</p></body></html>")
    write(corpus, "news.txt", "संसद में बहस\nसंसद में आज बजट पर लंबी बहस हुई।\n")
    assert main(["reindex", str(corpus), "--index", str(tmp_path / "ix"), "--no-semantic"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    not_hindi = [line for line in lines if line.startswith("warning: en-") and "not Hindi" in line]
    assert [line.split(":")[1].strip() for line in not_hindi] == [
        f"en-{n:02d}.html" for n in range(NOTICE_LINES)
    ]
    assert sum("counted in the summary, not listed" in line for line in lines) == 1
    assert any(line.startswith("warning: stub.html: too little text") for line in lines)
    assert f"Left out (not news articles, or the same story again): {NOTICE_LINES + 6}" in captured.out
    assert f"{NOTICE_LINES + 5:>5}  not Hindi" in captured.out
