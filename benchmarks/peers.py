"""Speed against the peers a user would pick instead, side by side in one process on the same inputs.

Each pair runs alternately (ours, peer, ours, peer, ...) so that a change in the machine's load hits
both alike, and the best time of each is kept. It prints ours/peer as a time ratio (below 1: ours is
faster) and the largest disagreement between the two results. Run it as the project runs (``make
bench``: OMP_WAIT_POLICY=PASSIVE, torch's default threads, and whatever OPENBLAS_CORETYPE this
machine sets); the settings are printed first.

    python benchmarks/peers.py [--quick]

``--quick`` uses one repeat of t-SNE instead of two.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import scipy
import scipy.optimize
import scipy.stats
import sklearn
import torch
from sklearn.manifold import TSNE, trustworthiness
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

from mltheory.data import digits
from mltheory.distances import wasserstein_1d
from mltheory.information import entropy, kl_divergence, tsne
from mltheory.kernels import Dense, Relu, empirical_ntk, serial
from mltheory.optimization import adam, bfgs
from mltheory.optimization.claims.second_order import ROSENBROCK_START, rosenbrock, rosenbrock_gradient

#: t-SNE settings shared by both sides (scikit-learn's defaults, which ours follow).
TSNE_SETTINGS = dict(perplexity=30.0, early_exaggeration=12.0, init="pca")
#: Ours stops once the divergence falls by less than 1% over 50 iterations (750 of 1000 on the digits).
TSNE_TOL = 0.01


def alternate(ours, peer, repeats: int):
    """Best times of ``ours`` and ``peer`` over alternating calls, and their last results."""
    times = {"ours": [], "peer": []}
    results = {}
    for _ in range(repeats):
        for name, run in (("ours", ours), ("peer", peer)):
            start = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - start)
    return min(times["ours"]), min(times["peer"]), results["ours"], results["peer"]


def report(name: str, peer_name: str, ours_time: float, peer_time: float, agreement: str) -> float:
    ratio = ours_time / peer_time
    shown = f"{ratio:5.2f}" if ratio >= 0.01 else f"{ratio:5.0e}"
    print(f"{name:16s} vs {peer_name:36s} ours {ours_time * 1e3:9.1f} ms  peer {peer_time * 1e3:9.1f} ms  "
          f"ratio {shown}  {agreement}", flush=True)
    return ratio


def torch_adam(loss, start: torch.Tensor, lr: float, steps: int) -> torch.Tensor:
    """``steps`` steps of ``torch.optim.Adam`` on ``loss`` from ``start``; the final point."""
    point = start.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([point], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        loss(point).backward()
        optimizer.step()
    return point.detach()


def kernel_benchmark(points: int = 500, dimension: int = 64, width: int = 2048, chunk_size: int = 50) -> float:
    """The analytic NNGP and NTK of a depth-3 ReLU network against the empirical NTK of one of width ``width``.

    The empirical side is what a PyTorch user without analytic kernels would run: per-example gradients by
    ``torch.func`` (:func:`~mltheory.kernels.empirical_ntk`, in float32, ``chunk_size`` inputs per block,
    so that two blocks of gradients of the 8.5 million parameters take 3.4 GB; its cost is the 4 TFLOP of
    the Gram products and the gradients recomputed for each block, minutes on two cores). It runs once; the
    analytic side, in float64, runs three times. The agreement printed is the relative Frobenius distance of the
    two NTKs, of order width^(-1/2).
    """
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(points, dimension, generator=generator, dtype=torch.float64)
    model = serial(*[layer for _ in range(3) for layer in (Dense(2**0.5, 0.1), Relu())], Dense(1.0, 0.1))
    network = model.network(width, seed=0, input_dim=dimension, dtype=torch.float32)
    inputs = x.float()

    def analytic():
        return model.nngp(x, x), model.ntk(x, x)

    ours, _, (_, ntk), _ = alternate(analytic, lambda: None, repeats=3)
    empirical_ntk(network, inputs[:2], inputs[:2])  # torch.func's one-time set-up is not part of the timing
    start = time.perf_counter()
    empirical = empirical_ntk(network, inputs, inputs, chunk_size=chunk_size)
    peer = time.perf_counter() - start
    distance = float(torch.linalg.matrix_norm(empirical.double() - ntk) / torch.linalg.matrix_norm(ntk))
    return report("kernels nngp+ntk", f"empirical NTK, torch.func (width {width})", ours, peer,
                  f"depth 3, {points}x{points} inputs of dim {dimension}; relative distance of the NTKs {distance:.3f}")


def settings() -> None:
    from threadpoolctl import threadpool_info

    blas = [f"{i['internal_api']} {i.get('architecture', '')} ({i['num_threads']} threads)" for i in threadpool_info()
            if i["user_api"] == "blas"]
    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads), numpy {np.__version__}, "
          f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows threaded code most), "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, BLAS: {'; '.join(blas)}")


def main(quick: bool = False) -> dict[str, float]:
    settings()
    rng = np.random.default_rng(0)
    ratios = {}

    p = rng.random(1_000_000)
    p /= p.sum()
    q = rng.random(1_000_000)
    q /= q.sum()
    ours, peer, a, b = alternate(lambda: entropy(p), lambda: scipy.stats.entropy(p), repeats=41)
    ratios["entropy"] = report("entropy", "scipy.stats.entropy (10^6)", ours, peer, f"|diff| {abs(float(a) - b):.1e}")
    ours, peer, a, b = alternate(lambda: kl_divergence(p, q), lambda: scipy.stats.entropy(p, q), repeats=41)
    ratios["kl_divergence"] = report("kl_divergence", "scipy.stats.entropy(p, q) (10^6)", ours, peer,
                                     f"|diff| {abs(float(a) - b):.1e}")

    u, v = rng.normal(size=100_000), rng.normal(0.3, 1.2, size=100_000)
    ours, peer, a, b = alternate(lambda: wasserstein_1d(u, v), lambda: scipy.stats.wasserstein_distance(u, v),
                                 repeats=21)
    ratios["wasserstein_1d"] = report("wasserstein_1d", "scipy.stats.wasserstein_distance", ours, peer,
                                      f"|diff| {abs(float(a) - b):.1e}")

    generator = torch.Generator().manual_seed(0)
    curvatures, start = torch.rand(100_000, generator=generator) + 0.1, torch.randn(100_000, generator=generator)

    def quadratic(point):
        return 0.5 * (curvatures * point * point).sum()

    ours, peer, a, b = alternate(lambda: adam(quadratic, start, 1e-3, 100)[-1],
                                 lambda: torch_adam(quadratic, start, 1e-3, 100), repeats=11)
    ratios["adam"] = report("adam", "torch.optim.Adam (10^5, 100 steps)", ours, peer,
                            f"max |diff| {(a - b).abs().max().item():.1e}")

    # Both sides get Rosenbrock and its gradient in closed form, each written in its own array library:
    # scipy's rosen and rosen_der (numpy) as jac=, ours rosenbrock and rosenbrock_gradient (torch) as gradient=.
    for dimension in (2, 100):  # the classic start, (-1.2, 1), repeated
        start = np.resize(np.array(ROSENBROCK_START), dimension)
        ours, peer, a, b = alternate(
            lambda: bfgs(rosenbrock, start, gradient=rosenbrock_gradient)[-1],
            lambda: scipy.optimize.minimize(scipy.optimize.rosen, start, jac=scipy.optimize.rosen_der, method="BFGS"),
            repeats=11 if dimension == 2 else 3)
        ratios[f"bfgs {dimension}-d"] = report(f"bfgs ({dimension}-d)", "scipy BFGS on Rosenbrock (jac given)", ours,
                                               peer, f"|diff| {np.abs(a.numpy() - b.x).max():.1e}")
        autograd, _, _, _ = alternate(lambda: bfgs(rosenbrock, start)[-1], lambda: None, repeats=3)
        print(f"{'':16s}    without gradient=, by autograd: ours {autograd * 1e3:9.1f} ms, "
              f"{autograd / peer:.2f} of scipy's time")

    ratios["kernels"] = kernel_benchmark()

    x, _ = digits()
    x_numpy = x.numpy()
    peer_model = TSNE(max_iter=1000, learning_rate="auto", method="barnes_hut", angle=0.5, random_state=0,
                      **TSNE_SETTINGS)
    ours, peer, a, b = alternate(lambda: tsne(x, n_iter=1000, tol=TSNE_TOL, **TSNE_SETTINGS),
                                 lambda: peer_model.fit(x_numpy), repeats=1 if quick else 2)
    trust_ours = trustworthiness(x_numpy, a.embedding.double().numpy(), n_neighbors=5)
    trust_peer = trustworthiness(x_numpy, b.embedding_, n_neighbors=5)
    ratios["tsne"] = report("tsne", "sklearn TSNE (Barnes-Hut, angle 0.5)", ours, peer,
                            f"trustworthiness {trust_ours:.4f} vs {trust_peer:.4f}; "
                            f"KL {float(a.kl_divergence):.3f} vs {b.kl_divergence_:.3f}")
    print(f"t-SNE settings: digits (1797 x 64), perplexity 30, early exaggeration 12 for 250 iterations, PCA init, "
          f"learning rate max(n/12/4, 50), at most 1000 iterations; ours stopped after {int(a.history[-1, 0]) + 1} "
          f"(tol {TSNE_TOL}), exact repulsions in float32 on one thread; scikit-learn ran {b.n_iter_ + 1}, its "
          f"gradient on {_openmp_effective_n_threads()} OpenMP threads. Both calibrate P on the "
          f"{min(len(x) - 1, int(3 * TSNE_SETTINGS['perplexity']) + 1)} nearest neighbours of each point.")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return ratios


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
