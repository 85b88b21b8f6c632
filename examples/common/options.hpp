// The command-line options every example program shares, added to a CLI11 (sub)command once:
// --data, --out, --seed, --threads, --device, --resume (CommonOptions), and the checks of numbers
// typed by a user: integers are digits only, in range, never wrapped or saturated (--seed -1,
// --batch 18446744073709551616 and 0x10 are refused, naming the option), positive reals.
// Compiled in options.cpp; the programs' main.cpp files are the other CLI11 translation units.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "settings.hpp"

namespace examples {

// Which of the common options a (sub)command takes, and what its --out and --resume mean.
struct CommonHelp {
    bool data = true, out = true, seed = true, threads = true, device = true;
    const char* out_help = "output directory";
    const char* resume_help = nullptr;  // null: no --resume
    const char* seed_help = "seed";
    bool resume_is_directory = false;
};

void add_common_options(CLI::App& app, CommonOptions& options, const CommonHelp& help);

// An unsigned integer option in [lo, hi], digits only (no sign, no base prefix, no overflow).
CLI::Validator integer_in(std::uint64_t lo, std::uint64_t hi);
// A finite real number > 0 ("must be a positive number, got '0'").
CLI::Validator positive_number();

}  // namespace examples
