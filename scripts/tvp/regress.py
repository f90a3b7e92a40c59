"""The Python parts of scripts/regress (a bash script), run as `python3 -P -m tvp.regress` with scripts/ on
PYTHONPATH:

  regex-error FILTER           prints why FILTER is not a POSIX extended regex ('' if it is one)
  merge SCRATCH SIDE ROUNDS    every round's repetitions of SIDE (base or head) in SCRATCH/SIDE.json; a bad
                               round is one line, exit 2
"""
import collections
import json
import sys

from . import results_lib as rl


def fail(message):
    print(f"regress: {message}", file=sys.stderr)
    sys.exit(2)


def merge(scratch, side, rounds):
    merged, count = None, collections.Counter()
    for r in range(1, rounds + 1):
        try:
            data = rl.load(f"{scratch}/{side}-{r}.json")
            measured = rl.iterations_by_benchmark(data) or rl.errored_by_benchmark(data)
        except rl.UnusableResults as error:
            fail(f"the {side} run of round {r} wrote no usable results: {error}")
        if not measured:
            fail(f"the {side} run of round {r} measured no benchmark (does --filter match any?)")
        # Every round's repetition is index 0: numbered across the rounds, each stays
        # one repetition rather than a duplicate that compare refuses.
        for row in filter(rl.is_repetition, data["benchmarks"]):
            row["repetition_index"] = count[row["name"]]
            count[row["name"]] += 1
        if merged is None:
            merged = data
        else:
            merged["benchmarks"].extend(data["benchmarks"])
    json.dump(merged, open(f"{scratch}/{side}.json", "w"))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["regex-error"] and len(argv) == 2:
        print(rl.posix_regex_error(argv[1]) or "")
    elif argv[:1] == ["merge"] and len(argv) == 4:
        merge(argv[1], argv[2], int(argv[3]))
    else:
        fail("usage: python3 -m tvp.regress regex-error FILTER | merge SCRATCH SIDE ROUNDS")


if __name__ == "__main__":
    main()
