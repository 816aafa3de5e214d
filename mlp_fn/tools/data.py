"""Data in the course layout: X of shape (n_x, m), Y of shape (n_y, m), one example per column.

Every generator draws from ``numpy.random.default_rng(seed)`` (the planar flower from the
course's own legacy generator, to give the course's exact points) and returns read-only arrays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

from mlp_fn._internal.arrays import on_host
from mlp_fn._internal import checks as check
from mlp_fn._internal.frozen import frozen
from mlp_fn._internal.inputs import real_array
from mlp_fn._internal.types import Array

__all__ = ["one_hot", "xor", "noisy_xor", "two_moons", "blobs", "binary_blobs", "circle",
           "gaussians", "spiral", "plane", "multi_gaussian", "sine", "x_squared", "planar_flower",
           "exercise_002", "digits", "train_test_split", "fit_standardizer", "standardize",
           "unstandardize", "Labels", "MAX_EXAMPLES", "RADIUS", "BUMPS", "Standardizer",
           "WIDE_RATIO"]

#: Class labels as integers, one per example (what ``digits`` returns beside its images).
#:
#: :meta hide-value:
Labels = np.ndarray[Any, np.dtype[np.int64]]


#: The most examples a generator makes (`10^8` points of 2 features is 1.6 GB of float64).
MAX_EXAMPLES = 10**8


def _m(m: Any, minimum: int = 1) -> int:
    return check.positive_int("m", m, minimum=minimum, maximum=MAX_EXAMPLES)


def _seed(seed: Any) -> int:
    return int(check.seed(seed))


def _finite(*arrays: Array) -> tuple[Array, ...]:
    """The generated arrays, read-only; ValueError if a huge noise or range made any inf."""
    for a in arrays:
        if not np.isfinite(a).all():
            raise ValueError("noise: the generated data overflowed to inf; choose a smaller "
                             "noise, spread or range")
    return tuple(frozen(a) for a in arrays)


@on_host
def one_hot(labels: npt.ArrayLike, num_classes: int | None = None,
            dtype: npt.DTypeLike = np.float64) -> Array:
    """Y of shape (K, m) with `Y[k, i] = 1` if ``labels[i] == k`` else 0 (K is the largest
    label + 1 by default).

    >>> one_hot([0, 2, 1], 3)  # column i is example i's class
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    if isinstance(labels, np.ndarray) and type(labels) is not np.ndarray:
        raise TypeError(f"labels: expected a plain array or list of class indices, got "
                        f"{type(labels).__name__}")
    try:
        y = np.asarray(labels)
    except (TypeError, ValueError, OverflowError) as err:
        raise TypeError(f"labels: expected integer class indices, got {check.what(labels)}"
                        f" ({err})") from None
    if y.ndim == 2 and 1 in y.shape:
        y = y.ravel()  # a (1, m) row of labels, as blobs returns them, or a column
    if y.dtype.kind == "f" and y.ndim == 1 and np.isfinite(y).all() and (y == np.round(y)).all():
        y = y.astype(np.int64)  # whole-number floats are class indices
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise TypeError(f"labels: expected a 1-D array of integer class indices, got dtype "
                        f"{y.dtype} and shape {y.shape}")
    if y.size and y.min() < 0:
        raise ValueError(f"labels: expected class indices >= 0, got {int(y.min())}")
    K = (int(y.max()) + 1 if y.size else 1) if num_classes is None else \
        check.positive_int("num_classes", num_classes)
    if y.size and y.max() >= K:
        raise ValueError(f"num_classes: expected more than the largest label {int(y.max())}, "
                         f"got {K}")
    dt = check.float_dtype("dtype", dtype)
    check.allocation("labels", K * y.size, dt.itemsize)
    Y: np.ndarray[Any, Any] = np.zeros((K, y.size), dtype=dt)
    Y[y, np.arange(y.size)] = 1.0
    return frozen(Y)


