"""Run small tensor computations on one thread.

The experiments of this part multiply small matrices (a few hundred rows)
many times in a row. On a shared machine PyTorch's worker threads then spend
more time waiting for each other than computing: a training run that takes
14 s on one thread took over 3 minutes on two threads while other processes
were busy. The experiments therefore run single-threaded, and restore the
caller's setting afterwards.
"""

from __future__ import annotations

import contextlib

import torch


class single_threaded(contextlib.ContextDecorator):
    """Context manager and decorator: use one intra-op thread inside, restore the previous count after.

    Examples
    --------
    >>> before = torch.get_num_threads()
    >>> with single_threaded():
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """

    def _recreate_cm(self):
        return type(self)()  # a fresh instance per decorated call, so nested calls restore correctly

    def __enter__(self):
        self._previous = torch.get_num_threads()
        torch.set_num_threads(1)
        return self

    def __exit__(self, *exc):
        torch.set_num_threads(self._previous)
        return False
