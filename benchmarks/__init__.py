"""Benchmarks of mlp_fn against an in-place NumPy trainer and scikit-learn (``python -m benchmarks``).

Importing this package pins every BLAS to one thread before NumPy is loaded, so the ratios
measure the code, not the thread scheduler.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
