"""What scripts/suite needs to run its programs without hanging or leaving
things behind, and to write its results whole or not at all:

- run_job: one program (bench, mpirun, bench_mpi_startup, the Python reference)
  in a session of its own, followed until it ends or its scenario's Budget is
  spent; on overrun or Ctrl-C the whole session is ended (mpirun's ranks, in
  process groups of their own, and its ssh included). However the job ended,
  what Open MPI left behind for it is removed: its session directory and its
  shared-memory segments, found by the pid of each mpirun and its job id.
- start_reaper: removes the suite's scratch folder should the suite itself be
  killed.
- write_whole: a results file under its final name complete, or not at all.
"""
import collections
import ctypes
import errno
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1  # <sys/prctl.h>
SUITE_PID = os.getpid()  # in a child forked by Popen, still the suite's
GRACE_S = 3  # between SIGTERM (mpirun removes its own files) and SIGKILL
TAIL_LINES = 20  # said again when a program fails (mpirun names the rank that died there)
VADER_DIRECTORY = Path("/dev/shm")  # Open MPI's default btl_vader_backing_directory
# Open MPI 4.1 names a rank's shared-memory segment vader_segment.<host>.<uid>.<job id, hex>.<local rank>.
VADER_SEGMENT = re.compile(r"^vader_segment\..+\.([0-9a-f]+)\.[0-9]+$")


class Overrun(Exception):
    """A scenario ran past its time budget; its job has been ended and cleaned up."""

    def __init__(self, scenario, budget_s, program):
        super().__init__(f"scenario {scenario} ran past its time budget of {budget_s:.0f} s: {program} and "
                         "everything it started were ended")
        self.scenario, self.budget_s = scenario, budget_s


class JobTimeout(Exception):
    """A job's own deadline (shorter than its scenario's budget) passed; the job has been ended."""


class Budget:
    """One clock for all of a scenario: its listings, its runs and the gaps between them. It starts with
    `seconds` and grows by what allow() adds as the scenario learns how much it will run, unless `fixed`."""

    def __init__(self, scenario, seconds, fixed=False):
        self.scenario, self.seconds, self.fixed = scenario, seconds, fixed
        self.started = time.monotonic()

    def allow(self, seconds):
        if not self.fixed:
            self.seconds += seconds

    @property
    def deadline(self):
        return self.started + self.seconds

    def spent(self):
        return time.monotonic() >= self.deadline


def run_job(command, budget, on_line=None, on_error_line=None, limit_s=None):
    """Runs `command` to its end in a session of its own and returns (exit code, its last lines of output).
    With `on_line`, its stdout is read and each line handed to it, and so is its stderr, to `on_error_line`
    if given, else to `on_line`; without, both are the suite's. Raises Overrun once `budget` is spent, or
    JobTimeout once `limit_s` seconds have passed, after ending the whole session; either way, and on
    Ctrl-C, nothing it started is left running and Open MPI's files for it are removed."""
    deadline = budget.deadline if limit_s is None else min(budget.deadline, time.monotonic() + limit_s)
    if time.monotonic() >= deadline:
        raise Overrun(budget.scenario, budget.seconds, Path(command[0]).name)
    tops = openmpi_tops()
    process = subprocess.Popen(command, stdout=subprocess.PIPE if on_line else None,
                               stderr=(subprocess.PIPE if on_error_line else subprocess.STDOUT) if on_line else None,
                               start_new_session=True, preexec_fn=ends_with_this_script)
    pidfd = os.pidfd_open(process.pid)
    seen = {process.pid}  # every pid of the session the suite signalled: any may be an mpirun
    tail = collections.deque(maxlen=TAIL_LINES)

    def keeping_tail(handle):
        return lambda line: (tail.append(line), handle(line))

    readers = {stream: keeping_tail(handle) for stream, handle in ((process.stdout, on_line),
                                                                   (process.stderr, on_error_line)) if stream}
    try:
        follow(process, pidfd, deadline, readers, seen)
    except (JobTimeout, KeyboardInterrupt) as stopped:
        seen |= end_session(process.pid, pidfd)
        if isinstance(stopped, JobTimeout) and budget.spent():
            raise Overrun(budget.scenario, budget.seconds, Path(command[0]).name) from None
        raise
    finally:
        seen |= signal_session(process.pid, signal.SIGKILL)  # what outlived it (its pid is not reaped yet)
        process.wait()
        os.close(pidfd)
        for stream in readers:
            stream.close()
        remove_openmpi_leftovers(seen, tops)
    return process.returncode, "".join(tail)


def follow(process, pidfd, deadline, readers, seen):
    """Hands each line of each of the process's output streams to its reader (`readers`: stream -> reader)
    until the process has ended and its streams are closed; raises JobTimeout at `deadline`. What outlives
    it in its session is killed, so that its streams close."""
    with selectors.DefaultSelector() as selector:
        selector.register(pidfd, selectors.EVENT_READ)
        for stream, reader in readers.items():
            selector.register(stream, selectors.EVENT_READ, [reader, b""])  # [reader, an unfinished line]
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise JobTimeout()
            for key, _ in selector.select(timeout=left):
                if key.fileobj == pidfd:
                    selector.unregister(pidfd)
                    seen |= signal_session(process.pid, signal.SIGKILL)
                else:
                    read_lines(selector, key)


