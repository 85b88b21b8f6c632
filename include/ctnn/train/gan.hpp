// Gan<G, D, Loss, OptG, OptD, Backend>: trains a generator G (latent (Z) -> image) against a
// discriminator D (image -> one logit or critic value). The game is the loss's:
//   BCEWithLogits (default, non-saturating): D minimises BCE(D(x), real target) + BCE(D(G(z)),
//     fake target), G minimises BCE(D(G(z)), 1); one-sided label smoothing through the targets;
//   Hinge: D minimises relu(1 - D(x)) + relu(1 + D(G(z))), G minimises -D(G(z));
//   Wasserstein: D minimises D(G(z)) - D(x), G minimises -D(G(z)).
// Separate optimizers, instance noise on D's inputs with a linearly decaying std, k D steps per
// G step, one learning-rate schedule for both (GanOptions::schedule), a fixed latent batch for
// progress grids (train/gan_options.hpp). fit_batch is one iteration: a D step and every k-th
// time a G step, each an OptimizationStep (train/step.hpp: hooks, the NaN/Inf check, one
// device-to-host read); fit_epoch is one shuffled pass; both report D loss, G loss, D(x) and
// D(G(z)) (probabilities under BCE, raw critic values otherwise). With options.generator_ema > 0
// a ModelAverage of G follows G after every G step, and generate() and sample_fixed() draw from
// it. Buffers are sized on the first batch: a steady-state iteration allocates nothing.
// ConditionalGan<G, D, Classes, ...> (Classes > 0): G takes a latent and a one-hot digit
// (Input<Z + Classes>), D the image with the label appended (label planes (C + Classes, H, W),
// or Classes values after a flat image); real images come with their labels, generated ones
// with labels drawn uniformly, and generate() takes the labels to draw.
// For data-parallel training (dist/gan.hpp) set_data_share makes it one rank: its part of
// every global batch, its own draws.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "ctnn/backend/cpu/blas.hpp"
#include "ctnn/backend/train_ops.hpp"
#include "ctnn/core/random.hpp"
#include "ctnn/data/batches.hpp"
#include "ctnn/data/dataset.hpp"
#include "ctnn/losses/bce.hpp"
#include "ctnn/losses/critic.hpp"
#include "ctnn/nn/model.hpp"
#include "ctnn/optim/adam.hpp"
#include "ctnn/optim/one_of.hpp"
#include "ctnn/train/gan_noise.hpp"
#include "ctnn/train/gan_options.hpp"
#include "ctnn/train/gradient_penalty.hpp"
#include "ctnn/train/model_average.hpp"
#include "ctnn/train/schedule.hpp"
#include "ctnn/train/step.hpp"

namespace ctnn {

namespace detail {
// The loss a GAN's generator minimises: Loss::generator_loss where the loss names one (the hinge
// game's generator minimises -D(G(z))), else Loss itself.
template <class Loss>
struct GeneratorLoss {
    using type = Loss;
    static constexpr bool signed_targets = false;
    static type make(const Loss& loss) { return loss; }
};
template <class Loss>
inline constexpr bool has_gradient_penalty_v = requires {
    requires Loss::gradient_penalty;
};
struct NoGradientPenalty {};
template <class Loss>
requires requires {
    typename Loss::generator_loss;
}
struct GeneratorLoss<Loss> {
    using type = typename Loss::generator_loss;
    static constexpr bool signed_targets = Loss::signed_targets;
    static type make(const Loss& loss) { return type{loss.reduction}; }
};
}  // namespace detail

template <class G, class D, class Loss = BCEWithLogits, class OptG = Adam, class OptD = Adam,
          Backend B = cpu::Blas, std::size_t Classes = 0>
class Gan : detail::GanShapes<typename G::output_shape, typename D::input_shape, Classes> {
    static_assert(is_sequential<G>::value && is_sequential<D>::value,
                  "Gan<G, D, ...>: G and D must be Sequential<Input<...>, ...> architectures");
    static_assert(G::input_shape::rank == 1,
                  "Gan: the generator's input must be a flat latent vector Shape<Z>");
    static_assert(
        std::is_same_v<typename D::output_shape, Shape<1>>,
        "Gan: the discriminator must end in Shape<1>, one logit per image (use Dense<1>, no Sigmoid, "
        "with BCEWithLogits)");
    static_assert(Classes == 0 || G::input_shape::size > Classes,
                  "ConditionalGan: the generator's input must hold the latent and the one-hot label, "
                  "Input<Latent + Classes>");

