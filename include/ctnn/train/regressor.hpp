// Regressor<Net, Loss, Optimizer, Backend>: trains and evaluates a network whose output Shape<T>
// predicts T float targets (MSE, L1 or Huber<Delta>; one-logit binary classification is
// BCEWithLogits with targets 0 and 1). fit_batch is one OptimizationStep (train/step.hpp: hooks,
// the NaN/Inf check, one device-to-host read), fit_epoch one pass over a data::Table shuffled by
// (seed, epoch), evaluate reports the loss, MSE, MAE, RMSE and R^2 (and the accuracy of
// sign(logit) for BCEWithLogits) in eval mode; predict writes the outputs of n inputs.
// The table's feature and target counts must be the network's input and output sizes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "ctnn/backend/cpu/blas.hpp"
#include "ctnn/data/shuffle.hpp"
#include "ctnn/data/table.hpp"
#include "ctnn/losses/bce.hpp"
#include "ctnn/nn/model.hpp"
#include "ctnn/optim/one_of.hpp"
#include "ctnn/train/schedule.hpp"
#include "ctnn/train/step.hpp"

namespace ctnn {

struct RegressionReport {
    double loss = 0;  // the training loss on the set
    double mse = 0, mae = 0, rmse = 0;
    double r2 = 0;        // 1 - SSE / SST over all targets
    double accuracy = 0;  // BCEWithLogits only: the share of sign(logit) == target
    std::size_t samples = 0;
};

template <class Net, class Loss, class Optimizer, Backend B = cpu::Blas>
class Regressor {
    static_assert(Net::output_shape::rank == 1,
                  "Regressor: the network must end in a flat Shape<T> of predictions");
    static_assert(
        std::is_same_v<typename Loss::target_type, float>,
        "Regressor: the loss must take float targets (MSE, L1, Huber, BCEWithLogits), not class labels");

  public:
    using model_type = Model<Net, B>;
    using T = typename B::value_type;
    using optimizer_type = typename Optimizer::template impl<B>;
    static constexpr std::size_t inputs = Net::input_shape::size, outputs = Net::output_shape::size;
    static constexpr bool binary = std::is_same_v<Loss, BCEWithLogits>;

    explicit Regressor(Optimizer optimizer = {}, std::uint64_t seed = 0,
                       InitScheme init = InitScheme::pytorch, Loss loss = {})
        : m_model(seed, init), m_optimizer(optimizer, Net::param_count), m_loss(loss), m_seed(seed) {}

    // One optimization step on n samples (host: n x inputs features, n x outputs targets).
    double fit_batch(const float* features, const float* targets, std::size_t n) {
        reserve(n);
        B::from_host(features, m_input.data(), n * inputs);
        B::from_host(targets, m_targets.data(), n * outputs);
        m_model.train();
        ++m_step;
        return m_step_runner
            .run(
                m_model, m_optimizer,
                [&](auto& step) {
                    const T* y = m_model.forward(m_input.data(), n);
                    m_loss.compute_on_device(y, m_targets.data(), m_dy.data(), n, step.sum(0));
                    m_model.backward(m_dy.data());
                },
                [&] { return "regression step " + std::to_string(m_step); })
            .loss;
    }

    // One shuffled pass over `train` in batches of batch_size; returns the mean training loss.
    double fit_epoch(const data::Table& train, std::size_t batch_size) {
        check(train);
        if (batch_size == 0) throw std::invalid_argument("Regressor: batch_size must be positive");
        std::vector<std::size_t> order(train.rows);
        data::detail::permutation(order, m_seed, /*stream=*/0x7AB1E, m_epoch);
        std::vector<float> x, t;
        double total = 0;
        for (std::size_t first = 0; first < train.rows; first += batch_size) {
            const std::size_t n = std::min(batch_size, train.rows - first);
            gather(train, order.data() + first, n, x, t);
            total += fit_batch(x.data(), t.data(), n) * static_cast<double>(n);
        }
        ++m_epoch;
        return total / static_cast<double>(train.rows);
    }

