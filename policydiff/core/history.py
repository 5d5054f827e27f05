"""A policy's version history: list its versions, read any one, count what each step changed, and
say since which version each paragraph of a version has read as it does ("since when").

A history is one of:

- a file tracked in a git repository: one version per commit that changed it, renames followed
  (an Open Terms Archive collection is such a repository, one commit per recorded change);
- a folder of versions: its files ordered by the date in their names (``2024-03-14.md``), or by
  modification time when not every name carries a date;
- several files, in the order given.

Git is read with the ``git`` command (``git log --follow`` lists the versions, one
``git cat-file --batch`` reads many at once); ``benchmarks/bench_history.py --backends`` measures it
against pygit2 and dulwich. The repository is only ever read: every command is a read-only
plumbing or log command, run with ``GIT_OPTIONAL_LOCKS=0`` so that not even the index is refreshed.

Every failure is a :class:`HistoryError` (a :class:`~policydiff.core.load.LoadError`): one line
naming the path and the problem.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import shutil
import sys
import threading
import time
from array import array
from collections import Counter, OrderedDict
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, as_completed, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from policydiff.core import collector
from policydiff.core.gitread import GitError, GitMissing, run_git
from policydiff.core.load import MAX_BYTES, LoadError, decode, read_bytes
from policydiff.core.model import Comparison, Document, Kind, Options
from policydiff.core.webpage import looks_like_html

Progress = Callable[[int, int], None]
"""progress(done, total): called as work advances (from the thread doing the work)."""


class HistoryError(LoadError):
    """A history that cannot be read; ``str(error)`` is one line: ``<path>: <problem>``."""


@dataclass(frozen=True, slots=True)
class Version:
    """One version of the document."""

    id: str
    """Short commit hash (git), else the file name."""
    date: str
    """``YYYY-MM-DD``: the commit's author date (git), the date in the file name, else its modification date."""
    timestamp: float
    """Seconds since the epoch (for ordering and display)."""
    path: str
    """Git: the file's path inside the repository at that commit (it may have been renamed).
    Otherwise: the file's path on disk."""
    commit: str = ""
    """Full commit hash (git only)."""
    subject: str = ""
    """The commit message's first line (git only)."""
    blob: str = ""
    """The text's git object id (git only)."""

    @property
    def label(self) -> str:
        """``2024-03-14 · b91ab5a`` (or ``2024-03-14 · v3.md``): what the window and the report call it."""
        return f"{self.date} \u00b7 {self.id}" if self.id != self.date else self.date


# ----------------------------------------------------------------------------------------------
# Git


_NOT_INSTALLED = "git is not installed, so its history cannot be read (install git, or give a folder of versions)"


def _git(args: Sequence[str], cwd: str, *, input: bytes | None = None, check: bool = True) -> bytes:
    """A read-only git command in ``cwd`` (through :mod:`policydiff.core.gitread`: no program the
    repository names is run); its output. HistoryError naming ``cwd`` when it fails (``check``)."""
    try:
        return run_git(args, cwd, input=input, check=check).stdout
    except GitMissing:
        raise HistoryError(cwd, _NOT_INSTALLED) from None
    except GitError as error:
        raise HistoryError(cwd, str(error)) from None


@dataclass(frozen=True, slots=True)
class _Change:
    """One commit's change to the followed file, as ``git log --raw`` lists it."""

    commit: str
    iso: str
    stamp: str
    subject: str
    status: str
    """``A`` added, ``M`` modified, ``R``/``C`` renamed/copied, ``T`` type changed, ``D`` deleted."""
    mode: str
    """The new mode: ``100644``/``100755`` a file, ``120000`` a symbolic link, ``160000`` a submodule."""
    blob: str
    path: str
    """The path after the change."""


_LOG_FORMAT = "%x1e%H%x1f%aI%x1f%at%x1f%s"


def _parse_follow_log(out: bytes) -> list[_Change]:
    """``git log --follow --raw -z`` output, newest first: a header per commit, then for each file
    ``:modes blobs status\0path\0`` (two paths for a rename or copy). Read token by token, so
    that no character of a subject or a path can be taken for a separator."""
    changes: list[_Change] = []
    tokens = out.split(b"\0")
    header: list[str] | None = None
    k = 0
    while k < len(tokens):
        token = tokens[k]
        k += 1
        if token.startswith(b"\x1e"):
            header = token[1:].decode("utf-8", "replace").split("\x1f", 3)
            continue
        meta = token.lstrip(b"\n")
        if not meta.startswith(b":"):
            continue  # the empty token after the last \0
        parts = meta.decode("ascii", "replace").split()
        paths = 2 if parts[-1][:1] in ("R", "C") else 1
        names = tokens[k:k + paths]
        k += paths
        if header is None or len(header) < 4 or len(parts) < 5 or len(names) < paths:
            continue
        if changes and changes[-1].commit == header[0]:
            continue  # one entry per commit: the followed file's
        changes.append(_Change(commit=header[0], iso=header[1], stamp=header[2], subject=header[3],
                               status=parts[4][:1], mode=parts[1], blob=parts[3],
                               path=names[-1].decode("utf-8", "surrogateescape")))
    return changes


