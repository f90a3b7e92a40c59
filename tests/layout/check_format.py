#!/usr/bin/python3
"""Checks that every C and C++ file of the tree follows .clang-format: one line
per file that does not (clang-format --dry-run --Werror), exit 1 if any.
Usage: check_format.py [ROOT]   (default: the repository holding this file)"""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
FOLDERS = ("src", "bench", "tests")
SUFFIXES = (".c", ".h", ".cpp", ".hpp")


def main():
    clang_format = shutil.which("clang-format")
    if clang_format is None:
        print("check_format: clang-format is not installed (scripts/setup installs it)")
        return 1
    files = sorted(str(path) for folder in FOLDERS for path in (ROOT / folder).rglob("*")
                   if path.suffix in SUFFIXES and path.is_file())
    style = f"--style=file:{ROOT / '.clang-format'}"
    unformatted = [path for path in files
                   if subprocess.run([clang_format, "--dry-run", "--Werror", style, path], capture_output=True).returncode]
    for path in unformatted:
        relative = Path(path).relative_to(ROOT)
        print(f"{relative}: not as .clang-format has it (clang-format -i {relative})")
    return 1 if unformatted else 0


if __name__ == "__main__":
    sys.exit(main())
