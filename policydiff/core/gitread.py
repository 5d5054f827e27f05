"""Reading a git repository that is not trusted: every git command policydiff runs goes through here.

A repository to compare is input, like a file: its ``.git/config`` (and any file it includes) may
name programs that git runs on its own, e.g. ``core.fsmonitor`` (run by any command that looks at
the index, ``git ls-files`` among them), a pager, textconv and external diff drivers, a
``gpg.program`` run by ``log.showSignature``, ``core.sshCommand`` run by the lazy fetch of a partial
clone's missing objects, hooks. So:

- only read commands are run (:data:`READ_COMMANDS`: none of them runs a hook or writes the
  repository; ``GIT_OPTIONAL_LOCKS=0`` keeps even the index unrefreshed);
- each is given ``-c`` settings that switch those programs off (:data:`SAFE_CONFIG`; settings on the
  command line win over every configuration file, included ones too);
- commands that can diff get ``--no-textconv --no-ext-diff``; blobs are read raw by ``cat-file``
  (no ``--filters``/``--textconv``: no clean/smudge filter runs);
- no transport may start (``protocol.allow=never``), so a missing object is an error, never a fetch;
- output is captured, never paged; the system configuration (``GIT_CONFIG_NOSYSTEM``) and the
  environment's own git overrides (``GIT_DIR``, ``GIT_EXTERNAL_DIFF``...) are left out.

Git rather than a library: ``git log --follow`` lists a file's versions across renames, which pygit2
cannot and dulwich does 90 times slower (see the README).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Sequence

READ_COMMANDS = frozenset({"rev-parse", "log", "cat-file", "ls-files"})
"""The only git commands run: plumbing and log, which read and never run hooks."""

SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),         # a hook program run when the index is examined
    ("core.untrackedCache", "false"),
    ("core.pager", "cat"),               # output is a pipe anyway, never paged
    ("core.hooksPath", os.devnull),      # no hook runs on a read; in case one ever did
    ("core.sshCommand", "false"),        # transports: none may start (protocol.allow below)
    ("core.gitProxy", "false"),
    ("core.askPass", "false"),
    ("credential.helper", ""),           # an empty value clears the list of helpers
    ("protocol.allow", "never"),         # a partial clone's missing blob is an error, not a fetch
    ("log.showSignature", "false"),      # would run gpg.program on signed commits
    ("gpg.program", "false"),
    ("gpg.ssh.program", "false"),
    ("gpg.x509.program", "false"),
    ("log.follow", "false"),             # --follow is given where it is meant
)
"""``-c name=value`` for every command: each names a program the repository could otherwise choose."""

DIFF_COMMANDS = frozenset({"log"})
"""Commands that take diff options: they get ``--no-textconv --no-ext-diff``."""

_DROPPED_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_EXTERNAL_DIFF", "GIT_PAGER", "PAGER",
                "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_PROXY_COMMAND",
                "GIT_CONFIG", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_TRACE", "GIT_TRACE2")


class GitError(Exception):
    """A git command that could not run or failed; ``str(error)`` is one line, without the path."""


class GitMissing(GitError):
    """No ``git`` program on PATH."""


def git_env() -> dict[str, str]:
    """The environment of every git command: this process's, without git overrides, plus safety."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", GIT_ATTR_NOSYSTEM="1",
               GIT_NO_LAZY_FETCH="1", LC_ALL="C", LANG="C")
    return env


def git_argv(args: Sequence[str]) -> list[str]:
    """``git --no-pager -c ... COMMAND [--no-textconv --no-ext-diff] ARGS``; GitMissing without git,
    ValueError for a command that is not a read command."""
    git = shutil.which("git")
    if git is None:
        raise GitMissing("git is not installed")
    if not args or args[0] not in READ_COMMANDS:
        raise ValueError(f"not a read-only git command: {list(args[:1])}")
    config = [item for name, value in SAFE_CONFIG for item in ("-c", f"{name}={value}")]
    extra = ["--no-textconv", "--no-ext-diff"] if args[0] in DIFF_COMMANDS else []
    return [git, "--no-pager", *config, args[0], *extra, *args[1:]]


def run_git(args: Sequence[str], cwd: str, *, input: bytes | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run a read command in ``cwd``; its output captured. ``check``: GitError (git's last line
    of complaint) when it fails."""
    try:
        done = subprocess.run(git_argv(args), cwd=cwd, input=input, capture_output=True, env=git_env(),
                              stdin=None if input is not None else subprocess.DEVNULL)
    except OSError as exc:
        raise GitError(f"cannot run git ({exc.strerror or exc})") from None
    if check and done.returncode != 0:
        raise GitError(f"git failed: {last_complaint(done.stderr, done.returncode)}")
    return done


def start_git(args: Sequence[str], cwd: str) -> subprocess.Popen[bytes]:
    """A long-lived read command (``cat-file --batch``) with pipes to and from it."""
    try:
        return subprocess.Popen(git_argv(args), cwd=cwd, env=git_env(), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise GitError(f"cannot run git ({exc.strerror or exc})") from None


def last_complaint(stderr: bytes, status: int) -> str:
    """Git's last line on stderr without its ``fatal:``/``error:`` prefix (or the exit status)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    if not lines:
        return f"exit status {status}"
    line = lines[-1]
    for prefix in ("fatal:", "error:"):
        if line.startswith(prefix):
            line = line[len(prefix):].strip()
    return line