  public:
    using generator_model = Model<G, B>;
    using discriminator_model = Model<D, B>;
    using T = typename B::value_type;
    using generator_optimizer = typename OptG::template impl<B>;
    using discriminator_optimizer = typename OptD::template impl<B>;
    using loss_type = typename Loss::template bind<typename D::output_shape>::template impl<B>;
    using generator_loss = typename detail::GeneratorLoss<Loss>::type;
    using generator_loss_type =
        typename generator_loss::template bind<typename D::output_shape>::template impl<B>;
    using target_type = typename Loss::target_type;
    // Hinge and Wasserstein take targets +1 (real) and -1 (fake); BCE takes labels in [0, 1].
    static constexpr bool signed_targets = detail::GeneratorLoss<Loss>::signed_targets;
    // WassersteinGP: the critic's step carries the gradient penalty (train/gradient_penalty.hpp).
    static constexpr bool penalized = detail::has_gradient_penalty_v<Loss>;
    // D's device scalars: its losses (real, fake, the gradient penalty when there is one), then
    // the sums of D(x) and D(G(z)).
    static constexpr std::size_t loss_real = 0, loss_fake = 1, penalty = 2, d_losses = penalized ? 3 : 2,
                                 prob_real = d_losses, prob_fake = d_losses + 1;
    static constexpr std::size_t classes = Classes;
    static constexpr bool conditional = Classes > 0;
    static constexpr std::size_t latent_size = G::input_shape::size - Classes;
    static constexpr std::size_t image_size = G::output_shape::size;
    static constexpr std::size_t discriminator_input_size = D::input_shape::size;
    // Values per class of the label appended to D's input (an image's plane, or 1 for a flat D).
    static constexpr std::size_t label_spread =
        conditional ? detail::label_spread<typename G::output_shape, typename D::input_shape, Classes>() : 0;

    Gan(OptG opt_g, OptD opt_d, std::uint64_t seed = 0, GanOptions options = {}, Loss loss = {})
        : m_g(seed, options.init),
          m_d(seed + 1, options.init),
          m_opt_g(opt_g, G::param_count),
          m_opt_d(opt_d, D::param_count),
          m_loss(loss),
          m_g_loss(detail::GeneratorLoss<Loss>::make(loss)),
          m_loss_config(loss),
          m_options(options),
          m_seed(seed),
          m_base_lr_g(learning_rate(opt_g)),
          m_base_lr_d(learning_rate(opt_d)),
          m_latent_rng(latent_seed(0)) {
        check_options(options);
        if constexpr (penalized)
            m_d_step.add_hook([this](const GradientView<B>& view) {
                m_penalty.add(m_d, m_real.data(), m_fake.data(), m_batch,
                              static_cast<T>(m_loss_config.lambda), static_cast<T>(m_loss_config.step),
                              detail::dropout_key(m_seed ^ 0x6E7A1ull, m_step), view.sums + penalty);
            });
        if (options.generator_ema > 0) m_g_average.emplace(m_g);
        Rng fixed(seed ^ 0xF17EDB47C4ull);  // the progress grid's latents: fixed by the seed alone
        m_fixed_z.resize(options.sample_count * latent_size);
        for (auto& z : m_fixed_z) z = static_cast<T>(fixed.normal());
        if constexpr (conditional) {  // row r of a Classes-row grid draws digit r
            m_fixed_labels.resize(options.sample_count);
            for (std::size_t i = 0; i < options.sample_count; ++i)
                m_fixed_labels[i] = static_cast<std::int32_t>(i * Classes / options.sample_count);
        }
    }

