"""Claims of :mod:`mltheory.kernels`: the closed forms behind the layers' kernel maps, and the NNGP page.

Each claim is registered under the label of the equation that will state it in the book.
"""

from . import blocks, classifier, models, nngp, ntk, price, signal

__all__ = [
    "blocks",
    "classifier",
    "models",
    "nngp",
    "ntk",
    "price",
    "signal",
]
