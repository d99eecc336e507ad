"""What a book page needs besides the topic modules: :func:`glue`, with or without myst-nb.

The book's pages paste computed numbers and figures into their prose with
myst-nb's ``glue``. A reader who downloads a page as a notebook and runs it in a
plain Jupyter kernel, with ``mltheory`` installed but not the book's tools,
should see the same results: there :func:`glue` shows what it is given (when
``display=True``) and otherwise does nothing.
"""

from __future__ import annotations

from typing import Any

from .validation import check_flag

__all__ = ["glue"]


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Publish ``variable`` under ``name`` for the book's prose, as ``myst_nb.glue`` does.

    Parameters
    ----------
    name : str
        The key that the page's ``{glue:...}`` roles and directives refer to.
    variable : object
        The value: a number, a string, a figure, a displayable object.
    display : bool, default True
        Whether to show ``variable`` in the cell's output as well.

    Raises
    ------
    TypeError
        If ``name`` is not a non-empty string, or ``display`` is not a bool.

    Examples
    --------
    >>> glue("answer", 42, display=False)
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"glue: name must be a non-empty string (got {name!r})")
    display = check_flag(display, name="display", func="glue")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show

            show(variable)
        return
    myst_glue(name, variable, display=display)