    // One iteration on n real images (host memory, n x image_size): a D step, and a G step
    // when this is the d_steps-th D step; each an OptimizationStep (train/step.hpp), whose hooks
    // discriminator_step() and generator_step() hold. Needs n >= 2 when a network has BatchNorm.
    // global_n: under data-parallel training, the global batch these n images are a share of (the
    // D step's hook sums the D(x) and D(G(z)) sums over the ranks); 0: n.
    GanStepStats fit_batch(const float* images, std::size_t n,
                           std::size_t global_n = 0) requires(!conditional) {
        return iterate(images, nullptr, n, global_n);
    }
    // The same for a conditional GAN: the images' labels (host, n values in [0, Classes)).
    GanStepStats fit_batch(const float* images, const std::int32_t* labels, std::size_t n,
                           std::size_t global_n = 0) requires conditional {
        check_labels(labels, n, "ConditionalGan: sample ", " of the batch");
        return iterate(images, labels, n, global_n);
    }

  private:
    GanStepStats iterate(const float* images, const std::int32_t* labels, std::size_t n,
                         std::size_t global_n) {
        reserve(n);
        m_batch = n;
        GanStepStats stats;
        const T noise = static_cast<T>(noise_std());
        ++m_step;
        if (scheduled()) {  // else the optimizers' rates are left as they are
            set_learning_rate(m_opt_g, static_cast<float>(m_options.schedule.rate(m_base_lr_g, m_progress)));
            set_learning_rate(m_opt_d, static_cast<float>(m_options.schedule.rate(m_base_lr_d, m_progress)));
        }
        m_g.train();
        m_d.train();
        const auto context = [this] {
            return "GAN iteration " + std::to_string(m_step) + " (epoch " + std::to_string(m_epoch + 1) + ")";
        };

        // D step: real images, then G(z) (G's gradients are not needed here).
        if constexpr (conditional) {
            B::from_host(labels, m_real_labels.data(), n);
            B::from_host(images, m_staging.data(), n * image_size);
        } else {
            B::from_host(images, m_real.data(), n * image_size);
        }
        to_discriminator_input(m_real_labels.data(), m_real.data(), n, noise, noise_key(0));
        draw_latents(n);
        B::copy(m_g.forward(m_z.data(), n), conditional ? m_staging.data() : m_fake.data(), n * image_size);
        to_discriminator_input(m_fake_labels.data(), m_fake.data(), n, noise, noise_key(1));
        const auto d = m_d_step.run(
            m_d, m_opt_d,
            [&](auto& step) {
                const T* logits = m_d.forward(m_real.data(), n);
                m_loss.compute_on_device(logits, m_targets_real.data(), m_dlogits.data(), n,
                                         step.sum(loss_real));
                output_sum(logits, n, step.scratch(), step.sum(prob_real));
                m_d.backward(m_dlogits.data());
                logits = m_d.forward(m_fake.data(), n);
                m_loss.compute_on_device(logits, m_targets_fake.data(), m_dlogits.data(), n,
                                         step.sum(loss_fake));
                output_sum(logits, n, step.scratch(), step.sum(prob_fake));
                m_d.backward(m_dlogits.data());
            },
            context);
        stats.d_loss = d.loss;
        const auto images_seen = static_cast<double>(global_n ? global_n : n);
        stats.d_real = static_cast<double>(d.sums[prob_real]) / images_seen;
        stats.d_fake = static_cast<double>(d.sums[prob_fake]) / images_seen;
        stats.skipped = d.skipped;
        if (++m_d_step_count % m_options.d_steps != 0) return stats;

        // G step: D's gradient w.r.t. its input flows into G; D's own weight gradients are not
        // computed (backward_input) and whatever D's gradient buffer holds is zeroed before its
        // next step.
        const auto g = m_g_step.run(
            m_g, m_opt_g,
            [&](auto& step) {
                draw_latents(n);
                B::copy(m_g.forward(m_z.data(), n), conditional ? m_staging.data() : m_fake.data(),
                        n * image_size);
                to_discriminator_input(m_fake_labels.data(), m_fake.data(), n, noise, noise_key(2));
                const T* logits = m_d.forward(m_fake.data(), n);
                m_g_loss.compute_on_device(logits, m_targets_gen.data(), m_dlogits.data(), n, step.sum(0));
                if constexpr (conditional) {  // the label's part of D's input gradient stays behind
                    m_d.backward_input(m_dlogits.data(), m_dinput.data());
                    B::take_columns(m_dinput.data(), n, discriminator_input_size, image_size, m_dfake.data());
                } else {
                    m_d.backward_input(m_dlogits.data(), m_dfake.data());
                }
                m_g.backward(m_dfake.data());
            },
            context);
        stats.g_loss = g.loss;
        stats.g_step = true;
        stats.skipped = stats.skipped || g.skipped;
        if (!g.skipped && m_g_average) m_g_average->update(m_g, m_options.generator_ema, m_opt_g.steps());
        return stats;
    }

