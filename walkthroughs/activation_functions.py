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
