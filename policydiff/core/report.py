"""A self-contained HTML report of a :class:`~policydiff.core.model.Comparison`.

The report is one HTML5 file: inline CSS, no JavaScript, no external request of any kind
(a Content-Security-Policy meta element forbids them), every piece of document text escaped
by jinja2's autoescaping. It opens in any browser, prints as a legal redline, and can be
archived or mailed as is.

Public API (others code against it; keep names and signatures):

* :func:`render_report` -- the HTML text;
* :func:`default_report_name` -- ``nec-2002-vs-nec-2024.html``;
* :func:`save_report` -- atomic write, refuses to overwrite unless asked, and never writes over
  an input, a folder or anything that is not a regular file (:class:`ReportTargetError`).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Iterator, Literal, Sequence

import jinja2
from markupsafe import Markup, escape

import policydiff
from policydiff.core import invisible
from policydiff.core.model import Comparison, Document, Op, Section, SectionPair, Status

__all__ = ["render_report", "default_report_name", "save_report", "ReportTargetError", "check_report_target"]

Layout = Literal["side-by-side", "inline"]

_TEMPLATES = Path(__file__).with_name("templates")

_OPTION_LABELS = (
    ("ignore_case", "letter case"),
    ("ignore_whitespace", "white space and line breaks"),
    ("ignore_typography", "typography (quotes, dashes, non-breaking spaces)"),
    ("ignore_numbering", "section and list numbering"),
)

_WEAK_MATCH = 0.5
"""Below this pairing score a pair carries a note that the pairing itself is uncertain."""

# A URL is shown as a link only when it is plainly http(s) with nothing a browser would strip or
# reinterpret (white space, control characters, quotes, angle brackets, backslashes).
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"'`\\]+", re.IGNORECASE)


def _safe_url(url: str) -> bool:
    """Plainly http(s), and nothing in it a reader cannot see (a bidi override could disguise it)."""
    return bool(_SAFE_URL.fullmatch(url)) and not invisible.has_invisible(url)

# Characters HTML5 forbids in a document (controls other than tab/LF/FF/CR, noncharacters) and lone
# surrogates (not encodable as UTF-8). Document text is replaced in the final output: C0 controls and
# DEL by their visible Unicode "control pictures", the rest by U+FFFD. Markup never contains them.
_INVALID_CHARS = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


# A fragment of rendered diff text: (kind, text, title). kind is one of
# "=" plain, "-" deleted, "+" inserted, "~" ignored difference, "-p"/"+p" a paragraph mark.
Frag = tuple[str, str, str]
Para = list[Frag]


# --------------------------------------------------------------------------------------------
# Turning ops into paragraphs and rows


def _add(paras: list[Para], kind: str, text: str, title: str = "") -> None:
    """Append ``text`` to the last paragraph of ``paras``; each newline starts a new paragraph."""
    if not text:
        return
    if "\n" not in text:
        paras[-1].append((kind, text, title))
        return
    # A change that is nothing but a paragraph break would be invisible: show a pilcrow.
    mark = kind in "-+" and not text.strip()
    parts = text.split("\n")
    for i, part in enumerate(parts):
        if i:
            if mark:
                paras[-1].append((kind + "p", "\u00b6", ""))
            paras.append([])
        if part:
            paras[-1].append((kind, part, title))


def _clean(paras: list[Para]) -> list[Para]:
    return [p for p in paras if p]


def _side_rows(ops: tuple[Op, ...] | list[Op]) -> list[tuple[list[Para], list[Para]]]:
    """Rows of (old paragraphs, new paragraphs), aligned at every paragraph break both sides share."""
    rows: list[tuple[list[Para], list[Para]]] = []
    old: list[Para] = [[]]
    new: list[Para] = [[]]

    def flush() -> None:
        nonlocal old, new
        o, n = _clean(old), _clean(new)
        if o or n:
            rows.append((o, n))
        old, new = [[]], [[]]

    for op in ops:
        kind = op.kind
        if kind == "=":
            parts = op.new.split("\n")
            for i, part in enumerate(parts):
                if i:
                    flush()
                if part:
                    frag = ("=", part, "")
                    old[-1].append(frag)
                    new[-1].append(frag)
        elif kind == "-":
            _add(old, "-", op.old)
        elif kind == "+":
            _add(new, "+", op.new)
        elif kind == "#":  # heading numbering (report-internal): plain text on each side
            _add(old, "=", op.old)
            _add(new, "=", op.new)
        else:  # "~": equal under the ignore options
            n_old, n_new = op.old.count("\n"), op.new.count("\n")
            if n_old and n_old == n_new:
                old_parts, new_parts = op.old.split("\n"), op.new.split("\n")
                for i, (po, pn) in enumerate(zip(old_parts, new_parts)):
                    if i:
                        flush()
                    if po:
                        old[-1].append(("~", po, _ign_title("new", pn)))
                    if pn:
                        new[-1].append(("~", pn, _ign_title("old", po)))
            else:
                _add(old, "~", op.old, _ign_title("new", op.new))
                _add(new, "~", op.new, _ign_title("old", op.old))
    flush()
    return rows


def _inline_paras(ops: tuple[Op, ...] | list[Op]) -> list[Para]:
    """One column: unchanged text, deletions and insertions interleaved (a redline).

    The paragraphs are the new version's, except that deleted text keeps its own paragraph
    breaks; a deleted paragraph break alone (two paragraphs merged) shows as a struck pilcrow.
    A whole-text replacement shows the old text, then the new, each as its own paragraphs.
    """
    paras: list[Para] = [[]]
    if len(ops) == 2 and ops[0].kind == "-" and ops[1].kind == "+":
        _add(paras, "-", ops[0].old)
        paras.append([])
        _add(paras, "+", ops[1].new)
        return _clean(paras)
    previous: Op | None = None
    for op in ops:
        kind = op.kind
        if kind == "+" and previous is not None and previous.kind == "-" \
                and "\n" in previous.old.strip() and "\n" in op.new:
            paras.append([])  # a passage rewritten across paragraphs: old block, then new block
        previous = op
        if kind == "=":
            _add(paras, "=", op.new)
        elif kind == "-" and "\n" in op.old and not op.old.strip():
            for part in op.old.split("\n")[:-1]:
                paras[-1].append(("-p", "\u00b6", ""))
        elif kind == "-":
            _add(paras, "-", op.old)
        elif kind == "+":
            _add(paras, "+", op.new)
        elif kind == "#":
            _add(paras, "=", op.new)
        else:
            _add(paras, "~", op.new, _ign_title("old", op.old))
    return _clean(paras)


def _ign_title(side: str, text: str) -> str:
    shown = " ".join(text.split()) if text.strip() else repr(text)
    if len(shown) > 300:
        shown = shown[:300] + "\u2026"
    return f"Differs only in ignored details. The {side} version has: {shown}"


def _body_ops(pair: SectionPair) -> tuple[Op, ...] | list[Op]:
    """The pair's body ops, or ops made from the bodies when the engine left them empty."""
    ops = pair.body_diff.ops
    if ops:
        return ops
    old_body = pair.old.body if pair.old is not None else ""
    new_body = pair.new.body if pair.new is not None else ""
    if old_body == new_body:
        return [Op("=", old_body, new_body)] if old_body else []
    made = []
    if old_body:
        made.append(Op("-", old_body, ""))
    if new_body:
        made.append(Op("+", "", new_body))
    return made


