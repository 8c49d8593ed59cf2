"""One module per verb: its help line and its options (argparse). exam/cli.py calls exam.api with them."""
