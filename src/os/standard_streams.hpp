#pragma once
// A program started with stdin, stdout or stderr closed would hand those
// numbers to the first descriptors it opens (a pidfd, a results file), and
// then a write "to stdout" lands in them. Every program of the suite calls
// this first, before it opens anything.
namespace tvp {

// Opens /dev/null on each of 0, 1 and 2 that is closed. Returns false only
// when one could not be opened (the caller should then exit at once).
bool open_closed_standard_streams() noexcept;

}  // namespace tvp