def _git_versions(path: str) -> tuple[str, list[Version]]:
    """(repository top folder, versions oldest first) of a file tracked by git."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.islink(path):
        raise HistoryError(path, f"is a symbolic link (to {os.readlink(path)}): git keeps the history of "
                                 "the link, not of a document; give the file it points to")
    if shutil.which("git") is None:
        raise HistoryError(path, _NOT_INSTALLED)
    top = _git(["rev-parse", "--show-toplevel"], folder, check=False).decode("utf-8", "replace").strip()
    if not top:
        raise HistoryError(path, "is not in a git repository (give a file tracked by git, a folder of "
                                 "versions, or several files in order)")
    if _git(["rev-parse", "--is-shallow-repository"], folder).strip() == b"true":
        raise HistoryError(path, "is in a shallow clone: its history is cut short (fetch all of it with "
                                 "`git fetch --unshallow`, then try again)")
    relative = os.path.relpath(os.path.realpath(path), os.path.realpath(top))
    out = _git(["log", "--follow", "--raw", "--no-abbrev", "-z", f"--format={_LOG_FORMAT}", "--", relative],
               top, check=False)
    changes = _parse_follow_log(out)
    if not changes:
        tracked = _git(["ls-files", "--error-unmatch", "--", relative], top, check=False)
        if not tracked:
            raise HistoryError(path, "is not tracked by git in its repository: it has no history")
        raise HistoryError(path, "has no committed version in its repository")
    changes.reverse()
    # --no-abbrev (full blob ids) made %h full too: the short ids git shows, in one more command
    listed = _git(["log", "--no-walk=unsorted", "--stdin", "--format=%H %h"], top,
                  input="".join(f"{c.commit}\n" for c in changes).encode("ascii"))
    short = dict(line.split(" ", 1) for line in listed.decode("ascii", "replace").splitlines() if " " in line)
    return top, _versions_of(top, path, changes, short)


def _versions_of(top: str, path: str, changes: list[_Change], short: dict[str, str]) -> list[Version]:
    """The versions among a file's changes, oldest first: a commit that deleted the file (it came
    back later) has nothing to read, one that only renamed it recorded no new text. A version that
    is a symbolic link or a submodule, or whose text is missing from the repository, is an error:
    never a version silently left out."""
    kept: list[Version] = []
    previous = ""
    for change in changes:
        if change.status == "D":
            continue
        version = Version(id=short.get(change.commit, change.commit[:7]), date=change.iso[:10],
                          timestamp=float(change.stamp or 0), path=change.path, commit=change.commit,
                          subject=change.subject, blob=change.blob)
        if change.mode == "120000":
            raise HistoryError(f"{os.path.basename(path)} @ {version.label}",
                               "is a symbolic link in this version, not a document (its history cannot be compared)")
        if change.mode == "160000":
            raise HistoryError(f"{os.path.basename(path)} @ {version.label}",
                               "is a submodule in this version, not a document")
        if change.blob != previous:
            kept.append(version)
        previous = change.blob
    query = b"".join(f"{v.blob}\n".encode("ascii") for v in kept)
    out = _git(["cat-file", "--batch-check=%(objecttype)"], top, input=query).split(b"\n")
    for version, kind in zip(kept, out):
        if kind.strip() != b"blob":
            raise HistoryError(f"{os.path.basename(path)} @ {version.label}",
                               f"its text (blob {version.blob[:12]}) is missing from the repository "
                               "(a partial or damaged clone?)")
    return kept


# ----------------------------------------------------------------------------------------------
# Folders and lists of files

_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def _name_date(name: str) -> str | None:
    match = _NAME_DATE.search(name)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else None


def _file_version(path: str, date: str | None) -> Version:
    try:
        mtime = os.stat(path).st_mtime
    except OSError as exc:
        raise HistoryError(path, f"cannot read file ({exc.strerror or exc})") from None
    if date is None:
        date = datetime.fromtimestamp(mtime).strftime("%Y-%m-%d")
        stamp = mtime
    else:
        stamp = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()
    return Version(id=os.path.basename(path), date=date, timestamp=stamp, path=path)


def _folder_versions(folder: str) -> list[Version]:
    try:
        names = sorted(n for n in os.listdir(folder) if not n.startswith("."))
    except OSError as exc:
        raise HistoryError(folder, f"cannot list the folder ({exc.strerror or exc})") from None
    # A symbolic link in a folder of versions is not a version: it reads whatever it points to.
    files = [os.path.join(folder, n) for n in names
             if os.path.isfile(os.path.join(folder, n)) and not os.path.islink(os.path.join(folder, n))]
    if not files:
        raise HistoryError(folder, "holds no files: a folder of versions needs at least two")
    dates = [_name_date(os.path.basename(f)) for f in files]
    if all(dates):  # dated names: by date, then by name (two versions of one day keep their names' order)
        versions = [_file_version(f, d) for f, d in zip(files, dates)]
        versions.sort(key=lambda v: (v.date, v.id))
    else:  # by modification time
        versions = [_file_version(f, None) for f in files]
        versions.sort(key=lambda v: (v.timestamp, v.id))
    return versions


# ----------------------------------------------------------------------------------------------
# The history


def _decoded(described: str, data: bytes) -> str:
    """A version's bytes decoded; HistoryError naming it (``described``) when they cannot be."""
    if len(data) > MAX_BYTES:
        raise HistoryError(described, "this version is too large to compare")
    try:
        return decode(data, described).text
    except LoadError as error:
        raise HistoryError(described, error.reason) from None


class History:
    """The versions of one document, oldest first, and their texts (read on demand, cached)."""

    def __init__(self, path: str, name: str, versions: Sequence[Version], repo: str | None = None) -> None:
        self.path = path
        """What was given on the command line (for several files: their common folder)."""
        self.name = name
        """The document's name: its file name (``Privacy Policy.md``)."""
        self.versions: tuple[Version, ...] = tuple(versions)
        self.repo = repo
        """The git repository's top folder, or None for files on disk."""
        self._lock = threading.RLock()
        self._texts: OrderedDict[int, str] = OrderedDict()
        self._documents: OrderedDict[int, Document] = OrderedDict()
        self._comparisons: OrderedDict[tuple[int, int, Options], Comparison] = OrderedDict()
        self._since: SinceIndex | None = None

    def __len__(self) -> int:
        return len(self.versions)

    def describe(self, i: int) -> str:
        """``Privacy Policy.md @ 2024-03-14 · b91ab5a``: a version's name in error messages, the
        window and the report."""
        return f"{self.name} @ {self.versions[i].label}"

    # -- texts

    def _decode(self, i: int, data: bytes) -> str:
        return _decoded(self.describe(i), data)

    def _read(self, i: int) -> bytes:
        v = self.versions[i]
        if self.repo is None:
            try:
                return read_bytes(v.path)
            except LoadError as error:
                raise HistoryError(self.describe(i), error.reason) from None
        return _git(["cat-file", "blob", v.blob], self.repo)

    def text(self, i: int) -> str:
        """The text of version ``i`` (decoded, ``\\n`` newlines); HistoryError when unreadable."""
        with self._lock:
            if i in self._texts:
                self._texts.move_to_end(i)
                return self._texts[i]
        text = self._decode(i, self._read(i))
        with self._lock:
            self._texts[i] = text
            while len(self._texts) > 16:
                self._texts.popitem(last=False)
        return text

    def texts(self, indices: Iterable[int] | None = None, batch: int = 40) -> Iterator[tuple[int, str]]:
        """(index, text) of many versions in order, read in batches (one ``git cat-file`` each)."""
        for chunk, datas in self.raw_batches(indices, batch):
            for i, data in zip(chunk, datas):
                yield i, self._decode(i, data)

    def raw_batches(self, indices: Iterable[int] | None = None,
                    batch: int = 40) -> Iterator[tuple[list[int], list[bytes]]]:
        """(indices, their bytes, undecoded) of many versions in order, in batches (one ``git
        cat-file`` each)."""
        wanted = list(range(len(self.versions)) if indices is None else indices)
        for start in range(0, len(wanted), batch):
            chunk = wanted[start:start + batch]
            if self.repo is None:
                yield chunk, [self._read(i) for i in chunk]
                continue
            query = b"".join(f"{self.versions[i].blob}\n".encode("ascii") for i in chunk)
            out = _git(["cat-file", "--batch"], self.repo, input=query)
            pos = 0
            datas: list[bytes] = []
            for i in chunk:
                end = out.index(b"\n", pos)
                header = out[pos:end].split()
                if len(header) != 3 or header[1] != b"blob":
                    raise HistoryError(self.describe(i), "this version cannot be read from the repository")
                size = int(header[2])
                datas.append(out[end + 1:end + 1 + size])
                pos = end + 1 + size + 1
            yield chunk, datas

    def document(self, i: int) -> Document:
        """Version ``i`` with its structure recovered (cached: stepping back and forth reuses it)."""
        from policydiff.core.structure import parse_document

        with self._lock:
            if i in self._documents:
                self._documents.move_to_end(i)
                return self._documents[i]
        doc = parse_document(self.text(i), name=self.describe(i), path=None)
        with self._lock:
            self._documents[i] = doc
            while len(self._documents) > 8:
                self._documents.popitem(last=False)
        return doc

    def comparison(self, i: int, j: int, options: Options = Options()) -> Comparison:
        """Version ``i`` against version ``j`` (cached)."""
        from policydiff.core.compare import compare

        key = (i, j, options)
        with self._lock:
            if key in self._comparisons:
                self._comparisons.move_to_end(key)
                return self._comparisons[key]
        result = compare(self.document(i), self.document(j), options=options)
        self.remember(i, j, result)
        return result

    def cached_comparison(self, i: int, j: int, options: Options = Options()) -> Comparison | None:
        with self._lock:
            return self._comparisons.get((i, j, options))

    def remember(self, i: int, j: int, comparison: Comparison) -> None:
        """Keep a comparison made elsewhere (the window's) for the next time this pair is shown."""
        if comparison.overrides:
            return
        with self._lock:
            self._comparisons[(i, j, comparison.options)] = comparison
            self._comparisons.move_to_end((i, j, comparison.options))
            while len(self._comparisons) > 6:
                self._comparisons.popitem(last=False)

    # -- since when

    def since_index(self, progress: Progress | None = None, workers: int | None = None,
                    pool: Executor | None = None) -> SinceIndex:
        """The since-when index over every version (built once, then cached on this history):
        every version read by the reader (:func:`read_history`: each distinct text parsed once,
        in worker processes, or in ``pool``), nothing compared, so it is ready long before every
        step is counted."""
        with self._lock:
            if self._since is not None:
                return self._since
        index = read_history(self, workers=workers, progress=progress, pool=pool)
        with self._lock:
            self._since = index
        return index


