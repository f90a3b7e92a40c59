#include "scenarios.hpp"

#include <fmt/format.h>

namespace tvp::bench {

void print_scenarios() {
    for (const Scenario& scenario : scenario_table)
        fmt::print("{}\t{}\t{}\t{}\t{}\n", scenario.name, scenario.program, scenario.filter, scenario.quick_filter,
                   scenario.about);
}

}  // namespace tvp::bench
