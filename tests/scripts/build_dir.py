"""The build folder whose programs the script tests run: the one ctest runs in
(tests/CMakeLists.txt sets TVP_BUILD_DIR), else the release preset's."""
import os
from pathlib import Path

BUILD_DIR = Path(os.environ.get("TVP_BUILD_DIR") or Path(__file__).resolve().parents[2] / "build" / "release")
