"""One in-process Dask cluster for the batch tests."""

from __future__ import annotations

import logging
from typing import Iterator

import pytest


@pytest.fixture(scope="session")
def client() -> Iterator[object]:
    """A LocalCluster with in-process workers: no process start-up, fast."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        yield c
