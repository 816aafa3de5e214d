"""The public boundary: a course function's checks, declared beside its ``def``.

One function per equation. The body under the course's name computes the equation and nothing
else; ``@checked`` declares, argument by argument, what the public call accepts, as the
docstrings' shape tables do:

    @checked(W=matrix("(n[l], n[l-1])"), A_prev=matrix("(n[l-1], m)"), b=matrix("(n[l], 1)"))
    def linear_forward(A_prev, W, b):
        return W @ A_prev + b

A call ``linear_forward(A_prev, W, b)`` runs each argument's rule in the order declared (the
shape names are matched across arguments: ``n[l-1]`` is read from W, the first argument
declared that has it, and A_prev must agree), then the body inside
``np.errstate(all="ignore")`` with ``xp``, the namespace of the arrays, filled in where the
body takes one; a result holding NaN or inf is a ValueError naming the function, and every
array returned is handed back as public results are (read-only on NumPy, never one of the
arguments elsewhere). A call that fails on a JAX array being traced (inside ``jax.jit``, say)
says so, and names the body to trace instead: the checks read values, which a trace has not.

The one convention for mlp_fn's own callers, whose arrays were checked once at their own entry:
they call ``f.unchecked``, which is the body itself, the same function object that was
decorated (no wrapper, no cost), with ``xp`` passed explicitly.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, Literal, Protocol, TypeVar, overload

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.arrays import all_finite, backend, hand_back, is_array
from mlp_fn._internal.inputs import cast, real_array

__all__ = ["checked", "Checked", "Rule", "real", "like", "matrix", "dims", "by",
           "optional", "nonempty", "as_given", "shown_as", "warn"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def warn(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` at the caller's line: the first frame outside mlp_fn, however many of
    its own calls (the boundary's, a loop's, a comprehension's) lie between."""
    frame: types.FrameType | None = sys._getframe(1)
    level = 2  # (level 1 is this function)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


#: The message of a result that overflowed: a string, or a function of the result and the
#: checked arguments that writes it.
Overflow = str | Callable[[Any, dict[str, Any]], str] | None

Out = TypeVar("Out", covariant=True)
Body = TypeVar("Body")


class Checked(Protocol, Generic[Out, Body]):
    """A public course function: called, it checks its arguments and returns ``Out``; its body,
    ``unchecked``, returns ``Body`` (a number's 0-d array, for a cost)."""

    __name__: str
    __qualname__: str
    unchecked: Callable[..., Body]

    def __call__(self, *args: Any, **kwargs: Any) -> Out: ...


#: A rule checks one argument: rule(name, value, seen) returns the value the body gets, or
#: raises a ValueError or TypeError naming ``name``. ``seen`` holds every argument, those
#: checked so far as their rules returned them (and, under "_dims", the shape names read).
Rule = Callable[[str, Any, dict[str, Any]], Any]


def real(name: str, value: Any, seen: dict[str, Any]) -> Any:
    """Whatever the textbook passes (a number, a list, an integer array): a finite float array
    of any shape, float32 and float64 kept, everything else made float64."""
    return real_array(name, value)


def as_given(name: str, value: Any, seen: dict[str, Any]) -> Any:
    """The argument as the caller gave it (a later rule checks it). Declared for ``xp``, it
    makes the library the caller's argument, for a function with no arrays to read it from
    (``init_params(..., xp=torch)``)."""
    return value


def by(check_fn: Callable[[str, Any], Any]) -> Rule:
    """A rule from one of ``mlp_fn._internal.checks``' functions of (name, value)."""
    return lambda name, value, seen: check_fn(name, value)


def shown_as(annotation: str, rule: Rule) -> Rule:
    """``rule``, whose argument the public signature shows as ``annotation``: what the caller
    passes, where the rule makes of it what the body takes (an activation's name, which the
    body gets as its functions)."""
    def shown(name: str, value: Any, seen: dict[str, Any]) -> Any:
        return rule(name, value, seen)

    shown.shown_as = annotation  # type: ignore[attr-defined]
    return shown


def optional(rule: Rule) -> Rule:
    """``rule``, with None passed as None."""
    return lambda name, value, seen: None if value is None else rule(name, value, seen)


