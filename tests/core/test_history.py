"""Version histories: git files (renames followed), folders, lists of files; the --history --json
contract; since-when; every bad input as one line and status 2, and the repository left untouched."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policydiff.core.history import HistoryError, history_json, open_history, wording_key

FIXTURES = Path(__file__).parent / "fixtures" / "history" / "bluesky-privacy-policy"
VERSIONS = sorted(FIXTURES.glob("*.md"))
ROOT = Path(__file__).resolve().parents[2]

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")
    if date:
        env.update(GIT_AUTHOR_DATE=f"{date}T12:00:00+00:00", GIT_COMMITTER_DATE=f"{date}T12:00:00+00:00")
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def make_repo(tmp_path: Path, versions=VERSIONS, rename_at: int | None = 2) -> Path:
    """One commit per version of ``Bluesky/Privacy.md``, renamed to ``Bluesky/Privacy Policy.md``
    at version ``rename_at``; returns the file's final path."""
    repo = tmp_path / "archive"
    (repo / "Bluesky").mkdir(parents=True)
    git(repo, "init", "-q")
    name = "Bluesky/Privacy.md"
    for k, version in enumerate(versions):
        if rename_at is not None and k == rename_at:  # a reorganisation: renamed, not changed
            git(repo, "mv", name, "Bluesky/Privacy Policy.md")
            git(repo, "commit", "-q", "-m", "Rename", date=Path(version).stem)
            name = "Bluesky/Privacy Policy.md"
        (repo / name).write_bytes(Path(version).read_bytes())
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Record version {k}", date=Path(version).stem)
    return repo / name


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policydiff", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT)


@needs_git
def test_git_history_follows_renames(tmp_path):
    path = make_repo(tmp_path)
    history = open_history([path])
    assert [v.date for v in history.versions] == [p.stem for p in VERSIONS]
    # The rename commit recorded no new text: not a version of its own.
    assert [v.path for v in history.versions] == ["Bluesky/Privacy.md"] * 2 + ["Bluesky/Privacy Policy.md"] * 2
    assert all(len(v.commit) == 40 and v.commit.startswith(v.id) for v in history.versions)
    for k, version in enumerate(VERSIONS):
        assert history.text(k) == version.read_text(encoding="utf-8")
    assert [i for i, _ in history.texts(batch=3)] == [0, 1, 2, 3]
    assert history.document(3).name == f"Privacy Policy.md @ {history.versions[3].label}"


@needs_git
def test_repository_is_only_read(tmp_path):
    path = make_repo(tmp_path)
    dot_git = path.parent.parent / ".git"

    def snapshot():
        return sorted((str(p.relative_to(dot_git)), p.stat().st_mtime_ns, p.stat().st_size)
                      for p in dot_git.rglob("*") if p.is_file())

    before = snapshot()
    history = open_history([path])
    history_json(history, workers=1)
    history.since_index()
    assert snapshot() == before


