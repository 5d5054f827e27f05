"""A git repository whose configuration names programs for git to run: each program, when run,
leaves a canary file named after its trap. Reading the repository must leave none."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

TRAPS = ("fsmonitor", "pager", "hook", "textconv", "external-diff", "gpg", "ssh", "askpass", "credential",
         "filter", "proxy")
"""Every program the repository names; ``canary-<trap>`` appears in the canary folder when it runs."""

HOOKS = ("pre-commit", "post-commit", "post-checkout", "post-index-change", "reference-transaction",
         "pre-auto-gc", "post-rewrite", "fsmonitor-watchman", "post-merge", "pre-push")

ENV = dict(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
           GIT_COMMITTER_EMAIL="t@example.org")


def git(repo: Path, *args: str, date: str = "2024-01-01", input: bytes | None = None) -> bytes:
    env = dict(os.environ, **ENV, GIT_AUTHOR_DATE=f"{date}T12:00:00+00:00",
               GIT_COMMITTER_DATE=f"{date}T12:00:00+00:00")
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, input=input).stdout


def trap_program(canaries: Path, trap: str) -> str:
    """An executable that records that it ran (and fails, as a refused program would)."""
    canaries.mkdir(exist_ok=True)
    script = canaries / f"trap-{trap}"
    script.write_text(f"#!/bin/sh\ntouch '{canaries}/canary-{trap}'\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(script)


def make_hostile_repo(tmp_path: Path, texts: list[str]) -> tuple[Path, Path]:
    """``policy.md`` with one commit per text (the last one signed, so that signature checking
    would run ``gpg.program``), then a configuration naming a program for every trap.
    Returns (the file's path, the canary folder)."""
    repo = tmp_path / "hostile"
    repo.mkdir()
    canaries = tmp_path / "canaries"
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitattributes").write_text("*.md diff=evil filter=evil\n")
    for k, text in enumerate(texts):
        (repo / "policy.md").write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"version {k}", date=f"2024-01-{k + 10}")
    _sign_head(repo)
    program = {trap: trap_program(canaries, trap) for trap in TRAPS}
    hooks = repo / ".git" / "hooks"
    for name in HOOKS:
        (hooks / name).write_text(Path(program["hook"]).read_text())
        (hooks / name).chmod(0o755)
    included = repo / ".git" / "included.config"
    included.write_text(f"[core]\n\tfsmonitor = {program['fsmonitor']}\n")
    settings = {
        "include.path": str(included),            # the fsmonitor hook arrives through an include
        "core.pager": program["pager"],
        "pager.log": program["pager"],
        "core.hooksPath": str(hooks),
        "diff.evil.textconv": program["textconv"],
        "diff.evil.command": program["external-diff"],
        "diff.external": program["external-diff"],
        "filter.evil.smudge": program["filter"],
        "filter.evil.clean": program["filter"],
        "filter.evil.process": program["filter"],
        "log.showSignature": "true",
        "gpg.program": program["gpg"],
        "core.sshCommand": program["ssh"],
        "core.askPass": program["askpass"],
        "credential.helper": f"!{program['credential']}",
        "core.gitProxy": program["proxy"],
        "core.untrackedCache": "true",
    }
    for name, value in settings.items():
        git(repo, "config", name, value)
    return repo / "policy.md", canaries


def _sign_head(repo: Path) -> None:
    """Rewrite HEAD as a commit carrying a (made-up) PGP signature."""
    raw = git(repo, "cat-file", "commit", "HEAD").decode()
    head, _, message = raw.partition("\n\n")
    signature = ("gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n"
                 " -----END PGP SIGNATURE-----")
    signed = f"{head}\n{signature}\n\n{message}".encode()
    commit = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", input=signed).decode().strip()
    git(repo, "update-ref", "HEAD", commit)


def make_partial_clone(repo: Path) -> None:
    """Make ``repo`` a partial clone whose promisor remote is reached over ssh (so a missing object
    would be fetched by running ``core.sshCommand``), and drop the blob of its second version."""
    git(repo, "config", "core.repositoryformatversion", "1")
    git(repo, "config", "extensions.partialClone", "origin")
    git(repo, "config", "remote.origin.url", "ssh://git@example.invalid/policy.git")
    git(repo, "config", "remote.origin.promisor", "true")
    drop_blob(repo, 1)


def drop_blob(repo: Path, version: int) -> str:
    """Delete the loose object holding the text of ``policy.md``'s version ``version`` (0 = oldest)."""
    commits = git(repo, "-c", "log.showSignature=false", "log", "--reverse", "--format=%H", "--",
                  "policy.md").decode().split()
    blob = git(repo, "rev-parse", f"{commits[version]}:policy.md").decode().strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    return blob


def canaries_found(canaries: Path) -> list[str]:
    return sorted(p.name for p in canaries.glob("canary-*"))
