"""The progress bar: pairs done, rate, time left (tqdm, on stderr)."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator


class _Bar:
    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def update(self, pairs: int, errors: int) -> None:
        if self.bar is not None:
            if errors:
                self.bar.set_postfix_str(f"{errors} error{'s' if errors != 1 else ''}", refresh=False)
            self.bar.update(pairs)


@contextlib.contextmanager
def bar(total: int, skipped: int, *, enabled: bool | None) -> Iterator[_Bar]:
    """``enabled``: True always, False never, None when stderr is a terminal."""
    if enabled is False:
        yield _Bar(None)
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield _Bar(None)
        return
    desc = f"pairs ({skipped} already done)" if skipped else "pairs"
    with tqdm(total=total, desc=desc, unit="pair", disable=None if enabled is None else False,
              smoothing=0.05, dynamic_ncols=True) as shown:
        yield _Bar(shown)
