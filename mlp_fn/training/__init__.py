"""The training engine: one pure step (``train_step``), the loop of it over batches and epochs
(``train``), the state it threads, checkpoints that wrap the loop, and callbacks."""