def read_lines(selector, key):
    """What a stream has to read, line by line to its reader; at its end, what is left and the stream is done."""
    reader, pending = key.data
    chunk = os.read(key.fd, 65536)
    *lines, key.data[1] = (pending + chunk).split(b"\n")
    for line in lines:
        reader(line.decode(errors="replace") + "\n")
    if not chunk:
        if key.data[1]:
            reader(key.data[1].decode(errors="replace"))
        selector.unregister(key.fileobj)


def end_session(session_id, pidfd):
    """SIGTERM (and SIGCONT, for a stopped one) to every process of the session, so that mpirun can remove
    its own files; SIGKILL after GRACE_S to what is left. Returns the pids signalled."""
    signalled = signal_session(session_id, signal.SIGTERM) | signal_session(session_id, signal.SIGCONT)
    with selectors.DefaultSelector() as selector:
        selector.register(pidfd, selectors.EVENT_READ)
        selector.select(timeout=GRACE_S)  # until its leader has ended
    return signalled | signal_session(session_id, signal.SIGKILL)


def signal_session(session_id, sig):
    """Sends `sig` to every process of a session, whatever its process group (mpirun puts each rank, and the
    ssh it starts for another host, in a group of its own); returns their pids. Call it while the session's
    leader is not yet reaped, so that its id cannot name a later session."""
    signalled = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == session_id:  # after the command: state, ppid, pgrp, session
            try:
                os.kill(int(entry.name), sig)
                signalled.add(int(entry.name))
            except ProcessLookupError:
                pass
    return signalled


def ends_with_this_script():
    """Popen's preexec_fn: SIGTERM should the suite die without stopping the job (SIGKILL, a crash).
    Otherwise it would run the rest of its scenario with nobody reading its output (bench ignores SIGPIPE);
    bench's janitor removes its names however it ends, and mpirun its files on SIGTERM."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != SUITE_PID:  # the suite died before the request
        os._exit(1)


def openmpi_temp():
    """Where Open MPI puts its session directories: opal_tmp_directory's choice, not Python's (which skips
    a full TMPDIR)."""
    return Path(os.environ.get("TMPDIR") or os.environ.get("TEMP") or os.environ.get("TMP") or "/tmp")


def openmpi_tops():
    """This user's Open MPI top session directories, /tmp/ompi.<host>.<uid>."""
    return {top for top in openmpi_temp().glob("ompi.*") if top.is_dir() and top.stat().st_uid == os.getuid()}


def remove_openmpi_leftovers(pids, tops_before):
    """Removes what a killed mpirun leaves: its session directory, /tmp/ompi.<host>.<uid>/pid.<its pid>, and
    its ranks' segments in /dev/shm, named with its job id (read from the directory's contact.txt before it
    goes). Then the top directories this job created, if empty; an mpirun that ended by itself has
    removed its own. Only this user's files and only these pids' jobs are touched."""
    tops = openmpi_tops()
    for session in (top / f"pid.{pid}" for top in tops for pid in pids):
        if not session.is_dir():
            continue
        family = job_family(session)
        if family is not None:
            remove_vader_segments(family)
        shutil.rmtree(session, ignore_errors=True)
    for top in tops - tops_before:
        try:
            top.rmdir()
        except OSError:
            pass  # not empty: another job of this user uses it


def job_family(session):
    """The job family of the mpirun that made this session directory: the high 16 bits of the job id in
    contact.txt ("<job id>.<vpid>;<uri>"), which its ranks' job ids share; None where it is unreadable."""
    try:
        return int((session / "contact.txt").read_text().split(".", 1)[0]) >> 16
    except (OSError, ValueError):
        return None


def remove_vader_segments(family):
    for segment in VADER_DIRECTORY.glob("vader_segment.*"):
        match = VADER_SEGMENT.match(segment.name)
        try:
            if match and int(match.group(1), 16) >> 16 == family and segment.stat().st_uid == os.getuid():
                segment.unlink()
        except OSError:
            pass  # gone meanwhile


def start_reaper(scratch):
    """Starts a small process that removes `scratch` once the suite has ended, however it ends: it waits,
    in a session of its own, for the end of a pipe only the suite holds. Keep the returned descriptor
    open for as long as the suite runs. It covers SIGKILL and crashes of the suite; it does not cover the
    reaper's own death (SIGKILL to both), nor the files of an mpirun killed at the same time as the suite
    (an mpirun that outlives the suite gets SIGTERM and removes its own)."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        try:
            os.setsid()
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            null = os.open(os.devnull, os.O_RDWR)
            for descriptor in (0, 1, 2):  # so that a reader of the suite's output sees its end
                os.dup2(null, descriptor)
            os.closerange(3, read_end)
            os.closerange(read_end + 1, os.sysconf("SC_OPEN_MAX"))
            while os.read(read_end, 1):
                pass
            shutil.rmtree(scratch, ignore_errors=True)
        finally:
            os._exit(0)
    os.close(read_end)
    return write_end


def write_whole(path, text):
    """Writes `text` to `path` complete or not at all: to a temporary name in the same folder, flushed,
    fsync'ed and its size checked, then renamed over `path`. Raises OSError, leaving nothing behind."""
    path = Path(path)
    data = text.encode()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            if os.fstat(file.fileno()).st_size != len(data):
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp's 0600 would hide the results from others
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
