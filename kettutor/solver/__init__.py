"""Floor 2, the solver: the model built from the science, the fast modal engine, its reference
solver, session peaks, results, single patients and cohorts.
"""