def xor(dtype: npt.DTypeLike = np.float64) -> tuple[Array, Array]:
    """The four XOR points: `X = [[0, 0, 1, 1], [0, 1, 0, 1]]`, `Y = [[0, 1, 1, 0]]`.

    >>> X, Y = xor()
    >>> X.tolist(), Y.tolist()  # y = x1 XOR x2, one example per column
    ([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]], [[0.0, 1.0, 1.0, 0.0]])
    """
    dtype = check.float_dtype("dtype", dtype)
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]], dtype=dtype)
    Y = np.array([[0.0, 1.0, 1.0, 0.0]], dtype=dtype)
    return frozen(X), frozen(Y)


def noisy_xor(m: int = 400, noise: float = 0.5, seed: int = 0) -> tuple[Array, Array]:
    """m points around the corners `(+-1, +-1)`, each coordinate perturbed by `N(0, noise^2)`;
    `y = 1` where the corner's two signs differ (XOR). Some points cross an axis: with noise 0.5
    about 4.5% land in a quadrant of the other class.

    >>> X, Y = noisy_xor(100)
    >>> X.shape, Y.shape, sorted(set(Y[0].tolist()))
    ((2, 100), (1, 100), [0.0, 1.0])
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m)
    noise = check.nonnegative_float("noise", noise)
    corners = rng.choice([-1.0, 1.0], size=(2, m))
    with np.errstate(over="ignore"):
        X = corners + noise * rng.standard_normal((2, m))
    Y = (corners[0] != corners[1]).astype(np.float64).reshape(1, m)
    Xf, Yf = _finite(X, Y)
    return Xf, Yf


def two_moons(m: int = 400, noise: float = 0.2, seed: int = 0) -> tuple[Array, Array]:
    """Two interleaved half circles (the layout of scikit-learn's make_moons): class 0 on
    `(cos t, sin t)`, class 1 on `(1 - cos t, 1/2 - sin t)`, t evenly spaced in `[0, pi]`, plus
    `N(0, noise^2)` on each coordinate; columns shuffled.

    >>> X, Y = two_moons(100)
    >>> X.shape, Y.shape, sorted(set(Y[0].tolist()))
    ((2, 100), (1, 100), [0.0, 1.0])
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m, 2)
    noise = check.nonnegative_float("noise", noise)
    m0 = m // 2
    t0, t1 = np.linspace(0, math.pi, m0), np.linspace(0, math.pi, m - m0)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)]),
                        np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)])], axis=1)
    Y = np.concatenate([np.zeros(m0), np.ones(m - m0)]).reshape(1, m)
    with np.errstate(over="ignore"):
        X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(m)
    Xf, Yf = _finite(X[:, order], Y[:, order])
    return Xf, Yf


