// The checkpoint format on top of safetensors, without the model: the format tag, CheckpointInfo
// (epoch, step, free-form extras kept in __metadata__), the counts read back from metadata, and
// the value checks a loaded tensor must pass (every element finite; a variance or second moment
// not negative), each IoError naming the file and the tensor. Saving and loading a bound model
// and its optimizer is train/checkpoint.hpp (it needs nn/ and optim/, which io/ sits below).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include <ctnn/io/error.hpp>
#include <ctnn/io/safetensors.hpp>

namespace ctnn::io {

inline constexpr const char* checkpoint_format = "ctnn-checkpoint-1";

struct CheckpointInfo {
    std::uint64_t epoch = 0;                   // epochs completed
    std::uint64_t step = 0;                    // optimisation steps taken
    std::map<std::string, std::string> extra;  // free-form (the trainer's configuration, ...)
};

// The metadata value of `key`, or "" when the file has none.
inline std::string checkpoint_metadata(const SafetensorsFile& file, const std::string& key) {
    auto it = file.metadata.find(key);
    return it == file.metadata.end() ? std::string() : it->second;
}

// A count stored in metadata ("epoch", "step", "optimizer.steps"): 0 when absent, IoError naming
// the file and the key when it is not a decimal number below 10^19.
inline std::uint64_t checkpoint_count(const SafetensorsFile& file, const std::string& key) {
    const std::string text = checkpoint_metadata(file, key);
    if (text.empty()) return 0;
    if (text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19)
        throw IoError(file.source, "metadata '" + key + "' is not a count: '" + text + "'");
    return std::stoull(text);
}

// What a loaded tensor's values must satisfy beyond being finite.
enum class ValueRule { finite, non_negative };

// The rule for a checkpoint tensor by its name: BatchNorm running variances and Adam's second
// moments are never negative (a negative one becomes a NaN at the first sqrt).
inline ValueRule value_rule(std::string_view name) {
    return name.ends_with(".running_var") || name.starts_with("optimizer.exp_avg_sq.")
               ? ValueRule::non_negative
               : ValueRule::finite;
}

// Throws IoError naming `file`, the tensor and the first bad element unless every value is
// finite (and, for ValueRule::non_negative, >= 0).
template <class T>
void check_loaded_values(std::span<const T> values, const std::filesystem::path& file, std::string_view name,
                         ValueRule rule = ValueRule::finite) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = static_cast<double>(values[i]);
        const std::string where = "tensor '" + std::string(name) + "': element " + std::to_string(i);
        if (std::isnan(v)) throw IoError(file, where + " is NaN; a checkpoint must hold finite values");
        if (std::isinf(v))
            throw IoError(
                file, where + " is " + (v > 0 ? "+Inf" : "-Inf") + "; a checkpoint must hold finite values");
        if (rule == ValueRule::non_negative && v < 0)
            throw IoError(file, where + " is " + std::to_string(v) +
                                    "; a variance (or second moment) must not be negative");
    }
}

}  // namespace ctnn::io
