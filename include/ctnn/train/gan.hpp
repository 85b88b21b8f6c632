// Gan<G, D, Loss, OptG, OptD, Backend>: trains a generator G (latent (Z) -> image) against a
// discriminator D (image -> one logit) in the standard non-saturating game: D minimises
// BCE(D(x), real target) + BCE(D(G(z)), fake target), G minimises BCE(D(G(z)), 1). Separate
// optimizers, one-sided label smoothing (targets), instance noise on D's inputs with a linearly
// decaying std, k D steps per G step, one learning-rate schedule for both (GanOptions::schedule),
// a fixed latent batch for progress grids (train/gan_options.hpp). fit_batch is one iteration:
// a D step and every k-th time a G step, each an OptimizationStep (train/step.hpp: hooks, the
// NaN/Inf check, one device-to-host read); fit_epoch is one shuffled pass; both report D loss,
// G loss, D(x) and D(G(z)) as probabilities. With options.generator_ema > 0 a ModelAverage of G
// follows G after every G step, and generate() and sample_fixed() draw from it. Buffers are
// sized on the first batch: a steady-state iteration allocates nothing.
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
#include "ctnn/core/random.hpp"
#include "ctnn/data/batches.hpp"
#include "ctnn/data/dataset.hpp"
#include "ctnn/backend/train_ops.hpp"
#include "ctnn/losses/bce.hpp"
#include "ctnn/nn/model.hpp"
#include "ctnn/optim/adam.hpp"
#include "ctnn/optim/one_of.hpp"
#include "ctnn/train/gan_noise.hpp"
#include "ctnn/train/gan_options.hpp"
#include "ctnn/train/model_average.hpp"
#include "ctnn/train/schedule.hpp"
#include "ctnn/train/step.hpp"

namespace ctnn {

template <class G, class D, class Loss = BCEWithLogits, class OptG = Adam, class OptD = Adam,
          Backend B = cpu::Blas>
class Gan : detail::GanShapes<typename G::output_shape, typename D::input_shape> {
    static_assert(is_sequential<G>::value && is_sequential<D>::value,
                  "Gan<G, D, ...>: G and D must be Sequential<Input<...>, ...> architectures");
    static_assert(G::input_shape::rank == 1,
                  "Gan: the generator's input must be a flat latent vector Shape<Z>");
    static_assert(
        std::is_same_v<typename D::output_shape, Shape<1>>,
        "Gan: the discriminator must end in Shape<1>, one logit per image (use Dense<1>, no Sigmoid, "
        "with BCEWithLogits)");

  public:
    using generator_model = Model<G, B>;
    using discriminator_model = Model<D, B>;
    using T = typename B::value_type;
    using generator_optimizer = typename OptG::template impl<B>;
    using discriminator_optimizer = typename OptD::template impl<B>;
    using loss_type = typename Loss::template bind<typename D::output_shape>::template impl<B>;
    using target_type = typename Loss::target_type;
    static constexpr std::size_t latent_size = G::input_shape::size;
    static constexpr std::size_t image_size = D::input_shape::size;

    Gan(OptG opt_g, OptD opt_d, std::uint64_t seed = 0, GanOptions options = {}, Loss loss = {})
        : m_g(seed, options.init),
          m_d(seed + 1, options.init),
          m_opt_g(opt_g, G::param_count),
          m_opt_d(opt_d, D::param_count),
          m_loss(loss),
          m_options(options),
          m_seed(seed),
          m_base_lr_g(learning_rate(opt_g)),
          m_base_lr_d(learning_rate(opt_d)),
          m_latent_rng(latent_seed(0)) {
        check_options(options);
        if (options.generator_ema > 0) m_g_average.emplace(m_g);
        Rng fixed(seed ^ 0xF17EDB47C4ull);  // the progress grid's latents: fixed by the seed alone
        m_fixed_z.resize(options.sample_count * latent_size);
        for (auto& z : m_fixed_z) z = static_cast<T>(fixed.normal());
    }

