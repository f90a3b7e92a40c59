"""A command started with stdin, stdout or stderr closed would hand those numbers
to the first descriptors it opens (a pipe to its reaper, a results file), and a
later "write to stdout" or "dup2 onto stdin" would land in them. Every command
calls this first, as bench does (src/os/standard_streams.hpp)."""
import os


def open_closed_standard_streams():
    """Opens /dev/null on each of 0, 1 and 2 that is closed."""
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)  # the lowest free number: this one
            if opened != descriptor:
                os.dup2(opened, descriptor)
                os.close(opened)
