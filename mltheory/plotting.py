"""The book's figure style.

Every figure in the book is made by a function of the package that is
decorated with :func:`figure_function` and starts with :func:`new_figure`, so
all figures share one look: a colour-blind-safe palette
(Okabe & Ito), labelled axes, and sizes that read well on a page. Figures are
plain ``matplotlib.figure.Figure`` objects, not pyplot state, so creating
one never displays it twice in a notebook.
"""

from __future__ import annotations

import functools
import io

import matplotlib as mpl
from matplotlib.figure import Figure

from .validation import check_callable, check_integer, check_scalar

__all__ = ["PALETTE", "STYLE", "BookFigure", "figure_function", "new_figure"]

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
"""Okabe–Ito colours, distinguishable with every common form of colour blindness."""

STYLE = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "lines.linewidth": 1.8,
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "savefig.bbox": "tight",
}
"""The rcParams of the book's style."""


class BookFigure(Figure):
    """A matplotlib figure that displays itself as a PNG in any IPython front end.

    It does not rely on the inline backend being active (for example in a kernel
    that never imported pyplot), which is what lets a book page glue it into a
    captioned figure.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=STYLE["savefig.dpi"], bbox_inches="tight")
        return buffer.getvalue()


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 7.0, height: float | None = None, **subplot_kw):
    """A figure with a grid of axes in the book's style.

    Parameters
    ----------
    nrows, ncols : int, default 1
        Shape of the grid of axes.
    width : float, default 7.0
        Width in inches (the text width of a page).
    height : float, optional
        Height in inches; by default 0.75 of a panel's width per row, capped so
        that a single row is not too tall.
    **subplot_kw
        Passed to ``Figure.add_subplot`` (e.g. ``projection``).

    Returns
    -------
    fig : BookFigure
    axes : matplotlib.axes.Axes or numpy.ndarray of them
        A single Axes when ``nrows == ncols == 1``.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> fig.get_size_inches().tolist()
    [7.0, 4.2]
    """
    func = "new_figure"
    nrows = check_integer(nrows, name="nrows", func=func, minimum=1)
    ncols = check_integer(ncols, name="ncols", func=func, minimum=1)
    width = check_scalar(width, name="width", func=func, low=0, low_open=True)
    if height is None:
        height = nrows * min(0.75 * width / ncols, 4.2)
    height = check_scalar(height, name="height", func=func, low=0, low_open=True)
    with mpl.rc_context(STYLE):
        fig = BookFigure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, subplot_kw=subplot_kw or None)
    return fig, axes


def figure_function(func):
    """Decorator: run a figure-making function with the book's style in force.

    Matplotlib reads most style settings when an artist is created, so the
    style has to be active for the whole function, not only when the figure is
    made.

    Examples
    --------
    >>> @figure_function
    ... def line():
    ...     fig, ax = new_figure()
    ...     return ax.plot([0, 1])[0].get_linewidth()
    >>> line()
    1.8
    """

    check_callable(func, name="func", func="figure_function")

    @functools.wraps(func)
    def styled(*args, **kwargs):
        with mpl.rc_context(STYLE):
            return func(*args, **kwargs)

    return styled
