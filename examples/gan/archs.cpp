// What the registry (archs.hpp) says about the architectures, for the command line.
#include "archs.hpp"

namespace gan {

std::vector<ArchInfo> arch_infos() {
    return std::apply([](auto... entry) { return std::vector<ArchInfo>{decltype(entry)::info()...}; },
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

std::vector<std::string> loss_names() {
    return AllLosses::names();
}

void check_loss(const std::string& arch, const std::string& loss) {
    const auto infos = arch_infos();
    const ArchInfo& a = infos.at(arch_index(arch));
    std::string takes, others;
    for (const auto& l : a.losses) {
        if (l == loss) return;
        takes += (takes.empty() ? "" : ", ") + l;
    }
    for (const auto& other : infos)
        for (const auto& l : other.losses)
            if (l == loss) others += (others.empty() ? "" : ", ") + std::string(other.name);
    std::string why;
    if (loss == "wgan-gp")
        why =
            "; wgan-gp's gradient penalty is per sample and needs a critic without BatchNorm, "
            "MinibatchStddev or Dropout";
    throw UsageError("--loss " + loss + " with --arch " + arch + ": " + arch + " trains with " + takes + why +
                     (others.empty() ? "" : " (--loss " + loss + " is for --arch " + others + ")"));
}

}  // namespace gan
