// The GAN checkpoint set and its manifest (checkpoint_set.hpp).
#include "checkpoint_set.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include <ctnn/io/safetensors.hpp>
#include <ctnn/train/checkpoint.hpp>

namespace gan {

namespace {

constexpr const char* manifest_format = "ctnn-gan-checkpoint-1";
const char* const roles[] = {"generator", "discriminator", "generator_ema"};

std::string metadata(const ctnn::io::CheckpointInfo& info, const std::string& key) {
    const auto it = info.extra.find(key);
    return it == info.extra.end() ? std::string() : it->second;
}

// The metadata of an older run's file, read as load_checkpoint would return it.
ctnn::io::CheckpointInfo info_of(const fs::path& file) {
    const auto st = ctnn::io::load_safetensors(file);
    ctnn::io::CheckpointInfo info;
    info.extra.insert(st.metadata.begin(), st.metadata.end());
    const auto count = [&](const char* key) {
        const std::string text = metadata(info, key);
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19)
            throw std::runtime_error(file.string() + ": metadata '" + key + "' is not a count: '" + text +
                                     "'");
        return std::stoull(text);
    };
    info.epoch = count("epoch");
    info.step = count("step");
    return info;
}

}  // namespace

CheckpointSet read_checkpoint_set(const fs::path& dir) {
    CheckpointSet set;
    const fs::path manifest = dir / manifest_name;
    if (!fs::exists(manifest)) {  // an older run directory: the familiar names, which must agree
        for (const char* role : roles)
            if (fs::exists(dir / (std::string(role) + ".safetensors")))
                set.files[role] = dir / (std::string(role) + ".safetensors");
        if (!set.files.count("generator") || !set.files.count("discriminator"))
            throw std::runtime_error(
                dir.string() + ": no " + manifest_name +
                " and no generator.safetensors + discriminator.safetensors to resume from");
        const auto g = info_of(set.files["generator"]), d = info_of(set.files["discriminator"]);
        if (g.epoch != d.epoch || g.step != d.step)
            throw std::runtime_error(
                dir.string() + ": generator.safetensors (epoch " + std::to_string(g.epoch) + ", step " +
                std::to_string(g.step) + ") and discriminator.safetensors (epoch " + std::to_string(d.epoch) +
                ", step " + std::to_string(d.step) +
                ") are of different moments (a run killed while saving); cannot resume exactly");
        set.epoch = g.epoch, set.step = g.step;
        set.arch = metadata(g, "gan.arch"), set.latent = metadata(g, "gan.latent"),
        set.config = metadata(g, "config");
        return set;
    }
    std::ifstream in(manifest);
    const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    try {
        if (!j.is_object() || j.value("format", "") != manifest_format)
            throw std::runtime_error(std::string("not a manifest of gan train (format ") + manifest_format +
                                     ")");
        j.at("id").get_to(set.id), j.at("epoch").get_to(set.epoch), j.at("step").get_to(set.step);
        j.at("arch").get_to(set.arch), j.at("latent").get_to(set.latent), j.at("config").get_to(set.config);
        set.epoch_progress = j.value("epoch_progress", "");
        for (const auto& [role, name] : j.at("files").items())
            set.files[role] = dir / name.get<std::string>();
    } catch (const std::exception& e) {
        throw std::runtime_error(manifest.string() + ": " + e.what());
    }
    for (const char* role : {"generator", "discriminator"})
        if (!set.files.count(role))
            throw std::runtime_error(manifest.string() + ": names no " + role + " file");
    for (const auto& [role, file] : set.files)
        if (!fs::exists(file))
            throw std::runtime_error(manifest.string() + ": its " + role + " file " + file.string() +
                                     " is missing");
    return set;
}

void check_member(const CheckpointSet& set, const fs::path& file, const ctnn::io::CheckpointInfo& info) {
    const auto fail = [&](const std::string& what, const std::string& found, const std::string& expected) {
        throw std::runtime_error(file.string() + ": " + what + " " + found + ", but the checkpoint set is " +
                                 expected + " (a file of another save; the run directory was edited)");
    };
    if (!set.id.empty() && metadata(info, "gan.set") != set.id)
        fail("set id", metadata(info, "gan.set"), set.id);
    if (info.epoch != set.epoch) fail("epoch", std::to_string(info.epoch), std::to_string(set.epoch));
    if (info.step != set.step) fail("step", std::to_string(info.step), std::to_string(set.step));
}

CheckpointSet new_checkpoint_set(const examples::RunDir& dir, std::uint64_t epoch, std::uint64_t step) {
    CheckpointSet set;
    const auto now = std::chrono::system_clock::now().time_since_epoch().count();
    char id[64];
    std::snprintf(id, sizeof id, "%06llu-%llx", static_cast<unsigned long long>(step),
                  static_cast<unsigned long long>(now) ^ (static_cast<unsigned long long>(::getpid()) << 40));
    set.id = id, set.epoch = epoch, set.step = step;
    const fs::path sets = dir.subdirectory("checkpoints");
    for (const char* role : roles)
        set.files[role] = sets / (std::string(role) + "." + set.id + ".safetensors");
    return set;
}

void commit_checkpoint_set(const examples::RunDir& dir, const CheckpointSet& set) {
    nlohmann::json files = nlohmann::json::object();
    for (const auto& [role, file] : set.files)
        if (fs::exists(file)) files[role] = fs::relative(file, dir.path()).string();
    dir.write_json(manifest_name, {{"format", manifest_format},
                                   {"id", set.id},
                                   {"epoch", set.epoch},
                                   {"step", set.step},
                                   {"epoch_progress", set.epoch_progress},
                                   {"arch", set.arch},
                                   {"latent", set.latent},
                                   {"config", set.config},
                                   {"files", files}});
    // The familiar names, each replaced atomically by a hard link to the set's file.
    for (const char* role : roles) {
        const fs::path name = dir / (std::string(role) + ".safetensors");
        if (!files.contains(role)) {
            if (fs::exists(fs::symlink_status(name)))
                std::printf("removing %s: this run keeps no moving average of G (--ema 0)\n", name.c_str());
            dir.remove(name);
            continue;
        }
        const fs::path link = name.string() + ".link-" + set.id;
        std::error_code ec;
        fs::create_hard_link(set.files.at(role), link, ec);
        if (!ec) fs::rename(link, name, ec);
        if (ec)
            throw std::runtime_error("cannot point " + name.string() + " at " + set.files.at(role).string() +
                                     ": " + ec.message());
    }
    // Sets no manifest names any more.
    for (const auto& entry : fs::directory_iterator(dir / "checkpoints")) {
        const std::string file = entry.path().filename().string();
        if (file.find("." + set.id + ".") == std::string::npos) fs::remove(entry.path());
    }
}

}  // namespace gan
