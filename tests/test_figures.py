"""Every figure function draws labelled axes in the book's style and renders to PNG."""

import inspect

import pytest

from mltheory.information import figures as information_figures
from mltheory.plotting import BookFigure

FIGURE_FUNCTIONS = [
    func for module in [information_figures]
    for name, func in inspect.getmembers(module, inspect.isfunction)
    if name in module.__all__
]


@pytest.mark.parametrize("func", FIGURE_FUNCTIONS, ids=lambda f: f.__name__)
def test_figure_has_labelled_axes_and_renders(func):
    fig = func()
    assert isinstance(fig, BookFigure)
    visible = [ax for ax in fig.axes if ax.axison and ax.get_label() != "<colorbar>"]
    for ax in visible:
        assert ax.get_xlabel() and ax.get_ylabel(), f"{func.__name__}: unlabelled axes"
        assert ax.has_data()
    assert fig._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
