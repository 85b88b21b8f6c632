// Gan<G, D, Loss, OptG, OptD, Backend>: trains a generator G (latent (Z) -> image) against a
// discriminator D (image -> one logit) in the standard non-saturating game: D minimises
// BCE(D(x), real target) + BCE(D(G(z)), fake target), G minimises BCE(D(G(z)), 1). Separate
// optimizers, one-sided label smoothing (targets), instance noise on D's inputs with a linearly
// decaying std, k D steps per G step, both learning rates optionally decaying linearly to 0, a
// fixed latent batch for progress grids. fit_batch is one
// iteration, fit_epoch one shuffled pass; both report D loss, G loss, D(x) and D(G(z)) as
// probabilities. With options.generator_ema > 0 a second copy of G follows an exponential
// moving average of G's weights after every G step (BatchNorm running statistics copied from
// G), and that copy is the one generate() and sample_fixed() draw from. Buffers are sized on the
// first batch: a steady-state iteration allocates nothing. Losses, probability sums and gradient
// sums are reduced into device scalars and read once per network step (the finite check).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
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
#include "ctnn/train/non_finite.hpp"
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
    std::size_t sample_count = 64;   // the fixed latent batch (progress grids)
    InitScheme init = InitScheme::pytorch;  // both networks' weights (dcgan: N(0, 0.02))
    // Decay of the moving average of G's weights that sampling uses (0: off, sample G itself).
    // 0.999 averages over about the last 1000 G steps; early steps average over fewer, as
    // min(decay, (1 + t) / (10 + t)) after t G steps.
    double generator_ema = 0;
};

struct GanStepStats {
    double d_loss = 0;     // BCE on real + BCE on fake
    double g_loss = 0;     // BCE(D(G(z)), label_generator); 0 when no G step was taken
    double d_real = 0;     // mean D(x), a probability
    double d_fake = 0;     // mean D(G(z)) before D's step, a probability
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
};

// Called every few iterations: real images done, total, the epoch's running means.
using GanProgressCallback = std::function<void(std::size_t, std::size_t, const GanEpochStats&)>;

