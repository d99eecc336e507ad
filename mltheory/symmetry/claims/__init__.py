"""Claims of the part "Symmetry and generalization", one module per page (``book/symmetry/*.md``).

Each claim is registered under the label of the equation that states it in the book.
"""

from . import deep_networks, degree_seven, generalization, groups, linear_learning, symmetry_in_data, theorem

__all__ = ["deep_networks", "degree_seven", "generalization", "groups", "linear_learning", "symmetry_in_data",
           "theorem"]
