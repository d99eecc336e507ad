"""mltheory: the package behind the book *Machine-Learning Theory, Machine-Checked*.

Every function the book runs lives here, documented and tested. Topics are
subpackages (:mod:`mltheory.information`, ...); shared ground is
:mod:`mltheory.claims` (the verification spine), :mod:`mltheory.validation`
(argument checks), :mod:`mltheory.data` (seeded datasets) and
:mod:`mltheory.plotting` (the book's figure style).

Examples
--------
>>> from mltheory.information import entropy
>>> entropy([0.5, 0.25, 0.25], base=2)
tensor(1.5000, dtype=torch.float64)
"""

__version__ = "0.1.0"
