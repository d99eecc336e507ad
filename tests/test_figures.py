"""Every figure function draws labelled axes in the book's style and renders to PNG."""

import importlib
import pkgutil

import pytest

import mltheory
from mltheory.plotting import BookFigure

FIGURE_MODULES = [
    importlib.import_module(info.name)
    for info in pkgutil.walk_packages(mltheory.__path__, prefix="mltheory.")
    if info.name.rsplit(".", 1)[-1] == "figures"
]
FIGURE_FUNCTIONS = [getattr(module, name) for module in FIGURE_MODULES for name in module.__all__]
# Figures whose defaults train at the page's size: the test checks the drawing, so it trains less.
SMALLER = {
    "certificate_figure": {"steps": 400},
    "mode_collapse_figure": {"steps": 300},
    "random_labels_figure": {"hidden": 64, "epochs": 20},
    "tsne_digits_figure": {"n_points": 300},
    "digits_maps_figure": {"epochs": 3, "tsne_iterations": 260},
    "flow_density_figure": {"steps": 300},
    "vae_latent_figure": {"epochs": 1},
    "rate_distortion_figure": {"epochs": 1},
    "iwae_figure": {"replicates": 500},
    "sharpness_figure": {"octaves": 1},
    "alignment_figure": {"epochs": 1},
    "digits_training_figure": {"epochs": 3},
    "linear_regions_figure": {"networks": 10},
    "second_moment_figure": {"seeds": 2},
    "phase_diagram_figure": {"points": 4},
    "flops_figure": {"lengths": (8, 32)},
    "attention_figure": {"samples": 50},
    "digits_figure": {"epochs": 2},
}


def test_figure_modules_are_found():
    assert "mltheory.information.figures" in [module.__name__ for module in FIGURE_MODULES]
    assert set(SMALLER) <= {func.__name__ for func in FIGURE_FUNCTIONS}


@pytest.mark.parametrize("func", FIGURE_FUNCTIONS, ids=lambda f: f.__name__)
def test_figure_has_labelled_axes_and_renders(func):
    fig = func(**SMALLER.get(func.__name__, {}))
    assert isinstance(fig, BookFigure)
    visible = [ax for ax in fig.axes if ax.axison and ax.get_label() != "<colorbar>"]
    for ax in visible:
        assert ax.get_xlabel() and ax.get_ylabel(), f"{func.__name__}: unlabelled axes"
        assert ax.has_data()
    assert fig._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
