"""``policydiff batch SOURCE... --out FILE``: the change table of whole version histories."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from policydiff.cli_args import OneLineParser, check_dash_files
from policydiff.core.option_specs import OPTIONS, options_from

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 2, 130


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="policydiff batch",
        description="Compare every pair of consecutive versions of every document in SOURCE (a git "
        "repository: the history of each tracked .md/.txt/.html file; or a folder of version folders: "
        "DOCUMENT/DATE.md) and write one row per pair: what changed, in numbers.",
        epilog="Runs on a local Dask cluster (one worker process per core) unless --scheduler names one; "
        "the workers read the versions from the same paths, so a remote cluster needs SOURCE on a shared "
        "file system. A pair that fails is a row with its error. Exit status: 0 done (error rows "
        "included), 2 the run could not start (nothing written), 130 interrupted by Ctrl-C (143 by "
        "SIGTERM; run again with --resume). Needs the batch extra: pip install 'policydiff[batch]' (in a checkout: "
        "pip install -e '.[batch]').",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a git repository or a folder of version folders")
    parser.add_argument("--out", required=True, metavar="FILE", help="the table: FILE.csv, FILE.jsonl or FILE.parquet")
    parser.add_argument("--sections", action="store_true",
                        help="also one row per section group (titles, status, word counts)")
    parser.add_argument("--changes", action="store_true",
                        help="also one row per change: its class (substantive, editorial, cosmetic), signals and sentences")
    parser.add_argument("--resume", action="store_true", help="keep FILE's rows and compare only the pairs not in it")
    parser.add_argument("--force", action="store_true", help="write over an existing FILE")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="an existing Dask scheduler to run on")
    parser.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    parser.add_argument("--chunk", type=int, default=None, metavar="N",
                        help="consecutive pairs per task (default 8: each version is parsed once per chain)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    for spec in OPTIONS:
        parser.add_argument(spec.cli, action="store_true", help=spec.tip[:1].lower() + spec.tip[1:])
    return parser


def main(argv: Sequence[str]) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # while starting up (importing, listing): nothing written yet
        _fail("interrupted")
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str]) -> int:
    parser = build_parser()
    check_dash_files(parser, argv)
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.chunk is not None and args.chunk < 1:
        parser.error("--chunk must be at least 1")
    if args.scheduler and args.workers:
        parser.error("--workers is for the local cluster; a --scheduler's cluster has its own")
    from policydiff.batch.output import OutputError
    from policydiff.batch.run import CHUNK, Interrupted, StartError, run_batch
    from policydiff.batch.sources import SourceError

    options = options_from({spec.attr: getattr(args, spec.attr) for spec in OPTIONS})
    try:
        summary = run_batch(args.sources, args.out, options=options, sections=args.sections, resume=args.resume,
                            force=args.force, scheduler=args.scheduler, workers=args.workers,
                            chunk=args.chunk or CHUNK, progress=False if args.no_progress else None,
                            changes=args.changes)
    except (OutputError, SourceError, StartError) as error:
        return _fail(str(error))
    except Interrupted as stop:
        _fail(f"interrupted; the pairs done are in {args.out} (run again with --resume to go on)" if stop.started
              else f"interrupted before the first pair; {args.out} was not touched")
        return 128 + stop.signum  # as a shell reports a process ended by that signal
    except KeyboardInterrupt:
        _fail(f"interrupted; whatever pairs were done are in {args.out} (run again with --resume to go on)")
        return EXIT_INTERRUPTED
    except OSError as error:
        return _fail(f"{error.filename}: {error.strerror}" if error.filename else str(error))
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        return _fail(f"cannot run the batch ({type(error).__name__}: {error})")
    done = f"{summary.pairs} pairs"
    if summary.skipped:
        done += f" ({summary.skipped} already in {args.out})"
    if summary.errors:
        done += f", {summary.errors} with an error"
    print(f"policydiff: {done} in {summary.seconds:.1f} s ({summary.rate:.2f} pairs/s) -> {args.out}",
          file=sys.stderr)
    return EXIT_OK


def _fail(message: str) -> int:
    print(f"policydiff: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_ERROR
