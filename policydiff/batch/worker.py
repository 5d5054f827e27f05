"""What runs on the local worker processes besides the comparisons (imported only where Dask is)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin


class QuietWorker(WorkerPlugin):
    """Local worker processes leave Ctrl-C to the client, which stops them itself: a Ctrl-C in the
    terminal reaches the whole process group, and each worker would print its own traceback. The
    first workers inherit it blocked (see ``run._interrupts_held``); this covers those
    the nanny starts again after a crash."""

    idempotent = True

    def setup(self, worker: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
