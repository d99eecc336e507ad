"""Figures of the page on conditional entropy and mutual information."""

from __future__ import annotations

import torch

from ...plotting import figure_function, new_figure
from ..measures import entropy
from ..multivariate import conditional_entropy, joint_entropy, mutual_information

__all__ = ["noisy_channel_figure"]


def binary_channel_joint(prior, flip) -> torch.Tensor:
    """Joint table ``p[x, y]`` of an input bit with ``P(X = 1) = prior`` sent through a channel that flips it with probability ``flip``."""
    prior, flip = torch.broadcast_tensors(torch.as_tensor(prior, dtype=torch.float64),
                                          torch.as_tensor(flip, dtype=torch.float64))
    p_x = torch.stack([1 - prior, prior], dim=-1)
    channel = torch.stack([torch.stack([1 - flip, flip], -1), torch.stack([flip, 1 - flip], -1)], dim=-2)
    return p_x.unsqueeze(-1) * channel


@figure_function
def noisy_channel_figure(priors=(0.5, 0.2)):
    """Entropies of the input and output of a binary symmetric channel, against its flip probability."""
    flip = torch.linspace(0, 1, 201, dtype=torch.float64)
    fig, axes = new_figure(1, len(priors), height=3.3)
    for ax, prior in zip(axes, priors):
        joint = binary_channel_joint(prior, flip)
        curves = {
            "H(X)": entropy(joint.sum(-1), base=2), "H(Y)": entropy(joint.sum(-2), base=2),
            "H(X,Y)": joint_entropy(joint, base=2), "H(X|Y)": conditional_entropy(joint, base=2),
            "I(X;Y)": mutual_information(joint, base=2),
        }
        for name, values in curves.items():
            ax.plot(flip, values, label=name, linewidth=2.4 if name == "I(X;Y)" else 1.4,
                    linestyle="--" if name == "H(X|Y)" else "-")
        ax.set(xlabel="flip probability ε", ylabel="bits", title=f"P(X = 1) = {prior:g}", ylim=(0, 2.7))
        ax.legend(fontsize=8, ncols=3, loc="upper center")
    return fig