@needs_git
def test_json_contract(tmp_path):
    path = make_repo(tmp_path)
    done = cli("--history", str(path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"path", "versions", "steps"}
    assert data["path"] == str(path)
    assert [v["date"] for v in data["versions"]] == [p.stem for p in VERSIONS]
    assert all(set(v) == {"id", "date", "words"} and v["words"] > 1000 for v in data["versions"])
    ids = [v["id"] for v in data["versions"]]
    assert [(s["from"], s["to"]) for s in data["steps"]] == list(zip(ids, ids[1:]))
    for step in data["steps"]:
        assert set(step) == {"from", "to", "identical", "words_inserted", "words_deleted", "sections_changed",
                             "changes_substantive", "changes_editorial", "changes_cosmetic", "signals"}
        assert step["changes_substantive"] + step["changes_editorial"] + step["changes_cosmetic"] > 0
        assert all(isinstance(signal, str) and ": " in signal for signal in step["signals"])
        assert bool(step["signals"]) == (step["changes_substantive"] > 0)
        assert step["identical"] is False and step["words_inserted"] + step["words_deleted"] > 0
    assert data["steps"][-1]["sections_changed"] > 5  # the 2025 rewrite
    assert "compared 3 of 3 steps" in done.stderr


def test_folder_of_dated_versions_and_identical_steps(tmp_path):
    folder = tmp_path / "versions"
    folder.mkdir()
    for version in VERSIONS[:2]:
        shutil.copy(version, folder / version.name)
    shutil.copy(VERSIONS[1], folder / "2024-06-01.md")  # recorded again, unchanged
    history = open_history([folder])
    assert [v.id for v in history.versions] == ["2024-03-14.md", "2024-05-22.md", "2024-06-01.md"]
    data = history_json(history, workers=2)
    assert [s["identical"] for s in data["steps"]] == [False, True]
    assert data["steps"][1]["words_inserted"] == data["steps"][1]["words_deleted"] == 0


def test_steps_that_repeat_sections_count_as_a_full_comparison(tmp_path):
    """Steps whose section lists were compared before (links changed, a version restored) reuse
    those counts: each must read as comparing the step in full does."""
    from policydiff.core.compare import compare
    from policydiff.core.model import Kind
    from policydiff.core.structure import parse_document

    a, b = VERSIONS[0].read_text(encoding="utf-8"), VERSIONS[1].read_text(encoding="utf-8")
    relinked = a.replace("](https://", "](https://www.", 3)
    assert relinked != a
    folder = tmp_path / "versions"
    folder.mkdir()
    texts = [a, relinked, b, a, b, relinked + "\n", b]  # markup only, changed, restored, again
    for k, text in enumerate(texts):
        (folder / f"2024-01-{k + 10}.md").write_text(text, encoding="utf-8")
    data = history_json(open_history([folder]), workers=1)
    for step, (old, new) in zip(data["steps"], zip(texts, texts[1:])):
        full = compare(parse_document(old, name="old"), parse_document(new, name="new"))
        assert (step["identical"], step["words_inserted"], step["words_deleted"], step["sections_changed"]) == (
            full.identical, full.stats.words.words_inserted, full.stats.words.words_deleted,
            sum(1 for p in full.pairs if p.kind is not Kind.UNCHANGED))
    assert data["steps"][0]["identical"] and not data["steps"][1]["identical"]


def test_files_in_the_order_given(tmp_path):
    history = open_history([VERSIONS[2], VERSIONS[0]])
    assert [v.date for v in history.versions] == ["2024-08-07", "2024-03-14"]


@needs_git
def test_since_when_tracks_moved_text(tmp_path):
    history = open_history([make_repo(tmp_path)])
    index = history.since_index()
    latest = history.document(3)
    dated = [index.since(p) for s in latest.flat() for p in s.body.split("\n") if p.strip()]
    found = [d for d in dated if d is not None]
    assert len(found) >= 0.9 * len(dated)
    assert {k for k, _ in found} >= {0, 3}  # old paragraphs kept their age; new ones are new
    # A paragraph of the first version still there in the last is dated to the first.
    first = {wording_key(line) for line in history.text(0).split("\n")}
    kept = next(p for s in latest.flat() for p in s.body.split("\n")
                if len(p.split()) > 12 and wording_key(p) in first)
    assert index.since(kept) == (0, True)
    # Section history: tracked by its title.
    title = next(s.title for s in latest.flat() if s.title.endswith("Cookies"))
    events = index.section_history(title, 3)
    assert events and events[0][1] == "appeared" and all(k <= 3 for k, _ in events)


def test_since_when_keeps_the_age_of_a_moved_paragraph(tmp_path):
    a = "# Policy\n\n## One\n\nAlpha paragraph stays.\n\n## Two\n\nBeta paragraph moves later.\n"
    b = "# Policy\n\n## One\n\nAlpha paragraph stays.\n\nA new paragraph.\n\n## Two\n\nGamma.\n"
    c = "# Policy\n\n## Two\n\nGamma.\n\nBeta paragraph moves later.\n\n## One\n\nAlpha paragraph stays, edited.\n"
    paths = []
    for k, text in enumerate((a, b, c)):
        p = tmp_path / f"2024-01-0{k + 1}.md"
        p.write_text(text)
        paths.append(p)
    index = open_history(paths).since_index()
    assert index.since("Beta paragraph moves later.") == (0, True)
    assert index.since("Gamma.") == (1, True)
    assert index.since("Alpha paragraph stays, edited.") == (2, True)
    assert index.step_words[1] == (4, 4)  # "A new paragraph." and "Gamma." in, "Beta ..." out


# ------------------------------------------------------------------------------------------ bad input


def _one_line_error(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in lines[0]


@needs_git
def test_no_git_installed(tmp_path, monkeypatch):
    path = make_repo(tmp_path)
    env = dict(os.environ, PATH=str(tmp_path / "empty"))
    _one_line_error(cli("--history", str(path), "--json", env=env), "git is not installed")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(HistoryError, match="git is not installed"):
        open_history([path])


@needs_git
def test_shallow_clone(tmp_path):
    path = make_repo(tmp_path)
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{path.parent.parent}", str(clone)], check=True)
    _one_line_error(cli("--history", str(clone / "Bluesky" / "Privacy Policy.md"), "--json"), "shallow clone")


def test_outside_any_repository(tmp_path):
    lonely = tmp_path / "policy.md"
    shutil.copy(VERSIONS[0], lonely)
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path))
    _one_line_error(cli("--history", str(lonely), "--json", env=env), "not in a git repository")


