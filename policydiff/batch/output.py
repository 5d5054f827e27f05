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
from pathlib import Path
from typing import Any, Iterator, Sequence

from policydiff.batch.rows import NAMES, TYPES

FORMATS = (".csv", ".jsonl", ".parquet")


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


def _lines(handle: io.BufferedReader, consumed: list[int]) -> Iterator[str]:
    """The file's lines, counting the bytes handed out (so a parser's position is known)."""
    for raw in handle:
        consumed[0] += len(raw)
        consumed[1] = raw.endswith(b"\n")
        yield raw.decode("utf-8")


def _scan_jsonl(path: Path) -> tuple[set[tuple[str, str, str]], int]:
    done: set[tuple[str, str, str]] = set()
    keep = 0
    consumed = [0, True]
    with open(path, "rb") as handle:
        for line in _lines(handle, consumed):
            if not consumed[1]:
                break  # torn last line
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
    consumed = [0, True]
    with open(path, "rb") as handle:
        reader = csv.reader(_lines(handle, consumed))
        header = next(reader, None)
        if header is None:
            return done, 0
        if tuple(header) != NAMES:
            raise OutputError(f"{path}: not a policydiff batch table with these columns (cannot resume it)")
        keep = consumed[0]
        index = {name: i for i, name in enumerate(NAMES)}
        try:
            for row in reader:
                if not consumed[1] or len(row) != len(NAMES):
                    break  # torn last block
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
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------------
# Writing


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class TableWriter:
    """Appends pairs' rows to the output as they come; :meth:`close` finishes the file."""

    def __init__(self, path: str | os.PathLike[str], *, resume: bool = False, force: bool = False) -> None:
        self.path = Path(path)
        self.format = _format(self.path)
        self.done: set[tuple[str, str, str]] = set()
        """Pairs already in the output (``--resume``)."""
        target = journal_path(self.path) if self.format == ".parquet" else self.path
        self._target = target
        if self.format == ".parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise OutputError("writing Parquet needs pyarrow: pip install 'policydiff[batch]'") from None
        if self.path.is_dir():
            raise OutputError(f"{self.path}: is a folder")
        exists = self.path.exists() or target.exists()
        if exists and not resume and not force:
            raise OutputError(f"{self.path}: exists (use --resume to continue it, --force to start it anew)")
        if resume and exists:
            if self.format == ".parquet" and not target.exists():
                _copy_parquet_to_journal(self.path, target)
            self.done, keep = (_scan_csv if self.format == ".csv" else _scan_jsonl)(target)
            with open(target, "r+b") as handle:
                handle.truncate(keep)
            self._handle = open(target, "a", encoding="utf-8", newline="")
            if self.format == ".csv" and keep == 0:
                self._write_header()
        else:
            if not self.path.parent.is_dir():
                raise OutputError(f"{self.path}: no such folder {self.path.parent}")
            self._handle = open(target, "w", encoding="utf-8", newline="")
            if self.format == ".csv":
                self._write_header()

    def _write_header(self) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(NAMES)
        self._handle.write(buffer.getvalue())
        self._handle.flush()

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        """One pair's rows, its pair row last, in one write."""
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
        for ``--resume``)."""
        self._handle.close()
        if self.format == ".parquet" and finished:
            _journal_to_parquet(self._target, self.path)
            self._target.unlink()


def arrow_schema() -> Any:
    import pyarrow as pa

    kinds = {"str": pa.string(), "int": pa.int64(), "bool": pa.bool_()}
    return pa.schema([(name, kinds[TYPES[name]]) for name in NAMES])


def _journal_to_parquet(journal: Path, path: Path, slice_rows: int = 10_000) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    partial = path.with_name(f".{path.name}.policydiff-batch.tmp")
    with pq.ParquetWriter(partial, schema) as writer, open(journal, encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = []
        for line in handle:
            rows.append(json.loads(line))
            if len(rows) >= slice_rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    os.replace(partial, path)


def read_table(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """All rows of an output, typed as written (for tests and small tables; CSV cells come back as
    the same Python values: '' is None, 'true'/'false' are booleans, counts are integers)."""
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
