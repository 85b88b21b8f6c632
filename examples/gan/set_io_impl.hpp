// The definitions of set_io.hpp's templates (included by set_io_arch.cpp and train_cuda.cu).
#pragma once

#include <cstdio>

#include <ctnn/train/checkpoint.hpp>

#include "set_io.hpp"
#include "train_support.hpp"

namespace gan {

template <class GanT>
void load_set(GanT& gan, const CheckpointSet& set, const std::string& resume) {
    using ctnn::io::load_checkpoint;
    const fs::path& g = set.files.at("generator");
    const fs::path& d = set.files.at("discriminator");
    check_member(set, g, load_checkpoint(g, gan.generator(), &gan.generator_optimizer_state()));
    check_member(set, d, load_checkpoint(d, gan.discriminator(), &gan.discriminator_optimizer_state()));
    if (!gan.has_generator_ema()) return;
    if (set.files.count("generator_ema"))
        check_member(set, set.files.at("generator_ema"),
                     load_checkpoint(set.files.at("generator_ema"), gan.sampling_generator()));
    else
        std::printf("%s has no moving average of G: it starts from G now\n", resume.c_str());
}

template <class GanT>
void save_set(GanT& gan, const CheckpointSet& set) {
    using ctnn::io::save_checkpoint;
    const auto info = [&](const char* role) {
        return ctnn::io::CheckpointInfo{set.epoch, set.step, set_metadata(set, role)};
    };
    save_checkpoint(set.files.at("generator"), gan.generator(), info("generator"),
                    &gan.generator_optimizer_state());
    save_checkpoint(set.files.at("discriminator"), gan.discriminator(), info("discriminator"),
                    &gan.discriminator_optimizer_state());
    if (gan.has_generator_ema())
        save_checkpoint(set.files.at("generator_ema"), gan.sampling_generator(), info("generator"));
}

template <class GanT>
void load_generator_weights(GanT& gan, const std::filesystem::path& checkpoint) {
    ctnn::io::load_checkpoint(checkpoint, gan.generator());
}

}  // namespace gan
