"""`policydiff batch`: rows equal to `--json` for the same pairs, resume, error rows, formats."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from policydiff.__main__ import main
from policydiff.batch import run as batch_run
from policydiff.batch.output import journal_path, parse_date, read_table
from policydiff.batch.rows import KINDS, NAMES
from policydiff.batch.run import run_batch
from policydiff.batch.sources import consecutive_pairs, discover

from batch_histories import git, make_folders, make_repo

FORMATS = (".csv", ".jsonl", ".parquet")


def pair_rows(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    found = {}
    for row in rows:
        if row["row"] == "pair":
            key = (row["document"], row["from_id"], row["to_id"])
            assert key not in found, f"pair written twice: {key}"
            found[key] = row
    return found


def from_json(old: Path, new: Path, flags: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """What `policydiff OLD NEW --json` says, in the table's terms."""
    capsys.readouterr()
    status = main([str(old), str(new), "--json", *flags])
    data = json.loads(capsys.readouterr().out)
    kinds = Counter(p["kind"] for p in data["pairs"])
    stats = data["stats"]
    return {
        "identical": status == 0,
        **{f"sections_{kind}": kinds.get(kind, 0) for kind in KINDS},
        "passages_moved": stats["passages_moved"],
        "words_inserted": stats["words_inserted"],
        "words_deleted": stats["words_deleted"],
        "words_ignored": stats["words_ignored"],
        "error": None,
    }


def materialise(repo: Path, tmp: Path, document: str, commit: str) -> Path:
    """A git version as a file named as in the repository (the extension tells the engine the type)."""
    blob = subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{document}"], check=True,
                          capture_output=True).stdout
    path = tmp / commit / document
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    return path


