# %% [markdown]
# # Forward propagation through a 2-3-1 network
# 003, "Forward Propagation Through a Multi-Layer Network": ReLU hidden layer, sigmoid output.
#
# The listing works in the row layout (one example per row: z1 = X @ W1 + b1 with W1 of shape
# (2, 3)). mlp_fn uses the course layout, Z1 = W1 A0 + b1 with W1 of shape (3, 2), so the same
# numbers enter transposed: X becomes a column, each W its transpose, each b a column. Every
# printed matrix is transposed back, so the reader sees the listing's own shapes.

# %%
import math

import numpy as np

import mlp_fn as mf
from mlp_fn.explain import worked_example

X_row = np.array([[0.5, 0.8]])
W1_row = np.array([[0.1, 0.3, -0.2], [0.4, -0.5, 0.6]])
b1_row = np.array([0.1, -0.1, 0.2])
W2_row = np.array([[0.7], [-0.3], [0.5]])
b2_row = np.array([0.1])

params = {"W1": W1_row.T, "b1": b1_row.reshape(-1, 1), "W2": W2_row.T, "b2": b2_row.reshape(-1, 1)}
output, cache = mf.forward(X_row.T, params, ["relu", "sigmoid"])
z1, a1, z2 = cache["Z1"].T, cache["A1"].T, cache["Z2"].T  # back to the listing's (1, n) rows
output = output.T

# %%
lines = ["=== Forward Propagation ===",
         f"Hidden pre-activation (z1): {z1.round(4)}",
         f"Hidden post-activation (a1 = ReLU(z1)): {a1.round(4)}",
         "",
         f"Output pre-activation (z2): {z2.round(4)}",
         f"Output (sigmoid(z2)): {output.round(4)}",
         "",
         "=== Step-by-step z1 calculation ==="]
for j in range(3):
    val = float(z1[0, j])
    lines.append(f"  z1[{j}] = {X_row[0, 0]}*{W1_row[0, j]} + {X_row[0, 1]}*{W1_row[1, j]} + "
                 f"{b1_row[j]} = {val:.4f}")
    lines.append(f"  a1[{j}] = ReLU({val:.4f}) = {float(a1[0, j]):.4f}")
print("\n".join(lines))

# %% [markdown]
# Three printed numbers are wrong, and the arithmetic shows how each arose:
# * z1[1] = 0.5*0.3 + 0.8*(-0.5) + (-0.1) = 0.15 - 0.40 - 0.10 = -0.35. The printed -0.25 is the
#   sum without the bias -0.1, while z1[0] and z1[2] do include theirs. (ReLU gives 0 either way.)
# * z2 = 0.7*0.47 - 0.3*0 + 0.5*0.58 + 0.1 = 0.329 + 0.29 + 0.1 = 0.719. The printed 0.619 is the
#   sum without the bias b2 = 0.1.
# * sigmoid(0.719) = 0.6724. The printed 0.6498 is not even the sigmoid of the printed 0.619,
#   which is 0.6500.

# %% The whole forward pass worked out by mlp_fn.explain, every line checkable by hand
worked = worked_example(X_row.T, None, params, ["relu", "sigmoid"], "bce", parts=["forward"])
print(worked)

# %% [report]
from walkthroughs._context import keep_worked, worked_line
from walkthroughs._report import Check, Record, check, record

NAME = "forward_propagation"
keep_worked(NAME, "003's 2-3-1 forward pass, worked out", worked,
            worked_example(X_row.T, None, params, ["relu", "sigmoid"], "bce", parts=["forward"],
                           markdown=True))
without_b1 = 0.5 * 0.3 + 0.8 * -0.5
without_b2 = 0.7 * 0.47 + -0.3 * 0.0 + 0.5 * 0.58
sig_printed_z2 = 1 / (1 + math.exp(-0.619))
Z1_REASON = (f"{worked_line(worked, 'z[1][1](0)')}; the printed -0.25 is the sum without the "
             f"bias b1[1] = -0.1 ({without_b1:.2f}), which z1[0] and z1[2] do include")
RECORDS: list[Record] = [
    record(NAME, "z1", "Hidden pre-activation (z1): [[ 0.47 -0.25 0.58]]", lines[1], Z1_REASON),
    record(NAME, "a1", "Hidden post-activation (a1 = ReLU(z1)): [[0.47 0. 0.58]]", lines[2]),
    record(NAME, "z2", "Output pre-activation (z2): [[0.619]]", lines[4],
           f"{worked_line(worked, 'z[2][0](0)')}; the printed 0.619 is the sum without the "
           f"bias b2 = 0.1 ({without_b2:.3f})"),
    record(NAME, "output", "Output (sigmoid(z2)): [[0.6498]]", lines[5],
           f"{worked_line(worked, 'a[2][0](0)')}; the printed 0.6498 is not even "
           f"the sigmoid of the printed z2: sigmoid(0.619) = {sig_printed_z2:.4f}"),
    record(NAME, "step z1[0]", "z1[0] = 0.5*0.1 + 0.8*0.4 + 0.1 = 0.4700", lines[8]),
    record(NAME, "step a1[0]", "a1[0] = ReLU(0.4700) = 0.4700", lines[9]),
    record(NAME, "step z1[1]", "z1[1] = 0.5*0.3 + 0.8*-0.5 + -0.1 = -0.2500", lines[10],
           Z1_REASON),
    record(NAME, "step a1[1]", "a1[1] = ReLU(-0.2500) = 0.0000", lines[11],
           "the argument is z1[1] = -0.35 (see z1); ReLU's value, 0, is the same"),
    record(NAME, "step z1[2]", "z1[2] = 0.5*-0.2 + 0.8*0.6 + 0.2 = 0.5800", lines[12]),
    record(NAME, "step a1[2]", "a1[2] = ReLU(0.5800) = 0.5800", lines[13]),
]

# The listing's own row-layout code, run here as written, against mlp_fn's course layout.
z1_listing = X_row @ W1_row + b1_row
a1_listing = np.maximum(0, z1_listing)
z2_listing = a1_listing @ W2_row + b2_row
out_listing = 1 / (1 + np.exp(-z2_listing))
CHECKS: list[Check] = [
    check("z1 equals the listing's X @ W1 + b1", np.allclose(z1, z1_listing, rtol=1e-15),
          f"{z1_listing}"),
    check("z2 equals the listing's a1 @ W2 + b2", np.allclose(z2, z2_listing, rtol=1e-15),
          f"{z2_listing}"),
    check("output equals the listing's sigmoid(z2)", np.allclose(output, out_listing,
                                                                 rtol=1e-15)),
]