def nonempty(rule: Rule) -> Rule:
    """``rule``, and at least one entry (a mean over nothing is no number)."""

    def checked_rule(name: str, value: Any, seen: dict[str, Any]) -> Any:
        a = rule(name, value, seen)
        if 0 in tuple(a.shape):
            raise ValueError(f"{name}: expected at least one entry, got shape {tuple(a.shape)}")
        return a

    return checked_rule


def like(other: str) -> Rule:
    """A real array of the shape of the argument ``other``, in its dtype (None passes)."""

    def rule(name: str, value: Any, seen: dict[str, Any]) -> Any:
        if value is None:
            return None
        a, ref = real_array(name, value), seen[other]
        if tuple(a.shape) != tuple(ref.shape):
            raise ValueError(f"{name}: expected the shape of {other} {tuple(ref.shape)}, got "
                             f"shape {tuple(a.shape)}")
        return cast(name, a, ref.dtype)

    return rule


_DIM = re.compile(r"\s*,\s*")


def dims(shape: str) -> list[str]:
    """The names of a shape: '(n[l], n[l-1])' -> ['n[l]', 'n[l-1]']."""
    return _DIM.split(shape.strip()[1:-1])


def matrix(shape: str) -> Rule:
    """A finite float32 or float64 matrix of ``shape``, e.g. '(n[l], n[l-1])', whose names are
    matched with the other arguments' (a number in it is a fixed size), in the dtype of the
    matrices before it."""
    names = dims(shape)

    def rule(name: str, value: Any, seen: dict[str, Any]) -> Any:
        known: dict[str, tuple[int, str]] = seen.setdefault("_dims", {})
        expected = "(" + ", ".join(str(known[d][0]) if d in known else d for d in names) + ")"
        a = check.matrix(name, value, expected)
        for d, size in zip(names, a.shape):
            want = int(d) if d.isdigit() else known[d][0] if d in known else None
            if want is not None and size != want:
                source = "" if d.isdigit() else f" ({d} = {want} from {known[d][1]})"
                raise ValueError(f"{name}: expected shape {expected}{source}, got shape "
                                 f"{tuple(a.shape)}")
        for d, size in zip(names, a.shape):
            known.setdefault(d, (size, f"{name} of shape {tuple(a.shape)}"))
        first = seen.get("_dtype")
        if first is None:
            seen["_dtype"] = (name, a)
        else:
            check.same_dtype(**{first[0]: first[1], name: a})
        return a

    return rule


def _message(overflow: Overflow, out: Any, values: dict[str, Any]) -> str | None:
    return overflow(out, values) if callable(overflow) else overflow


def _is_array(a: Any) -> bool:
    return is_array(a) or isinstance(a, (np.ndarray, np.generic))


def _arrays(out: Any) -> list[Any]:
    """The arrays in a result or argument (looking into tuples, lists and dicts, at any depth:
    an optimizer's state holds its slots' dicts, random_mini_batches returns a list of
    tuples)."""
    if isinstance(out, (tuple, list)):
        return [a for part in out for a in _arrays(part)]
    if isinstance(out, Mapping):
        return [a for value in out.values() for a in _arrays(value)]
    return [out] if _is_array(out) else []