    // One iteration on n real images (host memory, n x image_size): a D step, and a G step
    // when this is the d_steps-th D step; each an OptimizationStep (train/step.hpp), whose hooks
    // discriminator_step() and generator_step() hold. Needs n >= 2 when a network has BatchNorm.
    GanStepStats fit_batch(const float* images, std::size_t n) {
        reserve(n);
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
        B::from_host(images, m_real.data(), n * image_size);
        add_gaussian_noise<B>(m_real.data(), n * image_size, noise, noise_key(0));
        draw_latents(n);
        B::copy(m_g.forward(m_z.data(), n), m_fake.data(), n * image_size);
        add_gaussian_noise<B>(m_fake.data(), n * image_size, noise, noise_key(1));
        const auto d = m_d_step.run(
            m_d, m_opt_d,
            [&](auto& step) {
                const T* logits = m_d.forward(m_real.data(), n);
                m_loss.compute_on_device(logits, m_targets_real.data(), m_dlogits.data(), n, step.sum(loss_real));
                probability_sum(logits, n, step.scratch(), step.sum(prob_real));
                m_d.backward(m_dlogits.data());
                logits = m_d.forward(m_fake.data(), n);
                m_loss.compute_on_device(logits, m_targets_fake.data(), m_dlogits.data(), n, step.sum(loss_fake));
                probability_sum(logits, n, step.scratch(), step.sum(prob_fake));
                m_d.backward(m_dlogits.data());
            },
            context);
        stats.d_loss = d.loss;
        stats.d_real = static_cast<double>(d.sums[prob_real]) / static_cast<double>(n);
        stats.d_fake = static_cast<double>(d.sums[prob_fake]) / static_cast<double>(n);
        stats.skipped = d.skipped;
        if (++m_d_step_count % m_options.d_steps != 0) return stats;

        // G step: D's gradient w.r.t. its input flows into G; D's own weight gradients are not
        // computed (backward_input) and whatever D's gradient buffer holds is zeroed before its
        // next step.
        const auto g = m_g_step.run(
            m_g, m_opt_g,
            [&](auto& step) {
                draw_latents(n);
                B::copy(m_g.forward(m_z.data(), n), m_fake.data(), n * image_size);
                add_gaussian_noise<B>(m_fake.data(), n * image_size, noise, noise_key(2));
                const T* logits = m_d.forward(m_fake.data(), n);
                m_loss.compute_on_device(logits, m_targets_gen.data(), m_dlogits.data(), n, step.sum(0));
                m_d.backward_input(m_dlogits.data(), m_dfake.data());
                m_g.backward(m_dfake.data());
            },
            context);
        stats.g_loss = g.loss;
        stats.g_step = true;
        stats.skipped = stats.skipped || g.skipped;
        if (!g.skipped && m_g_average) m_g_average->update(m_g, m_options.generator_ema, m_opt_g.steps());
        return stats;
    }