@needs_git
def test_one_version(tmp_path):
    path = make_repo(tmp_path, versions=VERSIONS[:1], rename_at=None)
    _one_line_error(cli("--history", str(path), "--json"), "only one version")


@needs_git
def test_untracked_file(tmp_path):
    path = make_repo(tmp_path, versions=VERSIONS[:2], rename_at=None)
    extra = path.parent / "Draft.md"
    extra.write_text("draft")
    _one_line_error(cli("--history", str(extra), "--json"), "not tracked")


@needs_git
def test_binary_version(tmp_path):
    path = make_repo(tmp_path, versions=VERSIONS[:2], rename_at=None)
    path.write_bytes(b"\x00\x01binary\x00" * 50)
    git(path.parent.parent, "commit", "-q", "-am", "garbage", date="2024-09-01")
    _one_line_error(cli("--history", str(path), "--json"), "binary", "@ 2024-09-01")


def test_missing_path_and_no_path(tmp_path):
    _one_line_error(cli("--history", str(tmp_path / "nope.md"), "--json"), "no such file")
    assert cli("--history", "--json").returncode == 2


# ------------------------------------------------------------------------------ untrusted repositories

TEXTS = ["# Policy\n\n## Data\n\nWe keep your name.\n", "# Policy\n\n## Data\n\nWe keep your name and email.\n",
         "# Policy\n\n## Data\n\nWe keep your name, email and phone.\n"]