def _title_ops(pair: SectionPair) -> list[Op]:
    """Title diff ops with the numbering prefix (stripped before diffing) put back as plain text."""
    ops = list(pair.title_diff.ops)
    if pair.old is None or pair.new is None:
        return ops
    old_bare = "".join(op.old for op in ops)
    new_bare = "".join(op.new for op in ops)
    old_prefix = _prefix(pair.old.title, old_bare)
    new_prefix = _prefix(pair.new.title, new_bare)
    if not ops:
        return [Op("=", pair.old.title, pair.new.title)] if pair.old.title == pair.new.title else [
            Op("-", pair.old.title, ""), Op("+", "", pair.new.title)]
    head: list[Op] = []
    if old_prefix == new_prefix:
        if old_prefix:
            head.append(Op("=", old_prefix, new_prefix))
    else:
        # The numbering differs: shown as plain text on each side (a renumbering is not a change).
        head.append(Op("#", old_prefix, new_prefix))  # type: ignore[arg-type]  # report-internal kind
    return head + ops


def _prefix(title: str, bare: str) -> str:
    if bare and title.endswith(bare):
        return title[: len(title) - len(bare)]
    return ""


# --------------------------------------------------------------------------------------------
# The view model


@dataclass(slots=True)
class _DocView:
    role: str  # "old" / "new"
    name: str
    title: str | None
    date: str | None
    source: str | None
    source_href: str | None
    archived: str | None
    sha256: str
    encoding: str
    sections: int
    omitted: tuple
    label: str  # short name used in the legend and column heads


