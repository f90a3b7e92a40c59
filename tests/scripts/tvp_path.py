"""Lets the tests import the scripts' package, scripts/tvp, as the commands do (Python puts a command's own
folder, scripts/, first on sys.path): `import tvp_path` puts scripts/ there, then `from tvp import results_lib`.
fresh(name) loads a module of the package anew, for a test that replaces its functions."""
import importlib.util
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


def fresh(name):
    """tvp.<name> (a command's code: scripts/<name> runs tvp/<name>.py), loaded anew, not cached."""
    import tvp  # noqa: F401  (the parent package, for the module's relative imports)
    spec = importlib.util.spec_from_file_location(f"tvp.{name.replace('-', '_')}", SCRIPTS / "tvp" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