@pytest.mark.parametrize("suffix", FORMATS)
def test_git_history_rows_equal_json(tmp_path: Path, client: Any, suffix: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    out = tmp_path / f"table{suffix}"
    summary = run_batch([str(repo)], str(out), client=client, progress=False)
    rows = read_table(out)
    assert all(set(row) == set(NAMES) for row in rows)
    found = pair_rows(rows)
    # privacy: 3 versions, terms: 2, page: 2; notes.rst is not a policy type
    assert sorted((d, n) for d, n in Counter(k[0] for k in found).items()) == [
        ("Acme/Privacy Policy.md", 2), ("Acme/Terms.txt", 1), ("Beta/Notice.html", 1)]
    assert summary.pairs == 4 and summary.errors == 0 and not journal_path(out).exists()
    log = git(repo, "log", "--format=%H %cI").split("\n")
    dates = dict(line.split(" ", 1) for line in log if line)
    # ISO text in CSV and JSON Lines, a moment in UTC in Parquet (the same moment)
    as_written = parse_date if suffix == ".parquet" else str
    for (document, old_id, new_id), row in found.items():
        assert row["from_date"] == as_written(dates[old_id]) and row["to_date"] == as_written(dates[new_id])
        expected = from_json(materialise(repo, tmp_path, document, old_id),
                             materialise(repo, tmp_path, document, new_id), [], capsys)
        assert {k: row[k] for k in expected} == expected, document
    privacy = [r for k, r in found.items() if k[0] == "Acme/Privacy Policy.md"]
    assert all(not r["identical"] and r["words_inserted"] > 0 for r in privacy)


def test_folder_rows_equal_json_with_options(tmp_path: Path, client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from policydiff.core.model import Options

    source = make_folders(tmp_path / "versions")
    out = tmp_path / "table.jsonl"
    run_batch([str(source)], str(out), client=client, progress=False, options=Options(ignore_case=True))
    found = pair_rows(read_table(out))
    assert sorted(found) == [
        ("acme-privacy", "2023-01-01.md", "2023-02-01.md"), ("acme-privacy", "2023-02-01.md", "2023-04-01.md"),
        ("acme-terms", "2023-01-01.txt", "2023-03-01.txt"), ("nec", "2002-03-01.md", "2024-01-01.txt")]
    for (document, old_id, new_id), row in found.items():
        expected = from_json(source / document / old_id, source / document / new_id, ["--ignore-case"], capsys)
        assert {k: row[k] for k in expected} == expected, document
    assert found[("acme-terms", "2023-01-01.txt", "2023-03-01.txt")]["words_ignored"] == 1  # TERMS -> Terms
    assert found[("nec", "2002-03-01.md", "2024-01-01.txt")]["from_date"] == "2002-03-01"


def test_section_rows_add_up_to_the_pair_row(tmp_path: Path, client: Any) -> None:
    source = make_folders(tmp_path / "versions")
    out = tmp_path / "table.csv"
    run_batch([str(source)], str(out), client=client, progress=False, sections=True)
    rows = read_table(out)
    for key, pair in pair_rows(rows).items():
        groups = [r for r in rows if r["row"] == "section" and (r["document"], r["from_id"], r["to_id"]) == key]
        assert groups and [g["section"] for g in groups] == list(range(len(groups)))
        for column in ("words_inserted", "words_deleted", "words_ignored"):
            assert sum(g[column] for g in groups) == pair[column], (key, column)
        # a merge or split group is one row; every other entry is a row of its own
        entries = sum(pair[f"sections_{kind}"] for kind in KINDS)
        assert len(groups) <= entries
        assert all(g["status"] in KINDS and (g["old_title"] or g["new_title"]) for g in groups)
    privacy = [r for r in rows if r["row"] == "section" and r["document"] == "acme-privacy"
               and r["to_id"] == "2023-04-01.md"]
    merged = [r for r in privacy if r["status"] == "merged"]
    assert merged and "\n" in merged[0]["old_title"], privacy  # Cookies + Sharing -> Cookies and sharing


def test_a_binary_version_is_an_error_row_for_each_pair_it_is_in(tmp_path: Path, client: Any) -> None:
    repo = make_repo(tmp_path / "repo", corrupt=True)
    out = tmp_path / "table.csv"
    summary = run_batch([str(repo)], str(out), client=client, progress=False)
    found = pair_rows(read_table(out))
    privacy = sorted((r for k, r in found.items() if k[0] == "Acme/Privacy Policy.md"), key=lambda r: r["to_date"])
    assert len(privacy) == 3 and summary.errors == 2
    assert privacy[0]["error"] is None and privacy[0]["words_inserted"] > 0
    assert privacy[1]["error"] and "binary content" in privacy[1]["error"]
    assert privacy[2]["error"] == privacy[1]["error"]  # the same version, the next pair
    assert privacy[1]["words_inserted"] is None and privacy[1]["identical"] is None
    assert all(r["error"] is None for k, r in found.items() if k[0] != "Acme/Privacy Policy.md")


def test_a_task_that_fails_is_error_rows_not_an_abort(tmp_path: Path, client: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("worker lost")

    monkeypatch.setattr(batch_run, "compare_chain", broken)
    source = make_folders(tmp_path / "versions")
    out = tmp_path / "table.csv"
    summary = run_batch([str(source)], str(out), client=client, progress=False)
    rows = pair_rows(read_table(out))
    assert len(rows) == 4 == summary.errors
    assert all("task failed: RuntimeError: worker lost" == r["error"] for r in rows.values())


class Stop(Exception):
    pass


@pytest.mark.parametrize("suffix", FORMATS)
def test_resume_after_an_interrupted_run(tmp_path: Path, client: Any, suffix: str) -> None:
    source = make_folders(tmp_path / "versions")
    fresh = tmp_path / f"fresh{suffix}"
    run_batch([str(source)], str(fresh), client=client, progress=False, sections=True)

    out = tmp_path / f"table{suffix}"

    def interrupt(done: int) -> None:
        if done >= 2:
            raise Stop

    with pytest.raises(Stop):
        run_batch([str(source)], str(out), client=client, progress=False, sections=True, chunk=1,
                  in_flight=1, on_chain=interrupt)
    written = journal_path(out) if suffix == ".parquet" else out
    assert written.exists() and (suffix != ".parquet" or not out.exists())
    assert len(pair_rows(read_table(written))) == 2  # whole pairs, each written as it finished
    with open(written, "a", encoding="utf-8") as handle:  # a block torn by the kill
        handle.write('section,acme-terms,2023-01-01.txt,2023-01-01,2023-03-01.txt,"Liab' if suffix == ".csv"
                     else '{"row": "section", "document": "acme-ter')

    with pytest.raises(Exception, match="--resume"):
        run_batch([str(source)], str(out), client=client, progress=False)
    summary = run_batch([str(source)], str(out), client=client, progress=False, sections=True, resume=True)
    assert summary.skipped == 2 and summary.pairs == 2
    rows, expected = read_table(out), read_table(fresh)
    key = lambda r: json.dumps(r, sort_keys=True, default=str)  # noqa: E731
    assert sorted(map(key, rows)) == sorted(map(key, expected))

    again = run_batch([str(source)], str(out), client=client, progress=False, sections=True, resume=True)
    assert again.pairs == 0 and again.skipped == 4
    assert sorted(map(key, read_table(out))) == sorted(map(key, expected))


def test_sources_listing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    versions = discover([str(repo)])
    assert sorted(versions) == ["Acme/Privacy Policy.md", "Acme/Terms.txt", "Beta/Notice.html"]
    assert [v.date[:10] for v in versions["Acme/Privacy Policy.md"]] == ["2023-01-01", "2023-02-01", "2023-04-01"]
    # a folder inside a work tree is a folder of versions, not the repository
    inner = discover([str(repo / "Acme")])
    assert sorted(inner) == ["Acme"] and [v.id for v in inner["Acme"]] == ["Privacy Policy.md", "Terms.txt"]
    folders = discover([str(make_folders(tmp_path / "versions"))])
    assert [p.key for p in consecutive_pairs(folders)][0] == ("acme-privacy", "2023-01-01.md", "2023-02-01.md")


def test_cli_refuses_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = make_folders(tmp_path / "versions")
    assert main(["batch", str(source), "--out", str(tmp_path / "t.xlsx")]) == 2
    assert "must end in .csv, .jsonl or .parquet" in capsys.readouterr().err
    (tmp_path / "t.csv").write_text("x\n")
    assert main(["batch", str(source), "--out", str(tmp_path / "t.csv")]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "nowhere"), "--out", str(tmp_path / "u.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such folder" in err
    assert main(["batch", str(source), "--out", str(tmp_path / "t.csv"), "--resume"]) == 2
    assert "not a policydiff batch table" in capsys.readouterr().err


def test_cli_end_to_end_on_local_worker_processes(tmp_path: Path) -> None:
    """The real command: a LocalCluster of worker processes, the table, the closing line."""
    repo = make_repo(tmp_path / "repo")
    out = tmp_path / "t.parquet"
    done = subprocess.run([sys.executable, "-m", "policydiff", "batch", str(repo), "--out", str(out),
                           "--workers", "1", "--sections", "--ignore-case"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "policydiff: 4 pairs in" in done.stderr and "pairs/s" in done.stderr
    rows = read_table(out)
    assert len(pair_rows(rows)) == 4 and any(r["row"] == "section" for r in rows)
