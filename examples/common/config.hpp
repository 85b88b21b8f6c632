// A program's configuration to and from JSON, and the resume check, written once for every
// example: to_json, from_json and differences read the list of settings a configuration struct
// gives in its static visit(self, v) (settings.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "settings.hpp"

namespace examples {

template <class Config>
nlohmann::json to_json(const Config& config) {
    nlohmann::json j = nlohmann::json::object();
    Config::visit(config, [&](const char* key, const auto& value, Resume) { j[key] = value; });
    return j;
}

// The settings a checkpoint's configuration holds, read back into `config` (keys it lacks keep
// their values). Throws naming the key when a value has the wrong type.
template <class Config>
void from_json(const nlohmann::json& j, Config& config, const std::string& source) {
    Config::visit(config, [&](const char* key, auto& value, Resume) {
        if (!j.contains(key)) return;
        try {
            j.at(key).get_to(value);
        } catch (const nlohmann::json::exception&) {
            throw std::runtime_error(source + ": setting '" + key + "' is " + j.at(key).dump() +
                                     ", not a value of the expected type");
        }
    });
}

// A mismatch between the run's settings and those a checkpoint was trained with.
struct Mismatch {
    std::string key, now, saved;
    Resume policy;
};

// The settings of `now` that differ from `saved` (a checkpoint's configuration), except those
// `skip` names (a setting that does not matter for this run, e.g. --epochs under a constant rate).
template <class Config>
std::vector<Mismatch> differences(const Config& now, const nlohmann::json& saved,
                                  const std::vector<std::string>& skip = {}) {
    std::vector<Mismatch> out;
    const nlohmann::json current = to_json(now);
    Config::visit(now, [&](const char* key, const auto&, Resume policy) {
        if (policy == Resume::ignore || !saved.contains(key) || saved[key] == current[key]) return;
        for (const auto& s : skip)
            if (s == key) return;
        out.push_back({key, current[key].dump(), saved[key].dump(), policy});
    });
    return out;
}

// Refuses (throws) on a Resume::refuse mismatch, warns on stderr for a Resume::warn one; each
// message names the setting (as its flag), both values and the checkpoint.
void report_resume_differences(const std::vector<Mismatch>& mismatches, const std::string& checkpoint);

// The "config" metadata of a checkpoint as JSON (an object; empty when absent or unreadable).
nlohmann::json saved_config(const std::string& text);

}  // namespace examples
