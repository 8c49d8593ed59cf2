"""Grading: load a submitted model safely, check its contract, score it on hidden data (imports TensorFlow)."""