@dataclass(slots=True)
class _PairView:
    n: int
    anchor: str
    status: str
    status_label: str
    moved: bool
    manual: bool
    renamed: bool
    coarse: str | None
    title: str
    heading_level: int
    level: int
    inserted: int
    deleted: int
    ignored: int
    change_text: str
    moved_note: str | None
    match_note: str | None
    title_rows: list
    rows: list  # side-by-side: [(old paras, new paras)]
    paras: list  # inline: [paras]
    title_paras: list
    old_missing: bool
    new_missing: bool
    invisible: invisible.InvisibleChanges
    invisible_note: str | None


def _doc_label(doc: Document) -> str:
    return doc.date or doc.name or "unnamed"


def _doc_view(doc: Document, role: str, label: str) -> _DocView:
    source = doc.source.strip() if doc.source else None
    href = source if source and _safe_url(source) else None
    return _DocView(
        role=role,
        name=doc.name,
        title=doc.title,
        date=doc.date,
        source=source,
        source_href=href,
        archived=doc.archived,
        sha256=doc.sha256,
        encoding=doc.encoding,
        sections=len(doc.flat()) - 1,
        omitted=doc.omitted,
        label=label,
    )


def _words(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"


def _pair_invisible(pair: SectionPair) -> invisible.InvisibleChanges:
    return invisible.invisible_changes(pair.title_diff.ops) + invisible.invisible_changes(pair.body_diff.ops)


def _invisible_note(found: invisible.InvisibleChanges) -> str | None:
    if not found:
        return None
    return (f"Includes {found.summary()}: {', '.join(found.names)}. "
            "Each is shown as a boxed code where it is; it changes what the text is, not what it looks like.")


def _change_text(pair: SectionPair) -> str:
    s = pair.stats
    hidden = _pair_invisible(pair)
    if hidden and not (s.words_inserted or s.words_deleted):
        # Nothing a reader would see changed: say what did, never "no change" or "+0 -0 words".
        return hidden.short()
    if pair.status is Status.UNCHANGED and not (s.words_inserted or s.words_deleted):
        text = "no change"
    elif pair.status is Status.ADDED:
        text = f"+{_words(s.words_inserted)}"
    elif pair.status is Status.REMOVED:
        text = f"\u2212{_words(s.words_deleted)}"
    else:
        text = f"+{s.words_inserted} \u2212{_words(s.words_deleted)}"
    if hidden:
        text += f", {hidden.short()}"
    if s.words_ignored:
        text += f" ({s.words_ignored} ignored)"
    return text


def _section_ref(section: Section, index: int | None, doc: Document) -> str:
    bare = _bare_title(section)
    if section.level == 0:
        return "the preamble"
    if section.number:
        if bare and bare != section.number:
            return f"section {section.number} (\u201c{bare}\u201d)"
        return f"section {section.number}"
    total = len(doc.flat()) - 1
    where = f", heading {index} of {total}" if index else ""
    return f"\u201c{section.title}\u201d{where}"


def _bare_title(section: Section) -> str:
    try:
        return section.bare_title
    except Exception:  # the numbering helper lives in another module; never fail the report on it
        return section.title


def _pair_view(n: int, pair: SectionPair, comparison: Comparison, layout: Layout) -> _PairView:
    s = pair.stats
    status = pair.status
    moved_note = None
    if pair.moved and pair.old is not None:
        moved_note = (
            f"Moved: was {_section_ref(pair.old, pair.old_index, comparison.old)} in the old version."
        )
    from policydiff.core.moves import pair_notes

    notes = pair_notes(comparison, n - 1)
    if notes:
        text = "; ".join(note[0].upper() + note[1:] for note in notes) + "."
        moved_note = f"{moved_note} {text}" if moved_note else text
    match_note = None  # a hand-made pairing has its badge
    if not pair.manual and pair.old is not None and pair.new is not None and pair.score < _WEAK_MATCH:
        match_note = (
            f"Paired automatically on weak evidence (match score {round(pair.score * 100)}%): "
            "the old section may rather have been dropped, and the new one written afresh."
        )
    title_ops: list[Op] = _title_ops(pair) if pair.renamed else []
    body = _body_ops(pair)
    if layout == "inline":
        rows: list = []
        paras = _inline_paras(body)
        title_paras = _inline_paras(title_ops) if title_ops else []
        title_rows: list = []
    else:
        rows = _side_rows(body)
        paras = []
        title_rows = _side_rows(title_ops) if title_ops else []
        title_paras = []
    level = pair.level
    return _PairView(
        n=n,
        anchor=f"pair-{n}",
        status=status.value,
        status_label=status.value.capitalize(),
        moved=pair.moved,
        manual=pair.manual,
        renamed=pair.renamed,
        coarse=pair.body_diff.coarse or pair.title_diff.coarse,
        title=pair.display_title,
        heading_level=min(max(level, 1) + 1, 6),
        level=min(max(level, 0), 6),
        inserted=s.words_inserted,
        deleted=s.words_deleted,
        ignored=s.words_ignored,
        change_text=_change_text(pair),
        moved_note=moved_note,
        match_note=match_note,
        title_rows=title_rows,
        rows=rows,
        paras=paras,
        title_paras=title_paras,
        old_missing=pair.old is None,
        new_missing=pair.new is None,
        invisible=_pair_invisible(pair),
        invisible_note=_invisible_note(_pair_invisible(pair)),
    )


# --------------------------------------------------------------------------------------------
# Rendering


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,  # every template, whatever its name: document text is never trusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        finalize=_finalize,
    )
    env.filters["vis_change"] = _visible_change
    env.filters["plain"] = _plain
    return env


