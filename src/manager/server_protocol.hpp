#pragma once
// What travels between a manager client and its server (server_store.hpp),
// in host byte order (both ends are on one machine):
//   client -> server: Hello once, right after connecting, then Requests;
//   server -> client: one Reply per Request (a granted lock is answered when
//   granted), the list and dict dumps followed by `value` bytes.
// A client that breaks any rule is disconnected; it never gets an error reply.
#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "manager/auth_key.hpp"

namespace tvp::manager::wire {

inline constexpr std::uint64_t hello_magic = 0x3130'726d'6770'7674;  // "tvpmgr01"

struct Hello {
    std::uint64_t magic;
    unsigned char key[AuthKey::size];
};

enum Op : std::uint32_t {
    // Any client.
    op_lock = 1,
    op_unlock,
    op_set,     // worker: the key's index (below the server's worker count); value
    op_append,  // value
    op_get,     // worker
    // The parent's connection only.
    op_dump_list,
    op_dump_dict,
    op_reset,  // value: the list entries the next run appends (at most the server's capacity)
    op_dropped,
    op_refused,
    op_shutdown,
};

struct Request {
    std::uint32_t op;
    std::uint32_t worker;
    std::uint64_t value;
};

struct Reply {
    std::uint64_t status;  // 0 ok, 1 not found (op_get)
    std::uint64_t value;
};

static_assert(sizeof(Hello) == 40 && sizeof(Request) == 16 && sizeof(Reply) == 16, "no padding on the wire");

}  // namespace tvp::manager::wire
