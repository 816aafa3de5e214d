"""The boundary: each course function is one def, its checks declared beside it, and
``f.unchecked`` is that def itself."""

from __future__ import annotations

import inspect
import re
from typing import Any

import numpy as np
import pytest

import mlp_fn as mf
from mlp_fn._internal.boundary import as_given, checked, like, matrix, real

COURSE = [mf.sigmoid, mf.relu_derivative, mf.softmax, mf.bce, mf.losses.mse_derivative,
          mf.linear_forward, mf.linear_backward, mf.activation_forward, mf.activation_backward,
          mf.dropout_masks, mf.output_delta, mf.compute_cost, mf.l2_penalty, mf.forward,
          mf.backward, mf.predict, mf.clip_by_global_norm, mf.adam_step, mf.init_params,
          mf.random_mini_batches, mf.gradient_check, mf.train_step, mf.train, mf.train_many]


@pytest.mark.parametrize("f", COURSE, ids=lambda f: f.__name__)
def test_the_body_is_the_def_under_the_course_name(f: object) -> None:
    # (an optimizer's def is its rule for one array; .unchecked applies it to every array)
    body = getattr(f, "rule", None) or f.unchecked  # type: ignore[attr-defined]
    assert body.__name__ == f.__name__  # type: ignore[attr-defined]
    assert not hasattr(body, "unchecked")  # the def itself, not another wrapper
    assert f"def {f.__name__}(" in inspect.getsource(body)  # type: ignore[attr-defined]
    # xp is filled in from the arrays, except where the caller names the library
    assert ("xp" in inspect.signature(f).parameters) == (f is mf.init_params)  # type: ignore


def test_the_course_lines_are_in_the_bodies() -> None:
    # What a reader finds under the name is the equation itself.
    assert "1.0 / (1.0 + xp.exp(-Z))" in inspect.getsource(mf.sigmoid.unchecked)
    assert "dW = (dZ @ A_prev.T) / m" in inspect.getsource(mf.linear_backward.unchecked)
    assert "m_hat = m / (1.0 - beta1**t)" in inspect.getsource(mf.adam_step.rule)