def _visible_html(text: str, *, soft_hyphens: bool) -> Markup:
    parts = []
    for segment in invisible.segments(text, soft_hyphens=soft_hyphens):
        if segment.marked:
            parts.append(Markup('<span class="invis" title="{}">{}</span>').format(segment.title, segment.text))
        else:
            parts.append(escape(segment.text))
    return Markup("").join(parts)


def _finalize(value: object) -> object:
    """Every ``{{ }}`` of document text: invisible characters become boxed markers with a title.

    Our own markup (macros, ``Markup``) passes unchanged; attribute values and ``<title>`` must
    use the ``plain`` filter instead (a marker element cannot go there).
    """
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    if not invisible.has_invisible(value, soft_hyphens=False):
        return value  # autoescaped as usual
    return _visible_html(value, soft_hyphens=False)


def _visible_change(value: str) -> Markup:
    """Inserted or deleted text: soft hyphens are marked too (an insertion of one must show)."""
    return _visible_html(str(value), soft_hyphens=True)


def _plain(value: object) -> Markup:
    """For attribute values and ``<title>``: escaped text with markers as plain characters."""
    return Markup(escape(invisible.visible_text(str(value))))


@lru_cache(maxsize=1)
def _css() -> Markup:
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    if "</" in css:  # cannot happen with our own file; guards the raw insertion into <style>
        raise ValueError("report.css must not contain '</'")
    return Markup(css)


def _document_texts(comparison: Comparison) -> Iterator[str]:
    for doc in (comparison.old, comparison.new):
        yield doc.name
        yield doc.title or ""
        yield doc.source or ""
        for section in doc.flat():
            yield section.title
            yield section.body
        for omitted in doc.omitted:
            yield omitted.text


