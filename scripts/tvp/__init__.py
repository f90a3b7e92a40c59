"""The suite's Python: the results library and the code of every command in scripts/ (each command there is a
thin wrapper around one module here: scripts/report runs tvp.report.main, and so on).

results_lib reads results files (names, medians, provenance); scenarios says, per scenario, which report
sections, table rows and plots show it; crossover, pools, parent_memory and mpi_report compute what those show;
suite_jobs and machine_check serve scripts/suite; python_pools serves scripts/python_reference.
"""

# Before any module of the package opens a descriptor (standard_streams.py says why).
from .standard_streams import open_closed_standard_streams as _open_closed_standard_streams

_open_closed_standard_streams()