def test_shape_names_are_matched_across_arguments_and_named_in_the_message() -> None:
    @checked(W=matrix("(n[l], n[l-1])"), A=matrix("(n[l-1], m)"), Z=matrix("(n[l], m)"))
    def product(W: Any, A: Any, Z: Any) -> Any:
        return W @ A + Z

    W, A = np.ones((3, 2)), np.ones((2, 5))
    assert product(W, A, np.zeros((3, 5))).shape == (3, 5)
    with pytest.raises(ValueError, match=r"^A: expected shape \(2, m\) \(n\[l-1\] = 2 from W "
                                         r"of shape \(3, 2\)\), got shape \(4, 5\)$"):
        product(W, np.ones((4, 5)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"^Z: expected shape \(3, 5\) \(m = 5 from A of "):
        product(W, A, np.zeros((3, 4)))


def test_results_are_checked_and_handed_back_and_the_body_is_called_with_xp() -> None:
    calls: list[object] = []

    @checked(Z=real, A=like("Z"))
    def square(Z: Any, A: Any = None, *, xp: object = np) -> Any:
        calls.append(xp)
        return Z * Z

    out = square([1.0, 2.0])
    assert out.tolist() == [1.0, 4.0] and not out.flags.writeable and calls == [np]
    with pytest.raises(ValueError, match="^square: the result overflowed"):
        square([1e200])
    with pytest.raises(ValueError, match=r"^A: expected the shape of Z \(2,\), got shape \(3,\)"):
        square([1.0, 2.0], [1.0, 2.0, 3.0])
    assert square.unchecked(np.array([3.0]), xp=np).tolist() == [9.0]  # no checks, no copy


def test_a_function_without_arrays_takes_xp_from_its_caller() -> None:
    # A rule for xp makes it the caller's argument: the signature keeps it, the body gets it as
    # given, and what comes back is handed back in the library of the arrays returned.
    @checked(xp=as_given)
    def ones(n: int, *, xp: Any = None) -> Any:
        return (xp or np).ones((n, 1))

    assert "xp" in inspect.signature(ones).parameters
    out = ones(2)
    assert not out.flags.writeable  # NumPy's: read-only, read from the result
    torch = pytest.importorskip("torch")
    t = ones(2, xp=torch)
    assert isinstance(t, torch.Tensor) and t.shape == (2, 1)


def test_a_body_that_hands_back_its_own_results_gets_them_as_it_made_them() -> None:
    # The training loop's mode: the rules run (a derived keyword from the others), then the
    # body's result comes back untouched: not copied, not made read-only, and a NaN in it is
    # the body's to report (train's divergence is a TrainingDiverged, not a ValueError).
    def total(name: str, value: Any, seen: dict[str, Any]) -> float:
        return float(seen["a"]) + float(seen["b"])

    @checked(a=real, total=total, returns="as_is")
    def loop(a: Any, b: float, *, total: float) -> Any:
        return np.array([total, np.nan])

    out = loop(np.array(1.0), 2.0)
    assert out.flags.writeable and np.isnan(out[1]) and out[0] == 3.0
    assert list(inspect.signature(loop).parameters) == ["a", "b"]
    with pytest.raises(ValueError, match="^a: "):
        loop(np.array(np.inf), 2.0)


def test_arguments_are_bound_as_python_binds_them() -> None:
    # The boundary binds the common call itself (Signature.bind costs 16 us on train's 24
    # parameters); every call shape must give Signature.bind's dict, defaults applied, in the
    # signature's order, and every wrong one Python's own TypeError, led by the function's
    # name as Python's own call would name it.
    from mlp_fn._internal.boundary import _binder

    def f(a: Any, b: Any = 2, *, c: Any, d: Any = 4, **more: Any) -> None: ...

    def g(a: Any, b: Any = 2, *, c: Any = 3) -> None: ...

    for fn in (f, g):
        sig = inspect.signature(fn)
        bind = _binder(sig, fn.__name__)
        calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
            ((1,), {"c": 3}), ((1, 5), {"c": 3, "d": 6}), ((), {"a": 1, "c": 3, "b": 7}),
            ((1,), {"c": 3, "e": 9, "b": 0}), ((1,), {}), ((1, 2, 3), {"c": 3}),
            ((1,), {"a": 1, "c": 3}), ((), {"c": 3}), ((1,), {"c": 3, "zz": 1})]
        for args, kwargs in calls:
            try:
                expected = sig.bind(*args, **kwargs)
            except TypeError as err:
                with pytest.raises(TypeError, match=f"^{re.escape(f'{fn.__name__}(): {err}')}$"):
                    bind(args, kwargs)
                continue
            expected.apply_defaults()
            got = bind(args, kwargs)
            assert got == dict(expected.arguments) and list(got) == list(expected.arguments)


def test_a_wrong_call_names_the_function() -> None:
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=0)
    with pytest.raises(TypeError, match=r"^forward\(\): missing a required argument: "
                                        r"'activations'$"):
        mf.forward(X, params)
    with pytest.raises(TypeError, match=r"^train\(\): got an unexpected keyword argument "
                                        r"'epoch'; did you mean 'epochs'\?$"):
        mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=0.1,
                 epochs=3, epoch=3)
    # A keyword of another library is named, not a required argument it leaves out
    # (Signature.bind reported "missing a required argument: 'learning_rate'" for lr=).
    with pytest.raises(TypeError, match=r"^train\(\): got an unexpected keyword argument "
                                        r"'lr'; did you mean 'learning_rate'\?$"):
        mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", lr=0.1, epochs=3)
    with pytest.raises(TypeError, match=r"'dropout'; did you mean 'keep_prob' \(1 minus the "
                                        r"dropout rate\)\?$"):
        mf.forward(X, params, ["tanh", "sigmoid"], dropout=0.2)
    with pytest.raises(TypeError, match=r"^forward\(\): got an unexpected keyword argument "
                                        r"'colour'$"):  # nothing near it: no guess
        mf.forward(X, params, ["tanh", "sigmoid"], colour=1)
