"""Running the batch: chains of consecutive pairs as tasks on Dask workers, rows streamed to disk.

A task is a chain of up to ``chunk`` consecutive pairs of one document, so that each version is
read and parsed once for the two pairs it belongs to. The client keeps only a bounded number of
tasks in flight and writes each chain's rows as soon as it finishes: memory stays flat however
many versions there are. Anything that goes wrong with a pair (a version that is not text, an
engine error, a worker that died on it) is that pair's error row, never the end of the run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from policydiff.batch.output import INSTALL_HINT, TableWriter
from policydiff.batch.rows import change_rows, error_row, pair_row, section_rows
from policydiff.batch.sources import Pair, Version, consecutive_pairs, discover, read_version
from policydiff.core.load import MAX_BYTES
from policydiff.core.model import Options

CHUNK = 8
"""Pairs per task: 8 parses 9 versions instead of 16, and keeps a task under a minute or so."""


def _one_line(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "MemoryError: out of memory"
    if isinstance(error, RecursionError):
        return "RecursionError: the text is nested too deeply"
    from policydiff.core.load import LoadError

    if isinstance(error, LoadError):
        return error.reason
    detail = " ".join(str(error).split())
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _load(version: Version, max_bytes: int) -> Any:
    from policydiff.core.load import decode
    from policydiff.core.structure import parse_document

    label = version.ref if version.repo is None else f"{version.document}@{version.id[:12]}"
    data = read_version(version, max_bytes)
    loaded = decode(data, label)
    return parse_document(loaded.text, name=version.name, path=label, sha256=loaded.sha256,
                          encoding=loaded.encoding)


def compare_chain(chain: Sequence[Version], options: Options, sections: bool = False,
                  max_bytes: int = MAX_BYTES, changes: bool = False) -> list[list[dict[str, Any]]]:
    """On the worker: the rows of each consecutive pair of ``chain`` (one list per pair, its pair
    row last). A version that cannot be read makes an error row of each pair it belongs to."""
    from policydiff.core.compare import compare

    out: list[list[dict[str, Any]]] = []
    previous: Any = None
    previous_error: str | None = None
    for index, version in enumerate(chain):
        try:
            document, error = _load(version, max_bytes), None
        except Exception as exc:  # noqa: BLE001 - every failure is the pair's error row
            document, error = None, f"{version.date} ({version.id}): {_one_line(exc)}"
        if index:
            old = chain[index - 1]
            problem = previous_error or error
            if problem is None:
                try:
                    comparison = compare(previous, document, options=options)
                    rows = section_rows(old, version, comparison) if sections else []
                    rows += change_rows(old, version, comparison) if changes else []
                    rows.append(pair_row(old, version, comparison))
                except Exception as exc:  # noqa: BLE001
                    rows = [error_row(old, version, _one_line(exc))]
            else:
                rows = [error_row(old, version, problem)]
            out.append(rows)
        previous, previous_error = document, error
    return out


def longest_first(chains: Iterable[list[Version]]) -> list[list[Version]]:
    """The chains with the most bytes first (longest processing time first): the last tasks are
    short, so the workers finish together instead of one of them working alone on a long one."""
    return sorted(chains, key=lambda chain: -sum(v.size for v in chain))


def chains(pairs: Iterable[Pair], chunk: int = CHUNK) -> Iterator[list[Version]]:
    """Runs of up to ``chunk`` consecutive pairs, as the versions they join."""
    current: list[Version] = []
    for pair in pairs:
        if current and current[-1] is pair.old and len(current) <= chunk:
            current.append(pair.new)
            continue
        if current:
            yield current
        current = [pair.old, pair.new]
    if current:
        yield current


@dataclass
class Summary:
    pairs: int = 0
    """Pairs written in this run."""
    skipped: int = 0
    """Pairs already in the output (``--resume``)."""
    errors: int = 0
    seconds: float = 0.0
    workers: int = 0
    memory: dict[str, int] = field(default_factory=dict)
    """Peak resident memory of each worker process, bytes."""
    cpu_seconds: float = 0.0
    """CPU time the workers spent during the run (all of them together)."""

    @property
    def rate(self) -> float:
        return self.pairs / self.seconds if self.seconds else 0.0


def worker_usage() -> tuple[int, float]:
    """This process's peak resident memory (bytes) and CPU time so far (seconds), run on each
    worker: pairs per CPU second is the per-core rate, whatever else the machine was doing."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return peak, usage.ru_utime + usage.ru_stime