    RegressionReport evaluate(const data::Table& data, std::size_t batch_size = 500) {
        check(data);
        RegressionReport report;
        report.samples = data.rows;
        std::vector<float> y(data.rows * outputs);
        predict(data.features.data(), data.rows, y.data(), batch_size);
        double mean = 0;
        for (const float t : data.targets) mean += t;
        mean /= static_cast<double>(data.targets.size());
        double sse = 0, sst = 0, sae = 0, correct = 0, loss = 0;
        for (std::size_t i = 0; i < y.size(); ++i) {
            const double d = double(y[i]) - data.targets[i];
            sse += d * d, sae += std::abs(d), sst += (data.targets[i] - mean) * (data.targets[i] - mean);
            correct += (y[i] > 0) == (data.targets[i] > 0.5f);
        }
        for (std::size_t first = 0; first < data.rows; first += batch_size) {
            const std::size_t n = std::min(batch_size, data.rows - first);
            reserve(n);
            B::from_host(data.features.data() + first * inputs, m_input.data(), n * inputs);
            B::from_host(data.targets.data() + first * outputs, m_targets.data(), n * outputs);
            m_model.eval();
            loss += static_cast<double>(m_loss.compute(m_model.forward(m_input.data(), n), m_targets.data(),
                                                       m_dy.data(), n)) *
                    static_cast<double>(n);
        }
        const auto count = static_cast<double>(y.size());
        report.loss = loss / static_cast<double>(data.rows);
        report.mse = sse / count, report.mae = sae / count, report.rmse = std::sqrt(report.mse);
        report.r2 = sst > 0 ? 1 - sse / sst : 0;
        report.accuracy = binary ? correct / count : 0;
        return report;
    }

    // The network's outputs for n inputs (host, n x inputs -> n x outputs), in eval mode.
    void predict(const float* features, std::size_t n, float* out, std::size_t batch_size = 500) {
        const Mode saved = m_model.mode();
        m_model.eval();
        for (std::size_t first = 0; first < n; first += batch_size) {
            const std::size_t count = std::min(batch_size, n - first);
            reserve(count);
            B::from_host(features + first * inputs, m_input.data(), count * inputs);
            B::to_host(m_model.forward(m_input.data(), count), out + first * outputs, count * outputs);
        }
        m_model.set_mode(saved);
    }

    OptimizationStep<B, 1>& optimization_step() { return m_step_runner; }
    model_type& model() { return m_model; }
    optimizer_type& optimizer() { return m_optimizer; }
    std::size_t epoch() const { return m_epoch; }

  private:
    static void check(const data::Table& table) {
        if (table.feature_count != inputs || table.target_count != outputs)
            throw std::invalid_argument("Regressor: the table has " + std::to_string(table.feature_count) +
                                        " features and " + std::to_string(table.target_count) +
                                        " targets, the network takes " + Net::input_shape::to_string() +
                                        " and predicts " + Net::output_shape::to_string());
        if (table.rows == 0) throw std::invalid_argument("Regressor: the table has no rows");
    }
    static void gather(const data::Table& table, const std::size_t* rows, std::size_t n,
                       std::vector<float>& x, std::vector<float>& t) {
        x.resize(n * inputs), t.resize(n * outputs);
        for (std::size_t i = 0; i < n; ++i) {
            std::copy_n(table.features.data() + rows[i] * inputs, inputs, x.data() + i * inputs);
            std::copy_n(table.targets.data() + rows[i] * outputs, outputs, t.data() + i * outputs);
        }
    }
    void reserve(std::size_t n) {
        if (n <= m_capacity) return;
        m_input = B::template allocate<T>(n * inputs);
        m_dy = B::template allocate<T>(n * outputs);
        m_targets = B::template allocate<float>(n * outputs);
        m_step_runner.reserve(B::loss_scratch(n * outputs));
        m_capacity = n;
    }

    model_type m_model;
    optimizer_type m_optimizer;
    typename Loss::template bind<typename Net::output_shape>::template impl<B> m_loss;
    std::uint64_t m_seed;
    std::size_t m_epoch = 0;
    std::uint64_t m_step = 0;
    std::size_t m_capacity = 0;
    typename B::template buffer<T> m_input, m_dy;
    typename B::template buffer<float> m_targets;
    OptimizationStep<B, 1> m_step_runner{"regressor", 1};
};

}  // namespace ctnn
