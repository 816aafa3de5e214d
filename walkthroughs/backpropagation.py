# %% [markdown]
# # Backpropagation step by step
# 003, "Backpropagation: Computing Gradients Step by Step": a 2-2-1 network (ReLU, sigmoid), one
# example, binary cross-entropy, one gradient step at lr = 0.1.
#
# Each step of the listing is one public function of mlp_fn, applied in the course layout
# (columns are examples; W[l] is (n[l], n[l-1]), the transpose of the listing's W). With m = 1 the
# course's 1/m changes nothing, so the gradients are the listing's own.

# %%
import math

import numpy as np

import mlp_fn as mf
from mlp_fn.explain import worked_example

X_row = np.array([[1.0, 0.5]])
y = np.array([[1.0]])
W1_row = np.array([[0.3, 0.7], [0.5, -0.2]])
b1_row = np.array([0.1, -0.1])
W2_row = np.array([[0.6], [-0.4]])
b2_row = np.array([0.2])
params = {"W1": W1_row.T, "b1": b1_row.reshape(-1, 1), "W2": W2_row.T, "b2": b2_row.reshape(-1, 1)}
acts = ["relu", "sigmoid"]

# %% Forward pass
a2, cache = mf.forward(X_row.T, params, acts)
loss = mf.compute_cost(a2, y, "bce")
z1, a1, z2 = cache["Z1"], cache["A1"], cache["Z2"]
lines = ["=== Forward Pass ===",
         f"z1 = {z1.T.round(4)}, a1 = {a1.T.round(4)}",
         f"z2 = {z2.T.round(4)}, a2 = {a2.T.round(4)}",
         f"Loss (BCE): {loss:.4f}"]

# %% Backward pass, one equation at a time
dz2 = mf.output_delta(a2, y, z2, "sigmoid", "bce")            # dZ2 = A2 - Y
da1, dW2, db2 = mf.linear_backward(dz2, a1, params["W2"])    # dW2 = dZ2 A1^T / m, dA1 = W2^T dZ2
dz1 = mf.activation_backward(da1, z1, a1, "relu")             # dZ1 = dA1 * relu'(Z1)
_, dW1, db1 = mf.linear_backward(dz1, X_row.T, params["W1"])  # dW1 = dZ1 X^T / m
lines += ["", "=== Backward Pass ===",
          f"dz2 (output error) = {dz2.T.round(4)}",
          f"dW2 = {dW2.T.round(4)}",
          f"db2 = {db2[:, 0].round(4)}",
          "",
          f"da1 = {da1.T.round(4)}",
          f"dz1 = {dz1.T.round(4)}",
          f"dW1 = {dW1.T.round(4)}",
          f"db1 = {db1[:, 0].round(4)}"]

# %% The update W = W - lr dW, and the same gradients from mlp_fn.backward in one call
grads = mf.backward(a2, y, cache, params, acts, "bce")
new = mf.update(params, grads, 0.1)
lr = 0.1
lines += ["", f"=== Weight Update (lr={lr}) ===",
          f"W2: {W2_row.flatten().round(4)} -> {new['W2'].T.flatten().round(4)}",
          f"W1 before: {W1_row.round(4)}",
          f"W1 after:  {new['W1'].T.round(4)}"]
print("\n".join(lines))

# %% [markdown]
# Two printed numbers differ from what the listing's own code computes:
# * the loss: -ln(0.596283) = 0.5170, not 0.5173. A loss of 0.5173 would need a2 = e^-0.5173 =
#   0.5961, which contradicts the a2 = 0.5963 printed one line above;
# * W1[0, 1] after the update: 0.7 - 0.1 * 0.161487 = 0.683851, which rounds to 0.6839, not 0.6838.

# %% The whole step worked out by mlp_fn.explain (course layout: the listing's W1[0, 1] is
# W[1][1, 0] here), to six digits so the rounding of W1[0, 1] shows
worked = worked_example(X_row.T, y, params, acts, "bce", learning_rate=0.1, decimals=6)
print(worked)

# %% [report]
from walkthroughs._context import keep_worked, worked_line
from walkthroughs._report import Check, Record, check, record

NAME = "backpropagation"
keep_worked(NAME, "003's backpropagation step, worked out", worked,
            worked_example(X_row.T, y, params, acts, "bce", learning_rate=0.1, decimals=6,
                           markdown=True))
a2_value = float(a2[0, 0])
RECORDS: list[Record] = [
    record(NAME, "z1, a1", "z1 = [[0.65 0.5 ]], a1 = [[0.65 0.5 ]]", lines[1]),
    record(NAME, "z2, a2", "z2 = [[0.39]], a2 = [[0.5963]]", lines[2]),
    record(NAME, "loss", "Loss (BCE): 0.5173", lines[3],
           f"{worked_line(worked, 'L(0)')}; 0.5173 would need "
           f"a2 = e^-0.5173 = {math.exp(-0.5173):.4f}, not the a2 = 0.5963 printed above it"),
    record(NAME, "dz2", "dz2 (output error) = [[-0.4037]]", lines[6]),
    record(NAME, "dW2", "dW2 = [[-0.2624] [-0.2019]]", lines[7]),
    record(NAME, "db2", "db2 = [-0.4037]", lines[8]),
    record(NAME, "da1", "da1 = [[-0.2422 0.1615]]", lines[10]),
    record(NAME, "dz1", "dz1 = [[-0.2422 0.1615]]", lines[11]),
    record(NAME, "dW1", "dW1 = [[-0.2422 0.1615] [-0.1211 0.0807]]", lines[12]),
    record(NAME, "db1", "db1 = [-0.2422 0.1615]", lines[13]),
    record(NAME, "W2 update", "W2: [ 0.6 -0.4] -> [ 0.6262 -0.3798]", lines[16]),
    record(NAME, "W1 before", "W1 before: [[ 0.3 0.7] [ 0.5 -0.2]]", lines[17]),
    record(NAME, "W1 after", "W1 after: [[ 0.3242 0.6838] [ 0.5121 -0.2081]]", lines[18],
           f"{worked_line(worked, 'W[1][1, 0]')} (the listing's W1[0,1]), which "
           f"rounds to 0.6839; the printed 0.6838 is a rounding slip"),
]

# The listing's own row-layout code, as written, against mlp_fn.
z1_l = X_row @ W1_row + b1_row
a1_l = np.maximum(0, z1_l)
a2_l = 1 / (1 + np.exp(-(a1_l @ W2_row + b2_row)))
loss_l = -np.mean(y * np.log(a2_l) + (1 - y) * np.log(1 - a2_l))
dz2_l = a2_l - y
dW2_l = a1_l.T @ dz2_l
dz1_l = (dz2_l @ W2_row.T) * (z1_l > 0)
dW1_l = X_row.T @ dz1_l
CHECKS: list[Check] = [
    check("loss equals the listing's -mean(y log a2 + (1-y) log(1-a2))",
          abs(loss - float(loss_l)) < 1e-15, f"{float(loss_l)!r}"),
    check("dW2 equals the listing's a1.T @ dz2", np.allclose(dW2.T, dW2_l, rtol=1e-14)),
    check("dW1 equals the listing's X.T @ dz1", np.allclose(dW1.T, dW1_l, rtol=1e-14)),
    check("backward() equals the step-by-step functions",
          np.array_equal(grads["dW1"], dW1) and np.array_equal(grads["dW2"], dW2)),
    check("updated W1 equals the listing's W1 - lr * dW1",
          np.allclose(new["W1"].T, W1_row - 0.1 * dW1_l, rtol=1e-15)),
]
