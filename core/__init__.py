"""The old name of tfexam's TensorFlow-free package, kept for one release so that a starter saved before the rename
(`from core.data import training_data`) still runs. It says so once, on stderr, with the line to write instead.

Only `core.data` is provided: it is the one module a starter ever imported. Nothing of tfexam imports this package.
"""

import sys

import tfexam.data

NOTICE = ("tfexam: `from core.data import ...` is the old name and stops working in the next release; "
          "write `from tfexam.data import ...` in your script")

print(NOTICE, file=sys.stderr)
data = tfexam.data
sys.modules[__name__ + ".data"] = tfexam.data
