"""The change table on disk: CSV, JSON Lines or Parquet, written as results arrive, resumable.

Each pair's rows (its section rows, then its pair row) are one write followed by a flush, so a run
that is killed leaves whole pairs and at most one torn block at the end; ``--resume`` cuts that
block off and skips every pair whose pair row is there. Parquet cannot be appended to and is
unreadable until its footer is written, so a Parquet run streams into a hidden JSON Lines journal
beside the file and converts it at the end, in slices (memory stays flat); the journal is what
``--resume`` continues after an interruption.
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Sequence

from policydiff.batch.rows import NAMES, TYPES

FORMATS = (".csv", ".jsonl", ".parquet")

INSTALL_HINT = "pip install 'policydiff[batch]' (in a checkout of policydiff: pip install -e '.[batch]')"
"""How to get the batch extra, installed from a package index or from the source."""


class OutputError(Exception):
    """An output that cannot be written or resumed (one line)."""


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(f"{path}: the output must end in .csv, .jsonl or .parquet")
    return suffix


def journal_path(path: Path) -> Path:
    """Where a Parquet run keeps its rows until it ends."""
    return path.with_name(f".{path.name}.policydiff-batch.jsonl")


# --------------------------------------------------------------------------------------------
# Reading back (resume)


def _lines(handle: BinaryIO, consumed: list[int], path: Path) -> Iterator[str]:
    """The file's whole lines, counting the bytes handed out (so a parser's position is known).

    A last line without its newline is a block torn by a kill, whatever byte it was cut at (in the
    middle of a character too): it is not read at all. A whole line that is not UTF-8 is not a
    table this program wrote."""
    for raw in handle:
        if not raw.endswith(b"\n"):
            return
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise OutputError(f"{path}: not a policydiff batch table (not UTF-8 text at byte "
                              f"{consumed[0]}; cannot resume it)") from None
        consumed[0] += len(raw)
        yield line


def _scan_jsonl(path: Path) -> tuple[set[tuple[str, str, str]], int]:
    done: set[tuple[str, str, str]] = set()
    keep = 0
    consumed = [0]
    with open(path, "rb") as handle:
        for line in _lines(handle, consumed, path):
            try:
                row = json.loads(line)
            except ValueError:
                break
            if not isinstance(row, dict) or set(row) != set(NAMES):
                raise OutputError(f"{path}: not a policydiff batch table (cannot resume it)")
            if row["row"] == "pair":
                done.add((row["document"], row["from_id"], row["to_id"]))
                keep = consumed[0]
    return done, keep


def _scan_csv(path: Path) -> tuple[set[tuple[str, str, str]], int]:
    done: set[tuple[str, str, str]] = set()
    keep = 0
    consumed = [0]
    with open(path, "rb") as handle:
        reader = csv.reader(_lines(handle, consumed, path))
        header = next(reader, None)
        if header is None:
            return done, 0
        if tuple(header) != NAMES:
            raise OutputError(f"{path}: not a policydiff batch table with these columns (cannot resume it)")
        keep = consumed[0]
        index = {name: i for i, name in enumerate(NAMES)}
        try:
            for row in reader:
                if len(row) != len(NAMES):
                    break  # torn last block (a quoted title cut after one of its lines)
                if row[index["row"]] == "pair":
                    done.add((row[index["document"]], row[index["from_id"]], row[index["to_id"]]))
                    keep = consumed[0]
        except csv.Error:
            pass  # a quote torn open at the end
    return done, keep


def _copy_parquet_to_journal(path: Path, journal: Path) -> None:
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except Exception as error:
        raise OutputError(f"{path}: cannot read it to resume ({error})") from None
    with open(journal, "w", encoding="utf-8") as handle:
        for batch in table.iter_batches(batch_size=10_000):
            for row in batch.to_pylist():
                handle.write(json.dumps(_with_iso_dates(row), ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------------
# Writing


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def lock_path(path: Path) -> Path:
    """The lock beside an output, held by the run writing it (named after the real file, so that
    two spellings of one output share it)."""
    real = Path(os.path.realpath(path))
    return real.with_name(f".{real.name}.policydiff-batch.lock")


class OutputLock:
    """An exclusive ``flock`` on :func:`lock_path`: one run per output. Taken without waiting;
    released (and the lock file removed) by :meth:`release`, or by the system when the process
    ends, however it ends."""

    def __init__(self, path: Path) -> None:
        import fcntl

        self.path = lock_path(path)
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as error:
                raise OutputError(f"{path}: cannot write beside it ({error.strerror or error})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
                os.close(fd)
                who = f" (process {holder})" if holder.isdigit() else ""
                raise OutputError(f"{path}: another policydiff batch is writing it{who}; wait for it to end, "
                                  "or choose another --out") from None
            # The run that held it may have removed the file meanwhile: only the one at the path counts.
            try:
                current = os.stat(self.path)
            except FileNotFoundError:
                current = None
            held = os.fstat(fd)
            if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink()  # while still held: a run waiting on this file sees it is gone
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None


class TableWriter:
    """Appends pairs' rows to the output as they come; :meth:`close` finishes the file.

    Made in two steps, so that a run that cannot start leaves nothing behind: the constructor
    checks the output, locks it against a second run and reads what ``--resume`` keeps (nothing is
    written yet); :meth:`start` then creates or cuts the file, once the cluster is up."""

    def __init__(self, path: str | os.PathLike[str], *, resume: bool = False, force: bool = False) -> None:
        self.path = Path(path)
        self.format = _format(self.path)
        self.done: set[tuple[str, str, str]] = set()
        """Pairs already in the output (``--resume``)."""
        target = journal_path(self.path) if self.format == ".parquet" else self.path
        self._target = target
        self._handle: io.TextIOWrapper | None = None
        self._keep: int | None = None
        """Resuming: bytes of the target to keep (a torn block after them is cut off)."""
        self._journal_made = False
        if self.format == ".parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise OutputError(f"writing Parquet needs pyarrow: {INSTALL_HINT}") from None
        if self.path.is_dir():
            raise OutputError(f"{self.path}: is a folder")
        if not self.path.parent.is_dir():
            raise OutputError(f"{self.path}: no such folder {self.path.parent}")
        self._lock = OutputLock(self.path)  # first: a run beside a running one is told so, whatever its flags
        try:
            exists = self.path.exists() or target.exists()
            if exists and not resume and not force:
                raise OutputError(f"{self.path}: exists (use --resume to continue it, --force to start it anew)")
            if resume and exists:
                if self.format == ".parquet" and not target.exists():
                    _copy_parquet_to_journal(self.path, target)
                    self._journal_made = True
                self.done, self._keep = (_scan_csv if self.format == ".csv" else _scan_jsonl)(target)
        except BaseException:
            self.abandon()
            raise

    def start(self) -> None:
        """Create the output (or cut a resumed one back to its whole pairs) and write its header."""
        if self._keep is not None:
            with open(self._target, "r+b") as handle:
                handle.truncate(self._keep)
            self._handle = open(self._target, "a", encoding="utf-8", newline="")
            if self.format == ".csv" and self._keep == 0:
                self._write_header()
        else:
            self._handle = open(self._target, "w", encoding="utf-8", newline="")
            if self.format == ".csv":
                self._write_header()

    def _write_header(self) -> None:
        assert self._handle is not None
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(NAMES)
        self._handle.write(buffer.getvalue())
        self._handle.flush()

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        """One pair's rows, its pair row last, in one write."""
        assert self._handle is not None, "start() first"
        buffer = io.StringIO()
        if self.format == ".csv":
            writer = csv.writer(buffer, lineterminator="\n")
            for row in rows:
                writer.writerow([_csv_value(row[name]) for name in NAMES])
        else:
            for row in rows:
                buffer.write(json.dumps({name: row[name] for name in NAMES}, ensure_ascii=False) + "\n")
        self._handle.write(buffer.getvalue())
        self._handle.flush()

    def close(self, *, finished: bool = True) -> None:
        """Close the file; a finished Parquet run converts its journal (an unfinished one keeps it
        for ``--resume``). Before :meth:`start`, the same as :meth:`abandon`."""
        if self._handle is None:
            self.abandon()
            return
        try:
            self._handle.close()
            if self.format == ".parquet" and finished:
                _journal_to_parquet(self._target, self.path)
                self._target.unlink()
        finally:
            self._lock.release()

    def abandon(self) -> None:
        """A run that never started: leave the output as it was (a journal made from a Parquet
        file to resume it is removed again) and release the lock."""
        if self._journal_made:
            self._target.unlink(missing_ok=True)
        if hasattr(self, "_lock"):
            self._lock.release()


