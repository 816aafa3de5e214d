# %% [markdown]
# # Single neuron: forward pass
# 003, "Single Neuron: Forward Pass Calculation". One neuron with three inputs:
# z = w1 x1 + w2 x2 + w3 x3 + b, then sigmoid, ReLU and tanh of z.
# In the course layout the inputs are one example, a column X of shape (3, 1), and the weights a
# row W1 of shape (1, 3); the "identity" activation returns z itself.

# %%
import math

import numpy as np

import mlp_fn as mf

X = np.array([[1.0], [2.0], [3.0]])
params = {"W1": np.array([[0.2, 0.8, -0.5]]), "b1": np.array([[2.0]])}
Z, _ = mf.forward(X, params, ["identity"])
z = float(Z[0, 0])

# %%
Zs = np.array([[z, -2.0]])
sig, rel, tnh = mf.sigmoid(Zs)[0], mf.relu(Zs)[0], mf.tanh(Zs)[0]
lines = [
    f"Weighted sum: {z}",
    "  = (1.0*0.2) + (2.0*0.8) + (3.0*-0.5) + 2.0",
    f"  = 0.2 + 1.6 + (-1.5) + 2.0 = {z}",
    "",
    "Activation outputs:",
    f"  Sigmoid({z}) = {sig[0]:.4f}",
    f"  ReLU({z})    = {rel[0]:.4f}",
    f"  Tanh({z})    = {tnh[0]:.4f}",
    "",
    "With z = -2.0:",
    f"  Sigmoid(-2.0) = {sig[1]:.4f}",
    f"  ReLU(-2.0)    = {rel[1]:.4f}",
    f"  Tanh(-2.0)    = {tnh[1]:.4f}",
]
print("\n".join(lines))
