r"""Pictures with symmetry, filled in from a patch by their group: an image is a function of the pixel.

An image is a function :math:`f : X \to \mathbb{R}^3` from pixel positions to
colours. If :math:`f` is invariant under a group :math:`G` acting on the
pixels, its value at :math:`x` equals its value at every :math:`g \cdot x`, so
knowing :math:`f` on a patch :math:`D` that meets every orbit determines it
everywhere. Learning from :math:`D` then needs no guessing at all: the group
fills in the rest (:func:`orbit_fill`).

A group acts here through *pixel tables*: for each generator, the index of the
pixel that each pixel is sent to, or ``-1`` where it leaves the picture
(:func:`mirror_action`, :func:`tiling_action`). Two pictures come with the
module, made so that their symmetry holds exactly in floating point:

* :func:`butterfly_image`, invariant under the reflection
  :math:`(x_1, x_2) \mapsto (-x_1, x_2)`;
* :func:`tiling_image`, invariant under the translations of
  :math:`\mathbb{Z}^2` by whole tiles and, within a tile, under its rotations
  by quarter turns and its reflections (the dihedral group :math:`D_4`).
"""

from __future__ import annotations

import torch

from ..validation import as_float_tensor, check_choice, check_finite, check_integer, check_shape

__all__ = [
    "SYMMETRIES",
    "butterfly_image",
    "mirror_action",
    "mirror_reconstruction",
    "orbit_fill",
    "tiling_action",
    "tiling_image",
    "tiling_reconstruction",
]

SYMMETRIES = ("translations", "rotations", "reflections")
"""The generators :func:`tiling_action` knows: whole-tile shifts, quarter turns and mirrors of a tile."""

_PALETTE = torch.tensor([
    [0.96, 0.94, 0.88],  # background
    [0.93, 0.55, 0.13],  # wing
    [0.16, 0.12, 0.10],  # body and wing edge
    [0.98, 0.85, 0.30],  # spot
    [0.15, 0.35, 0.60],  # tile ground
    [0.97, 0.96, 0.92],  # tile line
    [0.80, 0.20, 0.15],  # tile star
    [0.20, 0.55, 0.35],  # tile centre
], dtype=torch.float64)


def _centred(n: int) -> torch.Tensor:
    """Pixel centres of ``n`` pixels across [-1, 1]: ``c[n - 1 - j] == -c[j]`` exactly."""
    return (torch.arange(n, dtype=torch.float64) + 0.5 - n / 2) / (n / 2)


def butterfly_image(size: int = 128) -> torch.Tensor:
    r"""A butterfly-like picture, exactly symmetric under :math:`(x_1, x_2) \mapsto (-x_1, x_2)`.

    Pixel :math:`(i, j)` sits at :math:`x_1 = (j + \tfrac12 - \tfrac{s}{2}) / \tfrac{s}{2}`
    across and :math:`x_2` likewise upwards, and its colour is computed from
    :math:`|x_1|` and :math:`x_2` only, so columns :math:`j` and :math:`s - 1 - j`
    hold the same floating-point numbers. The picture is not symmetric under
    :math:`x_2 \mapsto -x_2`: the upper wings are larger.

    Parameters
    ----------
    size : int, default 128
        Height and width in pixels; even and at least 8.

    Returns
    -------
    torch.Tensor, shape (size, size, 3)
        RGB values in [0, 1], float64; row 0 is the top.

    Examples
    --------
    >>> image = butterfly_image(16)
    >>> tuple(image.shape), torch.equal(image, image.flip(1)), torch.equal(image, image.flip(0))
    ((16, 16, 3), True, False)
    """
    size = _check_even(size, name="size", func="butterfly_image", minimum=8)
    across = _centred(size).abs()
    up = -_centred(size)
    a, b = across.expand(size, size), up[:, None].expand(size, size)
    radius = torch.hypot(a, b)
    angle = torch.atan2(a, b)  # 0 straight up, pi straight down
    reach = 0.95 * angle.sin().pow(0.6) * (0.72 + 0.28 * angle.cos()) * (1 + 0.08 * (6 * angle).cos())
    wing = radius < reach
    edge = wing & (radius > reach - 0.07)
    spots = (torch.hypot(a - 0.5, b - 0.38) < 0.12) | (torch.hypot(a - 0.32, b + 0.35) < 0.07)
    body = (a < 0.045) & (b.abs() < 0.62)
    colour = torch.zeros(size, size, dtype=torch.long)
    colour[wing] = 1
    colour[wing & spots] = 3
    colour[edge | body] = 2
    return _PALETTE[colour]


