"""Is there a Dask scheduler at ``--scheduler``? Asked with a timeout, before Dask is asked.

Dask's own connect retries for 30 s on a refused port, waits without end on a service that accepts
and says nothing, and reads the first eight bytes of anything else as the length of a message to
allocate (``MemoryError: 3.07 EiB``). A Dask scheduler speaks first: on a TCP connection it sends
its handshake at once, one length-prefixed message of a few msgpack frames. So the probe connects,
reads that greeting within :data:`TIMEOUT` seconds, checks that its lengths add up, and otherwise
says in one line what is at the address.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import time

TIMEOUT = 10.0
"""Seconds to connect, and again to hear the greeting (a scheduler sends it in milliseconds)."""

_GREETING_LIMIT = 1 << 20
"""A handshake is under a kilobyte; a "length" above this is not one."""


class SchedulerError(Exception):
    """Not a Dask scheduler at the address (one line)."""


def split_address(address: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of ``tcp://host:port``, ``tls://...`` or ``host:port`` (Dask's default
    scheme is tcp); None for other schemes (inproc, ucx, ws), which are not probed."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme not in ("tcp", "tls"):
        return None
    host, colon, port = rest.rstrip("/").rpartition(":")
    if not colon or not port.isdigit() or not host:
        raise SchedulerError(f"{address}: not a scheduler address (write tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786)")
    return scheme, host.strip("[]"), int(port)


def probe(address: str, timeout: float | None = None) -> None:
    """Return when a Dask scheduler answers at ``address`` within ``timeout`` s (default
    :data:`TIMEOUT`); SchedulerError saying what is there instead. A ``tls://`` address is only
    checked to accept connections (its greeting is encrypted)."""
    timeout = TIMEOUT if timeout is None else timeout
    parts = split_address(address)
    if parts is None:
        return
    scheme, host, port = parts
    try:
        connection = socket.create_connection((host, port), timeout=timeout)
    except socket.gaierror:
        raise SchedulerError(f"{address}: no such host {host!r}") from None
    except ConnectionRefusedError:
        raise SchedulerError(f"{address}: nothing is listening there (connection refused); "
                             "start the scheduler with `dask scheduler`, or correct the address") from None
    except (TimeoutError, socket.timeout):
        raise SchedulerError(f"{address}: no answer to a connection within {timeout:g} s "
                             "(no such machine, or a firewall)") from None
    except OSError as error:
        raise SchedulerError(f"{address}: cannot connect ({error.strerror or error})") from None
    with connection:
        if scheme == "tls":
            return
        greeting = _read_greeting(connection, timeout)
    problem = _not_a_greeting(greeting, timeout)
    if problem:
        raise SchedulerError(f"{address}: {problem}: not a Dask scheduler")


def _read_greeting(connection: socket.socket, timeout: float) -> bytes:
    """What the other end says first, up to its own length prefix (or what came in ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    data = b""
    want = 8
    while len(data) < want:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        connection.settimeout(left)
        try:
            chunk = connection.recv(min(65536, want - len(data)))
        except (TimeoutError, socket.timeout):
            break
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        if len(data) >= 8 and want == 8:
            (length,) = struct.unpack_from("Q", data)
            if not 16 <= length <= _GREETING_LIMIT:  # not a length: what else it said, to name it
                connection.settimeout(min(0.5, max(0.01, deadline - time.monotonic())))
                with contextlib.suppress(OSError):
                    data += connection.recv(56)
                break
            want = 8 + length
    return data


def _not_a_greeting(data: bytes, timeout: float) -> str | None:
    """None for a Dask handshake (``[total][frame count][frame lengths][frames]``, lengths adding
    up, a msgpack map naming the pickle protocol); else what was heard, in a few words."""
    if not data:
        return f"it accepted the connection but sent no greeting within {timeout:g} s"
    if len(data) >= 16:
        (total,) = struct.unpack_from("Q", data)
        (frames,) = struct.unpack_from("Q", data, 8)
        if len(data) == 8 + total and 0 < frames < 64 and 8 * (1 + frames) <= total:
            lengths = struct.unpack_from(f"{frames}Q", data, 16)
            if 8 * (1 + frames) + sum(lengths) == total and b"pickle-protocol" in data:
                return None
    shown = data[:40].decode("ascii", "replace")
    printable = "".join(c if c.isprintable() else "." for c in shown)
    return f"it answered {printable!r}"
