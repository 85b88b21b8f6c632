// Classifier<Net, Loss, Optimizer, Backend>: trains and evaluates a network whose output is
// Shape<K> class scores (logits) on integer labels. fit_batch is one optimisation step,
// fit_epoch one shuffled pass over a data::Dataset (order fixed by seed and epoch), evaluate
// runs in eval mode and returns loss, accuracy, per-class accuracy and the confusion matrix.
// fit_batch is one OptimizationStep (train/step.hpp: hooks, the NaN/Inf check with its stop or
// skip policy, one device-to-host read). Labels outside [0, K) are refused, naming the sample.
// set_augmentation: fit_epoch trains on shifted and rotated copies of the images (data/augment.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/backend/cpu/blas.hpp"
#include "ctnn/backend/train_ops.hpp"
#include "ctnn/data/augment.hpp"
#include "ctnn/data/batches.hpp"
#include "ctnn/data/dataset.hpp"
#include "ctnn/nn/model.hpp"
#include "ctnn/optim/one_of.hpp"
#include "ctnn/train/metrics.hpp"
#include "ctnn/train/non_finite.hpp"
#include "ctnn/train/schedule.hpp"
#include "ctnn/train/step.hpp"

namespace ctnn {

struct EpochStats {
    std::size_t epoch = 0;  // 0-based index of the epoch just trained
    double loss = 0;        // mean training loss over the epoch
    double accuracy = 0;    // training accuracy (in train mode, as the batches went by)
    double seconds = 0;
    double images_per_second = 0;
    double learning_rate = 0;
    std::size_t skipped_steps = 0;
    bool complete = true;  // false: the stop flag ended the epoch early (the figures so far)
};

// How far an interrupted epoch got, with its running sums, so that finishing it later gives
// the figures an uninterrupted epoch would have.
struct EpochProgress {
    std::size_t batches = 0;  // batches of the epoch trained (0: at an epoch boundary)
    std::size_t seen = 0, correct = 0, skipped = 0;
    double loss_sum = 0;  // sum of batch mean loss x batch size
    double seconds = 0;   // training time spent on those batches
};

// Called every few batches: samples done, samples total, running loss, images per second.
using ProgressCallback = std::function<void(std::size_t, std::size_t, double, double)>;

template <class Net, class Loss, class Optimizer, Backend B = cpu::Blas>
class Classifier {
    static_assert(Net::output_shape::rank == 1 && Net::output_shape::size >= 2,
                  "Classifier: the network must end in Shape<K> class scores, K >= 2");

  public:
    using model_type = Model<Net, B>;
    using T = typename B::value_type;
    using optimizer_type = typename Optimizer::template impl<B>;
    static constexpr std::size_t classes = Net::output_shape::size;
    static constexpr std::size_t sample_size = Net::input_shape::size;

    explicit Classifier(Optimizer optimizer = {}, std::uint64_t seed = 0,
                        InitScheme init = InitScheme::pytorch, Loss loss = {})
        : m_model(seed, init),
          m_optimizer(optimizer, Net::param_count),
          m_loss(loss),
          m_seed(seed),
          m_base_lr(learning_rate(optimizer)) {}

    // One optimisation step on n samples (host memory). Returns the batch's mean loss. Labels
    // outside [0, classes) are refused before anything runs.
    double fit_batch(const float* images, const std::int32_t* labels, std::size_t n) {
        check_labels(labels, n, "the batch");
        reserve(n);
        B::from_host(images, m_input.data(), n * sample_size);
        B::from_host(labels, m_labels.data(), n);
        m_model.train();
        ++m_step;
        const auto result = m_step_runner.run(
            m_model, m_optimizer,
            [&](auto& step) {
                const T* logits = m_model.forward(m_input.data(), n);
                m_loss.compute_on_device(logits, m_labels.data(), m_dlogits.data(), n, step.sum(loss_sum));
                B::count_correct(logits, m_labels.data(), n, classes, step.scratch(), step.sum(correct_sum));
                m_model.backward(m_dlogits.data());
            },
            [&] {
                return "training step " + std::to_string(m_step) + " (epoch " + std::to_string(m_epoch + 1) +
                       ")";
            });
        m_last_correct = result.skipped ? 0 : static_cast<std::size_t>(result.sums[correct_sum]);
        return result.loss;
    }

