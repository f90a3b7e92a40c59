"""Change points in a series of measurements: E-divisive means with a permutation test.

The method is E-divisive (Matteson, D. S. and James, N. A., "A Nonparametric Approach for Multiple Change
Point Analysis of Multivariate Data", Journal of the American Statistical Association 109(505), 334-345,
2014), the one MongoDB's performance CI uses (Daly et al., "The Use of Change Point Detection to Identify
Software Performance Regressions in a Continuous Integration System", ICPE 2020) and Apache Otava
(formerly Hunter) builds on. It assumes no distribution of the noise, which suits timings: their noise is
skewed and heavy-tailed, and a Gaussian fit (PELT with a BIC penalty, as asv does) needs a noise scale
that one outlier inflates.

For a segment x[0:n], a split tau (the first index of the second part) and an end kappa, with
X = x[:tau], Y = x[tau:kappa], p = tau and q = kappa - tau, the divergence of the two parts is (alpha = 1,
the paper's choice for this use)

    E = 2/(p q) sum_ij |X_i - Y_j| - 1/C(p, 2) sum_{i<k} |X_i - X_k| - 1/C(q, 2) sum_{j<l} |Y_j - Y_l|

and the statistic Q(tau, kappa) = p q / (p + q) * E. As in the paper, the split is the tau of the largest
Q over both tau and kappa, so a step that is later undone (a bump) is found as well as one that stays.
Every Q of a segment comes from the 2-D prefix sums of its distance matrix: O(n^2) time and memory.

Hierarchical search: start with the whole series as one segment; the candidate is the split with the
largest Q over every segment of the current partition (each part at least `min_size` long). Its
significance is a permutation test, as in the paper (section 3.3): shuffle the observations within each
segment of the current partition, recompute the largest Q over all segments, R times; p = (1 + the number
of shuffles whose largest Q reaches the observed one) / (R + 1). A candidate with p below `p_limit` is a
change point and the search goes on in the new partition; the first that is not ends it. The shuffles
come from generators seeded by the series itself, so a series gives the same answer on every run.

The series is read on a log scale by history (timings change by factors), so a step's size does not
depend on the unit. E-divisive finds changes in distribution, not only in the mean.
"""
import functools
import hashlib
from dataclasses import dataclass

import numpy as np

# Defaults for a history of benchmark medians: a segment needs 3 runs (a single slow run is an outlier, not
# a step); p < 0.01 with 499 shuffles (the smallest p they can give is 1/500 = 0.002). Measured: 9 of 1000
# flat noisy series of 25 runs show a false step, so over the 13 headline benchmarks about one check in ten
# shows one somewhere (history check fails only when it is the newest step and a slowdown past its threshold).
# 199 shuffles would take 2.5 times less time and find 39 rather than 51 of 200 steps of 5% at a CV of 3%.
MIN_SIZE = 3
P_LIMIT = 0.01
PERMUTATIONS = 499
CHUNK = 16  # shuffles evaluated at once: a few arrays of 16 x n x n doubles (5 MiB each at n = 200)


@dataclass
class ChangePoint:
    index: int      # the first point after the change
    p_value: float  # the permutation test's p when it was accepted
    statistic: float


@functools.lru_cache(maxsize=64)
def coefficients(n, min_size=2):
    """(A, B, C, mask), each (n + 1, n + 1), such that Q(tau, kappa) = A S[tau, kappa] - B S[tau, tau]
    - C S[kappa, kappa] + mask, where S[t, u] = sum_{i < t, j < u} |x_i - x_j| and mask is 0 where both
    parts hold at least max(min_size, 2) points, -inf elsewhere. From E and Q above, with a = 1/(p q),
    b = 1/(p (p - 1)), c = 1/(q (q - 1)) and w = p q / (p + q):
    Q = w (2 a (S[t,k] - S[t,t]) - b S[t,t] - c (S[k,k] - 2 S[t,k] + S[t,t]))."""
    idx = np.arange(n + 1, dtype=float)
    p, q = idx[:, None], idx[None, :] - idx[:, None]
    valid = (p >= max(min_size, 2)) & (q >= max(min_size, 2))
    p, q = np.where(valid, p, 2.0), np.where(valid, q, 2.0)  # any value where masked: no division by zero
    a, b, c, w = 1 / (p * q), 1 / (p * (p - 1)), 1 / (q * (q - 1)), p * q / (p + q)
    arrays = (w * (2 * a + 2 * c), w * (2 * a + b + c), w * c, np.where(valid, 0.0, -np.inf))
    for array in arrays:
        array.setflags(write=False)
    return arrays


