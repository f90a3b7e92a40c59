"""The dashboard (scripts/history html) in a real browser: headless Chromium (Debian's chromium, installed by
scripts/setup) opens the page written from a synthetic history, and the test reads the DOM after its script
ran: every chart drew as many points as its data holds, the script ran to its end and raised no error (the
page's window.onerror hook writes any into <html data-errors>; Chromium's console log is read too). A page
with a planted script error must be caught the same way. It also takes a screenshot, kept where
TVP_DASHBOARD_SCREENSHOT names (else in a scratch folder). Without Chromium the test is skipped (exit 77,
ctest's SKIP_RETURN_CODE), saying why. ctest's history_dashboard runs this file."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_scripts import ScratchTest, run  # noqa: E402
from test_history import count_elements  # noqa: E402
import history_fixtures as hf  # noqa: E402
from tvp import headline  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SKIP = 77


class Browser:
    def __init__(self, scratch):
        self.profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=scratch))

    def run(self, *args, timeout=90):
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-first-run", "--hide-scrollbars", f"--user-data-dir={self.profile}",
                   "--enable-logging=stderr", "--v=0", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "HOME": str(self.profile)})

    def dom(self, page):
        result = self.run("--virtual-time-budget=3000", "--dump-dom", page.as_uri())
        if result.returncode != 0 or "<html" not in result.stdout:
            raise AssertionError(f"chromium --dump-dom failed (exit {result.returncode}): {result.stderr[-2000:]}")
        return result.stdout, console_errors(result.stderr)


def console_errors(log):
    """The page's console errors in Chromium's log (lines such as
    [..:INFO:CONSOLE(12)] "Uncaught ReferenceError: x is not defined", source: file:///... (12))."""
    return [line for line in log.splitlines() if "CONSOLE" in line and re.search(r"Uncaught|Error", line)]


class DashboardTest(ScratchTest):
    def setUp(self):
        super().setUp()
        self.browser = Browser(self.scratch)
        history = self.scratch / "history"
        factors = hf.step_factors(24, 12, 0.20, names=[headline.NAMES[0]])
        hf.make_history(history, factors, skip={5: [headline.NAMES[7]]})
        hf.make_history(history, [1.0] * 6, seed=2, machine={"host_name": "ci", "num_cpus": 4},
                        revisions=[hf.revision(i, "ci") for i in range(6)])
        self.site = self.scratch / "site"
        result = run("history", "html", "--out", self.site, "--history", history)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.page = self.site / "index.html"

    def test_every_chart_draws_its_points_and_no_script_fails(self):
        dom, errors = self.browser.dom(self.page)
        self.assertEqual(errors, [])
        root = re.search(r"<html[^>]*>", dom).group(0)
        self.assertIn('data-ready="1"', root, "the page's script did not run to its end")
        self.assertNotIn("data-errors", root)
        counter = count_elements(dom)
        self.assertEqual(len(counter.charts), 2 * len(headline.NAMES))  # two machines
        expected = {("vm", name): 24 for name in headline.NAMES}
        expected["vm", headline.NAMES[7]] = 23
        expected.update({("ci", name): 6 for name in headline.NAMES})
        for machine, charts in (("vm", counter.charts[:13]), ("ci", counter.charts[13:])):
            for chart in charts:
                with self.subTest(machine=machine, chart=chart["benchmark"]):
                    self.assertEqual(chart["points"], expected[machine, chart["benchmark"]])
                    self.assertEqual(chart["drawn"], chart["points"])
                    self.assertEqual(chart["counted"], str(chart["points"]))  # what the browser counted
        self.assertEqual(counter.charts[0]["steps"], 1)

    def test_a_script_error_is_caught(self):
        broken = self.site / "broken.html"
        broken.write_text(self.page.read_text().replace("</body>", "<script>noSuchFunction();</script></body>"))
        dom, errors = self.browser.dom(broken)
        root = re.search(r"<html[^>]*>", dom).group(0)
        self.assertIn("data-errors", root)
        self.assertIn("noSuchFunction", root)
        self.assertNotEqual(errors, [])

    def test_screenshot(self):
        target = Path(os.environ.get("TVP_DASHBOARD_SCREENSHOT") or self.scratch / "dashboard.png")
        result = self.browser.run(f"--screenshot={target}", "--window-size=1400,2000", self.page.as_uri())
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        data = target.read_bytes()
        self.assertTrue(data.startswith(b"\x89PNG"), target)
        self.assertGreater(len(data), 50_000)  # a blank page is a few kB
        print(f"\ndashboard screenshot: {target}", file=sys.stderr)


if __name__ == "__main__":
    if CHROMIUM is None:
        print("SKIP: no chromium on PATH (scripts/setup installs Debian's chromium); the dashboard was not "
              "opened in a browser")
        sys.exit(SKIP)
    unittest.main()
