#include "rank_store.hpp"

#include <regex>
#include <stdexcept>

namespace tvp::mpi {

namespace {

// manager::verify() names workers ("worker 1 appended op 7 where ..."); here
// each worker is a rank, and the report should say which.
std::string with_ranks(const std::string& message, int first_worker_rank) {
    static const std::regex worker_number(R"(\bworker (\d+))");
    std::string named;
    auto last = message.cbegin();
    for (std::sregex_iterator match(message.begin(), message.end(), worker_number), end; match != end; ++match) {
        named.append(last, (*match)[0].second);
        named += " (rank " + std::to_string(std::stoll((*match)[1].str()) + first_worker_rank) + ")";
        last = (*match)[0].second;
    }
    named.append(last, message.cend());
    return named;
}

}  // namespace

std::uint64_t RankStore::verify() {
    const Contents found = contents();
    try {
        return manager::verify(found.list, found.dict, workers_, operations_, mix_);
    } catch (const std::runtime_error& error) {
        throw std::runtime_error(with_ranks(error.what(), first_worker_rank_));
    }
}

std::uint64_t RankStore::lost_update_op(int rank, int lose_update_rank) const {
    if (rank != lose_update_rank) return no_lost_update;
    for (std::uint64_t op = operations_ / 2; op < operations_; ++op)
        if (manager::writes(mix_, op)) return op;
    return no_lost_update;
}

}  // namespace tvp::mpi
