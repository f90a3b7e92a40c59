#!/usr/bin/python3
"""Checks the layering of src/: its folders form layers (LAYERS, bottom first),
and a file may include only headers of its own folder or of a lower layer,
never of a higher one or of another folder of its own layer; the include
graph has no cycle; and no source of tvp_core (what the static worker links)
includes, even indirectly, a header whose implementation lives only in
tvp_launch (which would make the worker need the parent's library).
Prints one line per violation; exit 1 if any, else 0."""
import re
import sys
from pathlib import Path

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "src")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# Bottom first. os: thin owners of OS resources; process: child processes and
# the ways to start a worker; task: the task model; launch: starting workers;
# then the scenarios' libraries, those built on others above them; worker: the
# worker program, which registers every task.
LAYERS = [
    ["os", "stats"],
    ["process"],
    ["task"],
    ["launch"],
    ["ipc", "sumsq", "memory", "io_bound", "creation", "manager"],
    ["isolation", "pool"],
    ["workload"],
    ["worker"],
]
LAYER_OF = {folder: index for index, folders in enumerate(LAYERS) for folder in folders}


def library_sources(cmake_text, library):
    block = re.search(r"add_library\(%s STATIC\n(.*?)\n\)" % library, cmake_text, re.S)
    return {line.strip() for line in block.group(1).splitlines() if line.strip()}


def includes(path):
    return [name for name in INCLUDE.findall((SRC / path).read_text()) if (SRC / name).exists()]


def find_cycle(headers):
    """A cycle in the include graph, as a list of files, or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for child in includes(node):
            if state.get(child) == "open":
                return stack[stack.index(child):] + [child] if child in stack else [node, child]
            if child not in state:
                found = visit(child, stack + [child])
                if found:
                    return found
        state[node] = "done"
        return None

    for header in headers:
        if header not in state:
            found = visit(header, [header])
            if found:
                return found
    return None


def reachable(start):
    seen, todo = set(), [start]
    while todo:
        for child in includes(todo.pop()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def folder_of(path):
    return Path(path).parts[0]


def arrows_up(files):
    """One line per include that points to a higher layer or across one."""
    found = []
    for path in files:
        here = folder_of(path)
        if here not in LAYER_OF:
            found.append(f"{path}: folder '{here}' is in no layer (tests/layout/check_layers.py, LAYERS)")
            continue
        for header in includes(path):
            there = folder_of(header)
            if there == here:
                continue
            if there not in LAYER_OF:
                found.append(f"{path} includes {header}: folder '{there}' is in no layer")
            elif LAYER_OF[there] >= LAYER_OF[here]:
                way = "up" if LAYER_OF[there] > LAYER_OF[here] else "across"
                found.append(f"{path} includes {header}: an arrow {way}, from {here} to {there}")
    return found


def main():
    cmake = (SRC / "CMakeLists.txt").read_text()
    core, launch = library_sources(cmake, "tvp_core"), library_sources(cmake, "tvp_launch")
    problems = []
    files = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*") if p.suffix in (".hpp", ".cpp"))
    problems += arrows_up(files)
    cycle = find_cycle(files)
    if cycle:
        problems.append("include cycle: " + " -> ".join(cycle))
    launch_only = {source[:-len(".cpp")] + ".hpp" for source in launch} - {s[:-4] + ".hpp" for s in core}
    for source in sorted(core):
        for header in sorted(reachable(source) & launch_only):
            problems.append(f"{source} (tvp_core) includes {header}, implemented in tvp_launch")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