def open_history(paths: Sequence[str | os.PathLike[str]]) -> History:
    """The history at ``paths``: one tracked file, one folder, or several files in order.

    Raises :class:`HistoryError` (one line) for anything that is not a history of two or more versions.
    """
    given = [os.fspath(p) for p in paths]
    if not given:
        raise HistoryError("policydiff", "--history needs a file tracked by git, a folder of versions, or several files")
    if len(given) > 1:
        versions = []
        for p in given:
            if not os.path.exists(p):
                raise HistoryError(p, "no such file")
            if os.path.isdir(p):
                raise HistoryError(p, "is a folder: give either one folder or several files")
            versions.append(_file_version(p, _name_date(os.path.basename(p))))
        names = {os.path.basename(p) for p in given}
        name = os.path.basename(given[-1]) if len(names) == 1 else Path(os.path.commonpath(
            [os.path.abspath(p) for p in given])).name or "versions"
        history = History(os.path.commonpath([os.path.abspath(p) for p in given]), name, versions)
    else:
        path = given[0]
        if not os.path.exists(path):
            raise HistoryError(path, "no such file or folder")
        if os.path.isdir(path):
            history = History(path, Path(os.path.abspath(path)).name, _folder_versions(path))
        elif not os.path.isfile(path):
            raise HistoryError(path, "is not a regular file")
        else:
            top, versions = _git_versions(path)
            history = History(path, os.path.basename(path), versions, repo=top)
    if len(history.versions) < 2:
        raise HistoryError(history.path, "has only one version: there is nothing to compare it with")
    return history


# ----------------------------------------------------------------------------------------------
# Step statistics (``--history --json``)


def step_entry(comparison: Comparison, from_id: str, to_id: str) -> dict[str, object]:
    """One step of ``--history --json``: its words and sections changed, and its changes by class
    (:mod:`policydiff.core.changes`) with the signals of the substantive ones, in reading order
    (``number: 30 days → 3 years``; each listed once)."""
    from policydiff.core.changes import counts

    words = comparison.stats.words
    changes = comparison.changes
    by_class = counts(changes)
    signals: dict[str, None] = {}
    for change in changes:
        if change.change_class == "substantive":
            signals.update((str(signal), None) for signal in change.signals)
    return {
        "from": from_id,
        "to": to_id,
        "identical": comparison.identical,
        "words_inserted": words.words_inserted,
        "words_deleted": words.words_deleted,
        "sections_changed": sum(1 for p in comparison.pairs if p.kind is not Kind.UNCHANGED),
        "changes_substantive": by_class["substantive"],
        "changes_editorial": by_class["editorial"],
        "changes_cosmetic": by_class["cosmetic"],
        "signals": list(signals),
    }


def _unchanged_entry(from_id: str, to_id: str) -> dict[str, object]:
    """The step between two versions of the very same text."""
    return {"from": from_id, "to": to_id, "identical": True, "words_inserted": 0, "words_deleted": 0,
            "sections_changed": 0, "changes_substantive": 0, "changes_editorial": 0, "changes_cosmetic": 0,
            "signals": []}


MAX_REMEMBERED_LINES = 200_000
"""Lines whose word counts :func:`_count_words` remembers at most (all forgotten past it)."""


def _count_words(doc: Document, remembered: dict[str, int] | None = None) -> int:
    """A version's words. No word spans a line break, so a reading's words are its lines' words:
    ``remembered`` (line -> its words) spares counting again the lines versions share."""
    from policydiff.core.worddiff import count_words

    if not doc.reading:
        return sum(count_words(s.title) + count_words(s.body) for s in doc.flat())
    if remembered is None:
        return count_words(doc.reading)
    if len(remembered) > MAX_REMEMBERED_LINES:
        remembered.clear()
    total = 0
    for line in doc.reading.split("\n"):
        words = remembered.get(line)
        if words is None:
            words = remembered[line] = count_words(line)
        total += words
    return total