  public:
    // One shuffled pass over `train` (order fixed by seed and epoch); the last short batch is
    // dropped (BatchNorm needs full batches). Latents are drawn from a stream of (seed, epoch),
    // so a resumed run draws what an uninterrupted one would. When the stop flag is raised it
    // returns after the iteration in progress with complete = false and the position kept
    // (epoch_progress()); the next call, or one on a trainer restored to that moment (weights,
    // optimizer states, step, set_epoch_progress), finishes the epoch as if never stopped.
    GanEpochStats fit_epoch(const data::Dataset& train, std::size_t batch_size,
                            const GanProgressCallback& progress = {}) {
        if constexpr (conditional)
            check_labels(train.labels.data(), train.size(), "ConditionalGan: image ", " of the training set");
        if (train.sample_size() != image_size)
            throw std::invalid_argument("Gan: images hold " + std::to_string(train.sample_size()) +
                                        " values but the discriminator's input " +
                                        D::input_shape::to_string() + " needs " + std::to_string(image_size));
        batch_size = std::min(batch_size, train.size());
        if (batch_size < 2) throw std::invalid_argument("Gan: an epoch needs at least 2 images per batch");
        if (data::share_range(batch_size, m_share).size() < 2 && batch_size >= std::size_t(m_share.ranks))
            throw std::invalid_argument("Gan: a global batch of " + std::to_string(batch_size) +
                                        " leaves rank " + std::to_string(m_share.rank) + " of " +
                                        std::to_string(m_share.ranks) + " fewer than 2 images");
        GanEpochStats stats;
        stats.epoch = m_epoch;
        m_progress = static_cast<double>(m_epoch);
        stats.noise_std = noise_std();
        data::Batches batches(train, batch_size, m_seed, /*shuffle=*/true, /*drop_last=*/true, m_share);
        batches.start_epoch(m_epoch);
        const std::size_t per_epoch = batches.batches_per_epoch(), total = per_epoch * batch_size;
        GanEpochProgress& done = m_epoch_progress;
        skip_trained_batches(batches);
        const auto start = std::chrono::steady_clock::now();
        const auto update = [&] {
            const double d = static_cast<double>(std::max<std::size_t>(done.d_steps, 1));
            stats.d_loss = done.d_loss / d, stats.d_real = done.d_real / d, stats.d_fake = done.d_fake / d;
            stats.g_loss = done.g_loss / static_cast<double>(std::max<std::size_t>(done.g_steps, 1));
            stats.d_steps = done.d_steps, stats.g_steps = done.g_steps, stats.skipped_steps = done.skipped;
            stats.seconds = done.seconds +
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            stats.images_per_second = static_cast<double>(done.seen) / std::max(stats.seconds, 1e-9);
        };
        while (!stop_requested() && batches.next()) {
            m_progress = static_cast<double>(m_epoch) +
                         static_cast<double>(done.batches++) / static_cast<double>(per_epoch);
            const GanStepStats step = iterate(batches.images(), conditional ? batches.labels() : nullptr,
                                              batches.size(), batches.global_size());
            done.seen += batches.global_size();
            done.skipped += step.skipped;
            if (std::isfinite(step.d_loss))
                done.d_loss += step.d_loss, done.d_real += step.d_real, done.d_fake += step.d_fake;
            ++done.d_steps;
            if (step.g_step && std::isfinite(step.g_loss)) done.g_loss += step.g_loss;
            done.g_steps += step.g_step;
            if (progress && (done.batches % 20 == 0 || done.seen == total)) {
                update();
                progress(done.seen, total, stats);
            }
        }
        update();
        stats.complete = done.batches >= per_epoch;
        if (!stats.complete) {
            done.seconds = stats.seconds;
            return stats;
        }
        done = {};
        ++m_epoch;
        m_progress = static_cast<double>(m_epoch);
        return stats;
    }

