// `gan train`: the architecture and loss (from the flags, or the checkpoint set of --resume), the
// check that the architecture trains with that loss, its defaults from the registry for every flag
// not given (and wgan-gp's recipe), the device, and the trainer of that (architecture, latent
// size) on the CPU (train_arch.cpp, one translation unit each) or the GPU.
#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <ctnn/backend/threads.hpp>

#include "../common/config.hpp"
#include "../common/device.hpp"
#include "archs.hpp"
#include "checkpoint_set.hpp"

namespace gan {

namespace {

bool given(const std::vector<std::string>& flags, const char* flag) {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

void set_arch_defaults(TrainConfig& c, const std::vector<std::string>& flags) {
    const ArchDefaults d = arch_infos().at(arch_index(c.arch)).defaults;  // a copy: the list is a temporary
    if (!given(flags, "--batch")) c.batch = d.batch;
    if (!given(flags, "--lr-g")) c.lr_g = d.lr_g;
    if (!given(flags, "--lr-d")) c.lr_d = d.lr_d;
    if (!given(flags, "--latent")) c.latent = d.latent;
    if (!given(flags, "--label-real")) c.label_real = d.label_real;
    if (!given(flags, "--label-fake")) c.label_fake = d.label_fake;
    if (!given(flags, "--noise")) c.noise = d.noise;
    if (!given(flags, "--init")) c.init = d.init;
    if (c.loss == "wgan-gp") {  // the recipe of Gulrajani et al. 2017: 5 critic steps, Adam(1e-4, 0, 0.9)
        if (!given(flags, "--d-steps")) c.d_steps = 5;
        if (!given(flags, "--beta1")) c.beta1 = 0;
        if (!given(flags, "--beta2")) c.beta2 = 0.9;
        if (!given(flags, "--lr-g")) c.lr_g = 1e-4;
        if (!given(flags, "--lr-d")) c.lr_d = 1e-4;
    } else if (given(flags, "--gp-lambda")) {
        throw UsageError("--gp-lambda is the gradient penalty's weight of --loss wgan-gp, not of --loss " +
                         c.loss);
    }
}

// A count in a checkpoint's metadata ("100"), naming where it came from when it is not one.
std::size_t parse_latent(const std::string& text, const std::string& source) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        throw std::runtime_error(source + ": the latent size '" + text + "' is not a number");
    return std::stoul(text);
}

int train_cpu_any(const TrainConfig& tc) {
    return with_entry(tc.arch, tc.latent, [&]<std::size_t I, std::size_t Z>() {
        return with_loss<std::tuple_element_t<I, Registry>>(
            tc.loss, [&]<std::size_t K>() { return train_cpu<I, Z, K>(tc); });
    });
}

}  // namespace

int train_command(TrainConfig tc, const std::vector<std::string>& flags) {
    std::size_t resumed_latent = 0;
    if (!tc.common.resume.empty()) {  // a resumed run keeps the checkpoint's architecture and latent size
        const CheckpointSet set = read_checkpoint_set(tc.common.resume);
        const std::string source = set.id.empty() ? tc.common.resume + "/generator.safetensors"
                                                  : tc.common.resume + "/" + manifest_name;
        if (given(flags, "--arch") && set.arch != tc.arch)
            throw std::runtime_error("--arch " + tc.arch + " but " + tc.common.resume + " holds a " +
                                     set.arch + " GAN (" + source + ")");
        arch_index(set.arch);  // throws for an architecture this build does not know
        tc.arch = set.arch;
        resumed_latent = parse_latent(set.latent, source);
        const auto saved = examples::saved_config(set.config);  // a run of an older gan: bce
        const std::string loss = saved.contains("loss") && saved["loss"].is_string()
                                     ? saved["loss"].get<std::string>()
                                     : std::string("bce");
        if (given(flags, "--loss") && loss != tc.loss)
            throw std::runtime_error("--loss " + tc.loss + " but " + tc.common.resume +
                                     " was trained with --loss " + loss + " (" + source + ")");
        tc.loss = loss;
        if (given(flags, "--latent") && resumed_latent != tc.latent)
            throw std::runtime_error("--latent " + std::to_string(tc.latent) + " but " + tc.common.resume +
                                     " holds latent size " + set.latent + " (" + source + ")");
    }
    check_loss(tc.arch, tc.loss);
    set_arch_defaults(tc, flags);
    if (resumed_latent) tc.latent = resumed_latent;
    latent_index(tc.latent);
    ctnn::set_num_threads(tc.common.threads);
    tc.common.threads = ctnn::get_num_threads();  // recorded as the count used
    return examples::run_on_device(tc, tc.common.device, train_cpu_any, CTNN_EXAMPLES_CUDA_ENTRY(train_cuda));
}

}  // namespace gan
