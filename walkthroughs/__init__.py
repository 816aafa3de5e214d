"""Walkthroughs: the seed documents' listings replayed on mlp_fn, with a reproduction report.

Each module is a lesson in ``# %%`` cells (it opens as a notebook in editors that understand the
convention; ``walkthroughs._cells`` runs it): text and code that use only mlp_fn, NumPy and
matplotlib and print the listing's output computed by mlp_fn, and, in ``[report]`` cells kept
out of the page and the notebook, the bookkeeping of the reproduction report: ``RECORDS``
(documented vs reproduced) and ``CHECKS`` (mlp_fn against an independent computation).
"""

from __future__ import annotations

#: (module, seed document and section), in reading order.
WALKTHROUGHS: list[tuple[str, str]] = [
    ("single_neuron", "003 Single Neuron: Forward Pass Calculation"),
    ("activation_functions", "003 Activation Functions: Comparison and Derivatives"),
    ("forward_propagation", "003 Forward Propagation Through a Multi-Layer Network"),
    ("backpropagation", "003 Backpropagation: Computing Gradients Step by Step"),
    ("xor_from_scratch", "003 Building a Neural Network from Scratch: XOR Problem"),
    ("gradient_descent_variants", "003 Gradient Descent Variants: SGD vs Mini-Batch vs Adam"),
    ("common_mistakes", "003 Common Mistakes (quoted figures)"),
    ("model_summary", "001 print(NN): model summary and parameter total"),
    ("x_squared_experiment", "000 experiment: x^2 over activation x width x learning rate"),
    ("six_problem_suite", "001 experiment: the six-problem synthetic suite and its JSON"),
    ("planar_classifier", "002 experiment: nn_model on moons, baseline, hidden sizes, rates"),
    ("common_mistakes_experiments", "003 experiment: gradient norms, scaling, MSE vs BCE, XOR"),
    ("remedies", "003 experiment: the remedies for vanishing and exploding gradients"),
    ("digits", "001's workflow on real data: 8x8 digits, mlp_fn.model vs scikit-learn"),
]

#: The walkthroughs that take most of the run, started first when they run side by side.
HEAVY = ("x_squared_experiment", "planar_classifier", "six_problem_suite", "remedies")