    // fit_epoch returns early once *flag is true (a signal handler may set it); null: never.
    void set_stop_flag(const std::atomic<bool>* flag) { m_stop = flag; }
    bool stop_requested() const { return m_stop && m_stop->load(std::memory_order_relaxed); }
    // Where the epoch in progress stopped (batches == 0: at an epoch boundary), for checkpoints.
    const GanEpochProgress& epoch_progress() const { return m_epoch_progress; }
    void set_epoch_progress(const GanEpochProgress& progress) { m_epoch_progress = progress; }

    // Data-parallel training (dist/gan.hpp sets it): this trainer is rank share.rank of
    // share.ranks. fit_epoch then trains on its part of every global batch of the one shuffle of
    // (seed, epoch) and counts the global batches' images; latents, instance noise and Dropout
    // masks come from this rank's own streams (rank_seed(seed, rank): rank 0 draws what a single
    // process draws; the Dropout counters are kept). The steps' hooks must average the gradients
    // and sum the D step's probability sums over the ranks (dist::GradientAllreduce does both).
    void set_data_share(data::Share share) {
        if (share.ranks < 1 || share.rank < 0 || share.rank >= share.ranks)
            throw std::invalid_argument("Gan::set_data_share: rank " + std::to_string(share.rank) + " of " +
                                        std::to_string(share.ranks));
        m_share = share;
        const auto reseed = [&](auto& model, std::uint64_t seed) {
            const std::vector<std::uint64_t> counters = model.counters();
            model.seed_layers(rank_seed(seed, share.rank));
            model.set_counters(counters);
        };
        reseed(m_g, m_seed);
        reseed(m_d, m_seed + 1);
        m_latent_rng = Rng(latent_seed(0));  // as constructed (fit_epoch restarts it per epoch)
    }
    data::Share data_share() const { return m_share; }

    // The sampling generator (the moving average when on, else G) in eval mode on n latents z
    // (host, n x Z) -> images (host, n x image_size); its mode is restored afterwards. Generate
    // in chunks: the buffers grow to the largest n asked for. Mode::train samples as PyTorch
    // code that never calls G.eval() does: BatchNorm normalises with the n images' own statistics.
    void generate(const T* z, std::size_t n, T* images, Mode mode = Mode::eval) requires(!conditional) {
        sample(z, nullptr, n, images, mode);
    }
    // The same for a conditional GAN: the digit of each image (host, n values in [0, Classes)).
    void generate(const T* z, const std::int32_t* labels, std::size_t n, T* images,
                  Mode mode = Mode::eval) requires conditional {
        check_labels(labels, n, "ConditionalGan::generate: image ", "");
        sample(z, labels, n, images, mode);
    }

    // The images of the fixed latent batch (options.sample_count x image_size, host); for a
    // conditional GAN its rows of the grid draw the digits in order (fixed_labels()).
    void sample_fixed(std::vector<T>& images) {
        images.resize(m_fixed_z.size() / latent_size * image_size);
        sample(m_fixed_z.data(), conditional ? m_fixed_labels.data() : nullptr,
               m_fixed_z.size() / latent_size, images.data());
    }
    const std::vector<std::int32_t>& fixed_labels() const { return m_fixed_labels; }

    // The instance noise std now: options.noise_std decayed linearly over noise_anneal_epochs.
    double noise_std() const {
        const double s = m_options.noise_std;
        if (m_options.noise_anneal_epochs <= 0) return s;
        return s * std::max(0.0, 1.0 - m_progress / m_options.noise_anneal_epochs);
    }

    // The factor the schedule puts on both base learning rates now (1 when constant).
    double learning_rate_scale() const { return m_options.schedule.rate(1.0, m_progress); }
    bool scheduled() const {
        return m_options.schedule.kind != LrSchedule::Kind::constant || m_options.schedule.warmup_epochs > 0;
    }

