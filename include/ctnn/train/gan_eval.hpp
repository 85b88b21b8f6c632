// Scoring generated images with a trained classifier (a LeNet-5 on MNIST): read_classifier runs
// it in eval mode and keeps, per image, the activation of layer FeatureLayer (the 84-d
// penultimate features: models::lenet5_feature_layer), the softmax probabilities, the predicted
// class and its probability. sample_quality turns a readout into FID (against reference
// statistics), Inception Score, class histogram and mean confidence.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ctnn/nn/model.hpp"
#include "ctnn/train/gan_metrics.hpp"

namespace ctnn {

struct ClassifierReadout {
    std::size_t count = 0, feature_size = 0, classes = 0;
    std::vector<float> features;          // count x feature_size
    std::vector<float> probabilities;     // count x classes
    std::vector<std::int32_t> predicted;  // count
    std::vector<float> confidence;        // count: the predicted class's probability
};

// n images (host, n x input size, in the classifier's own pixel normalisation), in batches.
template <std::size_t FeatureLayer, class Net, class B>
ClassifierReadout read_classifier(Model<Net, B>& model, const float* images, std::size_t n,
                                  std::size_t batch = 500) {
    static_assert(FeatureLayer < Net::depth,
                  "read_classifier: FeatureLayer is past the network's last layer");
    static_assert(Net::output_shape::rank == 1 && Net::output_shape::size >= 2,
                  "read_classifier: the network must end in Shape<K> class scores");
    using T = typename B::value_type;
    constexpr std::size_t in_size = Net::input_shape::size,
                          d = Net::template layer<FeatureLayer>::out_shape::size,
                          classes = Net::output_shape::size;
    ClassifierReadout r;
    r.count = n, r.feature_size = d, r.classes = classes;
    r.features.resize(n * d);
    r.probabilities.resize(n * classes);
    r.predicted.resize(n);
    r.confidence.resize(n);
    batch = std::max<std::size_t>(1, std::min(batch, n));
    auto input = B::template allocate<T>(batch * in_size);
    std::vector<T> host_in(batch * in_size), host_features(batch * d), host_logits(batch * classes);
    const Mode saved = model.mode();
    model.eval();
    for (std::size_t first = 0; first < n; first += batch) {
        const std::size_t m = std::min(batch, n - first);
        for (std::size_t i = 0; i < m * in_size; ++i)
            host_in[i] = static_cast<T>(images[first * in_size + i]);
        B::from_host(host_in.data(), input.data(), m * in_size);
        B::to_host(model.forward(input.data(), m), host_logits.data(), m * classes);
        B::to_host(model.template layer_output<FeatureLayer>(), host_features.data(), m * d);
        for (std::size_t i = 0; i < m * d; ++i)
            r.features[first * d + i] = static_cast<float>(host_features[i]);
        for (std::size_t i = 0; i < m; ++i) {
            const T* logits = host_logits.data() + i * classes;
            const std::size_t best =
                static_cast<std::size_t>(std::max_element(logits, logits + classes) - logits);
            double total = 0;
            for (std::size_t k = 0; k < classes; ++k)
                total += std::exp(double(logits[k]) - double(logits[best]));
            float* p = r.probabilities.data() + (first + i) * classes;
            for (std::size_t k = 0; k < classes; ++k)
                p[k] = static_cast<float>(std::exp(double(logits[k]) - double(logits[best])) / total);
            r.predicted[first + i] = static_cast<std::int32_t>(best);
            r.confidence[first + i] = p[best];
        }
    }
    model.set_mode(saved);
    return r;
}

inline GaussianStats gaussian_stats(const ClassifierReadout& r) {
    return gaussian_stats(r.features.data(), r.count, r.feature_size);
}

struct SampleQuality {
    double fid = 0;                            // against the reference statistics
    InceptionScore inception;                  // with the classifier's probabilities
    std::vector<std::size_t> class_histogram;  // predicted classes
    double mean_confidence = 0;                // mean probability of the predicted class
};

inline SampleQuality sample_quality(const ClassifierReadout& r, const GaussianStats& reference,
                                    std::size_t splits = 10) {
    SampleQuality q;
    q.fid = frechet_distance(gaussian_stats(r), reference);
    q.inception = inception_score(r.probabilities.data(), r.count, r.classes, std::min(splits, r.count));
    q.class_histogram.assign(r.classes, 0);
    for (std::int32_t c : r.predicted) ++q.class_histogram[static_cast<std::size_t>(c)];
    for (float c : r.confidence) q.mean_confidence += static_cast<double>(c) / static_cast<double>(r.count);
    return q;
}

}  // namespace ctnn
