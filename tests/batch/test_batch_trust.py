"""`policydiff batch` under attack: a second run on the same output, a torn tail cut inside a
character, something that is not a Dask scheduler, Ctrl-C, sources with nothing to compare."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from policydiff.__main__ import main
from policydiff.batch import scheduler as probing
from policydiff.batch.output import OutputError, TableWriter, journal_path, lock_path, read_table
from policydiff.batch.run import run_batch

from batch_histories import git, make_folders

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "tests" / "core" / "fixtures" / "history" / "bluesky-privacy-policy"
HANG_GUARD = 300  # seconds: only ever reached by a hang, never by a slow machine


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in err and err.startswith("policydiff: ")
    return err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def many_pairs(folder: Path, documents: int = 12) -> Path:
    """``documents`` copies of a real four-version history (three pairs each): a run of a few
    seconds at the least, whatever the machine."""
    versions = sorted(HISTORY.glob("*.md"))
    for k in range(documents):
        target = folder / f"platform-{k:02d}"
        target.mkdir(parents=True)
        for version in versions:
            shutil.copy(version, target / version.name)
    return folder


def pair_keys(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(r["document"], r["from_id"], r["to_id"]) for r in rows if r["row"] == "pair"]


def pair_row_ends(table: bytes, suffix: str) -> list[int]:
    """Byte offsets just after each pair row of a CSV or JSON Lines table."""
    ends, offset = [], 0
    for line in table.splitlines(keepends=True):
        offset += len(line)
        if line.startswith(b'{"row": "pair"' if suffix == ".jsonl" else b"pair,"):
            ends.append(offset)
    return ends


def start_batch(source: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    """A real `policydiff batch` in a session of its own (so a signal to its process group is a
    Ctrl-C in its terminal: it reaches the worker processes too)."""
    return subprocess.Popen([sys.executable, "-m", "policydiff", "batch", str(source), "--out", str(out),
                             "--workers", "1", "--chunk", "1", "--no-progress", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_rows(process: subprocess.Popen[str], written: Path, rows: int = 1) -> None:
    """Until ``written`` holds ``rows`` pair rows (the run is under way, holding its lock)."""
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        if written.exists() and written.read_bytes().count(b'"row": "pair"' if written.suffix == ".jsonl"
                                                           else b"\npair,") >= rows:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the run wrote no row")


# -- two runs on one output ------------------------------------------------------------------------


def test_a_second_writer_of_one_output_is_refused_until_the_first_ends(tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    first = TableWriter(out)
    first.start()
    assert lock_path(out).read_text() == f"{os.getpid()}\n"
    for spelling in (out, tmp_path / "." / "table.csv"):
        for flags in ({"force": True}, {"resume": True}):
            with pytest.raises(OutputError, match=f"another policydiff batch is writing it \\(process {os.getpid()}\\)"):
                TableWriter(spelling, **flags)
    first.close()
    assert leftovers(tmp_path) == ["table.csv"]  # the lock file went with the run
    lock_path(out).write_text("4242\n")  # left by a run that was killed: the lock died with it
    second = TableWriter(out, resume=True)
    second.start()
    second.close()
    assert leftovers(tmp_path) == ["table.csv"]


def test_a_run_beside_a_running_one_exits_2_and_leaves_its_output_alone(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    source = many_pairs(tmp_path / "versions")
    out = tmp_path / "table.csv"
    running = start_batch(source, out)
    try:
        wait_for_rows(running, out)
        os.killpg(running.pid, signal.SIGSTOP)  # hold it mid-run, its lock taken, whatever the machine's speed
        before = out.read_bytes()
        for flag in ("--resume", "--force", "--no-progress"):
            assert main(["batch", str(source), "--out", str(out), flag, "--no-progress"]) == 2
            assert "another policydiff batch is writing it" in one_line(capsys.readouterr().err)
        assert out.read_bytes() == before
        os.kill(running.pid, signal.SIGTERM)  # delivered on SIGCONT: stopped as by a Ctrl-C, status 128 + 15
        os.killpg(running.pid, signal.SIGCONT)
        _, err = running.communicate(timeout=HANG_GUARD)
    finally:
        if running.poll() is None:
            os.killpg(running.pid, signal.SIGKILL)
    assert running.returncode == 143, err
    assert "interrupted; the pairs done are in" in one_line(err)
    keys = pair_keys(read_table(out))
    assert len(keys) == len(set(keys)) >= 1  # no pair written twice
    assert leftovers(tmp_path) == ["table.csv", "versions"]


# -- a torn tail -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def accented_tables(tmp_path_factory: pytest.TempPathFactory, client: Any) -> dict[str, Any]:
    """Tables of a history whose section titles are not ASCII."""
    folder = tmp_path_factory.mktemp("accented")
    source = folder / "versions"
    texts = [
        "# Politique de confidentialité\n\n## Données collectées\n\nNous collectons votre nom.\n\n"
        "## Durée de conservation\n\nNous gardons vos données un an.\n",
        "# Politique de confidentialité\n\n## Données que nous collectons\n\nNous collectons votre nom "
        "et votre adresse électronique.\n\n## Durée de conservation\n\nNous gardons vos données deux ans.\n",
        "# Politique de confidentialité\n\n## Données et témoins\n\nNous collectons votre nom, votre adresse "
        "électronique et des témoins.\n\n## Vos droits — 権利\n\nÉcrivez-nous.\n",
    ]
    for document in ("société-a", "société-b"):
        (source / document).mkdir(parents=True)
        for k, text in enumerate(texts):
            (source / document / f"2024-0{k + 1}-01.md").write_text(text, encoding="utf-8")
    tables = {}
    for suffix in (".csv", ".jsonl"):
        out = folder / f"fresh{suffix}"
        run_batch([str(source)], str(out), client=client, progress=False, sections=True, chunk=1, in_flight=1)
        tables[suffix] = out
    return {"source": source, "tables": tables, "client": client}


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_torn_tail_is_cut_back_to_the_last_whole_pair_whatever_byte_it_ends_on(
        tmp_path: Path, accented_tables: dict[str, Any], suffix: str) -> None:
    whole = accented_tables["tables"][suffix].read_bytes()
    rows = read_table(accented_tables["tables"][suffix])
    head = whole[:pair_row_ends(whole, suffix)[-2]]  # up to the end of the last pair's previous pair row
    block = whole[len(head):]
    assert any(byte >= 0x80 for byte in block)  # accented titles: cuts inside characters are tried
    expected = set(pair_keys(rows)[:-1])
    out = tmp_path / f"table{suffix}"
    # A kill can stop at any byte: each byte of a character (or just after one), on either side of
    # a line end, and a sample of the rest.
    cuts = [k for k in range(len(block)) if block[k] >= 0x80 or block[k - 1:k + 1].count(b"\n") or k % 5 == 0]
    for cut in cuts:
        out.write_bytes(head + block[:cut])
        writer = TableWriter(out, resume=True)
        assert writer.done == expected, cut
        writer.start()
        writer.close()
        assert out.read_bytes() == head, cut


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_resume_after_a_tail_torn_inside_a_character(tmp_path: Path, accented_tables: dict[str, Any],
                                                     suffix: str) -> None:
    source, client = accented_tables["source"], accented_tables["client"]
    fresh = accented_tables["tables"][".jsonl" if suffix == ".parquet" else suffix]
    whole = fresh.read_bytes()
    pair_ends = pair_row_ends(whole, fresh.suffix)
    # after the first byte of a character of the last pair's block: a kill mid-character
    cut = next(k for k in range(pair_ends[-2], len(whole)) if whole[k] >= 0xC0) + 1
    out = tmp_path / f"table{suffix}"
    (journal_path(out) if suffix == ".parquet" else out).write_bytes(whole[:cut])
    summary = run_batch([str(source)], str(out), client=client, progress=False, sections=True, resume=True)
    assert (summary.skipped, summary.pairs) == (3, 1)

    def key(row: dict[str, Any]) -> str:
        return json.dumps(row, sort_keys=True, default=str)

    expected = read_table(fresh)
    got = read_table(out)
    if suffix == ".parquet":  # dates are moments there: compare them as such
        from policydiff.batch.output import parse_date

        expected = [dict(r, from_date=parse_date(r["from_date"]), to_date=parse_date(r["to_date"])) for r in expected]
    assert sorted(map(key, got)) == sorted(map(key, expected))


def test_a_whole_line_that_is_not_utf8_is_not_taken_for_a_torn_tail(tmp_path: Path,
                                                                     accented_tables: dict[str, Any]) -> None:
    out = tmp_path / "table.jsonl"
    out.write_bytes(accented_tables["tables"][".jsonl"].read_bytes() + b"\xff\xfe not ours\n")
    with pytest.raises(OutputError, match="not UTF-8"):
        TableWriter(out, resume=True)
    assert leftovers(tmp_path) == ["table.jsonl"]


# -- not a scheduler ---------------------------------------------------------------------------------


class FakeServer:
    """A TCP server on 127.0.0.1 that accepts and then sends ``greeting`` (or stays silent)."""

    def __init__(self, greeting: bytes | None) -> None:
        self.greeting = greeting
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.socket.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections.append(connection)
            if self.greeting is not None:
                connection.sendall(self.greeting)

    def close(self) -> None:
        self.socket.close()
        for connection in self.connections:
            connection.close()


def refused_address() -> str:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


@pytest.mark.parametrize("greeting, said", [
    (None, "accepted the connection but sent no greeting within 1 s"),
    (b"\xff" * 64, "it answered"),                                     # Dask would allocate 2**64 bytes
    (b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", "it answered 'SSH-2.0-OpenSSH_9.2p1"),
    (b"HTTP/1.1 400 Bad Request\r\n\r\n", "it answered 'HTTP/1.1 400"),
    (b"", "sent no greeting"),
])
def test_something_that_is_not_a_dask_scheduler_is_named_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        greeting: bytes | None, said: str) -> None:
    monkeypatch.setattr(probing, "TIMEOUT", 1.0)
    source = make_folders(tmp_path / "versions")
    server = FakeServer(greeting)
    if greeting == b"":  # accepts and hangs up at once
        server.greeting = None
        threading.Thread(target=lambda: (time.sleep(0.2), [c.close() for c in server.connections]),
                         daemon=True).start()
    try:
        started = time.monotonic()
        status = main(["batch", str(source), "--out", str(tmp_path / "t.parquet"), "--scheduler", server.address])
        assert time.monotonic() - started < HANG_GUARD
    finally:
        server.close()
    err = one_line(capsys.readouterr().err)
    assert status == 2 and server.address in err and said in err and "not a Dask scheduler" in err
    assert leftovers(tmp_path) == ["versions"]  # no output, no journal, no lock


def test_a_refused_port_and_a_bad_address_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = make_folders(tmp_path / "versions")
    out = tmp_path / "t.csv"
    out.write_text("precious\n")
    address = refused_address()
    assert main(["batch", str(source), "--out", str(out), "--force", "--scheduler", address]) == 2
    assert "nothing is listening there (connection refused)" in one_line(capsys.readouterr().err)
    assert out.read_text() == "precious\n"  # --force writes only once the run has started
    assert main(["batch", str(source), "--out", str(out), "--force", "--scheduler", "tcp://127.0.0.1"]) == 2
    assert "not a scheduler address" in one_line(capsys.readouterr().err)
    assert leftovers(tmp_path) == ["t.csv", "versions"]


def test_a_real_scheduler_passes_the_probe_and_runs_the_table(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from distributed import LocalCluster
    import logging

    source = make_folders(tmp_path / "versions")
    out = tmp_path / "t.jsonl"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster:
        probing.probe(cluster.scheduler_address)
        assert main(["batch", str(source), "--out", str(out), "--scheduler", cluster.scheduler_address,
                     "--no-progress"]) == 0
    assert "4 pairs" in capsys.readouterr().err
    assert len(pair_keys(read_table(out))) == 4


# -- Ctrl-C ------------------------------------------------------------------------------------------


def test_ctrl_c_is_one_line_exit_130_and_the_journal_resumes(tmp_path: Path) -> None:
    source = many_pairs(tmp_path / "versions")
    out = tmp_path / "table.parquet"
    running = start_batch(source, out)
    try:
        wait_for_rows(running, journal_path(out))
        os.killpg(running.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
        stdout, stderr = running.communicate(timeout=HANG_GUARD)
    finally:
        if running.poll() is None:
            os.killpg(running.pid, signal.SIGKILL)
    assert running.returncode == 130, stderr
    assert one_line(stderr) == (f"policydiff: interrupted; the pairs done are in {out} "
                                "(run again with --resume to go on)\n")
    assert stdout == ""
    assert leftovers(tmp_path) == [journal_path(out).name, "versions"]  # no lock, no half Parquet file
    done = pair_keys(read_table(journal_path(out)))
    assert 1 <= len(done) < 36 and len(set(done)) == len(done)

    resumed = subprocess.run([sys.executable, "-m", "policydiff", "batch", str(source), "--out", str(out),
                              "--workers", "1", "--resume", "--no-progress"],
                             capture_output=True, text=True, timeout=HANG_GUARD)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({len(done)} already in" in resumed.stderr
    keys = pair_keys(read_table(out))
    assert len(keys) == len(set(keys)) == 36
    assert leftovers(tmp_path) == ["table.parquet", "versions"]


# -- nothing to compare ------------------------------------------------------------------------------


def test_sources_with_nothing_to_compare_are_one_line_and_status_2(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    plain = tmp_path / "plain"
    (plain / "acme").mkdir(parents=True)
    (plain / "acme" / "2024-01-01.md").write_text("# Terms\n\nOne version only.\n")
    (plain / "notes.rst").write_text("not a policy type")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    one_commit = tmp_path / "one-commit"
    one_commit.mkdir()
    git(one_commit, "init", "-q")
    (one_commit / "terms.md").write_text("# Terms\n")
    git(one_commit, "add", "terms.md")
    git(one_commit, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one")
    out = tmp_path / "t.csv"
    for source, said in ((empty, "holds no .md, .txt or .html file"),
                         (plain, "no document has two versions"),
                         (repo, "a git repository with no commits"),
                         (one_commit, "in the history of HEAD has two versions")):
        assert main(["batch", str(source), "--out", str(out)]) == 2, source
        err = one_line(capsys.readouterr().err)
        assert f"policydiff: {source}: " in err and said in err and "fatal" not in err
        assert not out.exists()
    # one empty source among good ones is still a mistake worth a line
    good = make_folders(tmp_path / "versions")
    assert main(["batch", str(good), str(empty), "--out", str(out)]) == 2
    assert str(empty) in one_line(capsys.readouterr().err)


def test_without_dask_the_hint_fits_an_install_and_a_checkout(tmp_path: Path) -> None:
    source = make_folders(tmp_path / "versions")
    code = ("import sys\nsys.modules['distributed'] = None  # as if the batch extra were not installed\n"
            "from policydiff.__main__ import main\nsys.exit(main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", code, "batch", str(source), "--out", str(tmp_path / "t.csv")],
                          capture_output=True, text=True, timeout=HANG_GUARD, cwd=ROOT)
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "needs Dask: pip install 'policydiff[batch]'" in line and "pip install -e '.[batch]'" in line
    assert leftovers(tmp_path) == ["versions"]


def test_ctrl_c_while_the_workers_start_leaves_the_output_untouched(tmp_path: Path) -> None:
    """A Ctrl-C while the local workers start (they spawn and import Dask: seconds) is held until
    they are up, then stops the run before it writes: an output given to --force is left as it was."""
    source = make_folders(tmp_path / "versions")
    out = tmp_path / "table.csv"
    out.write_text("precious\n")
    running = start_batch(source, out, "--force")
    try:
        deadline = time.monotonic() + HANG_GUARD
        while not lock_path(out).exists():  # the run has checked its output and starts its workers
            assert running.poll() is None and time.monotonic() < deadline, running.communicate()
            time.sleep(0.01)
        os.killpg(running.pid, signal.SIGINT)
        stdout, stderr = running.communicate(timeout=HANG_GUARD)
    finally:
        if running.poll() is None:
            os.killpg(running.pid, signal.SIGKILL)
    assert running.returncode == 130, stderr
    assert one_line(stderr) == f"policydiff: interrupted before the first pair; {out} was not touched\n"
    assert out.read_text() == "precious\n" and leftovers(tmp_path) == ["table.csv", "versions"]