def _format_time(moment: datetime) -> tuple[str, str]:
    """(machine-readable, human-readable) forms of the generation time."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        human = moment.strftime("%Y-%m-%d %H:%M")
        offset = moment.strftime("%z")
        human += " UTC" if offset in ("+0000", "-0000") else f" (UTC{offset[:3]}:{offset[3:]})"
    else:
        human = moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat(timespec="seconds"), human


def render_report(
    comparison: Comparison,
    *,
    layout: Literal["side-by-side", "inline"] = "side-by-side",
    changed_only: bool = False,
    generated_at: datetime | None = None,
) -> str:
    """The comparison as one self-contained HTML5 document (no script, no external resource).

    ``layout`` is ``"side-by-side"`` (old | new columns, stacked on narrow screens) or
    ``"inline"`` (a single-column redline). With ``changed_only`` the unchanged sections are
    collapsed (still present, in ``<details>``). ``generated_at`` defaults to now (local time).
    """
    if layout not in ("side-by-side", "inline"):
        raise ValueError(f"layout must be 'side-by-side' or 'inline', not {layout!r}")
    if generated_at is None:
        generated_at = datetime.now().astimezone()
    old_label, new_label = _doc_label(comparison.old), _doc_label(comparison.new)
    if old_label == new_label:
        old_label, new_label = f"old ({old_label})", f"new ({new_label})"
    old = _doc_view(comparison.old, "old", old_label)
    new = _doc_view(comparison.new, "new", new_label)
    pairs = [_pair_view(i, p, comparison, layout) for i, p in enumerate(comparison.pairs, 1)]
    options = comparison.options
    ignored_options = [label for attr, label in _OPTION_LABELS if getattr(options, attr, False)]
    stats = comparison.stats
    pilcrows = any(
        frag[0] in ("-p", "+p")
        for p in pairs
        for group in (p.paras, p.title_paras, *(side for row in p.rows for side in row))
        for para in group
        for frag in para
    )
    iso, human = _format_time(generated_at)
    template = _environment().get_template("report.html.j2")
    html = template.render(
        css=_css(),
        layout=layout,
        changed_only=changed_only,
        old=old,
        new=new,
        docs=(old, new),
        pairs=pairs,
        stats=stats,
        words=stats.words,
        ignored_options=ignored_options,
        overrides=comparison.overrides,
        manual_pairs=sum(1 for p in comparison.pairs if p.manual),
        identical=comparison.identical,
        hidden=sum((p.invisible for p in pairs), invisible.InvisibleChanges()),
        markers=any(invisible.has_invisible(t, soft_hyphens=False) for t in _document_texts(comparison)),
        pilcrows=pilcrows,
        generated_iso=iso,
        generated_human=human,
        version=policydiff.__version__,
    )
    return _INVALID_CHARS.sub(_visible, html)


# --------------------------------------------------------------------------------------------
# File names and saving

_UNSAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


def _stem(name: str, fallback: str) -> str:
    stem = PurePath(name.replace("\\", "/")).stem if name else ""
    stem = _UNSAFE_NAME.sub("-", stem).strip("-.")
    return stem[:80] or fallback


def default_report_name(comparison: Comparison) -> str:
    """``<old stem>-vs-<new stem>.html``, e.g. ``nec-2002-vs-nec-2024.html``; safe as a file name."""
    return f"{_stem(comparison.old.name, 'old')}-vs-{_stem(comparison.new.name, 'new')}.html"


# errno values for which a hard link is impossible here (file system, platform), not an error.
_NO_LINK = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.EACCES,
            getattr(errno, "ENOTSUP", -1), getattr(errno, "EOPNOTSUPP", -1)}


class ReportTargetError(OSError):
    """The report may not be written there at all (an input, a folder, a device, a FIFO...).

    ``strerror`` is the problem alone (``is one of the input files``), ``filename`` the path as
    given; ``str(error)`` is ``<path>: <problem>``.
    """

    def __init__(self, path: str | os.PathLike[str], problem: str, code: int = errno.EINVAL) -> None:
        super().__init__(code, problem, os.fspath(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def check_report_target(
    path: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str] | None] = ()
) -> None:
    """Raise :class:`ReportTargetError` if a report must never be written at ``path``.

    Refused, whatever ``overwrite`` says: a folder (or a name ending in a path separator), an
    existing path that is not a regular file (device, FIFO, socket: ``os.replace`` would swap the
    device node itself for a file), and the very file of an input, however it is reached (symbolic
    or hard link, other spelling). A target that does not exist yet is fine.
    """
    raw = os.fspath(path)
    if not raw:
        raise ReportTargetError(path, "no file name given")
    if raw.endswith(("/", os.sep)) or (os.altsep and raw.endswith(os.altsep)):
        raise ReportTargetError(path, "is a folder, not a file", errno.EISDIR)
    try:
        info = os.stat(raw)  # follows symbolic links: what would really be replaced or written
    except FileNotFoundError:
        return  # new file (or a dangling link, which the exists check handles)
    except OSError as exc:
        raise ReportTargetError(path, f"cannot check the target ({exc.strerror or exc})", exc.errno or errno.EIO) from None
    if stat.S_ISDIR(info.st_mode):
        raise ReportTargetError(path, "is a folder, not a file", errno.EISDIR)
    if not stat.S_ISREG(info.st_mode):
        kind = next((what for test, what in _KINDS if test(info.st_mode)), "a special file")
        raise ReportTargetError(path, f"is {kind}, not a regular file")
    for item in inputs:
        if item is None:
            continue
        try:
            same = os.path.samefile(raw, os.fspath(item))
        except OSError:
            continue
        if same:
            raise ReportTargetError(path, "is one of the input files; choose another name for the report")


def save_report(
    path: str | os.PathLike[str], html: str, *, overwrite: bool = False,
    inputs: Sequence[str | os.PathLike[str] | None] = (),
) -> None:
    """Write ``html`` (UTF-8) to ``path`` atomically.

    The text goes to a temporary file in the same directory, flushed to disk, then moved into
    place: ``path`` either keeps its previous state or holds the whole report, never a part.
    Raises :class:`ReportTargetError` when :func:`check_report_target` refuses ``path`` (checked
    against ``inputs``, the compared files). Without ``overwrite``, raises
    :class:`FileExistsError` if ``path`` exists (checked and created in one step with a hard link
    where the file system allows it). Other failures raise :class:`OSError` naming the path.
    Temporary files left by an earlier, killed save in that directory are removed.
    """
    check_report_target(path, inputs)
    target = os.path.abspath(os.fspath(path))
    directory = os.path.dirname(target)
    data = html.encode("utf-8")

    if not overwrite and os.path.lexists(target):
        raise _exists(target)

    _remove_stale_temps(directory)
    tmp = None
    try:
        fd, tmp = _create_temp(directory, os.path.basename(target))
        with os.fdopen(fd, "wb") as fh:
            _lock(fh.fileno())  # tells another run's clean-up that this file is in use
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
            tmp = None
        else:
            try:
                os.link(tmp, target)  # fails if target exists: check and create in one step
            except FileExistsError:
                raise _exists(target) from None
            except (OSError, AttributeError, NotImplementedError) as exc:
                if isinstance(exc, OSError) and exc.errno not in _NO_LINK:
                    raise
                # No hard links here (FAT, some network shares): check, then rename. The window
                # between the two is tiny; os.replace itself is still atomic.
                if os.path.lexists(target):
                    raise _exists(target) from None
                os.replace(tmp, target)
                tmp = None
            else:
                os.unlink(tmp)
                tmp = None
        _fsync_dir(directory)
    except FileExistsError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise OSError(exc.errno, f"Cannot save the report to {target}: {reason}", target) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _exists(target: str) -> FileExistsError:
    return FileExistsError(
        errno.EEXIST, f"{target} already exists (pass overwrite=True to replace it)", target
    )


_TEMP_MARK = "policydiff-report"
_TEMP_NAME = re.compile(r"\A\..{0,100}\." + _TEMP_MARK + r"-[0-9a-f]{12}\.tmp\Z", re.DOTALL)
STALE_TEMP_SECONDS = 10 * 60
"""A temp file of ours untouched this long is left over from a killed save (a save takes seconds)."""


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass


def _in_use(path: str) -> bool:
    """True if another save still holds the file's lock (POSIX; elsewhere the age alone decides)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return True  # cannot even look at it: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also releases our probe lock
    return False


def _remove_stale_temps(directory: str, *, now: float | None = None) -> None:
    """Delete temp files a killed save left in ``directory``: only our own naming pattern, only
    regular files of this user, only when older than :data:`STALE_TEMP_SECONDS` and not locked."""
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_TEMP_SECONDS:
            continue
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            continue
        if _in_use(entry.path):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def _create_temp(directory: str, base: str) -> tuple[int, str]:
    """A new, exclusively created temp file next to the target; mode follows the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = os.path.join(directory, f".{base[:100]}.{_TEMP_MARK}-{secrets.token_hex(6)}.tmp")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not create a temporary file", directory)


def _fsync_dir(directory: str) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
