#pragma once
// Which call makes a pipe: pipe2(), or Boost.Process's own pipe type (what a
// program written with Boost.Process would use); its descriptors are the same
// kind either way, owned by UniqueFd (make_pipe_of).
namespace tvp {

enum class PipeKind { posix, boost };

}  // namespace tvp
