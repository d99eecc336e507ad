"""Claims of :mod:`mltheory.kernels`: the closed forms behind the layers' kernel maps.

Each claim is registered under the label of the equation that will state it in the book.
"""

from . import ntk, price

__all__ = ["ntk", "price"]