    generator_model& generator() { return m_g; }
    // The moving average of G's weights (options.generator_ema > 0), else G itself.
    generator_model& sampling_generator() { return m_g_average ? m_g_average->model() : m_g; }
    bool has_generator_ema() const { return m_g_average.has_value(); }
    discriminator_model& discriminator() { return m_d; }
    generator_optimizer& generator_optimizer_state() { return m_opt_g; }
    discriminator_optimizer& discriminator_optimizer_state() { return m_opt_d; }
    const GanOptions& options() const { return m_options; }
    // Turning generator_ema on starts the average from G's weights now; turning it off drops it.
    void set_options(const GanOptions& options) {
        if (options.sample_count != m_options.sample_count)
            throw std::invalid_argument("Gan::set_options: sample_count is fixed at construction");
        check_options(options);
        m_options = options;
        if (options.generator_ema <= 0)
            m_g_average.reset();
        else if (!m_g_average)
            m_g_average.emplace(m_g);
        fill_targets();
    }
    const std::vector<T>& fixed_latents() const { return m_fixed_z; }
    void set_non_finite_policy(NonFinitePolicy policy) {
        m_d_step.set_non_finite_policy(policy);
        m_g_step.set_non_finite_policy(policy);
    }
    // The two optimization steps, where hooks (gradient sync, penalties) go.
    OptimizationStep<B, d_losses + 2>& discriminator_step() { return m_d_step; }
    OptimizationStep<B, 1>& generator_step() { return m_g_step; }

    std::size_t epoch() const { return m_epoch; }  // epochs completed
    void set_epoch(std::size_t epoch) {
        m_epoch = epoch;
        m_progress = static_cast<double>(epoch);
    }
    std::uint64_t step() const { return m_step; }  // iterations (D steps) taken
    void set_step(std::uint64_t step) {
        m_step = step;
        m_d_step_count = step;
    }
    std::uint64_t seed() const { return m_seed; }
    std::size_t skipped_steps() const { return m_d_step.skipped_steps() + m_g_step.skipped_steps(); }

  private:
    void sample(const T* z, const std::int32_t* labels, std::size_t n, T* images, Mode mode = Mode::eval) {
        if (n == 0) return;
        reserve_sampling(n);
        generator_model& g = sampling_generator();
        const Mode saved = g.mode();
        g.set_mode(mode);
        if constexpr (conditional) {
            B::from_host(z, m_sample_latent.data(), n * latent_size);
            B::from_host(labels, m_sample_labels.data(), n);
            B::append_one_hot(m_sample_latent.data(), m_sample_labels.data(), n, latent_size, Classes, 1,
                              m_sample_z.data());
        } else {
            B::from_host(z, m_sample_z.data(), n * latent_size);
        }
        B::to_host(g.forward(m_sample_z.data(), n), images, n * image_size);
        g.set_mode(saved);
    }
    // Refuses a label outside [0, Classes): "<what><i><where> has label <l>, outside the ...".
    static void check_labels(const std::int32_t* labels, std::size_t n, const char* what, const char* where) {
        for (std::size_t i = 0; i < n; ++i)
            if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= Classes)
                throw std::invalid_argument(what + std::to_string(i) + where + " has label " +
                                            std::to_string(labels[i]) + ", outside the " +
                                            std::to_string(Classes) + " classes (0 to " +
                                            std::to_string(Classes - 1) + ")");
    }
    // Noise on the n images in m_staging (conditional) or already in out, then (conditional) the
    // labels appended: D's input in out.
    void to_discriminator_input(const std::int32_t* labels, T* out, std::size_t n, T noise,
                                std::uint64_t key) {
        if constexpr (conditional) {
            add_gaussian_noise<B>(m_staging.data(), n * image_size, noise, key);
            B::append_one_hot(m_staging.data(), labels, n, image_size, Classes, label_spread, out);
        } else {
            (void)labels;
            add_gaussian_noise<B>(out, n * image_size, noise, key);
        }
    }

