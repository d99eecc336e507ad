"""Claims of :mod:`mltheory.kernels`: the closed forms behind the layers' kernel maps, and the NNGP page.

Each claim is registered under the label of the equation that will state it in the book.
"""

from . import blocks, models, nngp, ntk, price

__all__ = [
    "blocks",
    "models",
    "nngp",
    "ntk",
    "price",
]
