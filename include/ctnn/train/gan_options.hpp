// What Gan is configured with and what it reports: GanOptions (label smoothing, instance noise,
// D steps per G step, the learning-rate schedule, the fixed latent batch, initialization, the
// moving average of G), GanStepStats (one iteration), GanEpochStats (one epoch), GanEpochProgress
// (where an interrupted epoch stopped) and the progress callback; and detail::GanShapes, which
// names both shapes when G's output is not D's input (or, conditional, not D's input less the label).
#pragma once

#include <cstddef>
#include <functional>
#include <type_traits>

#include "ctnn/nn/init.hpp"
#include "ctnn/train/schedule.hpp"

namespace ctnn {

struct GanOptions {
    float label_real = 1.0f;         // D's target for real images (0.9: one-sided label smoothing)
    float label_fake = 0.0f;         // D's target for generated images (seed 001 uses 0.1)
    float label_generator = 1.0f;    // G's target for its own images (the non-saturating loss)
    float noise_std = 0.0f;          // instance noise: std of N(0, s) added to every D input ...
    double noise_anneal_epochs = 0;  // ... decaying linearly to 0 over this many epochs (0: constant)
    std::size_t d_steps = 1;         // k: D steps per G step
    // Both learning rates over training (LrSchedule::linear(30): falling to 0 at epoch 30),
    // evaluated every step at the fractional epoch; constant leaves the optimizers' rates alone.
    LrSchedule schedule = LrSchedule::constant();
    std::size_t sample_count = 64;          // the fixed latent batch (progress grids)
    InitScheme init = InitScheme::pytorch;  // both networks' weights (dcgan: N(0, 0.02))
    // Decay of the moving average of G's weights that sampling uses (0: off, sample G itself).
    // 0.999 averages over about the last 1000 G steps; early steps average over fewer, as
    // min(decay, (1 + t) / (10 + t)) after t G steps.
    double generator_ema = 0;
};

struct GanStepStats {
    double d_loss = 0;     // D's loss on the real plus on the generated images
    double g_loss = 0;     // G's loss (BCE(D(G(z)), label_generator), or -D(G(z))); 0 without a G step
    double d_real = 0;     // mean D(x): a probability under BCE, the raw critic value otherwise
    double d_fake = 0;     // mean D(G(z)) before D's step (the same)
    bool g_step = false;   // whether this iteration also stepped G (every d_steps-th)
    bool skipped = false;  // a NaN/Inf was met and NonFinitePolicy::skip dropped a step
};

struct GanEpochStats {
    std::size_t epoch = 0;                                  // 0-based index of the epoch just trained
    double d_loss = 0, g_loss = 0, d_real = 0, d_fake = 0;  // means over the epoch's steps
    double noise_std = 0;                                   // instance noise std at the epoch's start
    double seconds = 0;
    double images_per_second = 0;
    std::size_t d_steps = 0, g_steps = 0, skipped_steps = 0;
    bool complete = true;  // false: the stop flag ended the epoch early (the figures so far)
};

// How far an interrupted epoch got, with its running sums, so that finishing it later gives
// the figures an uninterrupted epoch would have.
struct GanEpochProgress {
    std::size_t batches = 0;  // iterations of the epoch trained (0: at an epoch boundary)
    std::size_t seen = 0, d_steps = 0, g_steps = 0, skipped = 0;
    double d_loss = 0, g_loss = 0, d_real = 0, d_fake = 0;  // sums over the steps
    double seconds = 0;                                     // training time spent on them
};

// Called every few iterations: real images done, total, the epoch's running means.
using GanProgressCallback = std::function<void(std::size_t, std::size_t, const GanEpochStats&)>;

namespace detail {
// Where a conditional D finds the label: 0 when D's input is G's output plus Classes values
// per sample (a flat D: one-hot appended), H W when it is (C + Classes, H, W) for G's (C, H, W)
// (one constant label plane per class); never for other shapes.
template <class GeneratorOut, class DiscriminatorIn, std::size_t Classes>
constexpr std::size_t label_spread() {
    if constexpr (DiscriminatorIn::rank == 1) {
        return DiscriminatorIn::size == GeneratorOut::size + Classes ? 1 : 0;
    } else if constexpr (DiscriminatorIn::rank == 3 && GeneratorOut::rank == 3) {
        constexpr auto g = GeneratorOut::dims, d = DiscriminatorIn::dims;
        return d[0] == g[0] + Classes && d[1] == g[1] && d[2] == g[2] ? g[1] * g[2] : 0;
    } else {
        return 0;
    }
}

// Gan's (empty) base: its name in the error shows both shapes, GanShapes<G output, D input,
// Classes>.
template <class GeneratorOut, class DiscriminatorIn, std::size_t Classes = 0>
struct GanShapes {
    static_assert(Classes > 0 || std::is_same_v<GeneratorOut, DiscriminatorIn>,
                  "Gan: the generator's output shape must equal the discriminator's input shape");
    static_assert(
        Classes == 0 || label_spread<GeneratorOut, DiscriminatorIn, Classes>() > 0,
        "ConditionalGan: the discriminator's input must be the generator's output (C, H, W) with one "
        "plane per class appended, (C + Classes, H, W), or for a flat discriminator the output's size "
        "plus Classes");
};
}  // namespace detail

}  // namespace ctnn