def _plain_git(repo: Path, *args: str, terminal: bool = False) -> None:
    if not terminal:
        subprocess.run(["git", *args], cwd=repo, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
        return
    import pty

    leader, follower = pty.openpty()  # git pages only onto a terminal
    try:
        subprocess.run(["git", *args], cwd=repo, stdin=follower, stdout=follower, stderr=follower, timeout=60)
    finally:
        os.close(follower)
        os.close(leader)


@needs_git
@pytest.mark.parametrize("trap, command", [
    ("fsmonitor", ["ls-files"]),             # core.fsmonitor, set by an included file
    ("gpg", ["log"]),                        # log.showSignature runs gpg.program on the signed commit
    ("filter", ["log", "-p"]),               # a filter process / textconv driver named by .gitattributes
    ("pager", ["-c", "log.showSignature=false", "log"]),  # core.pager / pager.log, on a terminal
])
def test_the_hostile_repository_traps_are_live(tmp_path, trap, command):
    """Each trap fires for plain git: the test below can fail."""
    from hostile_git import canaries_found, make_hostile_repo

    path, canaries = make_hostile_repo(tmp_path, TEXTS)
    _plain_git(path.parent, *command, terminal=trap == "pager")
    assert f"canary-{trap}" in canaries_found(canaries)


@needs_git
def test_a_repository_configured_to_run_programs_runs_none(tmp_path):
    from hostile_git import canaries_found, make_hostile_repo

    from policydiff.batch.sources import discover, read_version

    path, canaries = make_hostile_repo(tmp_path, TEXTS)
    done = cli("--history", str(path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data["versions"]) == 3 and all(not s["identical"] for s in data["steps"])
    history = open_history([path])
    assert [text for _, text in history.texts()] == TEXTS and history.text(1) == TEXTS[1]
    untracked = path.parent / "draft.md"  # the not-tracked check runs `git ls-files`
    untracked.write_text("draft")
    _one_line_error(cli("--history", str(untracked), "--json"), "not tracked")
    # The batch reads git repositories through the same commands.
    listed = discover([str(path.parent)])
    assert [read_version(v, 10**6).decode() for v in listed["policy.md"]] == TEXTS
    assert canaries_found(canaries) == []


@needs_git
def test_a_partial_clone_never_fetches_a_missing_version(tmp_path):
    """A missing blob in a partial clone would be fetched from its promisor remote by running the
    repository's core.sshCommand: it is an error naming the version instead."""
    from hostile_git import canaries_found, make_hostile_repo, make_partial_clone

    path, canaries = make_hostile_repo(tmp_path, TEXTS)
    make_partial_clone(path.parent)
    _plain_git(path.parent, "cat-file", "-p", "HEAD~1:policy.md")
    assert canaries_found(canaries) == ["canary-ssh"]  # the trap is live for plain git
    (canaries / "canary-ssh").unlink()
    _one_line_error(cli("--history", str(path), "--json"), "policy.md @ 2024-01-11", "missing from the repository")
    assert canaries_found(canaries) == []


@needs_git
def test_a_missing_version_is_an_error_not_a_shorter_history(tmp_path):
    path = make_repo(tmp_path, versions=VERSIONS[:3], rename_at=None)
    repo = path.parent.parent
    commits = git(repo, "log", "--reverse", "--format=%H").split()
    blob = git(repo, "rev-parse", f"{commits[1]}:Bluesky/Privacy.md").strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    _one_line_error(cli("--history", str(path), "--json"), f"@ {VERSIONS[1].stem}", blob[:12], "missing")
    with pytest.raises(HistoryError, match="missing from the repository"):
        open_history([path])


@needs_git
def test_a_symbolic_link_is_not_a_document(tmp_path):
    path = make_repo(tmp_path, versions=VERSIONS[:2], rename_at=None)
    repo = path.parent.parent
    # A link in the work tree to a tracked file: its history in git is the link's, not the policy's.
    link = repo / "current.md"
    link.symlink_to(path.relative_to(repo))
    git(repo, "add", "current.md")
    git(repo, "commit", "-q", "-m", "link", date="2024-09-01")
    _one_line_error(cli("--history", str(link), "--json"), "current.md", "symbolic link", "give the file")
    # A version that is itself a link (the file was replaced by one): refused, naming the version.
    path.unlink()
    path.symlink_to("../current.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "now a link", date="2024-10-01")
    path.unlink()
    path.write_text("# Back\n\nA document again.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a file again", date="2024-11-01")
    _one_line_error(cli("--history", str(path), "--json"), "@ 2024-10-01", "symbolic link in this version")


def test_a_symbolic_link_in_a_folder_of_versions_is_not_a_version(tmp_path):
    from policydiff.batch.sources import discover

    secret = tmp_path / "secret.txt"
    secret.write_text("not a policy, not to be read")
    folder = tmp_path / "versions" / "acme"
    folder.mkdir(parents=True)
    for version in VERSIONS[:2]:
        shutil.copy(version, folder / version.name)
    (folder / "2024-12-01.md").symlink_to(secret)
    (folder / "2024-12-02.md").symlink_to(folder / VERSIONS[0].name)
    assert [v.id for v in open_history([folder]).versions] == [p.name for p in VERSIONS[:2]]
    assert [v.id for v in discover([str(folder.parent)])["acme"]] == [p.name for p in VERSIONS[:2]]


@needs_git
def test_separator_characters_in_paths_and_subjects_are_read_as_text(tmp_path):
    """Git's output is read token by token: a path or a subject holding the characters the log
    format uses as separators (and a newline) is still one path, one subject."""
    from policydiff.batch.sources import discover

    repo = tmp_path / "odd"
    repo.mkdir()
    git(repo, "init", "-q")
    name = "a\x1eb\x1fc\nd.md"
    for k, text in enumerate(TEXTS):
        (repo / name).write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"record \x1e{k}\x1f: \x01 keep", date=f"2024-02-0{k + 1}")
    git(repo, "mv", name, "renamed \x1e.md")
    git(repo, "commit", "-q", "-m", "rename", date="2024-03-01")
    history = open_history([repo / "renamed \x1e.md"])
    assert [v.path for v in history.versions] == [name] * 3
    assert [v.subject for v in history.versions] == [f"record \x1e{k}\x1f: \x01 keep" for k in range(3)]
    assert [text for _, text in history.texts()] == TEXTS
    listed = discover([str(repo)])
    # (the batch lists paths without following renames: the new name starts a document of its own)
    assert sorted((document, len(chain)) for document, chain in listed.items()) == [(name, 3), ("renamed \x1e.md", 1)]


# ------------------------------------------------------------------------------------------ one reader


def _folder(tmp_path: Path, texts: dict[str, str]) -> Path:
    folder = tmp_path / "versions"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_since_when_reads_paragraphs_as_the_reader_does(tmp_path):
    """A paragraph is dated whole (exact) however its versions write it: wrapped over two lines,
    with emphasis and a link whose address changes, then in a saved web page. A reading of its own
    (markdown lines by regexes) saw two lines in the first version and tags in the last, and could
    only date the paragraph by its sentences."""
    wrapped = ("# Privacy\n\n## Retention\n\nWe keep your messages for **30 days** and share them with\n"
               "[our partners](https://example.org/p?session=1). You can ask us to delete them.\n")
    one_line = ("# Privacy\n\n## Retention\n\nWe keep your messages for *30 days* and share them with "
                "[our partners](https://example.org/p?session=2). You can ask us to delete them.\n\n"
                "## Contact\n\nWrite to us.\n")
    page = ("<!DOCTYPE html><html><head><title>Privacy</title></head><body><h1>Privacy</h1>\n"
            "<h2>Retention</h2>\n<p>We keep your messages for <b>30 days</b> and share them\nwith "
            "<a href=\"https://example.org/p?session=3\">our partners</a>. You can ask us to delete them.</p>\n"
            "<h2>Contact</h2>\n<p>Write to us.</p>\n<p>We keep your messages for <b>3 years</b>.</p>\n</body></html>\n")
    folder = _folder(tmp_path, {"2024-01-01.md": wrapped, "2024-02-01.md": one_line, "2024-03-01.html": page})
    history = open_history([folder])
    index = history.since_index(workers=1)
    shown = "We keep your messages for 30 days and share them with our partners. You can ask us to delete them."
    assert index.since(shown) == (0, True)
    assert index.since("Write to us.") == (1, True)
    assert index.since("We keep your messages for 3 years.") == (2, True)
    latest = history.document(2)
    paragraphs = [p for s in latest.flat() for p in s.body.split("\n") if p.strip()]
    assert paragraphs and all(index.since(p) is not None and index.since(p)[1] for p in paragraphs)
    # The section is followed by its title in every version, markdown or web page.
    assert index.section_history("Retention", 2) == [(0, "appeared")]
    assert [k for k, _ in index.section_history("Contact", 2)] == [1, 2]


def test_since_when_dates_an_edited_paragraph_by_its_newest_sentence(tmp_path):
    a = "# P\n\nWe collect your *name*. We never sell it.\n"
    b = "# P\n\nWe collect your name. We may sell it to [advertisers](https://example.org).\n"
    index = open_history([_folder(tmp_path, {"2024-01-01.md": a, "2024-02-01.md": b})]).since_index(workers=1)
    assert index.since("We collect your name. We never sell it.") == (0, True)
    assert index.since("We collect your name. We may sell it to advertisers. We never sell it.") == (1, False)


def test_counting_in_workers_equals_counting_here_and_parses_each_text_once(tmp_path):
    from policydiff.core.history import (SinceIndex, _unchanged_entry, count_history, read_history, reading_of,
                                         step_entry)
    from policydiff.core.structure import parse_document

    a, b = VERSIONS[0].read_text(encoding="utf-8"), VERSIONS[1].read_text(encoding="utf-8")
    relinked = a.replace("](https://", "](https://www.", 3)
    texts = [a, relinked, relinked, b, a, b, relinked, b, a]
    folder = _folder(tmp_path, {f"2024-01-{k + 10}.md": text for k, text in enumerate(texts)})
    history = open_history([folder])
    here = count_history(history, workers=1)
    assert here.parsed == len(set(texts))  # runs share their boundaries' documents: none parsed twice
    pooled = count_history(history, workers=2)
    assert (pooled.words, pooled.steps) == (here.words, here.steps)
    # The since-when index reads the same versions, comparing nothing: the same in workers.
    read_here = read_history(history, workers=1)
    assert read_here.parsed == len(set(texts))
    read_pooled = read_history(history, workers=2)
    assert (read_pooled.first_line, read_pooled.first_sentence, read_pooled.lines, read_pooled.step_words,
            read_pooled.words, read_pooled.headings) == (
        read_here.first_line, read_here.first_sentence, read_here.lines, read_here.step_words, read_here.words,
        read_here.headings)
    # ... and the same as adding every version's reading one by one.
    one_by_one = SinceIndex()
    for text in texts:
        one_by_one.add(reading_of(parse_document(text, name="v")))
    assert (one_by_one.first_line, one_by_one.first_sentence, one_by_one.lines, one_by_one.step_words,
            one_by_one.words, one_by_one.headings) == (
        read_here.first_line, read_here.first_sentence, read_here.lines, read_here.step_words, read_here.words,
        read_here.headings)
    # What the steps' counts say is what comparing each step in full says.
    from policydiff.core.changes import counts
    from policydiff.core.compare import compare

    for step, (old, new) in zip(here.steps, zip(texts, texts[1:])):
        full = compare(parse_document(old, name="old"), parse_document(new, name="new"))
        classes = counts(full.changes)
        assert (step["changes_substantive"], step["changes_editorial"], step["changes_cosmetic"]) == (
            classes["substantive"], classes["editorial"], classes["cosmetic"])
        # ... the whole entry, steps that keep their section list (a link's address changed) too
        assert step == (_unchanged_entry(step["from"], step["to"]) if old == new
                        else step_entry(full, step["from"], step["to"]))
    assert any(step["changes_substantive"] for step in here.steps)
    assert any(old != new and parse_document(old, name="o").flat() == parse_document(new, name="n").flat()
               for old, new in zip(texts, texts[1:]))


def test_a_worker_process_remembers_its_inline_parses_for_as_long_as_it_lives():
    code = ("import gc; from policydiff.core import history as H; H._start_worker(); gc.collect(); "
            "from policydiff.core.structure import MARKDOWN_PARSERS as P; "
            "P[0].parse('a *b*\\n'); P[0].parse('a *b*\\n'); memo = P[0].__dict__['parse'].func.__self__; "
            "print(memo.hits, memo.misses)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1"]


def test_versions_that_change_only_their_links_addresses_are_read_once(tmp_path):
    """A version whose links' queries and fragments alone changed (an archive's capture of a web
    page: a redirector's signature, a tracking parameter) reads as the one before it: the
    since-when index reads it as that one, and is what reading every version gives."""
    from policydiff.core.history import SinceIndex, read_history, reading_key, reading_of
    from policydiff.core.structure import parse_document

    base = VERSIONS[0].read_text(encoding="utf-8")
    tracked = re.sub(r"\]\((https://[^)\s?#]*)\)", r"](\1?h=AT1xyz&ref=a)", base)
    retracked = tracked.replace("?h=AT1xyz&ref=a", "?h=AT9qrs&ref=b#top")
    assert tracked != base and retracked != tracked and reading_key(retracked) == reading_key(tracked)
    # Where an address may be words, it counts: in code, in an HTML block, after a link text cut
    # by a blank line (no link then), and a changed path always does.
    for kept in ("Read `[a](https://x.org/p?h=1)` here.\n", "<div>\n[a](https://x.org/p?h=1)\n</div>\n",
                 "[\n\nHelp Center\n\n](https://x.org/p?h=1)\n", "```\n[a](https://x.org/p?h=1)\n```\n",
                 "[a](https://x.org/p?h=1)\n\n<!--\n\n[b](https://x.org/q?h=1)\n-->\n",
                 "<html><body><p>x\n\n[a](https://x.org/p?h=1) as written\n\nend</p></body></html>\n"):
        assert reading_key(kept) != reading_key(kept.replace("h=1", "h=2")), kept
    assert reading_key("[a](https://x.org/p?h=1)") != reading_key("[a](https://x.org/q?h=1)")
    assert reading_key("See [a](https://x.org/p?h=1) and [b](#one).") == reading_key(
        "See [a](https://x.org/p?h=2) and [b](#two).")
    texts = [base, tracked, retracked, retracked.replace("?h=AT9qrs", "?h=AT5abc"), VERSIONS[1].read_text(encoding="utf-8")]
    history = open_history([_folder(tmp_path, {f"2024-01-{k + 10}.md": t for k, t in enumerate(texts)})])
    index = read_history(history, workers=1)
    assert index.parsed == 3  # the first, the one whose addresses are new, the last
    every = SinceIndex()
    for text in texts:
        every.add(reading_of(parse_document(text, name="v")))
    assert (index.first_line, index.first_sentence, index.lines, index.step_words, index.words, index.headings) == (
        every.first_line, every.first_sentence, every.lines, every.step_words, every.words, every.headings)
    # The counts read such a version as the one before it too, and are what comparing says.
    from policydiff.core.compare import compare
    from policydiff.core.history import _count_words, count_history, step_entry

    counted = count_history(history, workers=1)
    assert counted.parsed == 3
    documents = [parse_document(text, name="v") for text in texts]
    assert all(documents[k].flat() == documents[k + 1].flat() for k in range(3))
    assert counted.words == [_count_words(doc) for doc in documents]
    for k, step in enumerate(counted.steps):
        assert step == step_entry(compare(documents[k], documents[k + 1]), step["from"], step["to"])


def test_an_unreadable_version_in_a_pooled_count_is_one_error_naming_it(tmp_path):
    from policydiff.core.history import count_history

    a, b = VERSIONS[0].read_text(encoding="utf-8"), VERSIONS[1].read_text(encoding="utf-8")
    folder = _folder(tmp_path, {f"2024-01-{k + 10}.md": text for k, text in enumerate([a, b, a, b, a, b])})
    (folder / "2024-01-13.md").write_bytes(b"\x00\x01binary\x00" * 50)
    with pytest.raises(HistoryError, match=r"2024-01-13\.md.*binary"):
        count_history(open_history([folder]), workers=2)


def test_runs_are_cut_by_work_and_start_where_nothing_is_read_anew():
    from policydiff.core.history import _runs_by_work, _work_of

    # A busy start (every version reads anew, its words changed), then a long quiet stretch (the
    # same reading).
    keys = [f"k{i}" for i in range(40)] + ["k39"] * 160
    work = _work_of(keys, keys, [1000] * 200)
    assert work[1] == 2501 and work[50] == 1
    starts = _runs_by_work(keys, work, workers=2)
    ends = starts[1:] + [len(keys)]
    per_run = [sum(work[s:e]) for s, e in zip(starts, ends)]
    assert starts[0] == 0 and starts == sorted(set(starts)) and len(starts) == 8
    assert max(per_run) < 2 * sum(per_run) / len(per_run)  # by count, one run would hold nearly all of it
    assert all(s < 40 for s in starts[:-1])
    # Only links' addresses changed (the same words): read, not compared, so less work.
    assert _work_of(["a", "b"], ["w", "w"], [1000, 1000])[1] < _work_of(["a", "b"], ["w", "v"], [1000, 1000])[1]
    # Where a quiet step is near a run's share, the run starts there: the step between runs
    # needs no comparison (here every other version reads as the one before).
    keys = [f"k{i // 2}" for i in range(64)]
    starts = _runs_by_work(keys, _work_of(keys, keys, [100] * len(keys)), workers=2)
    assert len(starts) == 8 and all(keys[s] == keys[s - 1] for s in starts[1:])


def test_the_wording_estimate_sets_link_addresses_aside():
    from policydiff.core.history import _wording_estimate

    a = "See [our terms](https://example.org/t?x=1) and [help](https://example.org/h_(a)).\n\nMore."
    b = "See [our terms](https://example.org/t?x=2) and [help](https://example.org/h_(b)).\n\nMore."
    assert _wording_estimate(a, {}) == _wording_estimate(b, {}) == "See [our terms] and [help].\n\nMore."
    assert _wording_estimate(a, {}) != _wording_estimate(a.replace("More", "Less"), {})
