"""Walkthroughs: the seed documents' listings replayed on mlp_fn, with a reproduction report.

Each module is a lesson in ``# %%`` cells (jupytext's percent format: it opens as a notebook):
text and code that use only mlp_fn, NumPy and matplotlib and print the listing's output
computed by mlp_fn. Its reproduction report, if it has one, is ``walkthroughs._verdicts.<name>``:
a function of the lesson's namespace, once run, that compares the seed's figures with what the
lesson computed (``RECORDS``) and checks mlp_fn against independent computations (``CHECKS``).
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

#: The sizes of a quick run (``python -m walkthroughs --quick``, the tests' book): assignments
#: that replace the lesson's own top-level ones of the same names.
QUICK: dict[str, dict[str, str]] = {
    "common_mistakes_experiments": {"SCALING_EPOCHS": "10", "XOR_EPOCHS": "1000", "XOR_SEEDS": "3"},
    "digits": {"SEEDS": "[0]", "EPOCHS": "15"},
    "planar_classifier": {"ITERATIONS": "1000", "DATA_SEEDS": "[0, 1]"},
    "remedies": {"SEEDS": "[0]", "EPOCHS": "10"},
    "six_problem_suite": {"SEEDS": "[0, 1]", "M": "400", "EPOCH_SCALE": "0.1"},
    "x_squared_experiment": {"WIDTHS": "[1, 8]", "RATES": "[0.01, 0.1]", "SEEDS": "[0]",
                             "EPOCHS": "200"},
}
