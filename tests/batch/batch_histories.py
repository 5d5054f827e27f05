"""Tiny version histories built in a temp dir: a git repository and a folder of version folders."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

V1 = """# Privacy Policy

## 1. Data we collect

We collect your name and your email address when you register.

## 2. Sharing

We never share your data with anyone.

## 3. Cookies

We use cookies to remember you.
"""

V2 = """# Privacy Policy

## 1. Information we collect

We collect your name, your email address and your phone number when you register.

## 2. Cookies

We use cookies to remember you.

## 3. Sharing

We share your data with our partners when the law allows it.

## 4. Your rights

You may ask us to delete your data.
"""

V3 = """# Privacy Policy

## 1. Information we collect

We collect your name, your email address and your phone number when you register.

## 2. Cookies and sharing

We use cookies to remember you.

We share your data with our partners when the law allows it.

## 3. Your rights

You may ask us to delete your data.
"""

TERMS1 = "# Terms\n\n## Use\n\nBe nice.\n\n## Liability\n\nWe are not liable.\n"
TERMS2 = "# TERMS\n\n## Use\n\nBe nice.\n\n## Liability\n\nWe are not liable for anything.\n"
PAGE = "<html><body><h1>Notice</h1><h2>Scope</h2><p>This notice covers the app.</p></body></html>"
PAGE2 = "<html><body><h1>Notice</h1><h2>Scope</h2><p>This notice covers the app and the site.</p></body></html>"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def commit(repo: Path, files: dict[str, bytes | str], message: str, date: str) -> None:
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        git(repo, "add", name)
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, capture_output=True,
                   env={**__import__("os").environ, **env})


def make_repo(path: Path, *, corrupt: bool = False) -> Path:
    """Two platforms' documents over five commits: 3 versions of a privacy policy, 2 of terms,
    2 of a saved page, a README that is not a policy type (.rst) and, if asked, a version of the
    policy that is binary."""
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "t@example.org")
    git(path, "config", "user.name", "t")
    commit(path, {"Acme/Privacy Policy.md": V1, "Acme/Terms.txt": TERMS1, "notes.rst": "x"}, "one",
           "2023-01-01T10:00:00+00:00")
    commit(path, {"Acme/Privacy Policy.md": V2, "Beta/Notice.html": PAGE}, "two", "2023-02-01T10:00:00+00:00")
    if corrupt:
        commit(path, {"Acme/Privacy Policy.md": b"\x00\x01\x02binary\x00junk" * 20}, "broken",
               "2023-02-15T10:00:00+00:00")
    commit(path, {"Acme/Terms.txt": TERMS2, "Beta/Notice.html": PAGE2}, "three", "2023-03-01T10:00:00+00:00")
    commit(path, {"Acme/Privacy Policy.md": V3}, "four", "2023-04-01T10:00:00+00:00")
    return path


def make_folders(path: Path) -> Path:
    """The same histories as version folders (``<document>/<date>.<ext>``), plus the NEC pair."""
    files = {
        "acme-privacy/2023-01-01.md": V1, "acme-privacy/2023-02-01.md": V2, "acme-privacy/2023-04-01.md": V3,
        "acme-terms/2023-01-01.txt": TERMS1, "acme-terms/2023-03-01.txt": TERMS2,
    }
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    (path / "nec").mkdir()
    (path / "nec" / "2002-03-01.md").write_bytes((ROOT / "corpus" / "nec-2002.md").read_bytes())
    (path / "nec" / "2024-01-01.txt").write_bytes((ROOT / "corpus" / "nec-2024.txt").read_bytes())
    return path