def arrow_schema() -> Any:
    import pyarrow as pa

    kinds = {"str": pa.string(), "int": pa.int64(), "bool": pa.bool_(), "date": pa.timestamp("ms", tz="UTC")}
    return pa.schema([(name, kinds[TYPES[name]]) for name in NAMES])


DATES = tuple(name for name in NAMES if TYPES[name] == "date")


def parse_date(text: str | None) -> datetime | None:
    """A version's date as a moment in UTC: a commit date (``2024-03-14T10:00:00+01:00``) or a
    file name that is a date (``2024-03-14``: midnight UTC); None for a name that is no date
    (``v3``: its id still names it)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _with_timestamps(row: dict[str, Any]) -> dict[str, Any]:
    for name in DATES:
        row[name] = parse_date(row[name])
    return row


def _with_iso_dates(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row back into the journal's terms (``--resume``): dates as ISO text."""
    for name in DATES:
        value = row[name]
        if isinstance(value, datetime):
            row[name] = value.isoformat()
    return row


def _journal_to_parquet(journal: Path, path: Path, slice_rows: int = 10_000) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    partial = path.with_name(f".{path.name}.policydiff-batch.tmp")
    with pq.ParquetWriter(partial, schema) as writer, open(journal, encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = []
        for line in handle:
            rows.append(_with_timestamps(json.loads(line)))
            if len(rows) >= slice_rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    os.replace(partial, path)


def read_table(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """All rows of an output, typed as written (for tests and small tables; CSV cells come back as
    the same Python values: '' is None, 'true'/'false' are booleans, counts are integers; dates are
    ISO text in CSV and JSON Lines, UTC datetimes in Parquet)."""
    p = Path(path)
    fmt = _format(p)
    if fmt == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_table(p).to_pylist())
    if fmt == ".jsonl":
        with open(p, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]
    out = []
    with open(p, encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            row: dict[str, Any] = {}
            for name in NAMES:
                cell = raw[name]
                kind = TYPES[name]
                if cell == "":
                    row[name] = None
                elif kind == "int":
                    row[name] = int(cell)
                elif kind == "bool":
                    row[name] = cell == "true"
                else:
                    row[name] = cell
            out.append(row)
    return out
