"""Command line: `python -m autograd_lite demo` (also installed as `autograd-lite demo`)."""

from __future__ import annotations

import argparse
import sys

from . import demo


def main(argv: list[str] | None = None) -> int:
    """Parse the command line (`argv`, default sys.argv) and run the command; the exit code."""
    parser = argparse.ArgumentParser(prog="autograd-lite", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("demo", help="train an MLP on two moons and draw a neuron's graph")
    run.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--output", default="neuron.svg", help="where to write the neuron's SVG")
    args = parser.parse_args(argv)
    return demo.main(args.output, args.steps, args.seed)


if __name__ == "__main__":
    sys.exit(main())
