#pragma once
// Leaves no shared-memory segment or POSIX message queue of this process
// behind, however it ends (a crash, Ctrl-C, SIGTERM, SIGKILL). A small helper
// process, the janitor, is told each name before the object exists
// (announce_name) and when its owner has removed it (withdraw_name); once this
// process has ended, it removes the names still announced, and ends too.
//
// It cannot be fooled by the reuse of this process's pid:
// - it learns of the end from a pidfd that this process opened on itself
//   before starting it, which refers to this process and never to a later one
//   with the same pid;
// - it removes only the names it was told, never "tvp-<pid>-*": a later process
//   with this pid may own such names.
// It runs in a session of its own (Ctrl-C on the terminal does not reach it),
// with no descriptor but its two (a reader of this process's output sees the
// end when this process ends), and holds only the names that exist.
#include <string>

namespace tvp {

// Starts the janitor of this process; a second call does nothing. Call it while
// this process has one thread (it forks). Throws std::system_error.
void start_segment_janitor();

// Tells the janitor, if this process (or the process it was forked from)
// started one, that a segment or queue with this name ("/tvp-...") may be
// created. Call it before creating the object. Throws std::system_error if the
// janitor cannot be told.
void announce_name(const std::string& name);

// Tells the janitor that the object is gone: its owner removed the name.
void withdraw_name(const std::string& name) noexcept;

}  // namespace tvp
