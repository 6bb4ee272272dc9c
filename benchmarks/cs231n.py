"""CS231n's minimal neural network case study, through the batched path and in plain NumPy.

Run:  python benchmarks/cs231n.py [iterations]

The case study (https://cs231n.github.io/neural-networks-case-study/): 300 points on three
spiral arms (its data generator), a 2-100-3 ReLU network, softmax cross-entropy, L2
regularisation reg * 0.5 * sum W^2 with reg = 1e-3 on the weights (not the biases),
gradient descent with step size 1, 10,000 iterations. Both versions start from the same
weights and train on the same points in one process; for each this prints the training
accuracy, the loss of the last iteration and the time per iteration of the training loop
(CPU time and wall time), then the batched path's time as a multiple of NumPy's and the
whole run's. The batched path is the graph of ONE sample (`nn.MLP` on two input leaves,
`cross_entropy_one_hot` on three one-hot target leaves, the L2 term) compiled by
`compile_batched`: one line per node, each run on all 300 samples.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from autograd_lite import Value, nn
from autograd_lite.batched import compile_batched, cross_entropy_one_hot

N, D, K, HIDDEN = 100, 2, 3, 100  # points per class, dimensions, classes, hidden units
STEP_SIZE, REG = 1.0, 1e-3


def spiral_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """CS231n's generator, as the case study writes it (seeded)."""
    np.random.seed(seed)
    X = np.zeros((N * K, D))
    y = np.zeros(N * K, dtype="uint8")
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)  # radius
        t = np.linspace(j * 4, (j + 1) * 4, N) + np.random.randn(N) * 0.2  # theta
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def initial_weights() -> tuple[np.ndarray, ...]:
    """CS231n's initialisation: small random weights, zero biases."""
    W = 0.01 * np.random.randn(D, HIDDEN)
    b = np.zeros((1, HIDDEN))
    W2 = 0.01 * np.random.randn(HIDDEN, K)
    b2 = np.zeros((1, K))
    return W, b, W2, b2


def train_numpy(X: np.ndarray, y: np.ndarray, weights: tuple[np.ndarray, ...], iterations: int):
    """The case study's training loop (its code, with the loss kept rather than printed)."""
    W, b, W2, b2 = (w.copy() for w in weights)
    num_examples = X.shape[0]
    clock = Clock()
    for _ in range(iterations):
        hidden_layer = np.maximum(0, np.dot(X, W) + b)
        scores = np.dot(hidden_layer, W2) + b2
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        correct_logprobs = -np.log(probs[range(num_examples), y])
        data_loss = np.sum(correct_logprobs) / num_examples
        reg_loss = 0.5 * REG * np.sum(W * W) + 0.5 * REG * np.sum(W2 * W2)
        loss = data_loss + reg_loss
        dscores = probs
        dscores[range(num_examples), y] -= 1
        dscores /= num_examples
        dW2 = np.dot(hidden_layer.T, dscores)
        db2 = np.sum(dscores, axis=0, keepdims=True)
        dhidden = np.dot(dscores, W2.T)
        dhidden[hidden_layer <= 0] = 0
        dW = np.dot(X.T, dhidden)
        db = np.sum(dhidden, axis=0, keepdims=True)
        dW2 += REG * W2
        dW += REG * W
        W += -STEP_SIZE * dW
        b += -STEP_SIZE * db
        W2 += -STEP_SIZE * dW2
        b2 += -STEP_SIZE * db2
    clock.stop()
    hidden_layer = np.maximum(0, np.dot(X, W) + b)
    predicted = np.argmax(np.dot(hidden_layer, W2) + b2, axis=1)
    return float(loss), float(np.mean(predicted == y)), clock


def train_batched(X: np.ndarray, y: np.ndarray, weights: tuple[np.ndarray, ...], iterations: int):
    """The same training through the graph of one sample, compiled for the whole batch."""
    W, b, W2, b2 = weights
    model = nn.MLP.from_weights([W.T, W2.T], [b[0], b2[0]], activation="relu")
    x = [Value(0.0, f"x{i}") for i in range(D)]
    target = [Value(0.0, f"t{k}") for k in range(K)]  # the class, one-hot
    data_loss = cross_entropy_one_hot(model(x), target)
    weights_only = [w for layer in model.layers for neuron in layer.neurons for w in neuron.w]
    reg_loss = 0.5 * REG * sum(w * w for w in weights_only)
    loss = data_loss + reg_loss
    loss.label = "loss"
    compiling = Clock()
    step = compile_batched(loss, model.parameters(), [*x, *target])
    compiling.stop()
    print(f"  batched: compiled {step!r} in {compiling.cpu:.2f} s CPU")
    batch = np.column_stack([X, np.eye(K)[y]])
    values = np.array([p.data for p in model.parameters()])
    clock = Clock()
    for _ in range(iterations):
        mean_loss, gradients = step(values, batch)
        values -= STEP_SIZE * gradients
    clock.stop()
    for p, v in zip(model.parameters(), values):
        p.data = float(v)
    predicted = [max(range(K), key=lambda k: model(list(point))[k].data) for point in X]
    return mean_loss, float(np.mean(np.array(predicted) == y)), clock


class Clock:
    """CPU time and wall time from its making to `stop()`."""

    def __init__(self) -> None:
        self._cpu, self._wall = time.process_time(), time.perf_counter()

    def stop(self) -> None:
        self.cpu = time.process_time() - self._cpu
        self.wall = time.perf_counter() - self._wall


def main(iterations: int = 10_000) -> None:
    X, y = spiral_data()
    weights = initial_weights()
    print(
        f"CS231n case study: {N * K} points, {D}-{HIDDEN}-{K} ReLU, softmax, L2 {REG},"
        f" step {STEP_SIZE}, {iterations} iterations"
    )
    whole = Clock()
    per_iteration = {}
    for name, train in (("numpy", train_numpy), ("batched", train_batched)):
        loss, accuracy, clock = train(X, y, weights, iterations)
        per_iteration[name] = clock.cpu / iterations
        print(
            f"  {name:8s} training accuracy {accuracy:.1%}, loss {loss:.4f}:"
            f" {clock.cpu * 1e3 / iterations:.3f} ms CPU per iteration"
            f" ({clock.wall * 1e3 / iterations:.3f} ms wall)"
        )
    whole.stop()
    print(
        f"  batched / numpy: {per_iteration['batched'] / per_iteration['numpy']:.1f}x CPU time"
        f" per iteration; the whole run {whole.cpu:.0f} s CPU, {whole.wall:.0f} s wall"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
