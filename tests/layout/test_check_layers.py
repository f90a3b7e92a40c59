#!/usr/bin/python3
"""The layering check catches what it is for: an include that points up a
layer or across one, in a copy of src/ with one include planted."""
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"


def check(tree):
    return subprocess.run([sys.executable, str(HERE / "check_layers.py"), str(tree)], capture_output=True, text=True)


class LayeringTest(unittest.TestCase):
    def setUp(self):
        self.scratch = Path(tempfile.mkdtemp(prefix="tvp-layers-"))
        self.tree = self.scratch / "src"
        shutil.copytree(SRC, self.tree)

    def tearDown(self):
        shutil.rmtree(self.scratch)

    def plant(self, path, include):
        file = self.tree / path
        file.write_text(f'#include "{include}"\n' + file.read_text())

    def test_the_tree_as_it_is_passes(self):
        result = check(self.tree)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertEqual(result.stdout, "")

    def test_an_include_up_a_layer_fails_naming_it(self):
        self.plant("os/clock.cpp", "launch/launcher.hpp")
        result = check(self.tree)
        self.assertEqual(result.returncode, 1)
        self.assertIn("os/clock.cpp includes launch/launcher.hpp: an arrow up, from os to launch", result.stdout)

    def test_an_include_across_a_layer_fails_naming_it(self):
        self.plant("sumsq/sumsq.cpp", "ipc/message.hpp")
        result = check(self.tree)
        self.assertEqual(result.returncode, 1)
        self.assertIn("sumsq/sumsq.cpp includes ipc/message.hpp: an arrow across, from sumsq to ipc", result.stdout)

    def test_a_folder_in_no_layer_fails(self):
        (self.tree / "extra").mkdir()
        (self.tree / "extra" / "thing.hpp").write_text("#pragma once\n")
        result = check(self.tree)
        self.assertEqual(result.returncode, 1)
        self.assertIn("folder 'extra' is in no layer", result.stdout)


if __name__ == "__main__":
    unittest.main()
