"""Command line: `autograd-lite COMMAND` (also `python -m autograd_lite COMMAND`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ChangedFilesError, DrawError, ModelError
from .shipped_notebooks import copy_notebooks, notebook_folder


def parser() -> argparse.ArgumentParser:
    """The parser of every command, each with its options and their defaults."""
    top = argparse.ArgumentParser(
        prog="autograd-lite",
        description="autograd_lite: backpropagation you can read, one scalar at a time.",
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    defaults = argparse.ArgumentDefaultsHelpFormatter
    run = commands.add_parser(
        "demo",
        formatter_class=defaults,
        help="train an MLP on two moons; draw a neuron, the decision boundary and the loss curve",
        description="Train an MLP on two moons, then picture it: one neuron's graph with its"
        " gradients, the decision boundary the network learnt, and its loss curve.",
    )
    run.add_argument(
        "--steps", type=int, default=100, help="training steps (0: the untrained model)"
    )
    run.add_argument("--seed", type=int, default=0, help="random seed of the data and the weights")
    run.add_argument(
        "--output", default="neuron.svg", help="the neuron's graph (.svg, .png or .dot)"
    )
    run.add_argument("--boundary", default="boundary.svg", help="the decision boundary (.svg)")
    run.add_argument("--loss-curve", default="loss_curve.svg", help="the loss curve (.svg)")
    copy = commands.add_parser(
        "notebooks",
        formatter_class=defaults,
        help="copy the notebooks that come with the package into a folder",
        description="Copy the teaching notebooks into DIR, ready for `jupyter lab DIR`.",
    )
    copy.add_argument(
        "directory",
        nargs="?",
        default="autograd_lite_notebooks",
        metavar="DIR",
        help="the folder to copy them into",
    )
    copy.add_argument("--force", action="store_true", help="overwrite copies you have changed")
    return top


def main(argv: list[str] | None = None) -> int:
    """Parse the command line (`argv`, default sys.argv) and run the command; the exit code."""
    commands = parser()
    args = commands.parse_args(argv)
    if args.command is None:
        commands.print_help()
        return 2
    if args.command == "notebooks":
        try:
            written = copy_notebooks(args.directory, force=args.force)
        except ChangedFilesError as error:
            print(f"autograd-lite notebooks: {error}", file=sys.stderr)
            return 1
        except OSError as error:  # the folder cannot be made or written
            print(
                f"autograd-lite notebooks: cannot copy into {args.directory}: {error}",
                file=sys.stderr,
            )
            return 1
        folder = Path(args.directory)  # as the copy read it: "" is the current folder, "."
        copied = f"copied {len(written)} notebook{'' if len(written) == 1 else 's'} into"
        copied += f" {folder}"
        if not written:
            shipped = len(list(notebook_folder().glob("*.ipynb")))
            copied += f": the {shipped} there are up to date"
        print(f"{copied}; open them with `jupyter lab {folder}` (pip install jupyterlab)")
        return 0
    from . import demo  # training and drawing only when the demo runs: --help stays quick

    try:
        return demo.main(
            args.output, args.steps, args.seed, args.boundary, args.loss_curve, stream=sys.stdout
        )
    except (DrawError, ModelError) as error:
        commands.exit(2, f"autograd-lite demo: error: {error}\n")


if __name__ == "__main__":
    sys.exit(main())