def blobs(m: int, centers: npt.ArrayLike, spread: float = 1.0,
          seed: int = 0) -> tuple[Array, Array]:
    """Gaussian blobs: m points split as evenly as possible over the K rows of ``centers``
    (shape (K, n_x)), each `N(center, spread^2 I)`. Returns X (n_x, m) and the labels as a (1, m)
    row of floats 0., 1., ..., K-1., the layout of every generator here: ``mf.one_hot(Y)``
    makes the (K, m) targets ``train`` needs with cce, and ``model.fit(net, X.T, Y)`` takes the
    row as it is.

    >>> centers = np.array([[0.0, 0.0], [5.0, 5.0]])
    >>> X, Y = blobs(6, centers, spread=0.1)
    >>> bool(np.abs(X - centers[Y[0].astype(int)].T).max() < 1)  # each point by its centre
    True
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m)
    spread = check.nonnegative_float("spread", spread)
    C = real_array("centers", centers).astype(np.float64)
    if C.ndim != 2 or C.size == 0:
        raise ValueError(f"centers: expected a 2-D array (K, n_x), got shape {C.shape}")
    check.allocation("centers", C.shape[1] * m)
    labels = np.arange(m) % C.shape[0]
    rng.shuffle(labels)
    with np.errstate(over="ignore"):
        X = C[labels].T + spread * rng.standard_normal((C.shape[1], m))
    (Xf,) = _finite(X)
    return Xf, frozen(labels.astype(np.float64).reshape(1, m))


def binary_blobs(m: int = 1000, distance: float = 4.0, spread: float = 1.0,
                 seed: int = 0) -> tuple[Array, Array]:
    """Two Gaussian blobs in the plane on the diagonal, ``distance`` apart (centres
    `+-(d, d) / (2 sqrt(2))`), each `N(center, spread^2 I)`; Y of shape (1, m).
    The best possible accuracy is `Phi(distance / (2 spread))`.

    >>> X, Y = binary_blobs(100)
    >>> X.shape, Y.shape, sorted(set(Y[0].tolist()))
    ((2, 100), (1, 100), [0.0, 1.0])
    """
    half = check.nonnegative_float("distance", distance) / (2 * math.sqrt(2))
    X, labels = blobs(m, [[-half, -half], [half, half]], spread, seed)
    return X, frozen(labels.astype(np.float64).reshape(1, -1))


def sine(m: int = 1000, noise: float = 0.1, seed: int = 0,
         low: float = -math.pi, high: float = math.pi) -> tuple[Array, Array]:
    """`x ~ Uniform[low, high]`, `y = sin(x) + N(0, noise^2)`: X and Y of shape (1, m).

    >>> X, Y = sine(50, noise=0.0)
    >>> bool(np.allclose(Y, np.sin(X)))
    True
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m)
    noise = check.nonnegative_float("noise", noise)
    low, high = _interval(low, high)
    x = rng.uniform(low, high, size=(1, m))
    with np.errstate(over="ignore"):
        y = np.sin(x) + noise * rng.standard_normal((1, m))
    xf, yf = _finite(x, y)
    return xf, yf


# The plane data sets of TensorFlow Playground, in the square [-5, 5]^2 it draws. Each is
# defined here from its geometry (the docstring's formula is the definition the tests check).

#: Half the side of the square the plane data sets fill: x1, x2 in [-RADIUS, RADIUS].
RADIUS = 5.0


def circle(m: int = 400, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """A disc inside a ring: class 1 (half the points) at radius `r ~ Uniform[0, 0.5 R]`, class 0
    at `r ~ Uniform[0.7 R, R]`, angles `~ Uniform[0, 2 pi)`, `R = 5`; plus `N(0, noise^2)` on each
    coordinate. X (2, m), Y (1, m) of 0/1; columns shuffled.

    >>> X, Y = circle(200)
    >>> r = np.hypot(X[0], X[1])  # class 1 within 0.5 R = 2.5, class 0 beyond 0.7 R = 3.5
    >>> bool(r[Y[0] == 1].max() <= 2.5), bool(r[Y[0] == 0].min() >= 3.5)
    (True, True)
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m, 2)
    noise = check.nonnegative_float("noise", noise)
    inside = m // 2
    r = np.concatenate([rng.uniform(0.0, 0.5 * RADIUS, inside),
                        rng.uniform(0.7 * RADIUS, RADIUS, m - inside)])
    t = rng.uniform(0.0, 2 * math.pi, m)
    Y = np.concatenate([np.ones(inside), np.zeros(m - inside)]).reshape(1, m)
    with np.errstate(over="ignore"):
        X = np.stack([r * np.cos(t), r * np.sin(t)]) + noise * rng.standard_normal((2, m))
    order = rng.permutation(m)
    Xf, Yf = _finite(X[:, order], Y[:, order])
    return Xf, Yf


def gaussians(m: int = 400, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """Two Gaussian clouds: class 1 around (2, 2), class 0 around (-2, -2), each coordinate
    `N(center, (0.5 + noise)^2)`, half the points each. X (2, m), Y (1, m) of 0/1; shuffled.
    With noise 0 the classes overlap little (the centres are 5.7 standard deviations apart on
    the diagonal); noise 1.5 makes them 2 standard deviations.

    >>> X, Y = gaussians(100)
    >>> X.shape, Y.shape, sorted(set(Y[0].tolist()))
    ((2, 100), (1, 100), [0.0, 1.0])
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m, 2)
    spread = 0.5 + check.nonnegative_float("noise", noise)
    ones = m // 2
    centers = np.concatenate([np.full(ones, 2.0), np.full(m - ones, -2.0)])
    Y = np.concatenate([np.ones(ones), np.zeros(m - ones)]).reshape(1, m)
    with np.errstate(over="ignore"):
        X = centers + spread * rng.standard_normal((2, m))
    order = rng.permutation(m)
    Xf, Yf = _finite(X[:, order], Y[:, order])
    return Xf, Yf