    static void check_options(const GanOptions& options) {
        if (signed_targets &&
            (options.label_real != 1.0f || options.label_fake != 0.0f || options.label_generator != 1.0f))
            throw std::invalid_argument(
                std::string("Gan: label smoothing (label_real, label_fake, label_generator) ") +
                "applies to BCE; the " + Loss::name + " loss takes targets +1 and -1");
        if (options.d_steps == 0)
            throw std::invalid_argument("Gan: d_steps (D steps per G step) must be >= 1");
        if (!(options.schedule.total_epochs >= 0) || !(options.schedule.warmup_epochs >= 0))
            throw std::invalid_argument("Gan: the schedule's total_epochs and warmup_epochs must be >= 0");
        if (!(options.generator_ema >= 0 && options.generator_ema < 1))
            throw std::invalid_argument("Gan: generator_ema (a decay) must be in [0, 1), not " +
                                        std::to_string(options.generator_ema));
    }
    // The seed of this rank's draws (latents, instance noise): m_seed on rank 0 and in one process.
    std::uint64_t draw_seed() const { return rank_seed(m_seed, m_share.rank); }
    std::uint64_t latent_seed(std::uint64_t stream) const {
        return detail::dropout_key(draw_seed() ^ 0x1A7E47ull, stream);
    }
    std::uint64_t noise_key(std::uint64_t which) const {
        return detail::dropout_key(draw_seed() ^ 0x401CEull, m_step * 3 + which);
    }

    // Restarts the epoch's latent stream and passes over the batches an interrupted run of this
    // epoch trained, drawing the latents they drew (one draw per D step, one more per G step, of
    // this rank's share of each batch).
    void skip_trained_batches(data::Batches& batches) {
        m_latent_rng = Rng(latent_seed(m_epoch + 1));
        reserve(batches.batch_size());
        const std::uint64_t first_count = m_d_step_count - m_epoch_progress.batches;
        for (std::size_t j = 0; j < m_epoch_progress.batches; ++j) {
            batches.next();
            const std::size_t n = batches.size();
            const bool g_step = (first_count + j + 1) % m_options.d_steps == 0;
            for (int draw = 0; draw < (g_step ? 2 : 1); ++draw) draw_latents_host(n);
        }
    }

    // n standard normals per latent from the epoch's stream (then, conditional, n labels drawn
    // uniformly), to backend memory: G's input.
    void draw_latents(std::size_t n) {
        draw_latents_host(n);
        if constexpr (conditional) {
            B::from_host(m_z_host.data(), m_latent.data(), n * latent_size);
            B::from_host(m_fake_labels_host.data(), m_fake_labels.data(), n);
            B::append_one_hot(m_latent.data(), m_fake_labels.data(), n, latent_size, Classes, 1, m_z.data());
        } else {
            B::from_host(m_z_host.data(), m_z.data(), n * latent_size);
        }
    }
    void draw_latents_host(std::size_t n) {
        for (std::size_t i = 0; i < n * latent_size; ++i) m_z_host[i] = static_cast<T>(m_latent_rng.normal());
        if constexpr (conditional)
            for (std::size_t i = 0; i < n; ++i)
                m_fake_labels_host[i] = static_cast<std::int32_t>(m_latent_rng.below(Classes));
    }

    // *sum (backend memory) = the sum of the sigmoids of n logits (BCE: probabilities), or of the
    // raw critic values (hinge, Wasserstein), left on the device.
    void output_sum(const T* logits, std::size_t n, T* scratch, T* sum) {
        if constexpr (signed_targets) {
            B::reduce_sum(logits, n, scratch, sum);
        } else {
            B::sigmoid(logits, m_probs.data(), n);
            B::reduce_sum(m_probs.data(), n, scratch, sum);
        }
    }

