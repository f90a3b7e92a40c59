#pragma once
// The signal state a process inherits from whoever started it (dispositions
// set to "ignored" and the signal mask survive exec) is not ours to trust: a
// parent that ignores SIGCHLD makes the kernel reap our children before we can
// wait for them, and a blocked SIGABRT keeps a worker from crashing on cue.
namespace tvp {

// Call first thing in main(), while the process has one thread:
// - SIGCHLD to its default, so that children stay until waited for;
// - SIGPIPE ignored: writing to a pipe whose reader died is an error (EPIPE)
//   to report, not a signal that ends the benchmark. This is the one place
//   the suite ignores SIGPIPE (sockets use MSG_NOSIGNAL as well);
// - every other signal inherited as ignored back to its default, except those
//   a parent ignores on purpose: SIGHUP (nohup), SIGINT and SIGQUIT (a shell's
//   background job), SIGTSTP, SIGTTIN and SIGTTOU (job control);
// - an empty signal mask.
// Throws std::system_error if a disposition or the mask cannot be set.
void reset_inherited_signal_state();

}  // namespace tvp
