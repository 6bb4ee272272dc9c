"""How long three-class spiral training takes, and the accuracy it reaches on held-out points.

Run:  python benchmarks/spirals.py

Trains `autograd_lite.demo.train_spirals` (MLP(2, [16, 16, 3]), 60 epochs of minibatch SGD on
the cross-entropy, 300 points) once and prints one line: the wall-clock time and the training
and held-out accuracy. Notebook 21 trains the same model.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd_lite.demo import train_spirals


def main() -> None:
    start = time.perf_counter()
    _, training, held_out = train_spirals(report=lambda line: None)
    seconds = time.perf_counter() - start
    print(
        f"spirals: MLP(2, [16, 16, 3]), 3 classes, 300 points, 60 epochs: trained in"
        f" {seconds:.1f} s, accuracy {training:.1%} training, {held_out:.1%} held out"
    )


if __name__ == "__main__":
    main()