class _Reader:
    """Reads the versions of one history: each text parsed once, and so is a text that reads as
    one read before (:func:`reading_key`: only its links' queries or fragments differ), the few
    last ones kept, so that a version restored soon after is not parsed again; markdown-it's inline
    parses remembered from one version to the next (:mod:`policydiff.core.inline_memo`: a version
    shares nearly all its paragraphs with the one before)."""

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self.documents: OrderedDict[str | bytes, Document] = OrderedDict()
        self.parsed = 0
        self.paragraph_keys: dict[str, str] = {}
        self.paragraph_wordings: dict[str, str] = {}
        self.line_words: dict[str, int] = {}
        """Line of a reading -> its words (:func:`_count_words`)."""

    def document(self, text: str, name: str, key: bytes | None = None) -> Document:
        """The version of ``text``; ``key``: its reading key's digest (of :func:`reading_key`), when
        the one who sent the text has made it already."""
        from policydiff.core.structure import parse_document

        known: str | bytes = key or reading_key(text, self.paragraph_keys)
        doc = self.documents.get(known)
        if doc is None:
            doc = self.documents[known] = parse_document(text, name=name)
            self.parsed += 1
            while len(self.documents) > self.keep:
                self.documents.popitem(last=False)
        else:
            self.documents.move_to_end(known)
        return doc


class _StepCounter:
    """The counts of consecutive steps.

    A step's counts (words inserted and deleted, sections changed, changes by class) depend on the
    two versions only through their sections (the comparison reads nothing else of a document but
    its reading, for the verdict): a step whose two section lists were seen together before gets
    the same counts without a second comparison, and a step that keeps its section list as it was
    (most steps of a long history change only markup or links) counts nothing changed without
    any; the verdict (``identical``) still reads each step's own texts."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.counted: dict[tuple[tuple[object, ...], tuple[object, ...]], dict[str, object]] = {}

    def step(self, old: Document, new: Document, same_text: bool, from_id: str, to_id: str) -> dict[str, object]:
        """The step from ``old`` to ``new`` (``same_text``: their texts are the same)."""
        from policydiff.core.compare import compare

        if same_text:
            return _unchanged_entry(from_id, to_id)
        key = (old.flat(), new.flat())
        if old is new or key[0] == key[1]:
            # The same sections, each with its title and text (only markup, links or lines set
            # aside changed): every section is its own counterpart, unchanged; nothing to compare.
            return dict(_unchanged_entry(from_id, to_id), identical=self.same_words(old, new))
        seen = self.counted.get(key)
        if seen is None:
            entry = self.counted[key] = step_entry(compare(old, new, options=self.options), from_id, to_id)
            return entry
        entry = dict(seen, identical=self.same_words(old, new))
        entry.update({"from": from_id, "to": to_id})
        return entry

    def same_words(self, old: Document, new: Document) -> bool:
        """The verdict (:func:`~policydiff.core.compare.have_same_words`); two versions that read
        the same (one document read for both: their texts differ only in links' addresses) have
        the same words without a look at them."""
        from policydiff.core.compare import have_same_words

        return old is new or bool(old.reading and old.reading == new.reading) or have_same_words(
            old, new, self.options)


@dataclass
class _ChunkResult:
    """What a worker sends back for a run of consecutive versions."""

    words: list[int]
    steps: list[dict[str, object]]
    """The steps between the run's versions (one fewer than its versions)."""
    first: Document
    last: Document
    """The run's first and last versions, read: the steps between runs are counted from them, so
    that no version is parsed twice."""
    parsed: int


@dataclass
class _ReadResult:
    """What a worker sends back for a run of consecutive versions read for the since-when index."""

    readings: list[Reading | None]
    """Per version, how it reads (:func:`reading_of`), None when it reads as the one before it in
    the run (most versions: a link's address changed)."""
    parsed: int


_WORKER_READER: _Reader | None = None
"""A worker process's reader: its remembered parses serve every run it is given."""
_WORKER_MEMO: AbstractContextManager[object] | None = None
_WORKER_UNCHANGED: AbstractContextManager[None] | None = None


def _start_worker() -> None:
    """A worker process's start: its parsers remember their inline parses for as long as it lives
    (a pool that first reads a history for the since-when index, then counts its steps, parses
    nearly every paragraph's inline markup once)."""
    global _WORKER_READER, _WORKER_MEMO, _WORKER_UNCHANGED
    from policydiff.core.compare import remembered_unchanged
    from policydiff.core.inline_memo import remembered_inline
    from policydiff.core.structure import MARKDOWN_PARSERS

    # Kept: the context, once collected, would close and give the parsers their own rule back.
    _WORKER_MEMO = remembered_inline(MARKDOWN_PARSERS)
    _WORKER_MEMO.__enter__()
    _WORKER_READER = _Reader()
    # The sections a step leaves as they were: each one's diff against itself made once per worker.
    _WORKER_UNCHANGED = remembered_unchanged()
    _WORKER_UNCHANGED.__enter__()


def _chunk_job(args: tuple[list[str], list[str], Options]) -> _ChunkResult:
    """Consecutive versions (ids, texts) -> their word counts and the steps between them (one
    worker process; each distinct text parsed once)."""
    with collector.paused():  # the parser and the comparison leave no reference cycles
        ids, texts, options = args
        return _chunk_steps(ids, texts, options, reader=_WORKER_READER or _Reader())


def _read_job(args: tuple[list[str], list[str]]) -> _ReadResult:
    """Consecutive versions (ids, texts) -> how each reads (one worker process; nothing compared)."""
    with collector.paused():
        ids, texts = args
        return _read_run(ids, texts, reader=_WORKER_READER or _Reader())


@dataclass(frozen=True)
class _KeyedRun:
    """Consecutive versions to count, with what the parent knows of them already: which read as
    the one before (their texts are not sent, their document is the one before's) and which have
    the one before's very text."""

    ids: list[str]
    texts: list[bytes | None]
    """Each version's bytes, undecoded; None: the version reads as the one before it (its text is
    not needed)."""
    keys: list[bytes]
    """Each version's reading key digest (of :func:`reading_key`)."""
    same_text: list[bool]
    """Whether a version's text is the one before's (never for the first)."""
    options: Options


def _keyed_chunk_job(run: _KeyedRun) -> _ChunkResult:
    """A :class:`_KeyedRun` -> its word counts and the steps between its versions (one worker process)."""
    with collector.paused():  # the parser and the comparison leave no reference cycles
        texts = [None if data is None else _decoded(name, data) for name, data in zip(run.ids, run.texts)]
        return _chunk_steps(run.ids, texts, run.options, reader=_WORKER_READER or _Reader(), keys=run.keys,
                            same_text=run.same_text)


def _chunk_steps(ids: list[str], texts: Sequence[str | None], options: Options, reader: _Reader | None = None,
                 keys: Sequence[bytes] | None = None, same_text: Sequence[bool] | None = None) -> _ChunkResult:
    """Consecutive versions -> their words and the steps between them. ``keys`` (their reading key
    digests), when known, spare reading again a version that reads as the one before (its text may
    then be None) and working out each key; ``same_text`` spares comparing texts."""
    reader = reader or _Reader()
    parsed = reader.parsed
    counter = _StepCounter(options)
    words: list[int] = []
    steps: list[dict[str, object]] = []

    def read(k: int) -> Document:
        text = texts[k]
        assert text is not None
        return reader.document(text, ids[k], keys[k] if keys is not None else None)

    first = previous = read(0)
    for k in range(len(ids)):
        if k == 0:
            doc = previous
        elif keys is not None and keys[k] == keys[k - 1]:
            doc = previous  # reads as the version before: the reader would give its document again
        else:
            doc = read(k)
        if k and doc.reading and doc.reading == previous.reading:
            words.append(words[-1])  # the same words: no need to count them again
        else:
            words.append(_count_words(doc, reader.line_words))
        if k:
            same = same_text[k] if same_text is not None else texts[k - 1] == texts[k]
            steps.append(counter.step(previous, doc, same, ids[k - 1], ids[k]))
        previous = doc
    return _ChunkResult(words, steps, first, previous, reader.parsed - parsed)


def _read_run(ids: list[str], texts: list[str], reader: _Reader) -> _ReadResult:
    parsed = reader.parsed
    readings: list[Reading | None] = []
    before: Reading | None = None
    for k, (name, text) in enumerate(zip(ids, texts)):
        if k and text == texts[k - 1]:
            readings.append(None)
            continue
        reading = reading_of(reader.document(text, name))
        readings.append(None if k and reading == before else reading)
        before = reading
    return _ReadResult(readings, reader.parsed - parsed)


def workers_available() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined, unused-ignore]
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def reader_pool(workers: int | None = None, *, spawn: bool = False) -> ProcessPoolExecutor:
    """A pool of worker processes that read versions (their inline parses remembered for as long
    as they live): forked from a process with one thread, else (or when ``spawn``: a window, whose
    toolkit runs threads Python does not count) spawned: a fork copies no thread, so a lock another
    thread held would stay held in the child."""
    import multiprocessing

    fork = not spawn and sys.platform.startswith("linux") and threading.active_count() == 1
    method = "fork" if fork else "spawn"
    return ProcessPoolExecutor(max_workers=workers or workers_available(),
                               mp_context=multiprocessing.get_context(method), initializer=_start_worker)


