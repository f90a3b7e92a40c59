#pragma once
// Bytes from the kernel's random source (getrandom(2)): unpredictable to other
// users, and different in a forked child, which a copied generator is not.
#include <span>

namespace tvp {

// Fills `bytes`, retrying on EINTR and short reads. Throws std::system_error.
void fill_random(std::span<unsigned char> bytes);

}  // namespace tvp
