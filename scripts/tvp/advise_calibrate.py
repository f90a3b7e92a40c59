"""scripts/advise's runs of bench: the calibration (bench's default workload grid at one worker count, 28
benchmarks, 3 repetitions: about 30 s on 2 CPUs), cached as results/advise/calibration-<host>-w<W>.json, and
the validation's runs of chosen workloads. Each run writes its JSON beside its final name and renames it when
bench succeeded and the file reads as a results file, so a cache is whole or absent.
"""
import os
import signal
import subprocess
import sys
from pathlib import Path

from . import advise_costs
from . import results_lib as rl

ROOT = Path(__file__).resolve().parents[2]  # the repository: scripts/tvp/<this file>
DEFAULT_BUILD_DIR = Path(os.environ.get("TVP_BUILD_DIR") or ROOT / "build" / "release")
REPETITIONS = 3
MIN_TIME_S = 0.2  # per benchmark and repetition: 28 × 3 × 0.2 s, plus each batch's own time
CALIBRATION_TIMEOUT_S = 300


def bench_of(build_dir):
    """build_dir/bench, or None when it is not there to run."""
    bench = Path(build_dir) / "bench"
    return bench if bench.is_file() and os.access(bench, os.X_OK) else None


def run_bench(bench, flags, out, timeout):
    """Runs bench with `flags`, its JSON to `out` (written beside it, then renamed). One line and exit 2 when
    bench fails or its file is not a results file."""
    out = Path(out)
    rl.check_output_file(out)
    scratch = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    command = [str(bench), *flags, "--benchmark_enable_random_interleaving=true", f"--benchmark_out={scratch}",
               "--benchmark_out_format=json", "--benchmark_color=false"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except (subprocess.TimeoutExpired, KeyboardInterrupt) as stop:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        scratch.unlink(missing_ok=True)
        if isinstance(stop, KeyboardInterrupt):
            rl.fail("interrupted: bench stopped, nothing written", code=130)
        rl.fail(f"bench ran past {timeout} s and was stopped: nothing written")
    if process.returncode != 0:
        scratch.unlink(missing_ok=True)
        said = [line for line in stderr.splitlines() if line.strip()]
        rl.fail(f"bench failed (exit {process.returncode}): {said[-1] if said else 'it said nothing'}")
    try:
        rl.load(scratch)
        os.replace(scratch, out)
    except (rl.UnusableResults, OSError) as error:
        scratch.unlink(missing_ok=True)
        rl.fail(f"bench's output is unusable: {error}")
    return out


def host_tag():
    """This machine's host name, as a file name may hold it."""
    host, _ = advise_costs.this_machine()
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in host) or "host"


def advise_folder(results_dir):
    return Path(results_dir) / advise_costs.CACHE_FOLDER


def cache_path(results_dir, workers):
    return advise_folder(results_dir) / f"calibration-{host_tag()}-w{workers}.json"


def calibrate(build_dir, results_dir, workers):
    """Runs the calibration for `workers` and returns its cached file's path; one line and exit 2 when there
    is no bench to run."""
    bench = bench_of(build_dir)
    if bench is None:
        rl.fail(f"no calibration for workers:{workers} from this machine in {results_dir} and no bench in "
                f"{build_dir} to run one: build it (scripts/build) or name --results FILE")
    out = cache_path(results_dir, workers)
    print(f"advise: calibrating workers:{workers} with {bench} (about 30 s on 2 CPUs), cached in {out}",
          file=sys.stderr)
    return run_bench(bench, ["--benchmark_filter=^workload/", f"--workers={workers}",
                             f"--benchmark_repetitions={REPETITIONS}", f"--benchmark_min_time={MIN_TIME_S}"],
                     out, CALIBRATION_TIMEOUT_S)


def costs_for(build_dir, results_dir, workers):
    """(path, data, Costs) for `workers`: from the newest results file of this machine that has them, else
    from a calibration run."""
    found = advise_costs.find_costs(results_dir, workers)
    if found:
        return found
    path = calibrate(build_dir, results_dir, workers)
    data, costs = advise_costs.load_named(path, workers, "the calibration run")
    return path, data, costs
