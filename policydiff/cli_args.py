"""Command-line parsing shared by ``policydiff`` and ``policydiff batch``: every mistake is one line
on stderr and status 2 (never argparse's usage text), and a file whose name starts with ``-`` is
named as such, with the two ways to give it (``./-old.md``, or after ``--``)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn, Sequence

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``policydiff: <problem> (see PROG --help)``."""

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.split())
        if message.startswith("unrecognized arguments:"):
            message += f" (a file whose name starts with '-' goes after --: {self.prog} [OPTIONS] -- -NAME)"
        print(f"policydiff: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def _is_option(arg: str, options: set[str]) -> bool:
    """Does argparse read ``arg`` as one of ``options`` (``--opt``, ``--opt=value``, a unique
    ``--prefix`` of one, ``-h``)?"""
    name = arg.split("=", 1)[0]
    if name in options:
        return True
    return arg.startswith("--") and any(option.startswith(name) for option in options if option.startswith("--"))


def check_dash_files(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Before parsing: an argument (before ``--``) that starts with ``-``, is no option, and names
    an existing file or folder is a file given without ``--``: say so in one line (status 2)."""
    options = option_strings(parser)
    for arg in argv:
        if arg == "--":
            return
        if arg.startswith("-") and arg != "-" and not _is_option(arg, options) and os.path.lexists(arg):
            parser.error(f"{arg}: a name that starts with '-' is read as an option: write ./{arg}, "
                         f"or put it after -- ({parser.prog} [OPTIONS] -- {arg} ...)")


def flags_after_double_dash(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``argv`` with the flags written after ``--`` moved before it: ``policydiff -- -old.md
    new.md --json`` means what it says. Only a flag that takes no value and names no existing file
    is moved (a file really named ``--json`` stays a file)."""
    argv = list(argv)
    if "--" not in argv:
        return argv
    cut = argv.index("--")
    flags = {option for action in parser._actions if action.nargs == 0 for option in action.option_strings
             if option.startswith("--") and option not in ("--help", "--version")}
    moved = [arg for arg in argv[cut + 1:] if arg in flags and not os.path.lexists(arg)]
    rest = [arg for arg in argv[cut + 1:] if not (arg in flags and not os.path.lexists(arg))]
    return argv[:cut] + moved + ["--"] + rest


def check_option_like_files(parser: argparse.ArgumentParser, files: Sequence[str]) -> None:
    """After parsing: a file named exactly like one of the options that take a value
    (``--report``), that does not exist, came after ``--`` by mistake: say so in one line."""
    options = option_strings(parser)
    for name in files:
        if name in options and not os.path.lexists(name):
            parser.error(f"{name}: no such file (everything after -- is a file name: put options before "
                         f"it, {parser.prog} {name} -- -old.md new.md)")