namespace detail {
// Gan's (empty) base: its name in the error shows both shapes, GanShapes<G output, D input>.
template <class GeneratorOut, class DiscriminatorIn>
struct GanShapes {
    static_assert(std::is_same_v<GeneratorOut, DiscriminatorIn>,
                  "Gan: the generator's output shape must equal the discriminator's input shape");
};
}  // namespace detail

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
        if (options.generator_ema > 0) start_generator_ema();
        Rng fixed(seed ^ 0xF17EDB47C4ull);  // the progress grid's latents: fixed by the seed alone
        m_fixed_z.resize(options.sample_count * latent_size);
        for (auto& z : m_fixed_z) z = static_cast<T>(fixed.normal());
    }

    // One iteration on n real images (host memory, n x image_size): a D step, and a G step
    // when this is the d_steps-th D step. Needs n >= 2 when a network has BatchNorm.
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

        // D step: real images, then G(z) (G's gradients are not needed here).
        B::from_host(images, m_real.data(), n * image_size);
        add_gaussian_noise<B>(m_real.data(), n * image_size, noise, noise_key(0));
        draw_latents(n);
        B::copy(m_g.forward(m_z.data(), n), m_fake.data(), n * image_size);
        add_gaussian_noise<B>(m_fake.data(), n * image_size, noise, noise_key(1));
        // The losses, probability sums and D's gradient sum stay on the device until the one read
        // that the finite check needs.
        m_d.zero_grad();
        const T* logits = m_d.forward(m_real.data(), n);
        m_loss.compute_on_device(logits, m_targets_real.data(), m_dlogits.data(), n, m_sums.slot(loss_real));
        probability_sum(logits, n, m_sums.slot(prob_real));
        m_d.backward(m_dlogits.data());
        logits = m_d.forward(m_fake.data(), n);
        m_loss.compute_on_device(logits, m_targets_fake.data(), m_dlogits.data(), n, m_sums.slot(loss_fake));
        probability_sum(logits, n, m_sums.slot(prob_fake));
        m_d.backward(m_dlogits.data());
        B::reduce_sum(m_d.gradients(), D::param_count, m_sums.scratch(), m_sums.slot(grad_sum));
        const auto d = m_sums.read();
        double loss = static_cast<double>(d[loss_real]);
        loss += static_cast<double>(d[loss_fake]);
        stats.d_real = static_cast<double>(d[prob_real]) / static_cast<double>(n);
        stats.d_fake = static_cast<double>(d[prob_fake]) / static_cast<double>(n);
        stats.d_loss = loss;
        if (finite_step("discriminator", loss, static_cast<double>(d[grad_sum]), m_d, stats))
            m_opt_d.step(m_d.parameters(), m_d.gradients());
        if (++m_d_step_count % m_options.d_steps != 0) return stats;

        // G step: D's gradient w.r.t. its input flows into G; D's own weight gradients are not
        // computed (backward_input) and whatever D's gradient buffer holds is zeroed before its
        // next step.
        draw_latents(n);
        B::copy(m_g.forward(m_z.data(), n), m_fake.data(), n * image_size);
        add_gaussian_noise<B>(m_fake.data(), n * image_size, noise, noise_key(2));
        logits = m_d.forward(m_fake.data(), n);
        m_loss.compute_on_device(logits, m_targets_gen.data(), m_dlogits.data(), n, m_sums.slot(loss_real));
        m_d.backward_input(m_dlogits.data(), m_dfake.data());
        m_g.zero_grad();
        m_g.backward(m_dfake.data());
        B::reduce_sum(m_g.gradients(), G::param_count, m_sums.scratch(), m_sums.slot(grad_sum));
        const auto g = m_sums.read();
        stats.g_loss = static_cast<double>(g[loss_real]);
        stats.g_step = true;
        if (finite_step("generator", stats.g_loss, static_cast<double>(g[grad_sum]), m_g, stats)) {
            m_opt_g.step(m_g.parameters(), m_g.gradients());
            if (m_g_ema) update_generator_ema();
        }
        return stats;
    }

    // One shuffled pass over `train` (order fixed by seed and epoch); the last short batch is
    // dropped (BatchNorm needs full batches). Latents are drawn from a stream of (seed, epoch),
    // so a resumed run draws what an uninterrupted one would.
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
        m_latent_rng = Rng(latent_seed(m_epoch + 1));
        data::Batches batches(train, batch_size, m_seed, /*shuffle=*/true, /*drop_last=*/true);
        batches.start_epoch(m_epoch);
        const std::size_t total = batches.batches_per_epoch() * batch_size;
        double d_loss = 0, g_loss = 0, d_real = 0, d_fake = 0;
        std::size_t seen = 0, index = 0;
        const auto start = std::chrono::steady_clock::now();
        const auto update = [&] {
            const double d = static_cast<double>(std::max<std::size_t>(stats.d_steps, 1));
            stats.d_loss = d_loss / d, stats.d_real = d_real / d, stats.d_fake = d_fake / d;
            stats.g_loss = g_loss / static_cast<double>(std::max<std::size_t>(stats.g_steps, 1));
            stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            stats.images_per_second = static_cast<double>(seen) / std::max(stats.seconds, 1e-9);
        };
        while (batches.next()) {
            m_progress = static_cast<double>(m_epoch) +
                         static_cast<double>(index++) / static_cast<double>(batches.batches_per_epoch());
            const GanStepStats step = fit_batch(batches.images(), batches.size());
            seen += batches.size();
            stats.skipped_steps += step.skipped;
            if (std::isfinite(step.d_loss))
                d_loss += step.d_loss, d_real += step.d_real, d_fake += step.d_fake;
            ++stats.d_steps;
            if (step.g_step && std::isfinite(step.g_loss)) g_loss += step.g_loss;
            stats.g_steps += step.g_step;
            if (progress && (index % 20 == 0 || seen == total)) {
                update();
                progress(seen, total, stats);
            }
        }
        update();
        ++m_epoch;
        m_progress = static_cast<double>(m_epoch);
        return stats;
    }

    // The sampling generator (the moving average when on, else G) in eval mode on n latents z
    // (host, n x Z) -> images (host, n x image_size); its mode is restored afterwards. Generate
    // in chunks: the buffers grow to the largest n asked for.
    void generate(const T* z, std::size_t n, T* images) {
        if (n == 0) return;
        reserve_sampling(n);
        generator_model& g = sampling_generator();
        const Mode saved = g.mode();
        g.eval();
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
    generator_model& sampling_generator() { return m_g_ema ? *m_g_ema : m_g; }
    bool has_generator_ema() const { return m_g_ema != nullptr; }
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
            m_g_ema.reset();
        else if (!m_g_ema)
            start_generator_ema();
        fill_targets();
    }
    const std::vector<T>& fixed_latents() const { return m_fixed_z; }
    void set_non_finite_policy(NonFinitePolicy policy) { m_policy = policy; }

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
    std::size_t skipped_steps() const { return m_skipped; }

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
    void start_generator_ema() {
        m_g_ema = std::make_unique<generator_model>();
        B::copy(m_g.parameters(), m_g_ema->parameters(), G::param_count);
        B::copy(m_g.state(), m_g_ema->state(), generator_model::state_count);
    }

    // ema = beta ema + (1 - beta) G after G's t-th step, beta = min(decay, (1 + t) / (10 + t));
    // the running statistics are G's own.
    void update_generator_ema() {
        const double t = static_cast<double>(m_opt_g.steps());
        const T beta = static_cast<T>(std::min(m_options.generator_ema, (1 + t) / (10 + t)));
        B::moving_average(m_g.parameters(), m_g_ema->parameters(), G::param_count, beta);
        B::copy(m_g.state(), m_g_ema->state(), generator_model::state_count);
    }

  private:
    std::uint64_t latent_seed(std::uint64_t stream) const {
        return detail::dropout_key(m_seed ^ 0x1A7E47ull, stream);
    }
    std::uint64_t noise_key(std::uint64_t which) const {
        return detail::dropout_key(m_seed ^ 0x401CEull, m_step * 3 + which);
    }

    // n standard normals per latent from the epoch's stream, to backend memory.
    void draw_latents(std::size_t n) {
        for (std::size_t i = 0; i < n * latent_size; ++i) m_z_host[i] = static_cast<T>(m_latent_rng.normal());
        B::from_host(m_z_host.data(), m_z.data(), n * latent_size);
    }

    // *sum (backend memory) = the sum of the sigmoids of n logits, left on the device.
    void probability_sum(const T* logits, std::size_t n, T* sum) {
        B::sigmoid(logits, m_probs.data(), n);
        B::reduce_sum(m_probs.data(), n, m_sums.scratch(), sum);
    }

    // True when loss and gradients (their sum) are finite; else throws (stop) or counts a skipped step.
    template <class M>
    bool finite_step(const char* network, double loss, double gradient_sum, M& model, GanStepStats& stats) {
        std::string what;
        if (!std::isfinite(loss))
            what = std::string(network) + " loss is " + describe_value(loss);
        else if (!std::isfinite(gradient_sum))
            what = "gradient of " + std::string(network) + " " +
                   first_non_finite<B>(model.gradients(), M::parameter_slots()) + " is not finite";
        if (what.empty()) return true;
        const std::string message = "GAN iteration " + std::to_string(m_step) + " (epoch " +
                                    std::to_string(m_epoch + 1) + "): " + what;
        if (m_policy == NonFinitePolicy::stop) throw NonFiniteError(message);
        ++m_skipped;
        stats.skipped = true;
        model.zero_grad();
        return false;
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
        m_sums.reserve(
            std::max({B::sum_scratch(n), B::sum_scratch(D::param_count), B::sum_scratch(G::param_count)}));
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
    std::unique_ptr<generator_model> m_g_ema;  // the moving average of G (generator_ema > 0)
    discriminator_model m_d;
    generator_optimizer m_opt_g;
    discriminator_optimizer m_opt_d;
    loss_type m_loss;
    GanOptions m_options;
    std::uint64_t m_seed;
    double m_base_lr_g, m_base_lr_d;  // the optimizers' learning rates before any decay
    Rng m_latent_rng;
    NonFinitePolicy m_policy = NonFinitePolicy::stop;
    std::size_t m_epoch = 0;
    double m_progress = 0;  // epochs done, fractional within fit_epoch (drives the decays)
    std::uint64_t m_step = 0, m_d_step_count = 0;
    std::size_t m_skipped = 0;
    std::size_t m_capacity = 0, m_sample_capacity = 0;
    typename B::template buffer<T> m_real, m_fake, m_dfake, m_z, m_dlogits, m_probs, m_sample_z;
    typename B::template buffer<target_type> m_targets_real, m_targets_fake, m_targets_gen;
    // Device scalars of one iteration: D's two losses (G's loss reuses the first), the two sums of
    // D(x) and D(G(z)) probabilities, and the gradient sum of the network stepped (finite check).
    enum : std::size_t { loss_real, loss_fake, prob_real, prob_fake, grad_sum, sum_count };
    DeviceSums<B, sum_count> m_sums;
    std::vector<T> m_z_host, m_fixed_z;
};

}  // namespace ctnn
