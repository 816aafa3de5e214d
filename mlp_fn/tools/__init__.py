"""Tools around the course's core: gradient checking, the worked arithmetic of a step, the
summary of a network, pictures and data sets. Each is reached through its module
(``mlp_fn.tools.data``, or the shorter ``mlp_fn.data``)."""
