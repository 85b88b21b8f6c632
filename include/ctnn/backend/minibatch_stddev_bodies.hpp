// The bodies of the MinibatchStddev ops (B::minibatch_stddev_forward / backward; see
// backend/layer_bodies.hpp): sample and group bodies (cpu::Blas), the block-reduction thread
// shares and element bodies (the CUDA kernels; tested on the CPU by tests/backend/layer_bodies.cpp).
// N batch, F features per sample, groups of G.group consecutive samples.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/core/hd.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn::bodies {

// ---------------------------------------------------------------- MinibatchStddev

struct Spread {
    double mean, stddev;
};

// Mean and sqrt(biased variance + eps) of feature f over samples [first, first + count).
template <class T, MinibatchStddevGeometry G>
CTNN_HD Spread feature_stddev(const T* in, std::size_t f, std::size_t first, std::size_t count, double eps) {
    constexpr std::size_t features = G.features;
    double sum = 0;
    for (std::size_t n = first; n < first + count; ++n) sum += static_cast<double>(in[n * features + f]);
    const double mean = sum / static_cast<double>(count);
    double squares = 0;
    for (std::size_t n = first; n < first + count; ++n) {
        const double d = static_cast<double>(in[n * features + f]) - mean;
        squares += d * d;
    }
    return {mean, std::sqrt(squares / static_cast<double>(count) + eps)};
}

// The j-th of the `count * appended` appended values of the group starting at sample `first`.
template <MinibatchStddevGeometry G>
constexpr std::size_t appended_index(std::size_t first, std::size_t j) {
    return (first + j / G.appended) * G.out_features() + G.features + j % G.appended;
}

// A group's features split over `threads` (GPU: a block per group): thread t's share of the
// sum over f of sqrt(var_f + eps), and of dm (the sum of dout over the appended values).
template <class T, MinibatchStddevGeometry G>
CTNN_HD double minibatch_stddev_thread_spread(const T* in, std::size_t first, std::size_t count, double eps,
                                              std::size_t t, std::size_t threads) {
    double spread = 0;
    for (std::size_t f = t; f < G.features; f += threads)
        spread += feature_stddev<T, G>(in, f, first, count, eps).stddev;
    return spread;
}
template <class T, MinibatchStddevGeometry G>
CTNN_HD double minibatch_stddev_thread_dm(const T* dout, std::size_t first, std::size_t count, std::size_t t,
                                          std::size_t threads) {
    double dm = 0;
    for (std::size_t j = t; j < count * G.appended; j += threads)
        dm += static_cast<double>(dout[appended_index<G>(first, j)]);
    return dm;
}

// Forward, part 1: one body per sample n copies its features.
template <class T, MinibatchStddevGeometry G>
struct MinibatchStddevCopyRow {
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t n) const {
        for (std::size_t f = 0; f < G.features; ++f) out[n * G.out_features() + f] = in[n * G.features + f];
    }
};

// ... as one body per input element i = (n, f).
template <class T, MinibatchStddevGeometry G>
struct MinibatchStddevCopyElement {
    const T* in;
    T* out;
    CTNN_HD void operator()(std::size_t i) const {
        out[i / G.features * G.out_features() + i % G.features] = in[i];
    }
};

// Forward, part 2: one body per group g writes the group's spread into its appended values.
template <class T, MinibatchStddevGeometry G>
struct MinibatchStddevGroup {
    const T* in;
    T* out;
    std::size_t batch;
    double eps;
    CTNN_HD void operator()(std::size_t g) const {
        const std::size_t first = g * G.group, count = G.group_size(g, batch);
        double spread = 0;
        for (std::size_t f = 0; f < G.features; ++f)
            spread += feature_stddev<T, G>(in, f, first, count, eps).stddev;
        const T m = static_cast<T>(spread / static_cast<double>(G.features));
        for (std::size_t n = first; n < first + count; ++n)
            for (std::size_t s = 0; s < G.appended; ++s) out[n * G.out_features() + G.features + s] = m;
    }
};

// dinp of feature f for the group's samples, given dm / (k F) (`scale`).
template <class T, MinibatchStddevGeometry G>
CTNN_HD void minibatch_stddev_feature_backward(const T* in, const T* dout, T* dinp, std::size_t f,
                                               std::size_t first, std::size_t count, double scale,
                                               double eps) {
    const Spread spread = feature_stddev<T, G>(in, f, first, count, eps);
    const double factor = scale / spread.stddev;
    for (std::size_t n = first; n < first + count; ++n)
        dinp[n * G.features + f] =
            static_cast<T>(static_cast<double>(dout[n * G.out_features() + f]) +
                           factor * (static_cast<double>(in[n * G.features + f]) - spread.mean));
}

// Backward, one body per group g: dinp = dout[x part] + dm * (x - mean) / (k F sqrt(var + eps)),
// dm the sum of dout over the group's appended values.
template <class T, MinibatchStddevGeometry G>
struct MinibatchStddevBackwardGroup {
    const T *in, *dout;
    T* dinp;
    std::size_t batch;
    double eps;
    CTNN_HD void operator()(std::size_t g) const {
        const std::size_t first = g * G.group, count = G.group_size(g, batch);
        double dm = 0;
        for (std::size_t n = first; n < first + count; ++n)
            for (std::size_t s = 0; s < G.appended; ++s)
                dm += static_cast<double>(dout[n * G.out_features() + G.features + s]);
        const double scale = dm / (static_cast<double>(count) * static_cast<double>(G.features));
        for (std::size_t f = 0; f < G.features; ++f)
            minibatch_stddev_feature_backward<T, G>(in, dout, dinp, f, first, count, scale, eps);
    }
};

}  // namespace ctnn::bodies