    // One pass over `train` in mini-batches of batch_size, shuffled by (seed, epoch). When the
    // stop flag (set_stop_flag) is raised, it returns after the step in progress with
    // complete = false and the epoch's position kept (epoch_progress()); the next call goes on
    // from there, as does one on a trainer given that position (set_epoch_progress) with the
    // weights, optimizer state and step of the same moment: the result equals an uninterrupted run.
    EpochStats fit_epoch(const data::Dataset& train, std::size_t batch_size,
                         const ProgressCallback& progress = {}) {
        check_data(train);
        EpochStats stats;
        stats.epoch = m_epoch;
        stats.learning_rate = m_schedule.rate(m_base_lr, m_epoch);
        set_learning_rate(m_optimizer, static_cast<float>(stats.learning_rate));
        data::Batches batches(train, batch_size, m_seed);
        batches.start_epoch(m_epoch);
        EpochProgress& done = m_epoch_progress;
        for (std::size_t i = 0; i < done.batches; ++i) batches.next();  // trained before the stop
        const auto start = std::chrono::steady_clock::now();
        const auto seconds = [&] { return done.seconds + seconds_since(start); };
        while (!stop_requested() && batches.next()) {
            const std::size_t skipped_before = skipped_steps();
            const float* images = batches.images();
            images = augment_batch(images, batches.size(), done.batches * batch_size);
            const double loss = fit_batch(images, batches.labels(), batches.size());
            if (std::isfinite(loss)) done.loss_sum += loss * double(batches.size());
            done.seen += batches.size();
            done.correct += m_last_correct;
            done.skipped += skipped_steps() - skipped_before;
            ++done.batches;
            if (progress && (done.batches % 20 == 0 || done.seen == train.size()))
                progress(done.seen, train.size(), done.loss_sum / double(done.seen),
                         double(done.seen) / seconds());
        }
        stats.complete = done.batches >= batches.batches_per_epoch();
        stats.seconds = seconds();
        stats.loss = done.seen ? done.loss_sum / double(done.seen) : 0.0;
        stats.accuracy = done.seen ? double(done.correct) / double(done.seen) : 0.0;
        stats.images_per_second = double(done.seen) / std::max(stats.seconds, 1e-9);
        stats.skipped_steps = done.skipped;
        if (!stats.complete) {
            done.seconds = stats.seconds;
            return stats;
        }
        done = {};
        ++m_epoch;
        return stats;
    }

    // From now on fit_epoch trains on augmented copies of each batch (a shift and a rotation per
    // image, drawn from the seed, the epoch and the image's place in the epoch); evaluate and
    // fit_batch see the images as given. Needs a (C, H, W) input.
    void set_augmentation(const data::Augment& augment) {
        if constexpr (Net::input_shape::rank != 3)
            if (augment.enabled())
                throw std::invalid_argument(
                    "Classifier::set_augmentation: the network's input is not an image "
                    "(C, H, W)");
        m_augment = augment;
    }
    const data::Augment& augmentation() const { return m_augment; }
    // n images (host) as fit_epoch trains on them, `first` being the first one's place in the epoch's
    // order: augmented copies when augmentation is on (valid until the next call), else `images`.
    const float* augment_batch(const float* images, std::size_t n, std::size_t first) {
        if constexpr (Net::input_shape::rank == 3) {
            if (!m_augment.enabled()) return images;
            constexpr auto d = Net::input_shape::dims;
            m_augmented.resize(n * sample_size);
            data::augment_images<d[0], d[1], d[2]>(m_augment, images, m_augmented.data(), n, m_seed, m_epoch,
                                                   first);
            return m_augmented.data();
        } else {
            return images;
        }
    }

