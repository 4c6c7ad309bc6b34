"""What each lesson states, computed by the model: one module per lesson (``l01`` ... ``l11``).

A lesson's prose never types a number that would change with the model; it shows the sentence one of these
functions returns (an ``IPython.display.Markdown``), and the tests check the same claims on the model.
"""
