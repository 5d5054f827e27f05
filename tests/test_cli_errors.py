"""The command line on bad input: exit status 2 and exactly one line on stderr, inputs untouched."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from policydiff.__main__ import main

OLD = "# Terms\n\n## Data\n\nWe keep your name.\n"
NEW = "# Terms\n\n## Data\n\nWe keep your name and email.\n"


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "a.md", tmp_path / "b.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in err
    assert err.startswith("policydiff: ")
    return err.rstrip("\n")


# -- --report targets ---------------------------------------------------------------------------

@pytest.mark.parametrize("which", [0, 1])
def test_report_over_an_input_is_refused_even_with_force(capsys, pair, which):
    target = pair[which]
    before = [digest(p) for p in pair]
    status, out, err = run_main(capsys, str(pair[0]), str(pair[1]), "--report", str(target), "--force")
    assert status == 2 and out == ""
    assert one_line(err) == f"policydiff: {target}: is one of the input files; choose another name for the report"
    assert [digest(p) for p in pair] == before


def test_report_over_an_input_reached_by_a_symlink_or_hard_link(capsys, pair, tmp_path):
    before = digest(pair[0])
    link = tmp_path / "link.html"
    link.symlink_to(pair[0])
    hard = tmp_path / "hard.html"
    os.link(pair[0], hard)
    other_spelling = tmp_path / "." / "a.md"
    for target in (link, hard, other_spelling):
        status, _, err = run_main(capsys, str(pair[0]), str(pair[1]), "--report", str(target), "--force")
        assert status == 2
        assert one_line(err).endswith("is one of the input files; choose another name for the report")
    assert digest(pair[0]) == before
    assert link.is_symlink() and hard.stat().st_ino == pair[0].stat().st_ino


def test_report_on_a_device_is_refused_and_the_device_stays_a_device(capsys, pair):
    status, _, err = run_main(capsys, str(pair[0]), str(pair[1]), "--report", os.devnull, "--force")
    assert status == 2
    assert one_line(err) == f"policydiff: {os.devnull}: is a character device, not a regular file"
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_report_through_a_symlink_to_a_device_is_refused(capsys, pair, tmp_path):
    link = tmp_path / "out.html"
    link.symlink_to(os.devnull)
    status, _, err = run_main(capsys, str(pair[0]), str(pair[1]), "--report", str(link), "--force")
    assert status == 2 and "character device" in one_line(err)
    assert link.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_report_on_a_fifo_is_refused_without_blocking(pair, tmp_path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "policydiff", str(pair[0]), str(pair[1]), "--report", str(fifo), "--force"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert one_line(done.stderr) == f"policydiff: {fifo}: is a FIFO (named pipe), not a regular file"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("spelling", ["folder", "folder/", "missing-folder/"])
def test_report_to_a_folder_says_it_is_a_folder(capsys, pair, tmp_path, spelling):
    (tmp_path / "folder").mkdir()
    target = str(tmp_path / spelling) + ("/" if spelling.endswith("/") else "")
    status, _, err = run_main(capsys, str(pair[0]), str(pair[1]), "--report", target, "--force")
    assert status == 2
    assert one_line(err) == f"policydiff: {target}: is a folder, not a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md", "folder"]
    assert not any((tmp_path / "folder").iterdir())


def test_report_to_a_new_file_still_works(capsys, pair, tmp_path):
    target = tmp_path / "out.html"
    status, _, err = run_main(capsys, str(pair[0]), str(pair[1]), "--report", str(target))
    assert status == 1 and err == ""
    assert "<html" in target.read_text(encoding="utf-8").lower()


def test_existing_report_without_force_is_still_refused(capsys, pair, tmp_path):
    target = tmp_path / "out.html"
    target.write_text("precious")
    status, _, err = run_main(capsys, str(pair[0]), str(pair[1]), "--report", str(target))
    assert status == 2 and "use --force" in one_line(err)
    assert target.read_text() == "precious"


# -- unexpected exceptions ------------------------------------------------------------------------

@pytest.mark.parametrize("mode", [["--json"], ["--report", "OUT"]])
def test_an_unexpected_exception_is_one_line_and_status_2(capsys, pair, tmp_path, monkeypatch, mode):
    import policydiff.core.compare as compare_module

    def broken(*args, **kwargs):
        raise ValueError("something nobody foresaw\nsecond line")

    monkeypatch.setattr(compare_module, "compare", broken)
    mode = [str(tmp_path / "out.html") if m == "OUT" else m for m in mode]
    status, out, err = run_main(capsys, str(pair[0]), str(pair[1]), *mode)
    assert status == 2 and out == ""
    line = one_line(err)
    assert str(pair[0]) in line and str(pair[1]) in line
    assert "ValueError: something nobody foresaw second line" in line
    assert not (tmp_path / "out.html").exists()


def test_an_unexpected_exception_while_reading_names_the_file(capsys, pair, monkeypatch):
    import policydiff.core.structure as structure

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(structure, "parse_document", broken)
    status, _, err = run_main(capsys, str(pair[0]), "--outline")
    assert status == 2
    assert one_line(err) == f"policydiff: {pair[0]}: cannot process (RecursionError: the text is nested too deeply)"


def test_unexpected_exception_in_a_real_process_has_no_traceback(pair, tmp_path):
    code = (
        "import sys, policydiff.core.compare as c\n"
        "def boom(*a, **k): raise KeyError('boom')\n"
        "c.compare = boom\n"
        "from policydiff.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(pair[0]), str(pair[1]), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert one_line(done.stderr) == f"policydiff: {pair[0]} vs {pair[1]}: cannot process (KeyError: 'boom')"


# -- the verdict ---------------------------------------------------------------------------------

def test_an_inserted_override_alone_is_a_difference_for_the_exit_status(capsys, tmp_path):
    old, new = tmp_path / "a.md", tmp_path / "b.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(OLD.replace("your name", "your \u202ename"), encoding="utf-8")
    status, out, err = run_main(capsys, str(old), str(new), "--json")
    assert (status, err) == (1, "")
    assert '"\u202e"' in out
    old.write_text(OLD, encoding="utf-8")
    new.write_text(OLD, encoding="utf-8")
    assert run_main(capsys, str(old), str(new), "--json")[0] == 0


# -- file names that start with '-', and usage mistakes --------------------------------------------

def cli_in(folder: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policydiff", *argv], capture_output=True, text=True,
                          cwd=folder, timeout=120)


@pytest.fixture
def dash_pair(tmp_path: Path) -> Path:
    (tmp_path / "-old.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.md").write_text(NEW, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("argv", [["-old.md", "new.md", "--json"], ["--json", "-old.md", "new.md"],
                                  ["-old.md", "--outline"], ["batch", "-old.md", "--out", "t.csv"]])
def test_a_file_starting_with_a_dash_is_named_in_one_line(dash_pair, argv):
    done = cli_in(dash_pair, *argv)
    assert done.returncode == 2 and done.stdout == ""
    line = one_line(done.stderr)
    assert "-old.md: a name that starts with '-' is read as an option" in line
    assert "./-old.md" in line and " -- " in line
    assert "usage:" not in done.stderr


@pytest.mark.parametrize("argv", [["--json", "--", "-old.md", "new.md"], ["--json", "./-old.md", "new.md"]])
def test_a_file_starting_with_a_dash_after_double_dash_or_dot_slash(dash_pair, argv):
    done = cli_in(dash_pair, *argv)
    assert done.returncode == 1, done.stderr  # compared: the words differ
    assert json.loads(done.stdout)["stats"]["words_inserted"] == 2


def test_a_flag_after_double_dash_is_still_a_flag_unless_a_file_has_its_name(dash_pair):
    done = cli_in(dash_pair, "--", "-old.md", "new.md", "--json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["stats"]["words_inserted"] == 2
    (dash_pair / "--ignore-case").write_text(NEW.upper(), encoding="utf-8")  # a file really named so
    done = cli_in(dash_pair, "--json", "--", "-old.md", "--ignore-case")
    assert done.returncode == 1 and json.loads(done.stdout)["stats"]["words_ignored"] == 0
    # an option that takes a value cannot be told from a file after --: named in one line
    done = cli_in(dash_pair, "--", "-old.md", "new.md", "--report")
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "--report: no such file" in line and "put options before it" in line


@pytest.mark.parametrize("argv, said", [
    (["--no-such-option", "a.md", "b.md"], "unrecognized arguments: --no-such-option"),
    (["--layout", "sideways", "a.md", "b.md", "--report", "r.html"], "invalid choice: 'sideways'"),
    (["batch", "folder"], "the following arguments are required: --out"),
    (["batch", "folder", "--out", "t.csv", "--workers", "0"], "--workers must be at least 1"),
])
def test_usage_mistakes_are_one_line(tmp_path, argv, said):
    done = cli_in(tmp_path, *argv)
    assert done.returncode == 2 and said in one_line(done.stderr) and "usage:" not in done.stderr


def test_help_names_the_options_as_the_window_does(capsys):
    for argv in (["--help"], ["batch", "--help"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "treat Data and data as the same word" in text
    assert "pip install -e '.[batch]'" in text and "pip install 'policydiff[batch]'" in text


def test_history_json_exit_status_for_dash_names(tmp_path):
    for k, text in enumerate((OLD, NEW)):
        (tmp_path / f"-2024-0{k + 1}-01.md").write_text(text, encoding="utf-8")
    done = cli_in(tmp_path, "--history", "--json", "--", "-2024-01-01.md", "-2024-02-01.md")
    assert done.returncode == 0, done.stderr
    assert [s["words_inserted"] for s in json.loads(done.stdout)["steps"]] == [2]