def _labelled(name: str, value: Any) -> Iterator[tuple[str, Any]]:
    """Every array in an argument with its label ("state['slots']['m']['W1']"), for finding
    the arrays' library and device (numbers, names and step counts are not arrays)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _labelled(f"{name}[{key!r}]", item)
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from _labelled(f"{name}[{i}]", item)
    elif is_array(value) or isinstance(value, np.ndarray):
        yield name, value


def _handed(out: Any, b: Any, given: list[Any]) -> Any:
    """A result with each of its arrays handed back as public results are (a NumPy scalar,
    what NumPy makes of a 0-d array's arithmetic, as a 0-d array)."""
    if isinstance(out, (tuple, list)):
        return type(out)(_handed(part, b, given) for part in out)
    if isinstance(out, Mapping):
        return {k: _handed(v, b, given) for k, v in out.items()}
    if _is_array(out):
        return hand_back(np.asarray(out) if isinstance(out, np.generic) else out, b, given)
    return out


#: What a body takes that its checks derive, as a caller tracing the body gives it.
_DERIVED = {"net": "net=mlp_fn.network.architecture(params, activations)",
            "learned": "learned=params (less batch normalisation's running statistics)"}


def _traced_message(name: str, derived: set[str], takes_xp: bool) -> str:
    """What a public function called on a JAX array being traced says (``{label}`` left to
    fill): its checks read values, which a trace does not have; its body, which checks
    nothing, traces (not the training loop's: it reads the costs)."""
    message = (f"{{label}}: expected a concrete array, got a JAX array being traced (inside "
               f"jax.jit, jax.grad or jax.vmap); {name} checks the values it is given, which a "
               f"trace does not have: call it outside the transformation")
    if not derived <= set(_DERIVED):
        return message
    give = [_DERIVED[d] for d in sorted(derived)] + (["xp=jax.numpy"] if takes_xp else [])
    return (f"{message}, or trace its body, which checks nothing: "
            f"{name}.unchecked(...{''.join(', ' + g for g in give)})")


def _traced(bind: Callable[[tuple[Any, ...], dict[str, Any]], dict[str, Any]],
            args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """The label of the first JAX array being traced among the arguments, if any (looked for
    only once a call has failed: JAX is imported by then if the arguments hold its arrays)."""
    jax = sys.modules.get("jax")
    if jax is None:
        return None
    try:
        named = bind(args, kwargs)
    except TypeError:
        named = {**{f"argument {i + 1}": a for i, a in enumerate(args)}, **kwargs}
    return next((label for name, value in named.items() for label, a in _labelled(name, value)
                 if isinstance(a, jax.core.Tracer)), None)


def _binder(public: inspect.Signature, name: str
            ) -> Callable[[tuple[Any, ...], dict[str, Any]], dict[str, Any]]:
    """``public.bind(*args, **kwargs)`` with its defaults applied, as a dict in the signature's
    order: the common call (arguments by position, then by name) bound directly, at a tenth of
    ``Signature.bind``'s 16 us for ``train``'s 24 parameters; anything else (a missing or
    repeated argument, one it does not take) goes to ``Signature.bind``, which raises Python's
    own TypeError."""
    kinds = inspect.Parameter
    params = list(public.parameters.values())
    varkw = next((p.name for p in params if p.kind is kinds.VAR_KEYWORD), None)
    order = [p.name for p in params if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)]
    positional = [p.name for p in params if p.kind is kinds.POSITIONAL_OR_KEYWORD]
    defaults = {p.name: p.default for p in params if p.default is not kinds.empty}
    named = set(order)
    direct = all(p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY, kinds.VAR_KEYWORD)
                 for p in params)

    def slow(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        unknown = [key for key in kwargs if key not in named] if varkw is None else []
        if unknown:  # named first: Signature.bind would report a missing argument instead
            raise TypeError(f"{name}(): got an unexpected keyword argument "
                            f"{unknown[0][:60]!r}{check.closest(unknown[0], order)}")
        try:
            bound = public.bind(*args, **kwargs)
        except TypeError as err:  # Python's own message, with the function it is about
            raise TypeError(f"{name}(): {err}") from None
        bound.apply_defaults()
        return dict(bound.arguments)

    def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        if not direct or len(args) > len(positional):
            return slow(args, kwargs)
        given = dict(zip(positional, args))
        extra = {}
        for key, value in kwargs.items():
            if key in given or (key not in named and varkw is None):
                return slow(args, kwargs)
            if key in named:
                given[key] = value
            else:
                extra[key] = value
        out = {}
        for name in order:
            if name in given:
                out[name] = given[name]
            elif name in defaults:
                out[name] = defaults[name]
            else:
                return slow(args, kwargs)
        if varkw is not None:
            out[varkw] = extra
        return out

    return bind


@overload
def checked(*, returns: Literal["arrays"] = ..., overflow: Overflow = ...,
            **rules: Rule) -> Callable[[Callable[..., Body]], Checked[Body, Body]]: ...


@overload
def checked(*, returns: Literal["number"], overflow: Overflow = ...,
            **rules: Rule) -> Callable[[Callable[..., Body]], Checked[float, Body]]: ...


@overload
def checked(*, returns: Literal["as_is"], overflow: None = ...,
            **rules: Rule) -> Callable[[Callable[..., Body]], Checked[Body, Body]]: ...


def checked(*, returns: str = "arrays", overflow: Overflow = None,
            **rules: Rule) -> Callable[[Callable[..., Any]], Any]:
    """Declare the checks of the public function ``f`` beside its def: ``rules`` maps argument
    names to rules (``real``, ``matrix(shape)``, ``like(other)``, or any function of
    (name, value, seen)); arguments without a rule are passed as given. ``returns``: "arrays"
    (each array returned must be finite, and is handed back read-only) or "number" (a 0-d array
    made a Python float, which must be finite; any other result is handed back as arrays are)
    or "as_is" (the body hands back its own results and reports their overflow itself: the
    training loop, whose divergence is a ``TrainingDiverged`` carrying the last finite params,
    not a ValueError). ``overflow``: the message of the ValueError for a result holding NaN or
    inf, where one more telling than the general one can be given (or a
    function of the result and the checked arguments that writes it).

    A rule for the body's ``**keywords`` checks them together, as a dict. A rule named for a
    keyword-only argument of the body that the public call does not take
    derives it from the others (``forward``'s architecture from its params and activations):
    the body gets it, the public signature does not show it, and mlp_fn's callers pass it.
    The body's ``xp`` is the namespace of the arrays passed in, unless a rule names ``xp``:
    then it is the caller's argument like any other. The arrays returned are handed back in
    the library of the arrays passed in or, where none is, of the arrays returned."""

    def decorate(f: Callable[..., Any]) -> Any:
        signature = inspect.signature(f)
        takes_xp = "xp" in signature.parameters and "xp" not in rules
        varkw = next((p.name for p in signature.parameters.values()
                      if p.kind is inspect.Parameter.VAR_KEYWORD), None)
        derived = {name for name in rules if name in signature.parameters
                   and signature.parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
                   and signature.parameters[name].default is inspect.Parameter.empty}
        public = signature.replace(parameters=[
            p.replace(annotation=getattr(rules.get(p.name), "shown_as", p.annotation))
            for p in signature.parameters.values()
            if not (p.name == "xp" and takes_xp) and p.name not in derived])
        unknown = set(rules) - set(signature.parameters)
        if unknown:
            raise TypeError(f"checked: {f.__name__} has no argument {sorted(unknown)}")

        bind = _binder(public, f.__name__)
        traced_message = _traced_message(f.__name__, derived, takes_xp)

        @functools.wraps(f)
        def public_call(*args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except Exception:
                traced = _traced(bind, args, kwargs)
                if traced is None:
                    raise
                raise TypeError(traced_message.format(label=traced)) from None

        def call(*args: Any, **kwargs: Any) -> Any:
            given = bind(args, kwargs)
            seen: dict[str, Any] = dict(given)
            values = dict(given)
            for name, rule in rules.items():
                values[name] = seen[name] = rule(name, given.get(name), seen)
            if returns == "as_is":  # (a user's callback runs inside: NumPy's warnings kept)
                keywords = values.pop(varkw) if varkw is not None else {}
                return f(**values, **keywords)
            arrays_in = dict(pair for k, v in values.items() for pair in _labelled(k, v))
            b = backend(**arrays_in)
            if takes_xp:
                values["xp"] = b.xp
            keywords = values.pop(varkw) if varkw is not None else {}
            with np.errstate(all="ignore"):
                out = f(**values, **keywords)
            if not arrays_in:  # nothing to read the library from but what the body made
                b = backend(**dict(_labelled("result", out)))
            if returns == "number" and not isinstance(out, tuple) and np.ndim(out) == 0:
                J = float(out)
                if not np.isfinite(J):
                    raise ValueError(_message(overflow, out, values) or
                                     f"{f.__name__}: the result overflowed to {J} for these "
                                     f"inputs; they are too large for this dtype's arithmetic")
                return J
            arrays = _arrays(out)
            if not all(all_finite(a, b.xp) for a in arrays):
                raise ValueError(_message(overflow, out, values) or
                                 f"{f.__name__}: the result overflowed (NaN or inf) for these "
                                 f"inputs; they are too large for {arrays[0].dtype} arithmetic")
            return _handed(out, b, [a for v in (*given.values(), *values.values())
                                    for a in _arrays(v)])

        public_call.__signature__ = public  # type: ignore[attr-defined]
        # (its own annotations, as the signature shows them: typing.get_type_hints reads these)
        public_call.__annotations__ = {k: getattr(rules.get(k), "shown_as", v)
                                       for k, v in f.__annotations__.items()}
        public_call.unchecked = f  # type: ignore[attr-defined]
        del public_call.__wrapped__  # help() shows the public signature, without xp
        return public_call

    return decorate
