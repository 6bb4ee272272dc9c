"""Speed and memory of autograd_lite beside micrograd and plain float loops.

Run:  python benchmarks/bench.py            (micrograd: pip install ".[bench]")
      python benchmarks/bench.py --quick    (fewer repetitions)
      python benchmarks/bench.py --only nn --times 2   (one workload, untimed: for callgrind)

Instruction counts do not move with the load on a shared machine: the extra instructions of
one more run of a workload are
  valgrind --tool=callgrind python benchmarks/bench.py --only W --times 2
minus the same with --times 1 (the difference cancels Python's start and the setup).

Every engine runs in this one process, the engines alternate within each repetition, Python's
garbage collector keeps its default settings, and each figure is the median of the
repetitions. Before anything is timed, every engine's loss and gradients are checked against
the plain-float version.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd_lite import Value, compile_graph, make_moons, nn, step_through

try:
    import micrograd.engine
    import micrograd.nn
except ImportError:
    micrograd = None

SIZES = [2, 16, 16, 1]
POINTS, CLASSES = make_moons(100, noise=0.1, seed=0)
TARGETS = [2.0 * c - 1.0 for c in CLASSES]


def initial_weights(seed: int = 0) -> list[list[list[float]]]:
    """W[l][j] = [w_j0, ..., w_j(nin-1), b_j] for every layer l and neuron j."""
    rng = random.Random(seed)
    return [
        [[rng.uniform(-1, 1) for _ in range(nin + 1)] for _ in range(nout)]
        for nin, nout in zip(SIZES, SIZES[1:])
    ]


# ---------------------------------------------------------------------------
# 1, 7. One full-batch step (forward, mean squared error, backward) from scalar arithmetic.


def arithmetic_step(value_type: type) -> Callable[[], tuple[float, list[float]]]:
    """The training step written only with `value_type` arithmetic (Value or micrograd's)."""
    params = [[[value_type(w) for w in row] for row in layer] for layer in initial_weights()]
    flat = [p for layer in params for row in layer for p in row]
    last = len(params) - 1

    def step() -> tuple[float, list[float]]:
        for p in flat:
            p.grad = 0.0
        loss = 0.0
        for x, y in zip(POINTS, TARGETS):
            a = x
            for layer_index, layer in enumerate(params):
                out = []
                for row in layer:
                    z = sum((w * v for w, v in zip(row, a)), row[-1])
                    out.append(z if layer_index == last else z.relu())
                a = out
            d = a[0] - y
            loss = loss + d * d
        loss = loss * (1.0 / len(POINTS))
        loss.backward()
        return loss.data, [p.grad for p in flat]

    return step


# ---------------------------------------------------------------------------
# 2. The floor: the same step as plain float loops, backward written by hand.


def plain_float_step() -> Callable[[], tuple[float, list[float]]]:
    weights = initial_weights()
    last = len(weights) - 1
    n = len(POINTS)

    def step() -> tuple[float, list[float]]:
        grads = [[[0.0] * len(row) for row in layer] for layer in weights]
        loss = 0.0
        for x, y in zip(POINTS, TARGETS):
            activations, sums = [x], []
            for layer_index, layer in enumerate(weights):
                a = activations[-1]
                z = [sum(w * v for w, v in zip(row, a)) + row[-1] for row in layer]
                sums.append(z)
                activations.append(z if layer_index == last else [max(v, 0.0) for v in z])
            d = activations[-1][0] - y
            loss += d * d / n
            delta = [2.0 * d / n]
            for layer_index in range(last, -1, -1):
                a = activations[layer_index]
                layer_grads, layer = grads[layer_index], weights[layer_index]
                for j, dj in enumerate(delta):
                    row = layer_grads[j]
                    for k, ak in enumerate(a):
                        row[k] += dj * ak
                    row[-1] += dj
                if layer_index:
                    below = sums[layer_index - 1]
                    delta = [
                        sum(layer[j][k] * dj for j, dj in enumerate(delta))
                        * (1.0 if below[k] > 0 else 0.0)
                        for k in range(len(a))
                    ]
        return loss, [g for layer in grads for row in layer for g in row]

    return step


# ---------------------------------------------------------------------------
# 6. The same step through nn.MLP and the library's loss (micrograd: its own nn.MLP).


def benchmark_mlp() -> nn.MLP:
    model = nn.MLP(2, SIZES[1:], activation="relu")
    model.set_weights(
        [[row[:-1] for row in layer] for layer in initial_weights()],
        [[row[-1] for row in layer] for layer in initial_weights()],
    )
    return model


def autograd_lite_mlp_step() -> Callable[[], tuple[float, list[float]]]:
    model = benchmark_mlp()
    params = model.parameters()

    def step() -> tuple[float, list[float]]:
        model.zero_grad()
        loss = nn.mean_squared_error([model(x) for x in POINTS], TARGETS)
        loss.backward()
        return loss.data, [p.grad for p in params]

    return step


def micrograd_mlp_step() -> Callable[[], tuple[float, list[float]]]:
    model = micrograd.nn.MLP(2, SIZES[1:])
    for layer, weights in zip(model.layers, initial_weights()):
        for neuron, row in zip(layer.neurons, weights):
            for w, number in zip(neuron.w, row[:-1]):
                w.data = number
            neuron.b.data = row[-1]
    params = model.parameters()

    def step() -> tuple[float, list[float]]:
        model.zero_grad()
        loss = sum((model(x) - y) ** 2 for x, y in zip(POINTS, TARGETS)) * (1.0 / len(POINTS))
        loss.backward()
        return loss.data, [p.grad for p in params]

    return step


# ---------------------------------------------------------------------------
# 8. The same step recorded once through nn, then run as generated code (compile_graph).


def compiled_mlp_step() -> Callable[[], tuple[float, list[float]]]:
    """Parameters are the compiled function's inputs, the points its data."""
    model = benchmark_mlp()
    points = [[Value(x) for x in point] for point in POINTS]
    loss = nn.mean_squared_error([model(point) for point in points], TARGETS)
    data = [x for point in points for x in point]
    compiled = compile_graph(loss, model.parameters(), data)
    values, data_values = [p.data for p in model.parameters()], [x.data for x in data]
    return lambda: compiled(values, data_values)


# ---------------------------------------------------------------------------
# 3, 4, 5. A long chain, a balanced tree, memory per operation.


def chain(value_type: type, operations: int = 1_000_000) -> Callable[[], tuple[float, list[float]]]:
    """y = y * 0.9999 + 0.0001 (two operations a line), `operations` in all, then backward."""

    def run() -> tuple[float, list[float]]:
        x = value_type(1.0)
        y = x
        for _ in range(operations // 2):
            y = y * 0.9999 + 0.0001
        y.backward()
        return y.data, [x.grad]

    return run


def tree(value_type: type, leaves: int = 100_000) -> Callable[[], tuple[float, list[float]]]:
    """`leaves` products x_i * x_(i+1), summed pairwise into a balanced tree, then backward."""
    numbers = [1.0 + (i % 7) * 0.01 for i in range(leaves + 1)]

    def run() -> tuple[float, list[float]]:
        xs = [value_type(v) for v in numbers]
        level = [xs[i] * xs[i + 1] for i in range(leaves)]
        while len(level) > 1:
            level = [
                level[i] + level[i + 1] if i + 1 < len(level) else level[i]
                for i in range(0, len(level), 2)
            ]
        level[0].backward()
        return level[0].data, [x.grad for x in xs[:5]]

    return run


def bytes_per_operation(value_type: type, operations: int = 100_000) -> float:
    """Memory held by a graph of `operations` multiplications and additions, per operation."""
    gc.collect()
    tracemalloc.start()
    x = value_type(1.0)
    y = x
    for _ in range(operations // 2):
        y = y * 1.0001 + 0.5
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del y
    return held / operations


# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# 9. The step-through's text form of a real loss: it must stay linear in the graph's size.


def step_through_text(points: int = len(POINTS)) -> tuple[str, list[float]]:
    """`str(step_through(loss))` for the nn.MLP loss on the first `points` points, with the
    parameters' gradients it leaves."""
    model = benchmark_mlp()
    loss = nn.mean_squared_error([model(x) for x in POINTS[:points]], TARGETS[:points])
    text = str(step_through(loss))
    return text, [p.grad for p in model.parameters()]


def agree(reference: tuple[float, list[float]], result: tuple[float, list[float]]) -> bool:
    (loss_a, grads_a), (loss_b, grads_b) = reference, result
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)  # noqa: E731
    return (
        close(loss_a, loss_b) and len(grads_a) == len(grads_b) and all(map(close, grads_a, grads_b))
    )


Times = dict[str, tuple[float, float]]


def time_alternating(runs: dict[str, Callable[[], Any]], repetitions: int) -> Times:
    """Median (wall, CPU) seconds of each run, the runs taking turns within every repetition.

    Each run is billed for the garbage it leaves: the timed span ends after a gc.collect().
    (micrograd's nodes and closures form reference cycles that only the collector frees;
    without this the next engine in turn would pay for collecting them.) CPU time leaves out
    the time other programs on a shared machine take.
    """
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(repetitions):
        for name, run in runs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            gc.collect()
            seconds[name].append((time.perf_counter() - start, time.process_time() - start_cpu))
    return {
        name: (statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))
        for name, times in seconds.items()
    }


def report(title: str, runs: dict[str, Callable[[], Any]], repetitions: int, check=True) -> Times:
    print(f"\n{title}")
    if check:
        names = list(runs)
        reference = runs[names[0]]()
        for name in names[1:]:
            if not agree(reference, runs[name]()):
                raise SystemExit(f"{name} disagrees with {names[0]}: not timing it")
        print(f"  checked: {', '.join(names[1:])} give the same loss and gradients as {names[0]}")
    times = time_alternating(runs, repetitions)
    print(f"  {'':<34} {'wall':>10}    {'CPU':>10}")
    for name, (wall, cpu) in times.items():
        print(f"  {name:<34} {wall * 1000:10.1f} ms {cpu * 1000:10.1f} ms")
    return times


def ratio(label: str, a: tuple[float, float], b: tuple[float, float], target: str = "") -> None:
    """a / b in wall time and in CPU time, with the target it should meet."""
    note = f"  (micrograd: {b[1] / a[1]:.1f}x as much)" if " / micrograd" in label else ""
    goal = f"  (target: CPU at most {target})" if target else ""
    print(f"  {label:<34} {a[0] / b[0]:10.2f}x    {a[1] / b[1]:10.2f}x{note}{goal}")


#: The workloads --only runs: each builds its run once, then runs it --times times.
WORKLOADS: dict[str, Callable[[], Callable[[], Any]]] = {
    "arithmetic": lambda: arithmetic_step(Value),
    "nn": autograd_lite_mlp_step,
    "compiled": compiled_mlp_step,
    "chain": lambda: chain(Value, 100_000),
    "tree": lambda: tree(Value, 10_000),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repetitions instead of 7")
    parser.add_argument("--only", choices=sorted(WORKLOADS), help="run one workload, untimed")
    parser.add_argument("--times", type=int, default=1, help="how often --only runs it")
    args = parser.parse_args()
    if args.only:
        run = WORKLOADS[args.only]()
        for _ in range(args.times):
            run()
        return
    reps = 3 if args.quick else 7
    has_micrograd = micrograd is not None
    print(f"Python {sys.version.split()[0]}, gc thresholds {gc.get_threshold()}, median of {reps}")
    if not has_micrograd:
        print("micrograd is not installed (pip install micrograd): its columns are left out")

    runs = {"plain floats": plain_float_step(), "autograd_lite Value": arithmetic_step(Value)}
    if has_micrograd:
        runs["micrograd Value"] = arithmetic_step(micrograd.engine.Value)
    t = report("1, 2, 7. training step of MLP(2,[16,16,1]), Value arithmetic", runs, reps)
    ratio("autograd_lite / plain floats", t["autograd_lite Value"], t["plain floats"], "9x")
    if has_micrograd:
        ratio("micrograd / plain floats", t["micrograd Value"], t["plain floats"])
        ratio("autograd_lite / micrograd", t["autograd_lite Value"], t["micrograd Value"])

    runs = {"plain floats": plain_float_step(), "autograd_lite nn.MLP": autograd_lite_mlp_step()}
    if has_micrograd:
        runs["micrograd nn.MLP"] = micrograd_mlp_step()
    t = report("6. the same step through nn.MLP and the library's loss", runs, reps)
    ratio("autograd_lite nn / plain floats", t["autograd_lite nn.MLP"], t["plain floats"], "3.5x")
    if has_micrograd:
        ratio("autograd_lite nn / micrograd nn", t["autograd_lite nn.MLP"], t["micrograd nn.MLP"])

    start = time.perf_counter()
    runs = {"plain floats": plain_float_step(), "compiled nn.MLP step": compiled_mlp_step()}
    print(f"\n(compiling the nn.MLP step took {time.perf_counter() - start:.1f} s, once)")
    t = report("8. the same step as generated code (compile_graph)", runs, reps)
    ratio("compiled / plain floats", t["compiled nn.MLP step"], t["plain floats"])

    t = report(
        "3. chain of 1,000,000 operations (y = y * 0.9999 + 0.0001, 500,000 times), backward",
        {"autograd_lite": chain(Value)},
        max(1, reps // 3),
        check=False,
    )
    if has_micrograd:
        try:
            chain(micrograd.engine.Value, 1_000_000)()
        except RecursionError:
            print("  micrograd: RecursionError (its topological sort recurses)")

    runs = {"autograd_lite": tree(Value)}
    if has_micrograd:
        runs["micrograd"] = tree(micrograd.engine.Value)
    t = report("4. balanced tree of 100,000 products summed pairwise, backward", runs, reps)
    if has_micrograd:
        ratio("autograd_lite / micrograd", t["autograd_lite"], t["micrograd"])

    print("\n9. print(step_through(loss)) of MLP(2,[16,16,1]) on 100 points: the text form")
    start = time.perf_counter()
    text, _ = step_through_text()
    elapsed = time.perf_counter() - start
    lines = text.splitlines()
    print(f"  {'record and write the text':<34} {elapsed:10.2f} s (once)")
    print(f"  {'size':<34} {len(text.encode()) / 1e6:10.1f} MB, {len(lines):,} lines")
    print(f"  {'longest line':<34} {max(map(len, lines)):10d} characters")

    print("\n5. memory per node: one operation each (tracemalloc, 100,000 operations)")
    ours = bytes_per_operation(Value)
    print(f"  {'autograd_lite':<34} {ours:10.0f} bytes per node (target: at most 140)")
    if has_micrograd:
        theirs = bytes_per_operation(micrograd.engine.Value)
        print(f"  {'micrograd':<34} {theirs:10.0f} bytes per node")
        print(f"  {'autograd_lite / micrograd':<34} {ours / theirs:10.2f}x")


if __name__ == "__main__":
    main()
