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

# %%
# The whole forward pass worked out by mlp_fn.explain, every line checkable by hand
worked = worked_example(X_row.T, None, params, ["relu", "sigmoid"], "bce", parts=["forward"])
print(worked)