_Run = TypeVar("_Run")
_Result = TypeVar("_Result")


def _runs_of(n: int, workers: int) -> list[int]:
    """Where the runs of consecutive versions start: a few runs per worker, for balance and progress."""
    runs = max(1, min(n // 2, workers * 3))
    size = -(-n // runs)
    return list(range(0, n, size))


RUNS_PER_WORKER = 4
"""Runs of consecutive versions per worker when they are cut by their work: enough that the last
one a worker takes is short, few enough that their boundaries cost little."""


COMPARE_WEIGHT = 1.5
"""A step's comparison against the parse of its new version, per character (the fitted pairing and
the word diffs of a 140 KB policy: ~0.2 s per 135 KB compared, ~1 s per MB parsed; cProfile of the
Facebook privacy policy's history)."""


def _work_of(keys: Sequence[object], wordings: Sequence[object], lengths: Sequence[int]) -> list[float]:
    """Each version's work, estimated: its length when it reads otherwise than the one before (it is
    parsed), and :data:`COMPARE_WEIGHT` times more when its words (link addresses set aside) differ
    too (its step is compared, not only read); next to none when it reads the same."""
    work: list[float] = []
    for i, length in enumerate(lengths):
        if i and keys[i] == keys[i - 1]:
            work.append(1.0)
        else:
            work.append(1.0 + length * (1.0 + (COMPARE_WEIGHT if i and wordings[i] != wordings[i - 1] else 0.0)))
    return work


def _runs_by_work(keys: Sequence[object], work: Sequence[float], workers: int) -> list[int]:
    """Where the runs of consecutive versions start, cut so that each holds about as much ``work``
    (per version: :func:`_work_of`): in a long history most of the work is in a few stretches of
    many real changes, so runs of equal counts leave one worker with most of it. A run starts,
    where it can near its share, at a version that reads as the one before (``keys``), so that the
    step between two runs is counted without a comparison (their boundary documents have the same
    sections)."""
    n = len(work)
    runs = max(1, min(n // 2, workers * RUNS_PER_WORKER))
    if runs == 1:
        return [0]
    cumulative = [0.0]
    for cost in work:
        cumulative.append(cumulative[-1] + cost)
    total = cumulative[-1]
    share = total / runs
    starts = [0]
    for r in range(1, runs):
        target = share * r
        at = bisect.bisect_left(cumulative, target, lo=starts[-1] + 1, hi=n - 1)
        best = at
        slack = share / 4  # how far from its share a run may end, to start the next at a quiet step
        for s in range(at, starts[-1], -1):
            if target - cumulative[s] > slack:
                break
            if keys[s] == keys[s - 1]:
                best = s
                break
        if keys[best] != keys[best - 1]:
            for s in range(at + 1, n):
                if cumulative[s] - target > slack:
                    break
                if keys[s] == keys[s - 1]:
                    best = s
                    break
        if starts[-1] < best < n:
            starts.append(best)
    return starts


def _work_runs(here: Callable[[_Run, _Reader], _Result], pooled: Callable[[_Run], _Result], runs: list[_Run],
               longest_first: list[int], workers: int, pool: Executor | None,
               done: Callable[[int, _Result], None]) -> None:
    """Every run worked on: in ``pool``, else in a pool of ``workers`` processes (longest runs first,
    so that no long run is left running alone at the end), else here when one worker or one run
    (the parsers remembering their inline parses meanwhile). ``done(k, result)`` is called in this
    thread as each run is done."""
    if pool is None and (workers <= 1 or len(runs) == 1):
        from policydiff.core.inline_memo import remembered_inline
        from policydiff.core.structure import MARKDOWN_PARSERS

        reader = _Reader()
        with remembered_inline(MARKDOWN_PARSERS), collector.paused():
            for k, run in enumerate(runs):
                done(k, here(run, reader))
        return
    owned = reader_pool(workers) if pool is None else None
    try:
        executor = pool or owned
        assert executor is not None
        futures = {executor.submit(pooled, runs[k]): k for k in longest_first}
        for future in as_completed(futures):
            done(futures[future], future.result())
    finally:
        if owned is not None:
            owned.shutdown(cancel_futures=True)


@dataclass
class HistoryCounts:
    """What ``--history --json`` and the window's timeline show of every version and step."""

    words: list[int]
    """Per version, its number of words."""
    steps: list[dict[str, object]]
    """Per step (version ``k`` to ``k + 1``), its entry (:func:`step_entry`)."""
    parsed: int = 0
    """How many texts were parsed (each distinct text of a run once)."""
    options: Options = Options()


RunCounted = Callable[[int, list[int], list[dict[str, object]]], None]
"""run_counted(first version, its run's words, the steps within the run): called as each run of
consecutive versions is counted (from the thread counting), so a view can show them at once."""


def _all_texts(history: History) -> tuple[list[str], list[str]]:
    """(ids, texts) of every version."""
    texts = [""] * len(history.versions)
    for i, text in history.texts():
        texts[i] = text
    return [v.id for v in history.versions], texts


def count_history(history: History, *, options: Options = Options(), workers: int | None = None,
                  progress: Progress | None = None, run_counted: RunCounted | None = None,
                  pool: Executor | None = None) -> HistoryCounts:
    """Every version's words and every consecutive step's counts.

    In a process pool (``pool``, else one of ``workers``): the versions are read here in batches
    and each batch decoded and keyed in the pool as soon as it is read (:func:`reading_key`:
    which versions read as the one before); then cut into runs of consecutive versions holding
    about as much work each (:func:`_runs_by_work`), a few per worker, longest first; a worker
    parses each distinct reading of its runs once, remembering its inline parses from one version
    to the next, and is sent only the texts it parses. The step between two runs is counted from
    the runs' first and last versions sent back. With one worker, all of it here, in order."""
    n = len(history.versions)
    workers = workers or workers_available()
    if pool is not None or (workers > 1 and n > 3):
        return _count_pooled(history, options, workers, pool, progress, run_counted)
    ids, texts = _all_texts(history)
    starts = _runs_of(n, workers)
    chunks = [(ids[s:e], texts[s:e], options) for s, e in zip(starts, starts[1:] + [n])]
    total_steps = n - 1
    results: list[_ChunkResult] = []
    done = 0
    if progress:  # every version has been read (an unreadable one has failed, before any output)
        progress(0, total_steps)

    def counted(k: int, result: _ChunkResult) -> None:
        nonlocal done
        results.append(result)
        if run_counted:
            run_counted(starts[k], result.words, result.steps)
        done += len(chunks[k][0]) - 1
        if progress:
            progress(done, total_steps)

    _work_runs(lambda chunk, reader: _chunk_steps(*chunk, reader=reader), _chunk_job, chunks,
               list(range(len(chunks))), 1, None, counted)
    counter = _StepCounter(options)
    words: list[int] = []
    steps: list[dict[str, object]] = []
    for k, result in enumerate(results):
        if k:  # the step between two runs
            s = starts[k]
            steps.append(counter.step(results[k - 1].last, result.first, texts[s - 1] == texts[s], ids[s - 1], ids[s]))
        words.extend(result.words)
        steps.extend(result.steps)
    if progress and len(chunks) > 1:
        progress(total_steps, total_steps)
    return HistoryCounts(words, steps, sum(r.parsed for r in results), options)


_Prepared = tuple[bytes, bytes, int]
"""A version read and keyed in a worker: (its reading key's digest, its wording's digest
(:func:`_wording_estimate`), its length)."""
_Unreadable = tuple[str, str]
"""A version that cannot be decoded: (its description, the problem), for a :class:`HistoryError`."""


def _prepare_job(args: tuple[list[str], list[bytes]]) -> list[_Prepared | _Unreadable]:
    """A batch of versions (their descriptions and bytes) decoded and keyed (one worker process)."""
    described, datas = args
    reader = _WORKER_READER or _Reader()
    prepared: list[_Prepared | _Unreadable] = []
    before = wording = b""
    for name, data in zip(described, datas):
        try:
            text = _decoded(name, data)
        except HistoryError as error:
            prepared.append((name, error.reason))
            continue
        read_as = reading_key(text, reader.paragraph_keys)
        key = _digest(read_as)
        if key != before:  # (a version that reads as the one before has its words)
            wording = _digest(_wording_estimate(read_as, reader.paragraph_wordings))
        prepared.append((key, wording, len(text)))
        before = key
    return prepared


_LINK_DESTINATION = re.compile(r"\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")


def _wording_estimate(text: str, remembered: dict[str, str]) -> str:
    """``text`` with its inline links' addresses cut: an estimate of whether two versions have other
    words, for sharing the work (never for a count)."""
    if len(remembered) > MAX_REMEMBERED_PARAGRAPHS:
        remembered.clear()
    parts = _BLANK_LINES.split(text)
    for k, part in enumerate(parts):
        if k % 2 == 0:
            cut = remembered.get(part)
            if cut is None:
                cut = remembered[part] = _LINK_DESTINATION.sub("]", part)
            parts[k] = cut
    return "".join(parts)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()


def _count_pooled(history: History, options: Options, workers: int, pool: Executor | None,
                  progress: Progress | None, run_counted: RunCounted | None) -> HistoryCounts:
    """:func:`count_history` in a process pool."""
    n = len(history.versions)
    ids = [v.id for v in history.versions]
    owned = reader_pool(workers) if pool is None else None
    try:
        executor = pool or owned
        assert executor is not None
        raw: list[bytes] = []
        batches: list[Future[list[_Prepared | _Unreadable]]] = []
        for indices, datas in history.raw_batches():
            raw.extend(datas)
            batches.append(executor.submit(_prepare_job, ([history.describe(i) for i in indices], datas)))
        keys: list[bytes] = []
        wordings: list[bytes] = []
        lengths: list[int] = []
        for batch in batches:
            for item in batch.result():
                if isinstance(item[0], str):
                    raise HistoryError(item[0], str(item[1]))
                key, wording, length = item
                assert isinstance(key, bytes) and isinstance(length, int)
                keys.append(key)
                wordings.append(wording)
                lengths.append(length)
        del batches
        # The same bytes, the same text (a text that is the one before's in other bytes, a newline
        # or an encoding changed, reads as it: the same step, counted as one that changed nothing).
        same_bytes = [i > 0 and raw[i] == raw[i - 1] for i in range(n)]
        costs = _work_of(keys, wordings, lengths)
        starts = _runs_by_work(keys, costs, workers)
        ends = starts[1:] + [n]
        runs = [_KeyedRun(ids[s:e], [raw[i] if i == s or keys[i] != keys[i - 1] else None for i in range(s, e)],
                          keys[s:e], [i > s and same_bytes[i] for i in range(s, e)], options)
                for s, e in zip(starts, ends)]
        work = [sum(costs[s:e]) for s, e in zip(starts, ends)]
        del raw
        total_steps = n - 1
        if progress:  # every version has been read (an unreadable one has failed, before any output)
            progress(0, total_steps)
        results: list[_ChunkResult | None] = [None] * len(runs)
        between: dict[int, dict[str, object]] = {}
        """Run k -> the step from the run before it into it, once counted."""
        counter = _StepCounter(options)
        done = 0
        jobs: dict[Future[Any], tuple[bool, int]] = {
            executor.submit(_keyed_chunk_job, runs[k]): (True, k) for k in sorted(range(len(runs)),
                                                                                   key=lambda k: -work[k])}
        del runs
        pending: set[Future[Any]] = set(jobs)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                is_run, k = jobs.pop(future)
                if not is_run:
                    between[k] = future.result()
                    done += 1
                else:
                    result = future.result()
                    assert isinstance(result, _ChunkResult)
                    results[k] = result
                    if run_counted:
                        run_counted(starts[k], result.words, result.steps)
                    done += len(result.words) - 1
                    for b in (k, k + 1):  # the steps between this run and its neighbours, once both are counted
                        if not (0 < b < len(results)):
                            continue
                        before, after, s = results[b - 1], results[b], starts[b]
                        if before is None or after is None:
                            continue
                        if same_bytes[s] or before.last.flat() == after.first.flat():
                            # nothing to compare: counted here
                            between[b] = counter.step(before.last, after.first, same_bytes[s],
                                                      ids[s - 1], ids[s])
                            done += 1
                            continue
                        step = executor.submit(_step_job, (before.last, after.first, ids[s - 1], ids[s], options))
                        jobs[step] = (False, b)
                        pending.add(step)
                if progress:
                    progress(min(done, total_steps - 1), total_steps)
    finally:
        if owned is not None:
            owned.shutdown(cancel_futures=True)
    words: list[int] = []
    steps: list[dict[str, object]] = []
    for k, counted in enumerate(results):
        assert counted is not None
        if k:
            steps.append(between[k])
        words.extend(counted.words)
        steps.extend(counted.steps)
    if progress:
        progress(total_steps, total_steps)
    return HistoryCounts(words, steps, sum(r.parsed for r in results if r is not None), options)


def _step_job(args: tuple[Document, Document, str, str, Options]) -> dict[str, object]:
    """The step between two runs' boundary versions (read already, with different texts) in one
    worker process."""
    old, new, from_id, to_id, options = args
    with collector.paused():
        return _StepCounter(options).step(old, new, False, from_id, to_id)


_LINK_ADDRESS = re.compile(r"\]\(([^\s()<>\[\]|\\`\"'*]*?)([?#][^\s()<>\[\]|\\`\"'*]*)?\)")
"""An inline link's address: ``](path)``, then its query or fragment, if any (no space, quote,
bracket, star or backslash in it: an address with a title, escapes or marks that could mean
emphasis were it not an address is left as it is)."""

_LONG_CODE_OR_HTML = re.compile(r"```|~~~|<(?:!|\?|pre|script|style|textarea)", re.IGNORECASE)
"""Code fences and the raw HTML blocks that run over blank lines (comments, ``<pre>``, scripts)."""
_BLANK_LINES = re.compile(r"(\n[ \t]*\n)")
_HTML_LINE = re.compile(r"^ {0,3}<", re.MULTILINE)
"""A line that may open an HTML block (inline HTML, a ``<br>`` in a line, leaves links links)."""

MAX_REMEMBERED_PARAGRAPHS = 50_000
"""Paragraphs whose keys :func:`reading_key` remembers at most (all forgotten past it)."""


def reading_key(text: str, remembered: dict[str, str] | None = None) -> str:
    """``text`` with each inline link's query and fragment cut to their first character: two
    versions with the same key read alike (the reader keeps a link's words, and looks at its address
    only for where it points: an anchor ``#…``, a web address ``http…``). Archived web pages
    change these on every capture (a redirector's signature, a tracking parameter): most versions
    of a long history differ from the one before in nothing else.

    Where an address may stand as words, it is kept whole: in a paragraph (a stretch between blank
    lines) holding code or a line opening with a tag, and anywhere in a text holding a code fence
    or an HTML block that runs over blank lines. ``remembered`` (paragraph -> its key) spares the
    work on the paragraphs versions share."""
    if _LONG_CODE_OR_HTML.search(text) or looks_like_html(text):
        return text  # a web page's text is words wherever markdown's link syntax stands in it
    parts = _BLANK_LINES.split(text)  # paragraphs, with the blank lines between them
    if remembered is None:
        return "".join([_cut_addresses(part) if k % 2 == 0 else part for k, part in enumerate(parts)])
    if len(remembered) > MAX_REMEMBERED_PARAGRAPHS:
        remembered.clear()
    keys = []
    for k, part in enumerate(parts):
        if k % 2:
            keys.append(part)
            continue
        key = remembered.get(part)
        if key is None:
            key = remembered[part] = _cut_addresses(part)
        keys.append(key)
    return "".join(keys)


def _cut_addresses(paragraph: str) -> str:
    """A paragraph's link addresses cut (:func:`reading_key`), unless one may be words: in code
    (inline), an HTML block, or after no ``[`` of its own (a link text cut by a blank line is no link)."""
    if "](" not in paragraph or "`" in paragraph or _HTML_LINE.search(paragraph):
        return paragraph
    kept: list[str] = []
    at = 0
    for match in _LINK_ADDRESS.finditer(paragraph):
        if "[" not in paragraph[at:match.start()]:
            return paragraph
        kept.append(paragraph[at:match.start()])
        kept.append(f"]({match.group(1)}{(match.group(2) or '')[:1]})")
        at = match.end()
    kept.append(paragraph[at:])
    return "".join(kept)


def read_history(history: History, *, workers: int | None = None, progress: Progress | None = None,
                 pool: Executor | None = None) -> SinceIndex:
    """The since-when index: every version read by the reader (the Document the window shows),
    nothing compared. A version that differs from the one before only in its links' queries and
    fragments (:func:`reading_key`) reads as it and is not read again; the others are read in runs
    of consecutive versions in a process pool (``pool``, else one of ``workers``), each distinct
    text of a run parsed once. Progress counts versions."""
    n = len(history.versions)
    ids, texts = _all_texts(history)
    remembered: dict[str, str] = {}
    keys = [reading_key(t, remembered) for t in texts]
    del remembered
    wanted = [i for i in range(n) if i == 0 or keys[i] != keys[i - 1]]
    del keys
    workers = workers or workers_available()
    starts = _runs_of(len(wanted), workers)
    ends = starts[1:] + [len(wanted)]
    runs = [([ids[i] for i in wanted[s:e]], [texts[i] for i in wanted[s:e]]) for s, e in zip(starts, ends)]
    covered = [(wanted[e] if e < len(wanted) else n) - wanted[s] for s, e in zip(starts, ends)]
    longest_first = sorted(range(len(runs)), key=lambda k: -sum(len(t) for t in runs[k][1]))
    results: list[_ReadResult | None] = [None] * len(runs)
    done = 0
    if progress:
        progress(0, n)

    def read(k: int, result: _ReadResult) -> None:
        nonlocal done
        results[k] = result
        done += covered[k]
        if progress:
            progress(done, n)

    _work_runs(lambda run, reader: _read_run(*run, reader=reader), _read_job, runs, longest_first, workers, pool,
               read)
    started = time.perf_counter()
    readings: dict[int, Reading | None] = {}
    for s, result in zip(starts, results):
        assert result is not None
        readings.update(zip(wanted[s:], result.readings))
    index = SinceIndex(parsed=sum(r.parsed for r in results if r is not None))
    last: Reading | None = None
    for v in range(n):
        last = readings.get(v) or last
        assert last is not None
        index.add(last)
    index.seconds = time.perf_counter() - started
    return index


def history_json(history: History, *, options: Options = Options(), workers: int | None = None,
                 progress: Progress | None = None) -> dict[str, object]:
    """``--history --json``: every version (id, date, words) and every consecutive step's counts
    (:func:`count_history`)."""
    counted = count_history(history, options=options, workers=workers, progress=progress)
    return {
        "path": history.path,
        "versions": [{"id": v.id, "date": v.date, "words": w} for v, w in zip(history.versions, counted.words)],
        "steps": counted.steps,
    }


# ----------------------------------------------------------------------------------------------
# Since when

_WORD = re.compile(r"[^\W_]+")


def wording_key(text: str) -> str:
    """The words of ``text`` in order (punctuation, markup and spacing aside): two passages have the
    same wording when their keys are equal."""
    return " ".join(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    """The sentences of a passage as the change classification cuts them
    (:func:`policydiff.core.changes.sentence_spans`), those holding a word."""
    from policydiff.core.changes import sentence_spans

    return [text[a:b] for a, b in sentence_spans(text) if _WORD.search(text[a:b])]


Reading = tuple[str, tuple[str, ...]]
"""A version as the reader read it: its reading (``Document.reading``: title, headings and every
paragraph and list item, one a line, markup resolved) and its sections' titles."""


def reading_of(doc: Document) -> Reading:
    return doc.reading, tuple(s.title for s in doc.flat() if s.title)


@dataclass
class SinceIndex:
    """Where each wording first appeared: for every paragraph (a line of a version's reading: a
    paragraph, a list item or a heading, as the reader recovered it) and sentence of every version,
    the oldest version holding it, wherever it stood (so text that moved keeps its age).

    Also each version's lines (as ids), from which a section's history and a quick size of each
    step are read without comparing anything."""

    first_line: dict[str, int] = field(default_factory=dict)
    """Wording key of a line -> index of the first version holding it."""
    first_sentence: dict[str, int] = field(default_factory=dict)
    line_ids: dict[str, int] = field(default_factory=dict)
    """Wording key -> line id."""
    line_words: list[int] = field(default_factory=list)
    """Line id -> its number of words."""
    headings: set[int] = field(default_factory=set)
    """Ids of lines that are a section's title in some version."""
    lines: list[array] = field(default_factory=list)  # type: ignore[type-arg]
    """Per version, its lines' ids in order."""
    step_words: list[tuple[int, int]] = field(default_factory=list)
    """Per version, (words in lines added, words in lines removed) since the version before: a
    quick size of each step, counted by whole lines."""
    words: list[int] = field(default_factory=list)
    """Per version, its number of words (counted by lines as read)."""
    parsed: int = 0
    """How many texts were parsed to build it (each distinct text of a run of versions once)."""
    seconds: float = 0.0
    """Time spent adding the versions' readings (after they were read)."""
    _previous: Counter[int] = field(default_factory=Counter, repr=False)
    _last: Reading | None = field(default=None, repr=False)
    _by_line: dict[str, int] = field(default_factory=dict, repr=False)
    """A line as read -> its line id (-1: no word): a version repeats nearly every line of the one
    before, so most lines are looked up as they are, their wording key made once."""

    @classmethod
    def build(cls, history: History, progress: Progress | None = None) -> SinceIndex:
        """Every version read (:func:`read_history`: the reader's Document, each distinct text
        parsed once, in worker processes)."""
        return history.since_index(progress)

    def add(self, reading: Reading) -> None:
        """Add the next version."""
        v = len(self.lines)
        if reading == self._last:  # read as the version before: the same lines
            self.lines.append(self.lines[-1])
            self.words.append(self.words[-1])
            self.step_words.append((0, 0))
            return
        self._last = reading
        text, titles = reading
        first_line, first_sentence, line_ids, line_words, by_line = (
            self.first_line, self.first_sentence, self.line_ids, self.line_words, self._by_line)
        ids = array("i")
        for line in text.split("\n"):
            lid = by_line.get(line)
            if lid is None:
                key = wording_key(line)
                if not key:
                    lid = by_line[line] = -1
                else:
                    lid = line_ids.get(key)
                    if lid is None:
                        lid = line_ids[key] = len(line_words)
                        line_words.append(key.count(" ") + 1)
                        first_line[key] = v
                        for sentence in sentences(line):
                            first_sentence.setdefault(wording_key(sentence), v)
                    by_line[line] = lid
            if lid >= 0:
                ids.append(lid)
        for title in titles:
            tid = line_ids.get(wording_key(title))
            if tid is not None:
                self.headings.add(tid)
        self.lines.append(ids)
        self.words.append(sum(line_words[k] for k in ids))
        now = Counter(ids)
        added, removed = now - self._previous, self._previous - now
        self.step_words.append((sum(line_words[k] * c for k, c in added.items()),
                                sum(line_words[k] * c for k, c in removed.items())) if v else (0, 0))
        self._previous = now

    def since(self, text: str) -> tuple[int, bool] | None:
        """(index of the version in which this wording first appeared, exact) for a paragraph as
        shown: exact when the paragraph is found whole; else dated by its newest sentence (exact
        False). None when neither is found (e.g. text the structure recovery assembled)."""
        plain = text
        key = wording_key(plain)
        if not key:
            return None
        found = self.first_line.get(key)
        if found is not None:
            return found, True
        dates = [self.first_sentence.get(wording_key(s)) for s in sentences(plain)]
        known = [d for d in dates if d is not None]
        if not known:
            return None
        return max(known), False

    def section_history(self, title: str, upto: int) -> list[tuple[int, str]]:
        """(version index, what happened) for the section titled ``title``, versions 0..``upto``:
        ``appeared``, ``changed``, ``gone`` (its title is no longer found), ``back``. Tracked by
        its title's wording; its text runs to the next heading."""
        tid = self.line_ids.get(wording_key(title))
        if tid is None:
            return []
        events: list[tuple[int, str]] = []
        before: tuple[int, ...] | None = None
        seen = False
        for v in range(min(upto, len(self.lines) - 1) + 1):
            ids = self.lines[v]
            try:
                at = ids.index(tid)
            except ValueError:
                if before is not None:
                    events.append((v, "gone"))
                before = None
                continue
            end = at + 1
            while end < len(ids) and ids[end] not in self.headings:
                end += 1
            body = tuple(ids[at:end])
            if before is None:
                events.append((v, "back" if seen else "appeared"))
            elif body != before:
                events.append((v, "changed"))
            before, seen = body, True
        return events