def spiral(m: int = 400, noise: float = 0.0, seed: int = 0,
           turns: float = 1.75) -> tuple[Array, Array]:
    """Two interleaved spirals: point i of `n = m/2` per class at radius `r_i = R i / n` and angle
    `t_i = 2 pi turns i / n` (class 1) or `t_i + pi` (class 0), `R = 5`, at `(r sin t, r cos t)`;
    plus `N(0, noise^2)` on each coordinate. X (2, m), Y (1, m) of 0/1; shuffled. The hardest of the
    plane sets: a boundary that winds ``turns`` times.

    >>> X, Y = spiral(100)
    >>> X.shape, Y.shape, sorted(set(Y[0].tolist()))
    ((2, 100), (1, 100), [0.0, 1.0])
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m, 2)
    noise = check.nonnegative_float("noise", noise)
    turns = check.positive_float("turns", turns)
    parts, labels = [], []
    for label, (n, shift) in ((1.0, (m // 2, 0.0)), (0.0, (m - m // 2, math.pi))):
        i = np.arange(n)
        r = RADIUS * i / n
        t = 2 * math.pi * turns * i / n + shift
        parts.append(np.stack([r * np.sin(t), r * np.cos(t)]))
        labels.append(np.full(n, label))
    X, Y = np.concatenate(parts, axis=1), np.concatenate(labels).reshape(1, m)
    with np.errstate(over="ignore"):
        X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(m)
    Xf, Yf = _finite(X[:, order], Y[:, order])
    return Xf, Yf


def plane(m: int = 400, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """Regression on a tilted plane: `x ~ Uniform[-R, R]^2` (`R = 5`),
    `y = (x1 + x2) / (2 R) + N(0, noise^2)`, so y lies in `[-1, 1]` without noise. X (2, m), Y (1,
    m).

    >>> X, Y = plane(50)
    >>> bool(np.allclose(Y, (X[0] + X[1]) / 10))  # (x1 + x2) / (2 R), R = 5
    True
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m)
    noise = check.nonnegative_float("noise", noise)
    X = rng.uniform(-RADIUS, RADIUS, (2, m))
    with np.errstate(over="ignore"):
        Y = (X[0:1] + X[1:2]) / (2 * RADIUS) + noise * rng.standard_normal((1, m))
    Xf, Yf = _finite(X, Y)
    return Xf, Yf


#: multi_gaussian's bumps: (centre x1, centre x2, height), a sign each, on `[-5, 5]^2`.
#:
#: :meta hide-value:
BUMPS = ((-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0),
         (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0))


