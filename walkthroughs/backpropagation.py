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

# %%
# Forward pass
a2, cache = mf.forward(X_row.T, params, acts)
loss = mf.compute_cost(a2, y, "bce")
z1, a1, z2 = cache["Z1"], cache["A1"], cache["Z2"]
lines = ["=== Forward Pass ===",
         f"z1 = {z1.T.round(4)}, a1 = {a1.T.round(4)}",
         f"z2 = {z2.T.round(4)}, a2 = {a2.T.round(4)}",
         f"Loss (BCE): {loss:.4f}"]

# %%
# Backward pass, one equation at a time
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

# %%
# The update W = W - lr dW, and the same gradients from mlp_fn.backward in one call
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

# %%
# The whole step worked out by mlp_fn.explain (course layout: the listing's W1[0, 1] is
# W[1][1, 0] here), to six digits so the rounding of W1[0, 1] shows
worked = worked_example(X_row.T, y, params, acts, "bce", learning_rate=0.1, decimals=6)
print(worked)