    // One shuffled pass over `train` (order fixed by seed and epoch); the last short batch is
    // dropped (BatchNorm needs full batches). Latents are drawn from a stream of (seed, epoch),
    // so a resumed run draws what an uninterrupted one would. When the stop flag is raised it
    // returns after the iteration in progress with complete = false and the position kept
    // (epoch_progress()); the next call, or one on a trainer restored to that moment (weights,
    // optimizer states, step, set_epoch_progress), finishes the epoch as if never stopped.
    GanEpochStats fit_epoch(const data::Dataset& train, std::size_t batch_size,
                            const GanProgressCallback& progress = {}) {
        if (train.sample_size() != image_size)
            throw std::invalid_argument("Gan: images hold " + std::to_string(train.sample_size()) +
                                        " values but the discriminator's input " +
                                        D::input_shape::to_string() + " needs " + std::to_string(image_size));
        batch_size = std::min(batch_size, train.size());
        if (batch_size < 2) throw std::invalid_argument("Gan: an epoch needs at least 2 images per batch");
        GanEpochStats stats;
        stats.epoch = m_epoch;
        m_progress = static_cast<double>(m_epoch);
        stats.noise_std = noise_std();
        data::Batches batches(train, batch_size, m_seed, /*shuffle=*/true, /*drop_last=*/true);
        batches.start_epoch(m_epoch);
        const std::size_t per_epoch = batches.batches_per_epoch(), total = per_epoch * batch_size;
        GanEpochProgress& done = m_epoch_progress;
        skip_trained_batches(batches, batch_size);
        const auto start = std::chrono::steady_clock::now();
        const auto update = [&] {
            const double d = static_cast<double>(std::max<std::size_t>(done.d_steps, 1));
            stats.d_loss = done.d_loss / d, stats.d_real = done.d_real / d, stats.d_fake = done.d_fake / d;
            stats.g_loss = done.g_loss / static_cast<double>(std::max<std::size_t>(done.g_steps, 1));
            stats.d_steps = done.d_steps, stats.g_steps = done.g_steps, stats.skipped_steps = done.skipped;
            stats.seconds =
                done.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            stats.images_per_second = static_cast<double>(done.seen) / std::max(stats.seconds, 1e-9);
        };
        while (!stop_requested() && batches.next()) {
            m_progress = static_cast<double>(m_epoch) +
                         static_cast<double>(done.batches++) / static_cast<double>(per_epoch);
            const GanStepStats step = fit_batch(batches.images(), batches.size());
            done.seen += batches.size();
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

    // The sampling generator (the moving average when on, else G) in eval mode on n latents z
    // (host, n x Z) -> images (host, n x image_size); its mode is restored afterwards. Generate
    // in chunks: the buffers grow to the largest n asked for. Mode::train samples as PyTorch
    // code that never calls G.eval() does: BatchNorm normalises with the n images' own statistics.
    void generate(const T* z, std::size_t n, T* images, Mode mode = Mode::eval) {
        if (n == 0) return;
        reserve_sampling(n);
        generator_model& g = sampling_generator();
        const Mode saved = g.mode();
        g.set_mode(mode);
        B::from_host(z, m_sample_z.data(), n * latent_size);
        B::to_host(g.forward(m_sample_z.data(), n), images, n * image_size);
        g.set_mode(saved);
    }

    // The images of the fixed latent batch (options.sample_count x image_size, host).
    void sample_fixed(std::vector<T>& images) {
        images.resize(m_fixed_z.size() / latent_size * image_size);
        generate(m_fixed_z.data(), m_fixed_z.size() / latent_size, images.data());
    }

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
    OptimizationStep<B, 4>& discriminator_step() { return m_d_step; }
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
    static void check_options(const GanOptions& options) {
        if (options.d_steps == 0)
            throw std::invalid_argument("Gan: d_steps (D steps per G step) must be >= 1");
        if (!(options.schedule.total_epochs >= 0) || !(options.schedule.warmup_epochs >= 0))
            throw std::invalid_argument("Gan: the schedule's total_epochs and warmup_epochs must be >= 0");
        if (!(options.generator_ema >= 0 && options.generator_ema < 1))
            throw std::invalid_argument("Gan: generator_ema (a decay) must be in [0, 1), not " +
                                        std::to_string(options.generator_ema));
    }
    std::uint64_t latent_seed(std::uint64_t stream) const {
        return detail::dropout_key(m_seed ^ 0x1A7E47ull, stream);
    }
    std::uint64_t noise_key(std::uint64_t which) const {
        return detail::dropout_key(m_seed ^ 0x401CEull, m_step * 3 + which);
    }

    // Restarts the epoch's latent stream and passes over the batches an interrupted run of this
    // epoch trained, drawing the latents they drew (one draw per D step, one more per G step).
    void skip_trained_batches(data::Batches& batches, std::size_t n) {
        m_latent_rng = Rng(latent_seed(m_epoch + 1));
        const std::uint64_t first_count = m_d_step_count - m_epoch_progress.batches;
        for (std::size_t j = 0; j < m_epoch_progress.batches; ++j) {
            batches.next();
            const bool g_step = (first_count + j + 1) % m_options.d_steps == 0;
            for (std::size_t k = 0; k < (g_step ? 2 : 1) * n * latent_size; ++k) m_latent_rng.normal();
        }
    }

    // n standard normals per latent from the epoch's stream, to backend memory.
    void draw_latents(std::size_t n) {
        for (std::size_t i = 0; i < n * latent_size; ++i) m_z_host[i] = static_cast<T>(m_latent_rng.normal());
        B::from_host(m_z_host.data(), m_z.data(), n * latent_size);
    }

    // *sum (backend memory) = the sum of the sigmoids of n logits, left on the device.
    void probability_sum(const T* logits, std::size_t n, T* scratch, T* sum) {
        B::sigmoid(logits, m_probs.data(), n);
        B::reduce_sum(m_probs.data(), n, scratch, sum);
    }

    void reserve(std::size_t n) {
        if (n <= m_capacity) return;
        m_real = B::template allocate<T>(n * image_size);
        m_fake = B::template allocate<T>(n * image_size);
        m_dfake = B::template allocate<T>(n * image_size);
        m_z = B::template allocate<T>(n * latent_size);
        m_z_host.assign(n * latent_size, T(0));
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
        fill(m_targets_real.data(), m_options.label_real);
        fill(m_targets_fake.data(), m_options.label_fake);
        fill(m_targets_gen.data(), m_options.label_generator);
    }
    void reserve_sampling(std::size_t n) {
        if (n > m_sample_capacity)
            m_sample_z = B::template allocate<T>(n * latent_size), m_sample_capacity = n;
    }

    generator_model m_g;
    std::optional<ModelAverage<G, B>> m_g_average;  // the moving average of G (generator_ema > 0)
    discriminator_model m_d;
    generator_optimizer m_opt_g;
    discriminator_optimizer m_opt_d;
    loss_type m_loss;
    GanOptions m_options;
    std::uint64_t m_seed;
    double m_base_lr_g, m_base_lr_d;  // the optimizers' learning rates before any decay
    Rng m_latent_rng;
    std::size_t m_epoch = 0;
    double m_progress = 0;  // epochs done, fractional within fit_epoch (drives the decays)
    std::uint64_t m_step = 0, m_d_step_count = 0;
    GanEpochProgress m_epoch_progress;
    const std::atomic<bool>* m_stop = nullptr;
    std::size_t m_capacity = 0, m_sample_capacity = 0;
    typename B::template buffer<T> m_real, m_fake, m_dfake, m_z, m_dlogits, m_probs, m_sample_z;
    typename B::template buffer<target_type> m_targets_real, m_targets_fake, m_targets_gen;
    // D's device scalars: its two losses and the sums of the D(x) and D(G(z)) probabilities.
    enum : std::size_t { loss_real, loss_fake, prob_real, prob_fake };
    OptimizationStep<B, 4> m_d_step{"discriminator", 2};
    OptimizationStep<B, 1> m_g_step{"generator", 1};  // G's loss
    std::vector<T> m_z_host, m_fixed_z;
};

}  // namespace ctnn