def tiling_image(tile: int = 32, tiles: int = 6) -> torch.Tensor:
    r"""A tiled floor: ``tiles × tiles`` copies of one tile with the symmetries of a square.

    In a tile's centred coordinates :math:`(u, v) \in [-1, 1]^2` the colour is a
    function of :math:`p = \max(|u|, |v|)` and :math:`q = \min(|u|, |v|)`, which
    quarter turns and mirrors of the square leave unchanged exactly.

    Parameters
    ----------
    tile : int, default 32
        Side of a tile in pixels; even and at least 8.
    tiles : int, default 6
        Tiles along each side.

    Returns
    -------
    torch.Tensor, shape (tile * tiles, tile * tiles, 3)
        RGB values in [0, 1], float64.

    Examples
    --------
    >>> image = tiling_image(8, 2)
    >>> tuple(image.shape), torch.equal(image[:8, :8], image[8:, 8:]), torch.equal(image[:8, :8], image[:8, :8].rot90())
    ((16, 16, 3), True, True)
    """
    func = "tiling_image"
    tile = _check_even(tile, name="tile", func=func, minimum=8)
    tiles = check_integer(tiles, name="tiles", func=func, minimum=1)
    c = _centred(tile)
    u, v = c.abs().expand(tile, tile), c.abs()[:, None].expand(tile, tile)
    p, q = torch.maximum(u, v), torch.minimum(u, v)
    colour = torch.full((tile, tile), 4, dtype=torch.long)
    colour[(p + q - 1.05).abs() < 0.1] = 5  # a square turned by 45 degrees
    colour[(p > 0.88)] = 5  # the grout line
    colour[(q < 0.12 + 0.35 * (1 - p)) & (p < 0.75)] = 6  # an eight-pointed star
    colour[torch.hypot(u, v) < 0.22] = 7
    return _PALETTE[colour].repeat(tiles, tiles, 1)


def _check_symmetries(symmetries, func: str) -> tuple[str, ...]:
    if not isinstance(symmetries, (tuple, list)) or not symmetries:
        raise ValueError(f"{func}: symmetries must be a non-empty list or tuple of names from {SYMMETRIES} "
                         f"(got {symmetries!r})")
    return tuple(check_choice(name, SYMMETRIES, name="symmetries", func=func) for name in symmetries)


def _check_even(value, *, name: str, func: str, minimum: int) -> int:
    value = check_integer(value, name=name, func=func, minimum=minimum)
    if value % 2:
        raise ValueError(f"{func}: {name} must be even, so that pixel centres map to pixel centres (got {value})")
    return value


