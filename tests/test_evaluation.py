"""Ranking measures and `khabar eval` on a tiny judged set written for these tests."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from indexer.cli import main
from indexer.evaluation import load_qrels, load_queries, mrr_at, ndcg_at, recall_at, score, write_trec_run
from tests.conftest import FIXTURES

EVAL = FIXTURES / "eval"


def test_ndcg_by_hand() -> None:
    rels = {"a": 1, "b": 1}
    # Relevant at ranks 1 and 3: DCG = 1 + 1/log2(4); ideal = 1 + 1/log2(3).
    expected = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at(["a", "x", "b"], rels, 10) == pytest.approx(expected)
    assert ndcg_at(["a", "b"], rels, 10) == pytest.approx(1.0)
    assert ndcg_at(["x", "y"], rels, 10) == 0.0
    assert ndcg_at(["x", "a"], {"a": 2}, 1) == 0.0  # cut at k


def test_graded_ndcg() -> None:
    rels = {"a": 2, "b": 1}
    got = ndcg_at(["b", "a"], rels, 10)
    assert got == pytest.approx((1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3)))


def test_mrr_and_recall() -> None:
    assert mrr_at(["x", "y", "a"], {"a": 1}, 10) == pytest.approx(1 / 3)
    assert mrr_at(["x"] * 10 + ["a"], {"a": 1}, 10) == 0.0
    assert recall_at(["a", "x"], {"a": 1, "b": 1}, 10) == 0.5
    assert recall_at(["a", "b"], {"a": 1, "b": 0}, 1) == 1.0  # rel 0 is not relevant


def test_score_counts_unanswered_queries_as_zero() -> None:
    s = score({"q1": [("a", 1.0)]}, {"q1": {"a": 1}, "q2": {"b": 1}})
    assert s.queries == 2 and s.means["MRR@10"] == 0.5


def test_loaders_report_bad_lines(tmp_path: Path) -> None:
    (tmp_path / "q.tsv").write_text("q1\tरूस\nno tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"q.tsv:2"):
        load_queries(tmp_path / "q.tsv")
    (tmp_path / "r.txt").write_text("q1 0 d1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"r.txt:1"):
        load_qrels(tmp_path / "r.txt")


def test_trec_run_format(tmp_path: Path) -> None:
    write_trec_run({"q1": [("d1", 2.5), ("d2", 1.0)]}, tmp_path / "x.run")
    assert (tmp_path / "x.run").read_text().splitlines() == [
        "q1 Q0 d1 1 2.500000 khabar",
        "q1 Q0 d2 2 1.000000 khabar",
    ]


def test_khabar_eval_on_the_judged_fixture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "out.run"
    args = ["eval", "--docs", str(EVAL / "docs.jsonl"), "--queries", str(EVAL / "queries.tsv"),
            "--qrels", str(EVAL / "qrels.txt"), "--run", str(run), "--json"]  # fmt: skip
    assert main(args) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["queries"] == 8
    # Each question names its article's words in another form (किसानो, पहुंचा, कौन सा): all are found first.
    assert scores["MRR@10"] == 1.0 and scores["nDCG@10"] == 1.0
    lines = run.read_text().splitlines()
    assert lines[0].split()[:4] == ["q1", "Q0", "d1", "1"]
    assert {line.split()[0] for line in lines} == {f"q{i}" for i in range(1, 9)}


def test_khabar_eval_with_an_existing_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reindex", str(EVAL / "docs.jsonl"), "--index", str(tmp_path / "ix")]) == 0
    capsys.readouterr()
    args = ["eval", "--index", str(tmp_path / "ix"), "--queries", str(EVAL / "queries.tsv"),
            "--qrels", str(EVAL / "qrels.txt")]  # fmt: skip
    assert main(args) == 0
    assert "nDCG@10 1.0000" in capsys.readouterr().out


def test_khabar_eval_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--queries", str(EVAL / "queries.tsv"), "--qrels", str(EVAL / "qrels.txt")]) == 2
    assert main(["eval", "--queries", str(tmp_path / "none.tsv"), "--qrels", str(EVAL / "qrels.txt")]) == 2