def pair_statistics(x, min_size=2):
    """Q(tau, kappa) for the parts x[:tau] and x[tau:kappa] of each row of x (shape (k, n) or (n,)), as an
    array (k, n + 1, n + 1); -inf where a part would hold fewer than max(min_size, 2) points (with fewer
    than 2 its within-part mean distance is undefined) or kappa <= tau."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    k, n = x.shape
    s = np.zeros((k, n + 1, n + 1))
    d = s[:, 1:, 1:]  # in place: the distances, then their prefix sums along each row, then down
    np.subtract(x[:, :, None], x[:, None, :], out=d)
    np.abs(d, out=d)
    np.cumsum(d, axis=2, out=d)
    for i in range(1, n):  # row by row: faster than numpy's cumsum down a strided axis
        d[:, i, :] += d[:, i - 1, :]
    idx = np.arange(n + 1)
    diag = s[:, idx, idx]
    a, b, c, mask = coefficients(n, min_size)
    s *= a
    term = diag[:, :, None] * b
    s -= term
    np.multiply(diag[:, None, :], c, out=term)
    s -= term
    s += mask
    return s


def split_statistics(x, min_size=2):
    """max over kappa of Q(tau, kappa), for each tau, both parts at least max(min_size, 2) long: an array
    (k, n + 1), -inf where no kappa fits."""
    return pair_statistics(x, min_size).max(axis=2)


def best_split(x, min_size):
    """(tau, Q) of the largest Q(tau, kappa) with both parts at least min_size long, or (None, -inf)."""
    n = len(x)
    if n < 2 * max(min_size, 2):
        return None, -np.inf
    q = split_statistics(x, min_size)[0]
    tau = int(np.argmax(q))
    return tau, float(q[tau])


class Shuffles:
    """The largest Q of shuffles of one segment, drawn as they are needed and kept: a segment that the
    next change point does not cut keeps its shuffles for the next test (which is what keeps a long series
    with many steps fast). Each segment has its own generator, seeded by the series and the segment's
    bounds, so a series gives the same answer on every run."""

    def __init__(self, segment, min_size, seed):
        self.segment, self.min_size = segment, min_size
        self.rng = np.random.default_rng(seed)
        self.values = np.empty(0)

    def first(self, count):
        n = len(self.segment)
        if n < 2 * max(self.min_size, 2):
            return np.full(count, -np.inf)  # too short to split: no Q
        while len(self.values) < count:
            more = min(CHUNK, count - len(self.values))
            shuffled = self.rng.permuted(np.broadcast_to(self.segment, (more, n)), axis=1)
            self.values = np.concatenate([self.values, split_statistics(shuffled, self.min_size).max(axis=1)])
        return self.values[:count]


def seed_of(x):
    return int.from_bytes(hashlib.sha256(np.asarray(x, dtype=float).tobytes()).digest()[:8], "little")


def e_divisive(x, min_size=MIN_SIZE, p_limit=P_LIMIT, permutations=PERMUTATIONS):
    """The change points of the series x, in order of index (see the module's docstring)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError("the series must be a 1-D array of finite numbers")
    seed = seed_of(x)
    shuffles, found = {}, []
    while True:
        bounds = [0, *sorted(point.index for point in found), len(x)]
        segments = list(zip(bounds, bounds[1:]))
        for a, b in segments:
            if (a, b) not in shuffles:
                shuffles[a, b] = Shuffles(x[a:b], min_size, [seed, a, b])
        candidates = [(best_split(x[a:b], min_size), a) for a, b in segments]
        (tau, statistic), start = max(candidates, key=lambda c: c[0][1])
        if tau is None:
            break
        # Sequential permutation test: stop shuffling once the count of shuffles at least as large
        # already puts p at or above the limit (most tests of a series without a further step end early).
        limit = p_limit * (permutations + 1) - 1
        reached = done = 0
        while done < permutations:
            count = min(CHUNK, permutations - done)
            largest = np.max([shuffles[key].first(done + count)[done:] for key in segments], axis=0)
            reached += int(np.sum(largest >= statistic))
            done += count
            if reached >= limit:
                break
        p_value = (1 + reached) / (1 + done)
        if done < permutations or p_value >= p_limit:
            break
        found.append(ChangePoint(start + tau, p_value, statistic))
    return sorted(found, key=lambda point: point.index)


def segments_of(n, points):
    """[(start, end)] of the segments a sorted list of change points cuts range(n) into."""
    bounds = [0, *(point.index for point in points), n]
    return list(zip(bounds, bounds[1:]))