def _table(rows: torch.Tensor, cols: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Flat indices ``rows * width + cols``, and ``-1`` where the pixel lies outside the picture."""
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    return torch.where(inside, rows * width + cols, torch.full_like(rows, -1))


def mirror_action(height: int, width: int, axis: str = "x1") -> torch.Tensor:
    r"""The pixel table of a reflection: ``"x1"`` sends :math:`(x_1, x_2) \mapsto (-x_1, x_2)`, ``"x2"`` flips up and down.

    Parameters
    ----------
    height, width : int
        Size of the picture in pixels.
    axis : {"x1", "x2"}, default "x1"
        The coordinate whose sign the reflection changes.

    Returns
    -------
    torch.Tensor, shape (1, height, width)
        For each pixel, the flat index (``row * width + col``) of its mirror image.

    Examples
    --------
    >>> mirror_action(1, 4).tolist()
    [[[3, 2, 1, 0]]]
    """
    func = "mirror_action"
    height = check_integer(height, name="height", func=func, minimum=1)
    width = check_integer(width, name="width", func=func, minimum=1)
    check_choice(axis, ("x1", "x2"), name="axis", func=func)
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    if axis == "x1":
        cols = width - 1 - cols
    else:
        rows = height - 1 - rows
    return _table(rows, cols, height, width)[None]


def tiling_action(height: int, width: int, tile: int, symmetries=SYMMETRIES) -> torch.Tensor:
    r"""Pixel tables of the generators of a tiling's symmetry group.

    ``"translations"`` gives the four shifts by one tile, :math:`(i, j) \mapsto
    (i \pm t, j)` and :math:`(i, j \pm t)` (generators of :math:`\mathbb{Z}^2`
    and their inverses); ``"rotations"`` the quarter turn of each tile about its
    centre, :math:`(a, b) \mapsto (b, t - 1 - a)` in the tile's own pixel
    coordinates; ``"reflections"`` the mirror :math:`(a, b) \mapsto (a, t - 1 - b)`
    of each tile. Quarter turns and the mirror generate the dihedral group
    :math:`D_4` of the square.

    Parameters
    ----------
    height, width : int
        Size of the picture in pixels, multiples of ``tile``.
    tile : int
        Side of a tile in pixels.
    symmetries : sequence of str, default all of :data:`SYMMETRIES`
        Which generators to include (at least one).

    Returns
    -------
    torch.Tensor, shape (generators, height, width)
        For each generator and pixel, the flat index of the image pixel, or ``-1`` outside the picture.

    Examples
    --------
    >>> tiling_action(4, 4, 2, ["rotations"])[0].tolist()
    [[1, 5, 3, 7], [0, 4, 2, 6], [9, 13, 11, 15], [8, 12, 10, 14]]
    """
    func = "tiling_action"
    height = check_integer(height, name="height", func=func, minimum=1)
    width = check_integer(width, name="width", func=func, minimum=1)
    tile = check_integer(tile, name="tile", func=func, minimum=1)
    if height % tile or width % tile:
        raise ValueError(f"{func}: height and width must be multiples of tile (got {height} × {width}, tile {tile})")
    symmetries = _check_symmetries(symmetries, func)
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    corner_r, corner_c = rows - rows % tile, cols - cols % tile
    a, b = rows % tile, cols % tile
    moves = []
    if "translations" in symmetries:
        moves += [(rows + tile, cols), (rows - tile, cols), (rows, cols + tile), (rows, cols - tile)]
    if "rotations" in symmetries:
        moves.append((corner_r + b, corner_c + tile - 1 - a))
    if "reflections" in symmetries:
        moves.append((rows, corner_c + tile - 1 - b))
    return torch.stack([_table(r, c, height, width) for r, c in moves])


def orbit_fill(image, known, action) -> torch.Tensor:
    r"""Fill in a picture from the pixels in ``known``, using a group given by the pixel tables of its generators.

    Each unknown pixel :math:`x` takes the value at :math:`g \cdot x` as soon
    as that pixel is known, for a generator :math:`g`; this repeats until
    nothing changes. For a finite group whose generator tables include the
    inverses (or generators of finite order), every pixel whose orbit meets the
    known patch is filled, with a value copied unchanged from the patch. Pixels
    that no orbit reaches stay ``nan``.

    Parameters
    ----------
    image : array_like, shape (height, width, channels)
        The picture; only the values at known pixels are read.
    known : array_like of bool, shape (height, width)
        The patch :math:`D`.
    action : array_like of int, shape (generators, height, width)
        Pixel tables, as made by :func:`mirror_action` or :func:`tiling_action`.

    Returns
    -------
    torch.Tensor, shape (height, width, channels)
        The reconstruction, ``nan`` where no orbit reaches the patch.

    Examples
    --------
    >>> row = torch.tensor([[[1.0], [2.0], [0.0], [0.0]]])
    >>> orbit_fill(row, torch.tensor([[True, True, False, False]]), mirror_action(1, 4))[..., 0].tolist()
    [[1.0, 2.0, 2.0, 1.0]]
    """
    func = "orbit_fill"
    image = check_finite(as_float_tensor(image, name="image", func=func), name="image", func=func)
    sizes = check_shape(image, ("height", "width", "channels"), name="image", func=func)
    known = _as_bool(known, name="known", func=func)
    check_shape(known, ("height", "width"), name="known", func=func, sizes=sizes)
    action = _as_table(action, height=sizes["height"], width=sizes["width"], func=func)
    values = torch.where(known[..., None], image, torch.full_like(image, float("nan"))).flatten(0, 1)
    filled = known.flatten().clone()
    while True:
        target = action.flatten(1)
        source_known = (target >= 0) & filled[target.clamp(min=0)]
        new = source_known & ~filled
        if not new.any():
            break
        # take, for each newly reachable pixel, the first generator that reaches it
        first = new.to(torch.int8).argmax(0)
        pixels = new.any(0).nonzero().squeeze(1)
        values[pixels] = values[target[first[pixels], pixels]]
        filled[pixels] = True
    return values.reshape(image.shape)


def _as_bool(x, *, name: str, func: str) -> torch.Tensor:
    if not isinstance(x, (torch.Tensor, list, tuple)) and not hasattr(x, "__array__"):
        raise TypeError(f"{func}: {name} must be a boolean mask (got {type(x).__name__})")
    x = torch.as_tensor(x)
    if x.dtype != torch.bool:
        raise TypeError(f"{func}: {name} must be a boolean mask (got dtype {x.dtype})")
    return x


def as_integer_tensor(x, *, name: str, func: str) -> torch.Tensor:
    """``x`` as an integer tensor; ``TypeError`` naming ``func`` and ``name`` for anything else (floats included)."""
    if not isinstance(x, (torch.Tensor, list, tuple)) and not hasattr(x, "__array__"):
        raise TypeError(f"{func}: {name} must hold integers (got {type(x).__name__})")
    try:
        x = torch.as_tensor(x)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"{func}: {name} must hold integers (got {x!r})") from error
    if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        raise TypeError(f"{func}: {name} must hold integers (got dtype {x.dtype})")
    return x


def _as_table(action, *, height: int, width: int, func: str) -> torch.Tensor:
    action = as_integer_tensor(action, name="action", func=func)
    check_shape(action, ("generators", height, width), name="action", func=func)
    if len(action) == 0 or action.min() < -1 or action.max() >= height * width:
        raise ValueError(f"{func}: action must hold at least one table of pixel indices in [-1, {height * width}) "
                         f"(got {len(action)} tables, values in [{action.min() if action.numel() else None}, "
                         f"{action.max() if action.numel() else None}])")
    return action.long()


def _summary(image: torch.Tensor, known: torch.Tensor, action: torch.Tensor) -> dict:
    filled = orbit_fill(image, known, action)
    reached = ~filled.isnan().any(-1)
    error = (filled - image)[reached].abs().max().item() if reached.any() else float("nan")
    return {"image": image, "known": known, "filled": filled, "patch_fraction": known.double().mean().item(),
            "coverage": reached.double().mean().item(), "max_error": error}


def mirror_reconstruction(size: int = 128, axis: str = "x1") -> dict:
    r"""Reconstruct :func:`butterfly_image` from its left half by a reflection.

    Parameters
    ----------
    size : int, default 128
        Side of the picture in pixels (even).
    axis : {"x1", "x2"}, default "x1"
        The reflection used: ``"x1"`` is the butterfly's symmetry; ``"x2"``
        (up–down) is not, and leaves the right half empty.

    Returns
    -------
    dict
        ``image``, ``known`` (the patch), ``filled`` (the reconstruction),
        ``patch_fraction`` :math:`|D|/|X|`, ``coverage`` (fraction of pixels
        filled) and ``max_error`` (largest :math:`|\hat f - f|` over them).

    Examples
    --------
    >>> result = mirror_reconstruction(16)
    >>> result["patch_fraction"], result["coverage"], result["max_error"]
    (0.5, 1.0, 0.0)
    """
    func = "mirror_reconstruction"
    size = _check_even(size, name="size", func=func, minimum=8)
    check_choice(axis, ("x1", "x2"), name="axis", func=func)
    image = butterfly_image(size)
    known = (torch.arange(size) < size // 2).expand(size, size)
    return _summary(image, known, mirror_action(size, size, axis))


def tiling_reconstruction(tile: int = 32, tiles: int = 6, symmetries=SYMMETRIES) -> dict:
    r"""Reconstruct :func:`tiling_image` from one eighth of one tile.

    The patch is the triangle :math:`a \le b < t/2` of the top-left tile (rows
    :math:`a`, columns :math:`b`): a fundamental domain of :math:`D_4` acting on
    the tile. The tile's quarter turns and mirror fill the tile, and the
    translations by whole tiles fill the floor.

    Parameters
    ----------
    tile : int, default 32
        Side of a tile in pixels (even).
    tiles : int, default 6
        Tiles along each side.
    symmetries : sequence of str, default all of :data:`SYMMETRIES`
        The generators used (see :func:`tiling_action`).

    Returns
    -------
    dict
        As :func:`mirror_reconstruction`.

    Examples
    --------
    >>> result = tiling_reconstruction(8, 2)
    >>> result["patch_fraction"], result["coverage"], result["max_error"]
    (0.0390625, 1.0, 0.0)
    """
    func = "tiling_reconstruction"
    tile = _check_even(tile, name="tile", func=func, minimum=8)
    tiles = check_integer(tiles, name="tiles", func=func, minimum=1)
    symmetries = _check_symmetries(symmetries, func)
    image = tiling_image(tile, tiles)
    side = tile * tiles
    rows, cols = torch.meshgrid(torch.arange(side), torch.arange(side), indexing="ij")
    known = (rows <= cols) & (cols < tile // 2)
    return _summary(image, known, tiling_action(side, side, tile, symmetries))
