#pragma once
// Leaves nothing of this process in /dev/shm, however it ends: a helper
// process, in a session of its own (so Ctrl-C on the terminal does not reach
// it), waits for this process to end (end-of-file on a pipe only this process
// and its forked children hold) and then removes every "/dev/shm/tvp-<pid>-*"
// segment left by a crash, a Ctrl-C or a SIGKILL. Normal exits leave none.
namespace tvp {

// Throws std::system_error if the helper cannot be started.
void start_segment_janitor();

}  // namespace tvp
