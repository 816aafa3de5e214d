# %% [markdown]
# # Model summary (001's print(NN))
# 001 defines a network by input_dim = 2 and layer_spec [[8, 'tanh'], [8, 'tanh'], [1, 'sigmoid']]
# with loss 'binary_log_loss', and prints its details with the total parameter count, 105.
# In mlp_fn that is layer_dims [2, 8, 8, 1], three activations and the loss's alias.

# %%
import mlp_fn as mf

layer_spec: list[tuple[int, str]] = [(8, "tanh"), (8, "tanh"), (1, "sigmoid")]
layer_dims = [2] + [n for n, _ in layer_spec]
activations = [a for _, a in layer_spec]
params = mf.init_params(layer_dims, method="xavier", seed=0)
text = mf.summary.summary_text(params, activations, "binary_log_loss")
print(text)
lines = text.splitlines()

# %% [markdown]
# The total by hand: each layer has n[l] * n[l-1] weights and n[l] biases,
# (2*8 + 8) + (8*8 + 8) + (8*1 + 1) = 24 + 72 + 9 = 105.

# %%
by_hand = (2 * 8 + 8) + (8 * 8 + 8) + (8 * 1 + 1)
print(f"by hand: {by_hand}, counted: {mf.summary.count_params(params)}")
