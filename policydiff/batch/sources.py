"""Where the versions are: a git repository's history or a folder of version folders.

Listing happens once, on the machine that runs the command; reading happens on the workers
(:func:`read_version`), from the same paths, so a cluster needs the sources on a shared file system.
A version is small (a few strings): a million of them fit in the client's memory.
"""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from policydiff.core.gitread import GitError, GitMissing, run_git, start_git

EXTENSIONS = (".md", ".txt", ".html")
"""The file types compared (a ``.htm`` is a saved page too)."""
_SUFFIXES = EXTENSIONS + (".htm", ".markdown")


class SourceError(Exception):
    """A SOURCE that is neither a git repository nor a folder of version folders (one line)."""


@dataclass(frozen=True, slots=True)
class Version:
    """One recorded version of one document, and how a worker reads its bytes."""

    document: str
    """The document's name: its path in the repository, or its folder below SOURCE."""
    id: str
    """The commit (git) or the file name (folders)."""
    date: str
    """The commit date (ISO 8601) or the file name without its extension."""
    repo: str | None
    """The git repository holding the blob (absolute), or None for a file."""
    ref: str
    """The blob id (git) or the file's absolute path."""
    name: str
    """The file name the engine sees (its extension tells a saved page from markdown)."""
    size: int = 0
    """Bytes, as listed: the longest chains are sent first, so no worker is left with one at the end."""


@dataclass(frozen=True, slots=True)
class Pair:
    """Two consecutive versions of one document."""

    old: Version
    new: Version

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the pair in the output (for ``--resume``): document, from id, to id."""
        return (self.new.document, self.old.id, self.new.id)


def _wanted(path: str) -> bool:
    return path.lower().endswith(_SUFFIXES)


def is_git_repository(path: Path) -> bool:
    """A work tree's top folder (it has ``.git``) or a bare repository; a folder that merely lies
    inside some work tree is read as a folder of versions."""
    if (path / ".git").exists():
        return True
    if not (path / "HEAD").is_file() or not (path / "objects").is_dir():
        return False
    try:
        found = run_git(["rev-parse", "--is-bare-repository"], str(path), check=False)
    except GitError:
        return False
    return found.returncode == 0 and found.stdout.strip() == b"true"


def git_versions(repo: Path) -> dict[str, list[Version]]:
    """Every version of every ``.md``/``.txt``/``.html`` file in the history of HEAD, oldest first.

    One ``git log`` over the first-parent history (merges as their change to the main line) gives,
    per commit, the blob of each file it added or modified; deletions end nothing (a file that comes
    back continues from its last version). Symbolic links and submodules are not documents.
    """
    root = str(repo.resolve())
    try:
        if not run_git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root, check=False).stdout.strip():
            raise SourceError(f"{repo}: a git repository with no commits: it has no history to compare")
        out = run_git(["log", "--first-parent", "--reverse", "--raw", "--no-renames",
                       "--no-abbrev", "-z", "--format=%x01%H %cI"], root).stdout
    except GitMissing:
        raise SourceError(f"{repo}: is a git repository, and git is not installed to read it") from None
    except GitError as error:
        raise SourceError(f"{repo}: {error}") from None
    versions: dict[str, list[Version]] = {}
    # Token by token (-z): "\x01commit date", then ":old_mode new_mode old_blob new_blob status" and
    # its path for each file; a path is taken by its place, so no character in it is a separator.
    tokens = out.split(b"\x00")
    commit = date = ""
    k = 0
    while k < len(tokens):
        token = tokens[k].lstrip(b"\n")
        k += 1
        if token.startswith(b"\x01"):
            commit, _, date = token[1:].decode("ascii", "replace").partition(" ")
            continue
        if not token.startswith(b":"):
            continue
        parts = token.decode("ascii", "replace").split()
        path = tokens[k].decode("utf-8", "surrogateescape") if k < len(tokens) else ""
        k += 1
        if len(parts) < 5 or not commit:
            continue
        new_mode, blob, status = parts[1], parts[3], parts[4]
        if status[0] == "D" or new_mode not in ("100644", "100755") or not _wanted(path):
            continue
        versions.setdefault(path, []).append(Version(path, commit, date, root, blob, path.rsplit("/", 1)[-1]))
    sizes = _blob_sizes(root, {v.ref for chain in versions.values() for v in chain})
    return {path: [Version(v.document, v.id, v.date, v.repo, v.ref, v.name, sizes.get(v.ref, 0)) for v in chain]
            for path, chain in versions.items()}


def _blob_sizes(root: str, blobs: set[str]) -> dict[str, int]:
    """Every blob's size from one ``git cat-file --batch-check`` (about a second per million)."""
    if not blobs:
        return {}
    query = ("\n".join(sorted(blobs)) + "\n").encode("ascii")
    listed = run_git(["cat-file", "--batch-check=%(objectname) %(objectsize)"], root, input=query, check=False)
    sizes = {}
    for line in listed.stdout.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