def multi_gaussian(m: int = 400, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """Regression on six Gaussian bumps: `x ~ Uniform[-R, R]^2` (`R = 5`) and
    `y = sum_k h_k exp(-|x - c_k|^2 / 2)` over the bumps (c_k, h_k) of ``BUMPS`` (heights `+-1` in
    a checkerboard of two rows of three), plus `N(0, noise^2)`. X (2, m), Y (1, m).

    >>> X, Y = multi_gaussian(100)
    >>> X.shape, Y.shape
    ((2, 100), (1, 100))
    """
    rng = np.random.default_rng(_seed(seed))
    m = _m(m)
    noise = check.nonnegative_float("noise", noise)
    X = rng.uniform(-RADIUS, RADIUS, (2, m))
    y = np.zeros(m)
    for c1, c2, h in BUMPS:
        y = y + h * np.exp(-((X[0] - c1) ** 2 + (X[1] - c2) ** 2) / 2)
    with np.errstate(over="ignore"):
        Y = y.reshape(1, m) + noise * rng.standard_normal((1, m))
    Xf, Yf = _finite(X, Y)
    return Xf, Yf


def _interval(low: Any, high: Any) -> tuple[float, float]:
    lo, hi = check.real("low", low, "a finite number"), check.real("high", high, "a finite number")
    if not lo < hi:
        raise ValueError(f"high: expected more than low = {lo}, got {hi}")
    if not np.isfinite(hi - lo):
        raise ValueError(f"high: the interval [{lo}, {hi}] is too wide for a float")
    return lo, hi


def x_squared(m: int = 100, low: float = -1.0, high: float = 1.0) -> tuple[Array, Array]:
    """The essay's (000) target: m evenly spaced x in [low, high] and `y = x^2`, each (1, m).

    >>> x_squared(5)
    (array([[-1. , -0.5,  0. ,  0.5,  1. ]]), array([[1.  , 0.25, 0.  , 0.25, 1.  ]]))
    """
    low, high = _interval(low, high)
    x = np.linspace(low, high, _m(m)).reshape(1, -1)
    with np.errstate(over="ignore"):
        y = x * x
    xf, yf = _finite(x, y)
    return xf, yf


def planar_flower(m: int = 400, seed: int = 1) -> tuple[Array, Array]:
    """The course's planar "flower" (load_planar_dataset): two classes of m/2 points on the
    petals `r = 4 sin(4t) + N(0, 0.04)`, `t = linspace + N(0, 0.04)`, at `(r sin t, r cos t)`.

    Drawn from the legacy ``RandomState(seed)`` in the course's order, so seed 1 gives exactly the
    course's 400 points (its np.random.seed(1)), without touching the global generator.

    >>> X, Y = planar_flower(100)
    >>> X.shape, Y.shape, sorted(set(Y[0].tolist()))
    ((2, 100), (1, 100), [0.0, 1.0])
    """
    seed = _seed(seed)
    if seed >= 2**32:
        raise ValueError(f"seed: the course's legacy generator takes seeds below 2**32, got {seed}")
    rs = np.random.RandomState(seed)
    m = _m(m, 2)
    N = m // 2
    X = np.zeros((2 * N, 2))
    Y = np.zeros((2 * N, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rs.randn(N) * 0.2
        r = 4 * np.sin(4 * t) + rs.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return frozen(X.T.copy()), frozen(Y.T.copy())


def exercise_002() -> tuple[Array, Array]:
    """002's action step: three examples, two features (rows), labels [[1, 0, 0]].

    >>> X, Y = exercise_002()
    >>> X.shape, Y.tolist()
    ((2, 3), [[1.0, 0.0, 0.0]])
    """
    X = np.array([[1.0, 0.5, -0.5], [0.3, 1.0, -0.1]])
    Y = np.array([[1.0, 0.0, 0.0]])
    return frozen(X), frozen(Y)


def digits() -> tuple[Array, Labels]:
    """Real data, bundled: 1,797 handwritten digits of 8 x 8 pixels, each pixel the count of
    inked cells (0 to 16) in a 4 x 4 block of a 32 x 32 bitmap. Returns X of shape (64, 1797),
    one image per column, its pixels in reading order, as float64 in [0, 16] (divide by 16 for
    [0, 1]), and the labels 0..9, shape (1797,).

    The test set of "Optical Recognition of Handwritten Digits" by E. Alpaydin and C. Kaynak
    (1998), UCI Machine Learning Repository, https://doi.org/10.24432/C50P49, CC BY 4.0: the
    copy scikit-learn bundles as ``load_digits``, stored here as integers.

    >>> X, labels = digits()
    >>> X.shape, labels.shape  # 1,797 images of 8 x 8 pixels, one per column
    ((64, 1797), (1797,))
    """
    with np.load(Path(__file__).with_name("digits.npz"), allow_pickle=False) as archive:
        images, labels = archive["images"], archive["labels"]
    X = images.reshape(len(labels), 64).T.astype(np.float64)
    return frozen(X), frozen(labels.astype(np.int64))


@on_host
def train_test_split(X: Array, Y: Array, test_fraction: float = 0.25,
                     seed: int = 0) -> tuple[Array, Array, Array, Array]:
    """A random split of the m columns: (X_train, Y_train, X_test, Y_test), with
    round(test_fraction * m) test examples (at least one of each side). The course layout: X
    (n_x, m) and Y (n_y, m), one example per column; data held as rows go in as X.T, Y.T.

    >>> X, Y = np.arange(16.0).reshape(2, 8), np.zeros((1, 8))
    >>> [a.shape for a in train_test_split(X, Y, test_fraction=0.25)]
    [(2, 6), (1, 6), (2, 2), (1, 2)]
    """
    X = check.matrix("X", X, "(n_x, m)")
    rows_of_y = np.shape(Y)[0] if isinstance(Y, np.ndarray) and Y.ndim >= 1 else None
    if rows_of_y == X.shape[0] != X.shape[1] and (Y.ndim == 1 or Y.shape[1] != X.shape[1]):
        raise ValueError(f"X: expected (n_x, m), one example per column, got {X.shape}, whose "
                         f"{X.shape[0]} rows match the {rows_of_y} entries of Y: the data look "
                         f"like one example per row; pass X.T and Y as a (1, m) row "
                         f"(Y.reshape(1, -1)) or (n_y, m) columns (Y.T)")
    check.columns_like("Y", Y, X)
    if Y.dtype.kind not in "fiub":
        raise TypeError(f"Y: expected numbers, got {check.what(Y)}")
    if Y.dtype.kind == "f":
        check.finite("Y", Y)
    test_fraction = check.real("test_fraction", test_fraction, "a number in (0, 1)")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction: expected a number in (0, 1), got {test_fraction}")
    m = X.shape[1]
    if m < 2:
        raise ValueError(f"X: expected at least 2 examples to split, got m = {m}")
    n_test = min(max(1, round(test_fraction * m)), m - 1)
    order = np.random.default_rng(_seed(seed)).permutation(m)
    test, train = order[:n_test], order[n_test:]
    return frozen(X[:, train]), frozen(Y[:, train]), frozen(X[:, test]), frozen(Y[:, test])


class Standardizer(TypedDict):
    """The statistics of ``fit_standardizer``: per-feature mean and standard deviation, (n_x, 1)."""

    mean: Array
    std: Array


#: fit_standardizer refuses X with at least this many times more rows (features) than columns
#: (examples): almost surely one example per row, which would make every example [1, -1, ...].
WIDE_RATIO = 5


@on_host
def fit_standardizer(X: Array, *, check_layout: bool = True) -> Standardizer:
    """`mu = (1/m) sum_i x(i)`, `sigma = sqrt((1/m) sum_i (x(i) - mu)^2)` per feature (row).

    A constant feature gets `sigma = 1`, so standardizing leaves it at 0 instead of dividing by 0.

    X is (n_x, m), one example per column. Data held as rows, (m, n_x), would be standardised
    across each example's features instead; so an X with ``WIDE_RATIO`` (5) times more rows than
    columns is refused with a ValueError saying to pass X.T. ``check_layout=False`` accepts it
    (genuinely more features than examples).

    >>> stats = fit_standardizer(np.array([[1.0, 2.0, 3.0]]))
    >>> stats["mean"], stats["std"].round(4)  # std = sqrt(2/3)
    (array([[2.]]), array([[0.8165]]))
    """
    X = check.matrix("X", X, "(n_x, m)")
    if X.shape[1] == 0:
        raise ValueError("X: expected at least one example (m >= 1), got m = 0")
    if check_layout and X.shape[0] >= WIDE_RATIO * X.shape[1]:
        raise ValueError(f"X: shape {X.shape} has {X.shape[0]} features and only {X.shape[1]} "
                         f"examples; the course layout is (n_x, m), one example per column, so "
                         f"data held as rows must be passed as X.T (if there really are more "
                         f"features than examples, pass check_layout=False)")
    # Each row scaled by its largest |x| first: no square of x - mu can overflow, whatever
    # the magnitude (1e300 squared is inf); mu and sigma scale back exactly.
    s = np.abs(X).max(axis=1, keepdims=True)
    s = np.where(s > 0, s, np.ones_like(s))
    mean = s * (X / s).mean(axis=1, keepdims=True)
    std = s * (X / s).std(axis=1, keepdims=True)
    std = np.where(std > 0, std, np.ones_like(std))
    return {"mean": frozen(mean), "std": frozen(std)}


def _stats(stats: Any, X: Array) -> tuple[Array, Array]:
    """mu and sigma of ``fit_standardizer``, checked against X: (n_x, 1) each, X's dtype,
    sigma > 0."""
    if not isinstance(stats, Mapping) or set(stats) != {"mean", "std"}:
        raise TypeError(f"stats: expected the dict fit_standardizer returns, {{'mean', 'std'}}, "
                        f"got {check.what(stats)}")
    mean = check.matrix("stats['mean']", stats["mean"], f"({X.shape[0]}, 1)")
    std = check.matrix("stats['std']", stats["std"], f"({X.shape[0]}, 1)")
    n = mean.shape[0]
    if mean.shape == std.shape == (n, 1) and X.shape[0] != n:  # the statistics agree: X is off
        turned = "; the data look like one example per row: pass X.T" if X.shape[1] == n else ""
        raise ValueError(f"X: expected {n} features (rows), as the statistics were fitted on, "
                         f"got shape {X.shape}{turned}")
    for name, a in (("mean", mean), ("std", std)):
        if a.shape != (X.shape[0], 1):
            raise ValueError(f"stats['{name}']: fitted on shape {a.shape}, X has {X.shape[0]} "
                             f"features: expected ({X.shape[0]}, 1)")
        if a.dtype != X.dtype:
            raise TypeError(f"stats['{name}']: dtype {a.dtype}, X has {X.dtype}; fit the "
                            f"statistics on data of X's dtype")
    if (std <= 0).any():
        raise ValueError("stats['std']: expected every sigma > 0")
    return mean, std


@on_host
def standardize(X: Array, stats: Standardizer) -> Array:
    """`x_norm = (x - mu) / sigma` with the statistics of the training data.

    >>> X = np.array([[1.0, 2.0, 3.0]])
    >>> standardize(X, fit_standardizer(X)).round(4)  # (x - 2) / sqrt(2/3)
    array([[-1.2247,  0.    ,  1.2247]])
    """
    X = check.matrix("X", X, "(n_x, m)")
    mean, std = _stats(stats, X)
    return check.finite_result("standardize", lambda: (X - mean) / std)  # type: ignore[no-any-return]


@on_host
def unstandardize(X_norm: Array, stats: Standardizer) -> Array:
    """`x = x_norm * sigma + mu`: the inverse of ``standardize``.

    >>> X = np.array([[1.0, 2.0, 3.0]])
    >>> stats = fit_standardizer(X)
    >>> unstandardize(standardize(X, stats), stats)
    array([[1., 2., 3.]])
    """
    X_norm = check.matrix("X_norm", X_norm, "(n_x, m)")
    mean, std = _stats(stats, X_norm)
    return check.finite_result("unstandardize", lambda: X_norm * std + mean)  # type: ignore[no-any-return]