    // fit_epoch returns early once *flag is true (a signal handler may set it); null: never.
    void set_stop_flag(const std::atomic<bool>* flag) { m_stop = flag; }
    bool stop_requested() const { return m_stop && m_stop->load(std::memory_order_relaxed); }
    // Where the epoch in progress stopped (batches == 0: at an epoch boundary), for checkpoints.
    const EpochProgress& epoch_progress() const { return m_epoch_progress; }
    void set_epoch_progress(const EpochProgress& progress) { m_epoch_progress = progress; }

    // Loss, accuracy, per-class accuracy and confusion matrix in eval mode.
    ClassificationReport evaluate(const data::Dataset& data, std::size_t batch_size = 500) {
        check_data(data);
        MetricsAccumulator metrics(classes);
        for_each_prediction(data, batch_size,
                            [&](std::size_t, std::int32_t truth, const float* logits, double loss) {
                                metrics.add(truth, argmax(logits));
                                metrics.add_loss(loss);
                            });
        return metrics.finish();
    }

    // One sample (host, sample_size values, normalized as the training data): the class with the
    // largest score and the softmax probabilities of all classes, in eval mode.
    struct Prediction {
        std::int32_t label = 0;
        std::array<float, classes> probabilities{};
    };
    Prediction predict(const float* sample) {
        const Mode saved = m_model.mode();
        m_model.eval();
        reserve(1);
        B::from_host(sample, m_input.data(), sample_size);
        B::to_host(m_model.forward(m_input.data(), 1), m_host_logits.data(), classes);
        m_model.set_mode(saved);
        Prediction p;
        p.label = argmax(m_host_logits.data());
        double total = 0;
        for (std::size_t k = 0; k < classes; ++k)
            total += std::exp(double(m_host_logits[k]) - double(m_host_logits[std::size_t(p.label)]));
        for (std::size_t k = 0; k < classes; ++k)
            p.probabilities[k] = static_cast<float>(
                std::exp(double(m_host_logits[k]) - double(m_host_logits[std::size_t(p.label)])) / total);
        return p;
    }

    // Predicted class and its softmax probability for every sample of `data`.
    void predict(const data::Dataset& data, std::vector<std::int32_t>& classes_out,
                 std::vector<float>& confidence, std::size_t batch_size = 500) {
        check_data(data, /*labels_used=*/false);
        classes_out.resize(data.size());
        confidence.resize(data.size());
        for_each_prediction(data, batch_size, [&](std::size_t i, std::int32_t, const float* logits, double) {
            const std::int32_t best = argmax(logits);
            classes_out[i] = best;
            double total = 0;
            for (std::size_t k = 0; k < classes; ++k)
                total += std::exp(double(logits[k]) - double(logits[best]));
            confidence[i] = static_cast<float>(1.0 / total);
        });
    }

    void set_schedule(LrSchedule schedule) { m_schedule = schedule; }
    const LrSchedule& schedule() const { return m_schedule; }
    void set_non_finite_policy(NonFinitePolicy policy) { m_step_runner.set_non_finite_policy(policy); }
    // The optimization step itself: add hooks (gradient sync, clipping, penalties) here.
    OptimizationStep<B, 2>& optimization_step() { return m_step_runner; }

    model_type& model() { return m_model; }
    const model_type& model() const { return m_model; }
    optimizer_type& optimizer() { return m_optimizer; }
    std::size_t epoch() const { return m_epoch; }  // epochs completed
    void set_epoch(std::size_t epoch) { m_epoch = epoch; }
    std::uint64_t step() const { return m_step; }
    void set_step(std::uint64_t step) { m_step = step; }
    std::uint64_t seed() const { return m_seed; }
    double base_learning_rate() const { return m_base_lr; }
    std::size_t skipped_steps() const { return m_step_runner.skipped_steps(); }

