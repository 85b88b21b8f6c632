// The shared command-line options (options.hpp).
#include "options.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace examples {

CLI::Validator integer_in(std::uint64_t lo, std::uint64_t hi) {
    const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return CLI::Validator(
        [lo, hi, range](std::string& text) -> std::string {
            std::uint64_t value = 0;
            const char* first = text.data();
            const char* last = first + text.size();
            const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
            const auto [end, ec] = std::from_chars(first, last, value);
            if (!digits || end != last) return "must be a whole number in " + range + ", got '" + text + "'";
            if (ec == std::errc::result_out_of_range || value < lo || value > hi)
                return "'" + text + "' is out of range " + range;
            return {};
        },
        "INT in " + range);
}

CLI::Validator positive_number() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            char* end = nullptr;
            const double value = std::strtod(text.c_str(), &end);
            return !text.empty() && end && *end == '\0' && std::isfinite(value) && value > 0
                       ? std::string()
                       : "must be a positive number, got '" + text + "'";
        },
        "POSITIVE");
}

void add_common_options(CLI::App& app, CommonOptions& o, const CommonHelp& help) {
    if (help.data) app.add_option("--data", o.data_dir, "MNIST directory (IDX, .gz IDX or CSV files)");
    if (help.out) app.add_option("--out", o.out_dir, help.out_help);
    if (help.seed) app.add_option("--seed", o.seed, help.seed_help)->check(integer_in(0, UINT64_MAX));
    if (help.threads)
        app.add_option("--threads", o.threads, "CPU threads (0: all cores)")->check(integer_in(0, 4096));
    if (help.device)
        app.add_option("--device", o.device, "cpu | cuda | auto (the GPU when one is usable)")
            ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
    if (help.resume_help) {
        auto* opt = app.add_option("--resume", o.resume, help.resume_help);
        if (help.resume_is_directory)
            opt->check(CLI::ExistingDirectory);
        else
            opt->check(CLI::ExistingFile);
    }
}

}  // namespace examples