    void reserve(std::size_t n) {
        if (n <= m_capacity) return;
        m_real = B::template allocate<T>(n * discriminator_input_size);
        m_fake = B::template allocate<T>(n * discriminator_input_size);
        m_dfake = B::template allocate<T>(n * image_size);
        m_z = B::template allocate<T>(n * G::input_shape::size);
        m_z_host.assign(n * latent_size, T(0));
        if constexpr (conditional) {
            m_staging = B::template allocate<T>(n * image_size);
            m_dinput = B::template allocate<T>(n * discriminator_input_size);
            m_latent = B::template allocate<T>(n * latent_size);
            m_real_labels = B::template allocate<std::int32_t>(n);
            m_fake_labels = B::template allocate<std::int32_t>(n);
            m_fake_labels_host.assign(n, 0);
        }
        m_dlogits = B::template allocate<T>(n);
        m_probs = B::template allocate<T>(n);
        m_targets_real = B::template allocate<target_type>(n);
        m_targets_fake = B::template allocate<target_type>(n);
        m_targets_gen = B::template allocate<target_type>(n);
        m_d_step.reserve(std::max(B::loss_scratch(n), B::sum_scratch(n)));
        m_g_step.reserve(B::loss_scratch(n));
        m_capacity = n;
        fill_targets();
    }
    // The constant per-image targets of the three BCE terms, for m_capacity images.
    void fill_targets() {
        const auto fill = [this](target_type* targets, float label) {
            B::fill_targets(targets, m_capacity, static_cast<target_type>(label));
        };
        fill(m_targets_real.data(), signed_targets ? 1.0f : m_options.label_real);
        fill(m_targets_fake.data(), signed_targets ? -1.0f : m_options.label_fake);
        fill(m_targets_gen.data(), signed_targets ? 1.0f : m_options.label_generator);
    }
    void reserve_sampling(std::size_t n) {
        if (n <= m_sample_capacity) return;
        m_sample_z = B::template allocate<T>(n * G::input_shape::size);
        if constexpr (conditional) {
            m_sample_latent = B::template allocate<T>(n * latent_size);
            m_sample_labels = B::template allocate<std::int32_t>(n);
        }
        m_sample_capacity = n;
    }

    generator_model m_g;
    std::optional<ModelAverage<G, B>> m_g_average;  // the moving average of G (generator_ema > 0)
    discriminator_model m_d;
    generator_optimizer m_opt_g;
    discriminator_optimizer m_opt_d;
    loss_type m_loss;
    generator_loss_type m_g_loss;  // Loss itself, or the one its generator minimises (hinge: -D(G(z)))
    Loss m_loss_config;            // the penalty's lambda and step (WassersteinGP)
    GanOptions m_options;
    std::uint64_t m_seed;
    data::Share m_share;              // this rank's part of every batch (data-parallel training; {0, 1}: all)
    double m_base_lr_g, m_base_lr_d;  // the optimizers' learning rates before any decay
    Rng m_latent_rng;
    std::size_t m_epoch = 0;
    double m_progress = 0;  // epochs done, fractional within fit_epoch (drives the decays)
    std::uint64_t m_step = 0, m_d_step_count = 0;
    GanEpochProgress m_epoch_progress;
    const std::atomic<bool>* m_stop = nullptr;
    std::size_t m_capacity = 0, m_sample_capacity = 0;
    typename B::template buffer<T> m_real, m_fake, m_dfake, m_z, m_dlogits, m_probs, m_sample_z;
    // Conditional only: images before their labels are appended, D's whole input gradient, the
    // latents before the one-hot, the real and drawn labels, and sampling's latents and labels.
    typename B::template buffer<T> m_staging, m_dinput, m_latent, m_sample_latent;
    typename B::template buffer<std::int32_t> m_real_labels, m_fake_labels, m_sample_labels;
    std::vector<std::int32_t> m_fake_labels_host, m_fixed_labels;
    typename B::template buffer<target_type> m_targets_real, m_targets_fake, m_targets_gen;
    OptimizationStep<B, d_losses + 2> m_d_step{"discriminator", d_losses};
    std::size_t m_batch = 0;  // images in the iteration being trained
    [[no_unique_address]] std::conditional_t<penalized, GradientPenalty<D, B>, detail::NoGradientPenalty>
        m_penalty;
    OptimizationStep<B, 1> m_g_step{"generator", 1};  // G's loss
    std::vector<T> m_z_host, m_fixed_z;
};

// A GAN whose G and D both see the digit (Classes labels): Gan with its last parameter set.
template <class G, class D, std::size_t Classes, class Loss = BCEWithLogits, class OptG = Adam,
          class OptD = Adam, Backend B = cpu::Blas>
using ConditionalGan = Gan<G, D, Loss, OptG, OptD, B, Classes>;

}  // namespace ctnn