  private:
    static std::int32_t argmax(const float* scores) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < classes; ++k)
            if (scores[k] > scores[best]) best = k;
        return static_cast<std::int32_t>(best);
    }
    static double seconds_since(std::chrono::steady_clock::time_point start) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    // The samples must fit the input and (unless only predicted) the labels the classes.
    static void check_data(const data::Dataset& data, bool labels_used = true) {
        if (data.sample_size() != sample_size)
            throw std::invalid_argument("Classifier: samples hold " + std::to_string(data.sample_size()) +
                                        " values but the network's input " + Net::input_shape::to_string() +
                                        " needs " + std::to_string(sample_size));
        if (labels_used) check_labels(data.labels.data(), data.size(), "the data set");
    }
    static void check_labels(const std::int32_t* labels, std::size_t n, const char* where) {
        for (std::size_t i = 0; i < n; ++i)
            if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= classes)
                throw std::invalid_argument("Classifier: sample " + std::to_string(i) + " of " + where +
                                            " has label " + std::to_string(labels[i]) +
                                            ", outside the network's " + std::to_string(classes) +
                                            " classes (0 to " + std::to_string(classes - 1) + ")");
    }

    // Eval-mode forward over `data` in order; f(index, label, host logits, summed loss of the batch
    // for the batch's first sample, 0 for the others).
    template <class F>
    void for_each_prediction(const data::Dataset& data, std::size_t batch_size, F&& f) {
        const Mode saved = m_model.mode();
        m_model.eval();
        data::Batches batches(data, batch_size, m_seed, /*shuffle=*/false);
        std::size_t offset = 0;
        while (batches.next()) {
            const std::size_t n = batches.size();
            reserve(n);
            B::from_host(batches.images(), m_input.data(), n * sample_size);
            B::from_host(batches.labels(), m_labels.data(), n);
            const T* logits = m_model.forward(m_input.data(), n);
            const double loss =
                static_cast<double>(m_loss.compute(logits, m_labels.data(), m_dlogits.data(), n));
            B::to_host(logits, m_host_logits.data(), n * classes);
            for (std::size_t i = 0; i < n; ++i)
                f(offset + i, batches.labels()[i], m_host_logits.data() + i * classes,
                  i == 0 ? loss * double(n) : 0.0);
            offset += n;
        }
        m_model.set_mode(saved);
    }

    void reserve(std::size_t n) {
        if (n <= m_capacity) return;
        m_input = B::template allocate<T>(n * sample_size);
        m_dlogits = B::template allocate<T>(n * classes);
        m_labels = B::template allocate<std::int32_t>(n);
        m_host_logits.assign(n * classes, 0.0f);
        m_step_runner.reserve(B::loss_scratch(n));
        m_capacity = n;
    }

    model_type m_model;
    optimizer_type m_optimizer;
    typename Loss::template bind<typename Net::output_shape>::template impl<B> m_loss;
    std::uint64_t m_seed;
    double m_base_lr;
    LrSchedule m_schedule;
    std::size_t m_epoch = 0;
    std::uint64_t m_step = 0;
    std::size_t m_last_correct = 0;
    EpochProgress m_epoch_progress;
    const std::atomic<bool>* m_stop = nullptr;
    std::size_t m_capacity = 0;
    typename B::template buffer<T> m_input, m_dlogits;
    typename B::template buffer<std::int32_t> m_labels;
    enum : std::size_t { loss_sum, correct_sum };  // the step's device scalars
    OptimizationStep<B, 2> m_step_runner{{}, 1};
    std::vector<float> m_host_logits;
    data::Augment m_augment{.max_shift = 0, .max_degrees = 0.0f};  // off until set_augmentation
    std::vector<float> m_augmented;
};

}  // namespace ctnn
