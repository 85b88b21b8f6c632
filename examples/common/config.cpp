// The resume check's messages (config.hpp).
#include "config.hpp"

#include <cstdio>

namespace examples {

void report_resume_differences(const std::vector<Mismatch>& mismatches, const std::string& checkpoint) {
    for (const auto& m : mismatches) {
        std::string flag = m.key;
        for (char& c : flag)
            if (c == '_') c = '-';
        if (m.policy == Resume::refuse)
            throw std::runtime_error("--" + flag + " is " + m.now + " but " + checkpoint +
                                     " was trained with " + m.saved +
                                     ": a resumed run cannot change it (start a new run, or resume with --" +
                                     flag + " " + m.saved + ")");
        std::fprintf(
            stderr,
            "warning: --%s is %s but %s was trained with %s; the run will not continue exactly as an "
            "uninterrupted one would\n",
            flag.c_str(), m.now.c_str(), checkpoint.c_str(), m.saved.c_str());
    }
}

nlohmann::json saved_config(const std::string& text) {
    const auto saved = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    return saved.is_object() ? saved : nlohmann::json::object();
}

}  // namespace examples
