"""Synthetic histories for the tests of scripts/history (test_history.py, test_dashboard.py): results files
of the headline benchmarks as bench writes them, and history folders of many runs written through the
module's own record code (tvp.history.record_of), without a subprocess per run."""
import hashlib
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import tvp_path  # noqa: F401  (scripts/ on sys.path)
from tvp import headline, history
from test_scripts import repetitions

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
# Each headline benchmark's typical median, in µs: creation, pools, round trips, sums of squares.
BASE_US = dict(zip(headline.NAMES, (80, 750, 1600, 48, 38, 37, 31, 32, 0.36, 0.26, 11000, 12800, 18800)))
MACHINE = {"host_name": "vm", "cpu_model": "AMD EPYC", "num_cpus": 2, "kernel": "Linux 6.1.0",
           "compiler": "g++ 12.2.0", "tvp_build_type": "Release"}


def revision(index, salt=""):
    """A made-up 40-digit revision (not in any git history: such runs are placed in date order)."""
    return hashlib.sha1(f"run {index}{salt}".encode()).hexdigest()


def results(revision_, date, factors=None, cv=0.02, seed=0, names=headline.NAMES, repeats=3, **context):
    """A results file's content: `repeats` repetitions of each of `names`, around BASE_US times its factor
    (default 1) with noise of relative size `cv`."""
    rng = random.Random(seed)
    rows = []
    for name in names:
        centre = BASE_US[name] * (factors or {}).get(name, 1.0)
        values = [centre * (1 + rng.gauss(0, cv)) for _ in range(repeats)]
        rows += repetitions(name, values, unit="us")
    return {"context": {"date": date.isoformat(), **MACHINE, "tvp_revision": revision_,
                        "tvp_revision_dirty": "false", **context}, "benchmarks": rows}


def write(path, data):
    path = Path(path)
    path.write_text(json.dumps(data))
    return path


def make_history(directory, factors_per_run, cv=0.02, seed=1, revisions=None, dates=None, machine=None,
                 skip=None):
    """A history folder of len(factors_per_run) runs, one an hour from START, run i with the factors
    factors_per_run[i] ({name: factor}, or one number for every benchmark). `skip`: {run index: names left
    out of that run}. Returns the revisions in run order."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    revisions = revisions or [revision(i) for i in range(len(factors_per_run))]
    for i, factors in enumerate(factors_per_run):
        if not isinstance(factors, dict):
            factors = {name: factors for name in headline.NAMES}
        date = dates[i] if dates else START + timedelta(hours=i)
        names = [name for name in headline.NAMES if name not in (skip or {}).get(i, ())]
        data = results(revisions[i], date, factors, cv=cv, seed=seed * 100_003 + i, names=names,
                       **(machine or {}))
        text = json.dumps(data)
        record = history.record_of(f"run-{i}.json", text, data)
        (directory / history.file_name(record, 1)).write_text(json.dumps(record))
    return revisions


def step_factors(runs, at, size, names=headline.NAMES):
    """Factors for `runs` runs: 1 before run index `at`, 1 + size from it on, for `names`."""
    return [{name: (1 + size if i >= at and name in names else 1.0) for name in headline.NAMES}
            for i in range(runs)]
