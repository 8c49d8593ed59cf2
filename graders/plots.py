"""Matplotlib for diagnostic PNGs, on the file-only Agg backend: grading has no screen and must never open one."""


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