def folder_versions(root: Path) -> dict[str, list[Version]]:
    """``<document>/<date>.md`` below ``root``, at any depth: each folder holding version files is
    one document (named by its path below ``root``, or ``root``'s own name when the versions lie
    directly in it); versions are in file-name order, so ISO dates sort by time. Symbolic links
    (to files or folders) are not followed."""
    base = root.resolve()
    versions: dict[str, list[Version]] = {}
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # A symbolic link is not a version (as in a repository): it would read whatever it points
        # to, in or out of SOURCE.
        names = sorted(f for f in files if _wanted(f) and not f.startswith(".") and not os.path.islink(
            os.path.join(folder, f)))
        if not names:
            continue
        here = Path(folder)
        document = here.relative_to(base).as_posix() if here != base else base.name
        versions[document] = [
            Version(document, name, name.rsplit(".", 1)[0], None, str(here / name), name, _size(here / name))
            for name in names]
    return versions


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def discover(sources: Iterable[str]) -> dict[str, list[Version]]:
    """Every document's versions over all SOURCEs (a document in two sources keeps both histories
    apart: the second is named ``SOURCE:document``)."""
    found: dict[str, list[Version]] = {}
    for source in sources:
        path = Path(source)
        if not path.exists():
            raise SourceError(f"{source}: no such folder")
        if not path.is_dir():
            raise SourceError(f"{source}: not a folder (give a git repository or a folder of version folders)")
        is_git = is_git_repository(path)
        listed = git_versions(path) if is_git else folder_versions(path)
        if not any(len(chain) > 1 for chain in listed.values()):
            raise SourceError(_nothing_to_compare(source, is_git, listed))
        for document, versions in listed.items():
            if document in found:
                document = f"{source}:{document}"
                versions = [Version(document, v.id, v.date, v.repo, v.ref, v.name, v.size) for v in versions]
            found[document] = versions
    return found


def _nothing_to_compare(source: str, is_git: bool, listed: dict[str, list[Version]]) -> str:
    """Why a SOURCE gives no pair, in one line."""
    if is_git:
        return (f"{source}: no .md, .txt or .html file in the history of HEAD has two versions: "
                "nothing to compare")
    if not listed:
        return (f"{source}: holds no .md, .txt or .html file (give a git repository, or a folder of version "
                "folders: DOCUMENT/DATE.md)")
    return (f"{source}: no document has two versions: nothing to compare (a folder of version folders holds "
            "DOCUMENT/DATE.md, two or more dated files in each DOCUMENT folder)")


def consecutive_pairs(versions: dict[str, list[Version]]) -> Iterator[Pair]:
    """Each document's consecutive version pairs, documents in name order."""
    for document in sorted(versions):
        chain = versions[document]
        for old, new in zip(chain, chain[1:]):
            yield Pair(old, new)


# --------------------------------------------------------------------------------------------
# Reading, on the worker


class _CatFile:
    """One ``git cat-file --batch`` per repository and process: a blob costs a pipe round trip
    (~0.2 ms) instead of a process start (~4 ms). Threads of one worker share it under a lock."""

    def __init__(self, repo: str) -> None:
        self.repo = repo
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        try:
            return start_git(["cat-file", "--batch"], self.repo)
        except GitError as error:
            raise OSError(f"cannot read {self.repo}: {error}") from None

    def read(self, blob: str) -> bytes:
        with self.lock:
            for attempt in (1, 2):  # a git that died (killed, repository repacked) is started again
                if self.process is None or self.process.poll() is not None:
                    self.process = self._start()
                stdin, stdout = self.process.stdin, self.process.stdout
                assert stdin is not None and stdout is not None
                try:
                    stdin.write(blob.encode("ascii") + b"\n")
                    stdin.flush()
                    header = stdout.readline().split()
                    if len(header) == 2 and header[1] == b"missing":
                        raise OSError(f"git object {blob} is missing from {self.repo}")
                    if len(header) != 3:
                        raise BrokenPipeError("git cat-file ended")
                    size = int(header[2])
                    data = stdout.read(size)
                    stdout.read(1)  # the newline after the contents
                    if len(data) != size:
                        raise BrokenPipeError("git cat-file ended")
                    return data
                except BrokenPipeError:
                    self.process.kill()
                    self.process = None
                    if attempt == 2:
                        raise OSError(f"cannot read git object {blob} from {self.repo}") from None
        raise AssertionError("unreachable")


_READERS: dict[str, _CatFile] = {}
_READERS_LOCK = threading.Lock()


def read_version(version: Version, max_bytes: int) -> bytes:
    """The version's bytes (a file through the engine's guarded reader; a blob through git)."""
    from policydiff.core.load import LoadError, read_bytes

    if version.repo is None:
        return read_bytes(version.ref, max_bytes=max_bytes)
    with _READERS_LOCK:
        reader = _READERS.get(version.repo)
        if reader is None:
            reader = _READERS[version.repo] = _CatFile(version.repo)
    data = reader.read(version.ref)
    if len(data) > max_bytes:
        raise LoadError(version.document, f"version is too large ({len(data)} bytes)")
    return data