class Interrupted(Exception):
    """The run was stopped by Ctrl-C (SIGINT) or SIGTERM: the pairs written so far are whole, the
    output (a Parquet run's journal) is ready for ``--resume``."""

    def __init__(self, signum: int = signal.SIGINT, *, started: bool = True) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.started = started
        """False: stopped before the output was touched."""


class _Stop(threading.Event):
    """Set by the first SIGINT or SIGTERM; remembers which."""

    signum: int = signal.SIGINT


class StartError(Exception):
    """The run could not start (no Dask, no scheduler at the address); nothing was written."""


@contextlib.contextmanager
def _interruptible() -> Iterator[_Stop]:
    """While the run lasts, Ctrl-C (and SIGTERM) only raise a flag that the streaming loop reads
    between results, so the interruption lands where the output is whole, never inside Dask's
    machinery (where a KeyboardInterrupt may be swallowed or turn into a flood of tracebacks). A
    second Ctrl-C stops at once. Off the main thread (signals cannot be handled there), a plain flag."""
    flag = _Stop()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def stop(signum: int, frame: Any) -> None:
        if flag.is_set():
            raise KeyboardInterrupt
        flag.signum = signum
        flag.set()

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield flag
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C held back while local worker processes start: they inherit it blocked, so a Ctrl-C in
    the terminal (sent to the whole process group) never reaches them (this process stops them
    itself); one pressed meanwhile is delivered here once they are up. (SIGTERM is not held: the
    nanny stops a worker with it.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def run_batch(sources: Sequence[str], out: str, *, options: Options = Options(), sections: bool = False,
              resume: bool = False, force: bool = False, client: Any = None, scheduler: str | None = None,
              workers: int | None = None, chunk: int = CHUNK, progress: bool | None = None,
              in_flight: int | None = None, max_bytes: int = MAX_BYTES,
              on_chain: Callable[[int], None] | None = None,
              select: Callable[[Pair], bool] | None = None, changes: bool = False) -> Summary:
    """Compare every consecutive pair of every document in ``sources`` into ``out``.

    ``client``: a ``distributed.Client`` to use; else one for ``scheduler`` (``tcp://host:port``);
    else a LocalCluster of ``workers`` processes (default: one per core) made and closed here.
    ``progress``: a progress bar on stderr (None: only when stderr is a terminal).
    ``select``: compare only the pairs it accepts (a sample, for benchmarks).

    Raises SourceError or OutputError (before anything is written), StartError (nothing written,
    an existing output untouched), Interrupted (the output whole, ready for ``--resume``).
    """
    versions = discover(sources)
    # (Ctrl-C only raises the flag from before the output is locked: one pressed as soon as the lock
    # is seen, before the workers are asked for, still stops the run with the output untouched)
    with _interruptible() as interrupted:
        writer = TableWriter(out, resume=resume, force=force)
        finished = False
        summary = Summary()
        own: list[Any] = []
        try:
            wanted = [p for p in consecutive_pairs(versions) if select is None or select(p)]
            todo = [p for p in wanted if p.key not in writer.done]
            summary.skipped = len(wanted) - len(todo)
            del wanted
            del versions
            if client is None:
                client = _client(scheduler, workers, own)
            if interrupted.is_set():
                raise Interrupted(interrupted.signum, started=False)
            writer.start()
            summary.workers = len(client.nthreads())
            before = _usage(client)
            started = time.perf_counter()
            _stream(client, todo, writer, summary, options=options, sections=sections, chunk=chunk,
                    progress=progress, in_flight=in_flight, max_bytes=max_bytes, on_chain=on_chain,
                    interrupted=interrupted, changes=changes)
            summary.seconds = time.perf_counter() - started
            after = _usage(client)
            summary.memory = {worker: peak for worker, (peak, _) in after.items()}
            summary.cpu_seconds = sum(cpu - before.get(worker, (0, 0.0))[1] for worker, (_, cpu) in after.items())
            finished = True
        finally:
            writer.close(finished=finished)
            for closable in reversed(own):
                with contextlib.suppress(Exception):
                    closable.close()
    return summary


def _usage(client: Any) -> dict[str, tuple[int, float]]:
    try:
        return dict(client.run(worker_usage))
    except Exception:  # noqa: BLE001 - a measurement, not the result
        return {}


def _client(scheduler: str | None, workers: int | None, own: list[Any]) -> Any:
    from policydiff.batch import scheduler as probing

    if scheduler:  # before importing Dask (a second or two): a wrong address is told at once
        try:
            probing.probe(scheduler)
        except probing.SchedulerError as error:
            raise StartError(str(error)) from None
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise StartError(f"policydiff batch needs Dask: {INSTALL_HINT}") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=probing.TIMEOUT)
        except Exception as error:  # noqa: BLE001 - whatever Dask says, in one line
            raise StartError(f"{scheduler}: cannot connect to the Dask scheduler ({_one_line(error)})") from None
        own.append(client)
        return client
    with _interrupts_held():
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)
    own.append(cluster)
    client = Client(cluster)
    own.append(client)
    from policydiff.batch.worker import QuietWorker

    client.register_plugin(QuietWorker(), name="policydiff-quiet-worker")
    return client


