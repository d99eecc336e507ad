"""Run small tensor computations on one thread.

The book's experiments multiply small matrices (a few hundred rows) many
times in a row: tiny networks, hundreds of small SVDs, repeated small solves.
With several threads, each of those steps pays a synchronisation cost that
dominates on a busy machine (a training run that takes 14 s on one thread took
over 3 minutes on two threads while other processes were busy), while one
thread is as fast when the machine is idle and gives the same result every
time. These computations therefore run single-threaded and restore the
caller's setting afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["one_thread"]


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the enclosed code on one intra-op thread, then restore torch's thread count.

    Use it as ``with one_thread():`` or as a decorator, ``@one_thread()``
    (each decorated call enters a fresh context, so nested calls restore
    correctly).

    Examples
    --------
    >>> before = torch.get_num_threads()
    >>> with one_thread():
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
