"""Command line: ``--outline``, ``--json`` and ``--report`` run headless; otherwise the window opens."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Sequence

from policydiff import __version__
from policydiff.cli_args import OneLineParser, check_dash_files, check_option_like_files, flags_after_double_dash
from policydiff.core.option_specs import OPTIONS, STYLES, options_from

EXIT_SAME, EXIT_DIFFERENT, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="policydiff",
        description="Compare two versions of a privacy policy section by section, word by word. "
        "With no file, the window opens on NEC's 2002 and 2024 privacy statements.",
        epilog="Exit status with --json/--report: 0 no differences, 1 differences, 2 error (like diff). "
        "A file whose name starts with '-': put it after -- (policydiff --json -- -old.md new.md). "
        "Whole version histories: policydiff batch SOURCE... --out FILE (see policydiff batch --help).",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="OLD and NEW policy files (one with --outline)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--outline", action="store_true", help="print each file's section outline as JSON")
    parser.add_argument("--explain", action="store_true",
                        help="with --outline: say, line by line, which rule made each heading and why "
                        "each heading-like line is not one, and which lines were set aside")
    parser.add_argument("--disable-rule", action="append", default=[], metavar="NAME",
                        help="with --outline or --json: switch this outline rule off (repeatable; "
                        "--outline --explain names the rules)")
    mode.add_argument("--json", action="store_true", help="print the comparison of OLD and NEW as JSON")
    mode.add_argument("--report", metavar="HTML", help="write the comparison as a self-contained HTML report")
    parser.add_argument("--layout", choices=("side-by-side", "inline"), default="side-by-side",
                        help="report layout (default: side-by-side)")
    parser.add_argument("--changed-only", action="store_true", help="report: collapse unchanged sections")
    parser.add_argument("--force", action="store_true", help="report: overwrite an existing file")
    parser.add_argument("--style", choices=tuple(STYLES), default="standard",
                        help="report colours: standard (red/green), colorblind (orange/blue), "
                        "blackline (red struck through / blue double-underlined)")
    parser.add_argument("--history", action="store_true",
                        help="FILE is a version history: a file tracked by git (its commits), a folder "
                        "of versions (dated names, else modification times), or several files in order; "
                        "opens the window on it, or with --json prints each version and each step's counts")
    for spec in OPTIONS:
        # Only the sentence's first letter is lowered: "treat Data and data as the same word".
        parser.add_argument(spec.cli, action="store_true", help=spec.tip[:1].lower() + spec.tip[1:])
    parser.add_argument("--version", action="version", version=f"policydiff {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["batch"]:  # a subcommand; a file named "batch" is ./batch
        try:
            from policydiff.batch.cli import main as batch_main
        except KeyboardInterrupt:  # Ctrl-C while importing: one line, as the batch itself says it
            print("policydiff: interrupted", file=sys.stderr)
            return 130
        return batch_main(argv[1:])
    parser = build_parser()
    check_dash_files(parser, argv)  # "-old.md": one line naming it, never the usage text
    args = parser.parse_args(flags_after_double_dash(parser, argv))
    check_option_like_files(parser, args.files)
    if args.history:
        return _history(args, parser)
    headless = args.outline or args.json or args.report
    if not headless:
        if len(args.files) > 2:
            parser.error("give at most two files: OLD NEW (one file opens as the old side)")
        # Before any Qt import: a missing X library makes Qt abort with a message that does not name it.
        from policydiff.gui.platform_check import window_start_problem

        problem = window_start_problem()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_ERROR
        from policydiff.gui.app import run

        old, new = (args.files + [None, None])[:2]
        return run(old, new)
    try:
        return _run_headless(args, parser)
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_ERROR
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception as error:  # a bug or a file nobody foresaw: still one line and status 2, no traceback
        return _fail(_unexpected(error, args))


def _history(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """``--history``: the window on a history, or with ``--json`` its versions and steps."""
    if not args.files:
        parser.error("--history needs a FILE tracked by git, a folder of versions, or several files")
    if args.outline or args.report:
        parser.error("--history opens the window, or prints JSON with --json")
    if not args.json:
        from policydiff.gui.platform_check import window_start_problem

        problem = window_start_problem()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_ERROR
        from policydiff.gui.app import run_history

        return run_history(args.files)
    from policydiff.core.history import HistoryError, history_json, open_history

    options = options_from({spec.attr: getattr(args, spec.attr) for spec in OPTIONS})
    try:
        history = open_history(args.files)
        shown = [-1.0]

        def progress(done: int, total: int) -> None:
            if done == 0:
                print(f"policydiff: {history.name}: {len(history.versions)} versions, comparing "
                      f"{total} steps", file=sys.stderr, flush=True)
                return
            now = time.monotonic()
            if done == total or now - shown[0] >= 2.0:
                shown[0] = now
                print(f"policydiff: compared {done} of {total} steps", file=sys.stderr, flush=True)

        data = history_json(history, options=options, progress=progress)
        _print_json(data)
    except HistoryError as error:
        return _fail(str(error))
    except BrokenPipeError:
        return EXIT_ERROR
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception as error:  # noqa: BLE001 - one line and status 2, never a traceback
        return _fail(_unexpected(error, args))
    return EXIT_SAME


def _unexpected(error: BaseException, args: argparse.Namespace) -> str:
    """One line for an exception nothing else handled, naming the file(s) being worked on."""
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    files = " vs ".join(args.files) or "policydiff"
    kind = type(error).__name__
    if isinstance(error, MemoryError):
        detail = "out of memory"
    elif isinstance(error, RecursionError):
        detail = "the text is nested too deeply"
    else:
        detail = str(error).strip()
    return f"{files}: cannot process ({kind}: {detail})" if detail else f"{files}: cannot process ({kind})"


def _run_headless(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from policydiff.core.load import LoadError, load_document
    from policydiff.core.serialize import comparison_json, document_outline

    from policydiff.core.outline.engine import RULE_NAMES

    disabled = frozenset(args.disable_rule)
    if disabled - set(RULE_NAMES):
        parser.error(f"--disable-rule: no rule named {', '.join(sorted(disabled - set(RULE_NAMES)))}; "
                     f"the rules: {', '.join(RULE_NAMES)}")
    try:
        if args.outline:
            if not args.files:
                parser.error("--outline needs at least one FILE")
            documents = [load_document(path, disabled_rules=disabled) for path in args.files]
            if args.explain:
                from policydiff.core.serialize import explain_lines

                sys.stdout.write("\n".join(line for doc in documents for line in explain_lines(doc)) + "\n")
                return EXIT_SAME
            outlines = [document_outline(doc) for doc in documents]
            _print_json(outlines[0] if len(outlines) == 1 else outlines)
            return EXIT_SAME
        if len(args.files) != 2:
            parser.error("--json and --report need two files: OLD NEW")
        if args.report:  # refuse an input, a folder or a device before any work, never after
            from policydiff.core.report import ReportTargetError, check_report_target

            try:
                check_report_target(args.report, args.files)
            except ReportTargetError as error:
                return _fail(str(error))
        old, new = (load_document(path, disabled_rules=disabled) for path in args.files)
    except LoadError as error:
        return _fail(str(error))

    from policydiff.core.compare import compare

    options = options_from({spec.attr: getattr(args, spec.attr) for spec in OPTIONS})
    comparison = compare(old, new, options=options)
    if args.json:
        _print_json(comparison_json(comparison))
    else:
        from policydiff.core.report import ReportTargetError, render_report, save_report

        html = render_report(comparison, layout=args.layout, changed_only=args.changed_only, style=args.style)
        try:
            save_report(args.report, html, overwrite=args.force, inputs=args.files)
        except ReportTargetError as error:
            return _fail(str(error))
        except FileExistsError:
            return _fail(f"{args.report}: file exists (use --force to overwrite it)")
        except OSError as error:
            return _fail(f"{args.report}: cannot write report ({error.strerror or error})")
    return EXIT_SAME if comparison.identical else EXIT_DIFFERENT


def _print_json(data: object) -> None:
    # One write: json.dump would write each of its thousands of pieces to the stream.
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(message: str) -> int:
    message = " ".join(message.split())  # exactly one line, whatever the exception said
    print(f"policydiff: {message}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