def _stream(client: Any, todo: list[Pair], writer: TableWriter, summary: Summary, *, options: Options,
            sections: bool, chunk: int, progress: bool | None, in_flight: int | None, max_bytes: int,
            on_chain: Callable[[int], None] | None, interrupted: _Stop, changes: bool = False) -> None:
    from distributed import as_completed

    from policydiff.batch.progress import bar

    threads = sum(client.nthreads().values()) or 1
    limit = in_flight or max(4, 3 * threads)
    tasks = iter(longest_first(chains(todo, chunk)))
    pending: dict[Any, list[Version]] = {}
    completed = as_completed()

    def submit() -> bool:
        chain = next(tasks, None)
        if chain is None:
            return False
        future = client.submit(compare_chain, chain, options, sections, max_bytes, changes, pure=False)
        pending[future] = chain
        completed.add(future)
        return True

    with bar(len(todo), summary.skipped, enabled=progress) as shown:
        while len(pending) < limit and submit():
            pass
        while pending:
            ready = completed.next_batch(block=False)
            if not ready:
                if interrupted.wait(0.05):
                    client.cancel(list(pending))
                    raise Interrupted(interrupted.signum)
                continue
            for future in ready:
                chain = pending.pop(future)
                try:
                    blocks = future.result()
                except Exception as error:  # noqa: BLE001 - a worker died, or the task could not run
                    reason = _one_line(error)
                    blocks = [[error_row(a, b, f"task failed: {reason}")] for a, b in zip(chain, chain[1:])]
                future.release()
                for rows in blocks:
                    writer.write(rows)
                    summary.pairs += 1
                    summary.errors += rows[-1]["error"] is not None
                shown.update(len(blocks), summary.errors)
                if on_chain is not None:
                    on_chain(summary.pairs)
                while len(pending) < limit and submit():
                    pass
            if interrupted.is_set():
                client.cancel(list(pending))
                raise Interrupted(interrupted.signum)
