# %% [markdown]
# # Common mistakes: the figures the chapter quotes
# 003, "Common Mistakes". The listings of this section print little; the figures are quoted in
# comments and prose: the 0.25^10 bound for sigmoid networks, the softmax probabilities, and the
# MSE and BCE of four predictions. (The measured experiments behind these claims, gradient norms
# per layer, input scaling and MSE vs BCE gradients, belong to the experiments.)

# %%
import math

import numpy as np

import mlp_fn as mf

# %%
# Sigmoid's derivative peaks at z = 0: sigmoid'(0) = 0.25, so ten layers multiply by <= 0.25^10.
peak = float(mf.sigmoid_derivative(np.zeros((1, 1)))[0, 0])
bound_line = f"0.25^10 = {peak ** 10:.6f}"
print(f"max sigmoid'(z) = sigmoid'(0) = {peak}")
print(bound_line, f"(exactly {peak ** 10!r})")

# %%
# Softmax of the logits (2, 1, 0.1): mutually exclusive class probabilities.
probs = mf.softmax(np.array([[2.0], [1.0], [0.1]]))[:, 0]
softmax_line = f"Softmax output: {probs.round(3)}"
comment_line = (f"P(class 0) = {probs[0]:.3f}, P(class 1) = {probs[1]:.3f}, "
                f"P(class 2) = {probs[2]:.3f}")
print(softmax_line)
print(comment_line)
print(f"Sum: {probs.sum():.3f}")
print(f"Predicted class: {int(np.argmax(probs))} (probability: {probs.max():.3f})")

# %%
# MSE and BCE of the predictions (0.9, 0.1, 0.8, 0.3) for labels (1, 0, 1, 0): one row, m = 4.
y_true = np.array([[1.0, 0.0, 1.0, 0.0]])
y_pred = np.array([[0.9, 0.1, 0.8, 0.3]])
mse = mf.compute_cost(y_pred, y_true, "mse")
bce = mf.compute_cost(y_pred, y_true, "bce")
print(f"MSE Loss: {mse:.4f}")
print(f"BCE Loss: {bce:.4f}")
print("(the chapter prints neither loss; (0.01 + 0.01 + 0.04 + 0.09) / 4 = 0.0375 and "
      "-(ln 0.9 + ln 0.9 + ln 0.8 + ln 0.7) / 4 = 0.1976)")
