# %% [markdown]
# # Activation functions and their derivatives
# 003, "Activation Functions: Comparison and Derivatives": sigmoid, ReLU and leaky ReLU with
# their derivatives at z = -3, -1, 0, 1, 3, and softmax of the logits (2, 1, 0.1).
# mlp_fn's functions take a matrix (n, m); the five values are one row.

# %%
import math

import numpy as np

import mlp_fn as mf

z_values = np.array([[-3.0, -1.0, 0.0, 1.0, 3.0]])
columns = {
    "sigmoid": mf.sigmoid(z_values)[0], "dsigmoid": mf.sigmoid_derivative(z_values)[0],
    "relu": mf.relu(z_values)[0], "drelu": mf.relu_derivative(z_values)[0],
    "leaky": mf.leaky_relu(z_values)[0], "dleaky": mf.leaky_relu_derivative(z_values)[0],
}
rows = []
print("z      | Sigmoid | Sigmoid' | ReLU | ReLU' | Leaky ReLU | Leaky'")
print("-" * 75)
for i, z in enumerate(z_values[0]):
    row = (f"{z:6.1f} | {columns['sigmoid'][i]:7.4f} | {columns['dsigmoid'][i]:8.4f} | "
           f"{columns['relu'][i]:4.1f} | {columns['drelu'][i]:5.1f} | "
           f"{columns['leaky'][i]:10.4f} | {columns['dleaky'][i]:6.2f}")
    rows.append(row)
    print(row)

# %%
logits = np.array([2.0, 1.0, 0.1])
probs = mf.softmax(logits.reshape(3, 1))[:, 0]  # one example: a column of three logits
softmax_line = f"Softmax({logits}) = {probs.round(4)}"
sum_line = f"Sum of probabilities: {probs.sum():.4f}"
print()
print(softmax_line)
print(sum_line)

# %% [markdown]
# The chapter prints ReLU(-3) and ReLU(-1) as -0.0. Its own relu is np.maximum(0, z) on the integer
# array np.array([-3, -1, 0, 1, 3]): that is the integer 0, printed ' 0.0'; even on floats
# np.maximum(0, -3.0) is +0.0. No sign can appear, so that column is a log the listing cannot
# produce (the value, zero, is the same).

# %% [report]
from walkthroughs._report import Check, Record, check, record

NAME = "activation_functions"
listing_relu = f"{np.maximum(0, np.array([-3, -1, 0, 1, 3])[0]):4.1f}"  # the listing's own relu
NEG_ZERO = ("the chapter shows ReLU = -0.0, which its own code cannot print: np.maximum(0, z) on "
            f"its integer z = -3 is the integer 0, formatted {listing_relu!r}; same value")
DOCUMENTED_ROWS = [
    "-3.0 | 0.0474 | 0.0452 | -0.0 | 0.0 | -0.0300 | 0.01",
    "-1.0 | 0.2689 | 0.1966 | -0.0 | 0.0 | -0.0100 | 0.01",
    "0.0 | 0.5000 | 0.2500 | 0.0 | 0.0 | 0.0000 | 0.01",
    "1.0 | 0.7311 | 0.1966 | 1.0 | 1.0 | 1.0000 | 1.00",
    "3.0 | 0.9526 | 0.0452 | 3.0 | 1.0 | 3.0000 | 1.00",
]
RECORDS: list[Record] = [
    record(NAME, f"table row z = {z:g}", doc, row, NEG_ZERO if z < 0 else "")
    for z, doc, row in zip(z_values[0], DOCUMENTED_ROWS, rows)
]
RECORDS += [
    record(NAME, "softmax of (2, 1, 0.1)", "Softmax([2. 1. 0.1]) = [0.6590 0.2424 0.0986]",
           softmax_line, "NumPy prints the rounded array as [0.659 0.2424 0.0986]: it drops "
           "the trailing zero of 0.6590; the values are the same"),
    record(NAME, "sum of probabilities", "Sum of probabilities: 1.0000", sum_line),
]
e = [math.exp(v) for v in (2.0, 1.0, 0.1)]
CHECKS: list[Check] = [
    check("sigmoid' = s(1 - s) with s from math.exp",
          all(abs(d - s * (1 - s)) < 1e-15 for d, s in
              zip(columns['dsigmoid'], [1 / (1 + math.exp(-v)) for v in z_values[0]]))),
    check("softmax against e^z / sum e^z (math module)",
          all(abs(p - v / sum(e)) < 1e-15 for p, v in zip(probs, e))),
]
