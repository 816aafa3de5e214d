"""Dataset generators: shapes, balance, determinism, geometry; standardization."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mlp_fn as mf

GENERATORS: dict[str, Callable[[int], tuple[Any, Any]]] = {
    "noisy_xor": lambda s: mf.data.noisy_xor(200, 0.3, seed=s),
    "two_moons": lambda s: mf.data.two_moons(200, 0.1, seed=s),
    "binary_blobs": lambda s: mf.data.binary_blobs(200, 4.0, 1.0, seed=s),
    "sine": lambda s: mf.data.sine(200, 0.1, seed=s),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_shapes_determinism_and_read_only(name: str) -> None:
    X, Y = GENERATORS[name](3)
    assert X.shape[1] == Y.shape[1] == 200 and Y.shape[0] == 1
    assert X.dtype == Y.dtype == np.float64
    X2, Y2 = GENERATORS[name](3)
    assert (X == X2).all() and (Y == Y2).all()
    X3, _ = GENERATORS[name](4)
    assert not (X == X3).all()
    assert not X.flags.writeable


@pytest.mark.parametrize("name", ["noisy_xor", "two_moons", "binary_blobs"])
def test_binary_sets_are_balanced_labels(name: str) -> None:
    _, Y = GENERATORS[name](0)
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert abs(float(Y.mean()) - 0.5) <= 0.1


def test_two_moons_geometry_without_noise() -> None:
    # Class 0 lies on the unit circle's upper half; class 1 on the circle of radius 1 around
    # (1, 0.5), lower half.
    X, Y = mf.data.two_moons(100, 0.0, seed=0)
    c0, c1 = X[:, Y[0] == 0], X[:, Y[0] == 1]
    np.testing.assert_allclose(np.hypot(c0[0], c0[1]), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(c1[0] - 1, c1[1] - 0.5), 1.0, atol=1e-12)
    assert (c0[1] >= -1e-12).all() and (c1[1] <= 0.5 + 1e-12).all()


def test_noisy_xor_without_noise_is_xor_of_the_signs() -> None:
    X, Y = mf.data.noisy_xor(50, 0.0, seed=1)
    assert set(map(tuple, X.T.tolist())) <= {(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)}
    np.testing.assert_array_equal(Y[0], (np.sign(X[0]) != np.sign(X[1])).astype(float))


def test_blobs_spread_and_balance() -> None:
    X, Y = mf.data.blobs(3000, [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]], spread=0.5, seed=2)
    assert Y.shape == (1, 3000) and Y.dtype == np.float64  # the layout of every generator
    labels = Y[0].astype(int)
    assert np.bincount(labels).tolist() == [1000, 1000, 1000]
    for k, centre in enumerate([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]):
        pts = X[:, labels == k]
        np.testing.assert_allclose(pts.mean(axis=1), centre, atol=0.1)  # 4 sd of the mean
        np.testing.assert_allclose(pts.std(axis=1), 0.5, rtol=0.1)


def test_binary_blobs_bayes_accuracy() -> None:
    # The best classifier is the diagonal x1 + x2 = 0; its accuracy is Phi(d / 2s).
    X, Y = mf.data.binary_blobs(20000, 2.0, 1.0, seed=0)
    acc = float(np.mean((X[0] + X[1] > 0) == (Y[0] == 1)))
    phi = 0.5 * (1 + math.erf(1.0 / math.sqrt(2)))  # Phi(2 / (2 * 1)) = 0.8413
    assert acc == pytest.approx(phi, abs=0.01)


def test_x_squared_and_exercise() -> None:
    X, Y = mf.data.x_squared(5)
    assert X.tolist() == [[-1.0, -0.5, 0.0, 0.5, 1.0]] and Y.tolist() == [[1.0, 0.25, 0.0, 0.25,
                                                                           1.0]]
    Xe, Ye = mf.data.exercise_002()
    assert Xe.tolist() == [[1.0, 0.5, -0.5], [0.3, 1.0, -0.1]] and Ye.tolist() == [[1, 0, 0]]


def test_planar_flower_is_the_course_dataset() -> None:
    # The course's first point, from np.random.seed(1): recomputed here from the legacy stream.
    rs = np.random.RandomState(1)
    t = np.linspace(0, 3.12, 200) + rs.randn(200) * 0.2
    r = 4 * np.sin(4 * t) + rs.randn(200) * 0.2
    X, Y = mf.data.planar_flower()
    assert X.shape == (2, 400) and Y.shape == (1, 400) and Y.sum() == 200
    np.testing.assert_allclose(X[:, 0], [r[0] * np.sin(t[0]), r[0] * np.cos(t[0])])


@given(seed=st.integers(0, 2**31), frac=st.floats(0.1, 0.9))
def test_train_test_split_partitions_the_columns(seed: int, frac: float) -> None:
    X = np.arange(40.0).reshape(2, 20)
    Y = np.arange(20.0).reshape(1, 20)
    Xtr, Ytr, Xte, Yte = mf.data.train_test_split(X, Y, frac, seed=seed)
    assert Xtr.shape[1] + Xte.shape[1] == 20 and Xte.shape[1] == max(1, min(19, round(frac * 20)))
    assert sorted(np.concatenate([Ytr[0], Yte[0]]).tolist()) == list(range(20))
    np.testing.assert_array_equal(Xtr[1] - Xtr[0], 20.0)  # columns kept whole


@given(seed=st.integers(0, 2**31), n=st.integers(1, 5), m=st.integers(2, 30))
def test_standardize_round_trip(seed: int, n: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(rng.uniform(-1e4, 1e4, (n, 1)), rng.uniform(0.1, 1e3, (n, 1)), (n, m))
    stats = mf.data.fit_standardizer(X)
    Z = mf.data.standardize(X, stats)
    np.testing.assert_allclose(Z.mean(axis=1), 0.0, atol=1e-9)
    np.testing.assert_allclose(Z.std(axis=1), 1.0, rtol=1e-9)
    np.testing.assert_allclose(mf.data.unstandardize(Z, stats), X, rtol=1e-12, atol=1e-9)


def test_constant_feature_is_not_divided_by_zero() -> None:
    X = np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    Z = mf.data.standardize(X, mf.data.fit_standardizer(X))
    assert np.isfinite(Z).all() and (Z[1] == 0).all()


def test_data_of_another_width_than_the_statistics_is_named_as_x() -> None:
    # The statistics agree with each other (2 features): it is X that does not fit, and X
    # held as rows (the test rows of a scikit-learn habit) is told to be turned.
    X, _ = mf.data.two_moons(50, seed=0)
    stats = mf.data.fit_standardizer(X)
    with pytest.raises(ValueError, match=r"^X: expected 2 features \(rows\), as the statistics "
                                         r"were fitted on, got shape \(1, 50\)$"):
        mf.data.standardize(X[:1], stats)
    for f in (mf.data.standardize, mf.data.unstandardize):
        with pytest.raises(ValueError, match=r"^X: .* got shape \(50, 2\); the data look like "
                                             r"one example per row: pass X\.T$"):
            f(X.T, stats)
    with pytest.raises(ValueError, match=r"^stats\['mean'\]: fitted on shape \(1, 1\)"):
        mf.data.standardize(X, {"mean": stats["mean"][:1], "std": stats["std"]})


def test_the_bundled_digits_are_scikit_learns() -> None:
    # The same images and labels as scikit-learn's own bundled copy, read by its loader.
    datasets = pytest.importorskip("sklearn.datasets")
    X, labels = mf.data.digits()
    theirs = datasets.load_digits()
    assert X.shape == (64, 1797) and X.dtype == np.float64 and not X.flags.writeable
    np.testing.assert_array_equal(X.T, theirs.data)
    np.testing.assert_array_equal(labels, theirs.target)
    assert X.min() == 0 and X.max() == 16 and set(labels.tolist()) == set(range(10))


# --- the plane data sets of TensorFlow Playground ---------------------------------------------

def test_circle_puts_class_1_in_the_disc_and_class_0_in_the_ring() -> None:
    X, Y = mf.data.circle(401, seed=3)
    r = np.hypot(X[0], X[1])
    assert X.shape == (2, 401) and Y.shape == (1, 401) and int(Y.sum()) == 200
    assert r[Y[0] == 1].max() <= 2.5 and r[Y[0] == 0].min() >= 3.5 and r.max() <= 5.0
    Xn, _ = mf.data.circle(401, noise=0.5, seed=3)
    assert 0.3 < float(np.std(Xn - X)) < 0.7  # N(0, 0.25) added to the same points


def test_gaussians_are_two_clouds_on_the_diagonal() -> None:
    X, Y = mf.data.gaussians(4000, seed=1)
    ones, zeros = X[:, Y[0] == 1], X[:, Y[0] == 0]
    np.testing.assert_allclose(ones.mean(axis=1), [2, 2], atol=0.05)
    np.testing.assert_allclose(zeros.mean(axis=1), [-2, -2], atol=0.05)
    np.testing.assert_allclose(ones.std(axis=1), [0.5, 0.5], rtol=0.06)
    wide, labels = mf.data.gaussians(4000, noise=1.5, seed=1)
    np.testing.assert_allclose(wide[:, labels[0] == 1].std(axis=1), [2.0, 2.0], rtol=0.06)


def test_spiral_points_lie_on_their_arms() -> None:
    """Without noise every point is at r = 5 i / n, angle 2 pi 1.75 i / n (+ pi for class 0):
    recomputed here from the points themselves."""
    X, Y = mf.data.spiral(200, seed=0)
    for label, shift in ((1.0, 0.0), (0.0, np.pi)):
        P = X[:, Y[0] == label]
        r = np.hypot(P[0], P[1])
        i = np.rint(r / 5 * 100)  # each point's index along its arm
        np.testing.assert_allclose(r, 5 * i / 100, atol=1e-12)
        t = 2 * np.pi * 1.75 * i / 100 + shift
        np.testing.assert_allclose(P, np.stack([r * np.sin(t), r * np.cos(t)]), atol=1e-12)
    assert sorted(np.rint(np.hypot(*X[:, Y[0] == 1]) * 20).astype(int)) == list(range(100))


def test_plane_and_multi_gaussian_values() -> None:
    X, Y = mf.data.plane(500, seed=2)
    np.testing.assert_allclose(Y[0], (X[0] + X[1]) / 10, rtol=1e-15)
    assert np.abs(X).max() <= 5 and np.abs(Y).max() <= 1
    X, Y = mf.data.multi_gaussian(300, seed=2)
    # bump by bump, written out: heights +1 at (-4, 2.5), (4, 2.5), (0, -2.5), -1 elsewhere
    want = np.zeros(300)
    for c1, c2, h in [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1),
                      (4, -2.5, -1)]:
        want += h * np.exp(-((X[0] - c1) ** 2 + (X[1] - c2) ** 2) / 2)
    np.testing.assert_allclose(Y[0], want, rtol=1e-14, atol=1e-15)
    Xn, Yn = mf.data.multi_gaussian(300, noise=0.1, seed=2)
    np.testing.assert_array_equal(Xn, X)
    assert 0.07 < float(np.std(Yn - Y)) < 0.13


@pytest.mark.parametrize("make", [mf.data.circle, mf.data.gaussians, mf.data.spiral,
                                  mf.data.plane, mf.data.multi_gaussian])
def test_plane_sets_are_seeded_read_only_and_checked(make: Any) -> None:
    a, b = make(50, noise=0.2, seed=7), make(50, noise=0.2, seed=7)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not a[0].flags.writeable and not a[1].flags.writeable
    assert not np.array_equal(a[0], make(50, noise=0.2, seed=8)[0])
    with pytest.raises(ValueError, match="noise"):
        make(50, noise=-1.0)
    with pytest.raises(ValueError, match=r"^seed: expected a non-negative integer, got -1$"):
        make(50, seed=-1)  # an int of the wrong value: ValueError, as for every other number
    with pytest.raises(TypeError, match=r"^seed: expected a non-negative integer, got float"):
        make(50, seed=1.0)
