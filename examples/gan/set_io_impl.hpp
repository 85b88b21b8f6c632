// The definitions of set_io.hpp's templates (included by set_io_arch.cpp and train_cuda.cu).
#pragma once

#include <cstdio>

#include <ctnn/train/checkpoint.hpp>

#include "set_io.hpp"
#include "train_support.hpp"

namespace gan {

template <class GM, class DM, class Opt>
void load_set(GM& g, DM& d, Opt& opt_g, Opt& opt_d, GM* ema, const CheckpointSet& set,
              const std::string& resume) {
    using ctnn::io::load_checkpoint;
    const fs::path& g_file = set.files.at("generator");
    const fs::path& d_file = set.files.at("discriminator");
    check_member(set, g_file, load_checkpoint(g_file, g, &opt_g));
    check_member(set, d_file, load_checkpoint(d_file, d, &opt_d));
    if (!ema) return;
    if (set.files.count("generator_ema"))
        check_member(set, set.files.at("generator_ema"),
                     load_checkpoint(set.files.at("generator_ema"), *ema));
    else
        std::printf("%s has no moving average of G: it starts from G now\n", resume.c_str());
}

template <class GM, class DM, class Opt>
void save_set(GM& g, DM& d, Opt& opt_g, Opt& opt_d, GM* ema, const CheckpointSet& set) {
    using ctnn::io::save_checkpoint;
    const auto info = [&](const char* role) {
        return ctnn::io::CheckpointInfo{set.epoch, set.step, set_metadata(set, role)};
    };
    save_checkpoint(set.files.at("generator"), g, info("generator"), &opt_g);
    save_checkpoint(set.files.at("discriminator"), d, info("discriminator"), &opt_d);
    if (ema) save_checkpoint(set.files.at("generator_ema"), *ema, info("generator"));
}

template <class GM>
void load_generator_weights(GM& g, const std::filesystem::path& checkpoint) {
    ctnn::io::load_checkpoint(checkpoint, g);
}

}  // namespace gan
