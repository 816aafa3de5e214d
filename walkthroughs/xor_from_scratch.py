# %% [markdown]
# # XOR from scratch
# 003, "Building a Neural Network from Scratch: XOR Problem": 2-4-1, sigmoid in both layers,
# full-batch gradient descent at lr = 1.0 for 10,000 epochs, from np.random.seed(42) weights.
#
# Two things to know before comparing:
# * The listing draws W1 = randn(2, 4) * 0.5 and then W2 = randn(4, 1) * 0.5 from the global
#   seed 42. Here a local ``np.random.RandomState(42)`` makes the same draws (mlp_fn never touches
#   the global generator), and they enter transposed (course layout).
# * Its gradient, dz2 = (a2 - y) * a2 (1 - a2) with dW2 = a1.T @ dz2 / 4, is the gradient of
#   half the mean squared error, (1/2m) sum (a - y)^2, but it prints the MSE itself,
#   mean((y - a2)^2). So mlp_fn trains with ``half_mse`` (the same updates) and the printed loss is
#   2 J, the MSE.

# %%
import numpy as np

import mlp_fn as mf
from mlp_fn import plots

X_row = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y_row = np.array([[0], [1], [1], [0]])
rs = np.random.RandomState(42)  # the listing's draws, in the listing's order
W1_row = rs.randn(2, 4) * 0.5
W2_row = rs.randn(4, 1) * 0.5
params0 = {"W1": W1_row.T, "b1": np.zeros((4, 1)), "W2": W2_row.T, "b2": np.zeros((1, 1))}
X, Y = X_row.T.astype(float), y_row.T.astype(float)
acts = ["sigmoid", "sigmoid"]

# %%
# The listing prints a2 of its last forward pass, made before its last update: 9,999 updates.
params, history = mf.train(X, Y, params0, acts, "half_mse", learning_rate=1.0, epochs=9999,
                           shuffle=False)
a2, _ = mf.forward(X, params, acts)
mse = [2 * J for J in history["cost"]]  # the listing prints mean((y - a2)^2) = 2 * half_mse
lines = [f"Epoch {epoch:5d}: Loss = {mse[epoch]:.6f}" for epoch in range(0, 10000, 2000)]
lines += ["", "Final predictions:"]
for i in range(4):
    pred = float(a2[0, i])
    lines.append(f"  Input: {X_row[i]} -> Predicted: {pred:.4f} -> Rounded: {round(pred)} "
                 f"(Actual: {y_row[i, 0]})")
print("\n".join(lines))

# %%
# The same training as an animation: the boundary over the plane and the cost, 40 frames
animation = plots.animate_training(X, Y, params0, acts, "half_mse", epochs=10_000,
                                   frames=40, learning_rate=1.0, shuffle=False, resolution=40)
animation

# %% [markdown]
# The listing itself, run here exactly as printed (row layout, in place, the same seed), gives the
# numbers above to the last digit, so the chapter's log is not the output of its own code: its
# losses and predictions are of the right kind (a falling loss, predictions near 0 and 1) but not
# those of this network. Run the listing yourself to see.

# %%
def run_listing() -> tuple[list[float], np.ndarray]:
    """003's listing, transcribed as written (in-place updates, row layout, seed 42).

    np.random.seed(42) followed by np.random.randn draws what RandomState(42).randn draws; the
    legacy RandomState stream is frozen across NumPy versions (NEP 19), so no version of NumPy
    gives the chapter's numbers from this code."""
    listing_rng = np.random.RandomState(42)
    W1 = listing_rng.randn(2, 4) * 0.5
    b1 = np.zeros((1, 4))
    W2 = listing_rng.randn(4, 1) * 0.5
    b2 = np.zeros((1, 1))
    losses = []
    for _ in range(10000):
        a1 = 1 / (1 + np.exp(-(X_row @ W1 + b1)))
        a2_ = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
        losses.append(float(np.mean((y_row - a2_) ** 2)))
        dz2 = (a2_ - y_row) * a2_ * (1 - a2_)
        dW2 = a1.T @ dz2 / 4
        db2 = np.sum(dz2, axis=0, keepdims=True) / 4
        dz1 = dz2 @ W2.T * a1 * (1 - a1)
        dW1 = X_row.T @ dz1 / 4
        db1 = np.sum(dz1, axis=0, keepdims=True) / 4
        W2 -= 1.0 * dW2
        b2 -= 1.0 * db2
        W1 -= 1.0 * dW1
        b1 -= 1.0 * db1
    return losses, a2_


listing_losses, listing_a2 = run_listing()
print(f"the listing as printed: loss at epoch 0 {listing_losses[0]:.6f}, "
      f"at epoch 8000 {listing_losses[8000]:.6f}; "
      f"mlp_fn: {mse[0]:.6f}, {mse[8000]:.6f}")
