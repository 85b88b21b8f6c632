// `gan eval` (sampling.hpp): a generator scored by a LeNet-5 classifier of examples/lenet5: FID
// and Inception Score in its 84-d feature space, class histogram and mean confidence, for generated
// and for real test digits (the ceiling); writes eval.json, predictions.csv and digits.png.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <ctnn/data/data.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/gan_eval.hpp>

#include "sampling.hpp"

namespace gan {

namespace {

nlohmann::json quality_json(const SampleQuality& q) {
    return {{"fid", q.fid},
            {"inception_score", q.inception.mean},
            {"inception_score_std", q.inception.std},
            {"class_histogram", q.class_histogram},
            {"mean_confidence", q.mean_confidence}};
}

template <class Net>
int evaluate(const EvalConfig& config, const fs::path& classifier_path) {
    auto clf = std::make_unique<Model<Net, cpu::Blas>>();
    io::load_checkpoint(classifier_path, *clf);
    const fs::path out = config.out_dir;
    fs::create_directories(out);
    // LeNet-5 was trained on [0, 1] pixels (examples/lenet5): real digits load that way, and
    // generated ones map from [-1, 1].
    const data::Mnist mnist = data::mnist::load(config.data_dir, data::Normalize::unit);
    const std::size_t count = config.count;
    const auto reference_set =
        data::split(mnist.train, std::min(count, mnist.train.size()), config.seed).second;
    const auto real_set = data::take(mnist.test, count);
    constexpr std::size_t layer = models::lenet5_feature_layer;
    const auto reference =
        gaussian_stats(read_classifier<layer>(*clf, reference_set.images.data(), reference_set.size()));
    const auto real = sample_quality(read_classifier<layer>(*clf, real_set.images.data(), real_set.size()),
                                     reference, config.splits);
    std::printf("reference: %zu training digits; real: %zu test digits, FID %.3f, IS %.3f\n",
                reference_set.size(), real_set.size(), real.fid, real.inception.mean);

    return with_generator(config.generator, [&]<class G>(Model<G, cpu::Blas>& g) {
        auto images = generate(g, count, Sampling{config.seed, config.bn_stats == "batch", config.truncation});
        std::vector<float> unit(images.size());
        std::transform(images.begin(), images.end(), unit.begin(), [](float v) { return (v + 1.0f) * 0.5f; });
        const auto readout = read_classifier<layer>(*clf, unit.data(), count);
        const auto gen = sample_quality(readout, reference, config.splits);

        std::ofstream csv(out / "predictions.csv");
        csv << "index,predicted,confidence\n";
        for (std::size_t i = 0; i < count; ++i)
            csv << i << ',' << readout.predicted[i] << ',' << readout.confidence[i] << '\n';
        std::vector<std::string> captions;
        const std::size_t shown = std::min<std::size_t>(25, count);
        for (std::size_t i = 0; i < shown; ++i) {
            char text[32];
            std::snprintf(text, sizeof text, "%d (%.2f)", readout.predicted[i],
                          double(readout.confidence[i]));
            captions.push_back(text);
        }
        write_grid(out / "digits.png", images.data(), shown, -1.0f, 1.0f, captions);

        double min_fraction = 1;
        for (auto c : gen.class_histogram) min_fraction = std::min(min_fraction, double(c) / double(count));
        nlohmann::json result = quality_json(gen);
        result["count"] = count;
        result["min_class_fraction"] = min_fraction;
        result["real_fid"] = real.fid;
        result["real_inception_score"] = real.inception.mean;
        result["real"] = quality_json(real);
        result["reference"] = {{"source", "MNIST training digits"}, {"count", reference_set.size()}};
        result["generator"] = config.generator;
        result["classifier"] = {{"path", classifier_path.string()}, {"architecture", Net::fingerprint()}};
        result["seed"] = config.seed;
        result["bn_stats"] = config.bn_stats;
        result["truncation"] = config.truncation;
        std::ofstream(out / "eval.json") << result.dump(2) << '\n';

        std::printf("generated: %zu digits  FID %.3f  IS %.3f +- %.3f  mean confidence %.3f\n", count,
                    gen.fid, gen.inception.mean, gen.inception.std, gen.mean_confidence);
        std::printf("class histogram:");
        for (std::size_t c = 0; c < gen.class_histogram.size(); ++c)
            std::printf(" %zu:%.1f%%", c, 100.0 * double(gen.class_histogram[c]) / double(count));
        std::printf("\nreal test digits (ceiling): FID %.3f  IS %.3f  mean confidence %.3f\n", real.fid,
                    real.inception.mean, real.mean_confidence);
        std::printf("outputs in %s: eval.json predictions.csv digits.png\n", out.c_str());
        return 0;
    });
}

}  // namespace

int eval_command(EvalConfig config) {
    const fs::path classifier = config.classifier;
    if (config.out_dir.empty()) config.out_dir = (fs::path(config.generator).parent_path() / "eval").string();
    const std::string arch = metadata(io::load_safetensors(classifier), "architecture");
    if (arch == models::LeNet5::fingerprint()) return evaluate<models::LeNet5>(config, classifier);
    if (arch == models::LeNet5Relu::fingerprint()) return evaluate<models::LeNet5Relu>(config, classifier);
    throw std::runtime_error(classifier.string() +
                             ": not a LeNet-5 checkpoint of examples/lenet5 (architecture '" + arch + "')");
}

}  // namespace gan
