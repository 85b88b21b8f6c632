// What the registry (archs.hpp) says about the architectures, for the command line.
#include "archs.hpp"

namespace gan {

std::vector<ArchInfo> arch_infos() {
    return std::apply([](auto... entry) { return std::vector<ArchInfo>{decltype(entry)::info...}; },
                      Registry{});
}

std::vector<std::string> arch_names() {
    std::vector<std::string> names;
    for (const auto& a : arch_infos()) names.push_back(a.name);
    return names;
}

std::size_t arch_index(const std::string& arch) {
    const auto names = arch_names();
    std::string known;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == arch) return i;
        known += (i ? ", " : "") + names[i];
    }
    throw std::invalid_argument("--arch " + arch + ": unknown architecture (" + known + ")");
}

std::string latent_list() {
    std::string text;
    for (std::size_t z : latents) text += (text.empty() ? "" : ", ") + std::to_string(z);
    return text;
}

std::size_t latent_index(std::size_t latent) {
    for (std::size_t i = 0; i < std::size(latents); ++i)
        if (latents[i] == latent) return i;
    throw std::invalid_argument("--latent " + std::to_string(latent) + ": this build has " + latent_list());
}

}  // namespace gan
