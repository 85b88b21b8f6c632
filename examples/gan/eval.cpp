// `gan eval`: a generator scored by a LeNet-5 classifier of examples/lenet5 (scorer.hpp): FID and
// Inception Score in its 84-d feature space, class histogram and mean confidence, for generated
// and for real test digits (the ceiling); writes eval.json, predictions.csv and digits.png.
// --splits is refused when a split would hold fewer than min_split digits (IS of 1-digit splits
// is 1.0 whatever the generator). A conditional generator draws every digit equally often (image i
// digit i mod 10) and eval.json adds conditional_agreement, the share of the images the classifier
// reads as the digit asked for, and per_digit_agreement, that share per digit.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <ctnn/data/mnist.hpp>

#include "../common/figures.hpp"
#include "../common/run_dir.hpp"
#include "config.hpp"
#include "scorer.hpp"

namespace gan {

namespace {

nlohmann::json quality_json(const ctnn::SampleQuality& q) {
    return {{"fid", q.fid},
            {"inception_score", q.inception.mean},
            {"inception_score_std", q.inception.std},
            {"class_histogram", q.class_histogram},
            {"mean_confidence", q.mean_confidence}};
}

void check_splits(std::size_t count, std::size_t splits, const std::string& what) {
    if (count / splits < min_split)
        throw std::invalid_argument("--splits " + std::to_string(splits) + " with " + what + " " +
                                    std::to_string(count) + ": an Inception Score split needs at least " +
                                    std::to_string(min_split) + " digits (use --splits " +
                                    std::to_string(std::max<std::size_t>(1, count / min_split)) +
                                    " or fewer" + (count < min_split ? ", and more digits" : "") + ")");
}

}  // namespace

int eval_command(EvalConfig config) {
    check_splits(config.count, config.splits, "--count");
    if (config.out_dir.empty()) config.out_dir = (fs::path(config.generator).parent_path() / "eval").string();
    const auto scorer = load_scorer(config.classifier);
    const auto g = load_generator(config.generator);
    if (g->rows() != scorer->rows() || g->cols() != scorer->cols())
        throw std::runtime_error(config.generator + ": draws " + std::to_string(g->rows()) + "x" +
                                 std::to_string(g->cols()) + " images, " + config.classifier + " reads " +
                                 std::to_string(scorer->rows()) + "x" + std::to_string(scorer->cols()));
    const examples::RunDir out(config.out_dir);
    // LeNet-5 was trained on [0, 1] pixels (examples/lenet5): real digits load that way, and
    // generated ones map from [-1, 1].
    const auto mnist = ctnn::data::mnist::load(config.data_dir, ctnn::data::Normalize::unit);
    const std::size_t count = config.count;
    const auto reference_set =
        ctnn::data::split(mnist.train, std::min(count, mnist.train.size()), config.sampling.seed).second;
    const auto real_set = ctnn::data::take(mnist.test, count);
    check_splits(real_set.size(), config.splits, config.data_dir + "'s test digits");
    const auto reference =
        ctnn::gaussian_stats(scorer->read(reference_set.images.data(), reference_set.size()));
    const auto real =
        ctnn::sample_quality(scorer->read(real_set.images.data(), real_set.size()), reference, config.splits);
    std::printf("reference: %zu training digits; real: %zu test digits, FID %.3f, IS %.3f\n",
                reference_set.size(), real_set.size(), real.fid, real.inception.mean);

    std::vector<std::int32_t> labels;  // a conditional G: the digit each image was asked for
    const auto images = sample(*g, count, config.sampling, &labels);
    std::vector<float> unit(images.size());
    std::transform(images.begin(), images.end(), unit.begin(), [](float v) { return (v + 1.0f) * 0.5f; });
    const auto readout = scorer->read(unit.data(), count);
    const auto gen = ctnn::sample_quality(readout, reference, config.splits);

    std::string csv = "index,predicted,confidence\n";
    for (std::size_t i = 0; i < count; ++i) {
        char row[64];
        std::snprintf(row, sizeof row, "%zu,%d,%g\n", i, readout.predicted[i], double(readout.confidence[i]));
        csv += row;
    }
    out.write("predictions.csv", csv);
    std::vector<std::string> captions;
    const std::size_t shown = std::min<std::size_t>(25, count);
    for (std::size_t i = 0; i < shown; ++i) {
        char text[32];
        std::snprintf(text, sizeof text, "%d (%.2f)", readout.predicted[i], double(readout.confidence[i]));
        captions.push_back(text);
    }
    examples::write_grid(out / "digits.png", images.data(), shown, g->rows(), g->cols(), -1.0f, 1.0f,
                         captions);

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
    result["classifier"] = {{"path", config.classifier}, {"architecture", scorer->fingerprint()}};
    result["seed"] = config.sampling.seed;
    result["bn_stats"] = config.sampling.batch_stats ? "batch" : "running";
    result["truncation"] = config.sampling.truncation;
    if (!labels.empty()) {  // did G draw the digit asked for? (the classifier's reading)
        std::vector<double> asked(g->classes(), 0), agreed(g->classes(), 0);
        for (std::size_t i = 0; i < count; ++i) {
            asked[labels[i]] += 1;
            agreed[labels[i]] += readout.predicted[i] == labels[i];
        }
        double total = 0;
        nlohmann::json per_digit = nlohmann::json::array();
        for (std::size_t d = 0; d < asked.size(); ++d) {
            total += agreed[d];
            per_digit.push_back(asked[d] ? nlohmann::json(agreed[d] / asked[d]) : nlohmann::json());
        }
        result["conditional_agreement"] = total / double(count);
        result["per_digit_agreement"] = per_digit;
        std::printf("conditional agreement %.3f; per digit:", total / double(count));
        for (std::size_t d = 0; d < asked.size(); ++d)
            std::printf(" %zu:%.2f", d, asked[d] ? agreed[d] / asked[d] : 0.0);
        std::printf("\n");
    }
    out.write_json("eval.json", result);

    std::printf("generated: %zu digits  FID %.3f  IS %.3f +- %.3f  mean confidence %.3f\n", count, gen.fid,
                gen.inception.mean, gen.inception.std, gen.mean_confidence);
    std::printf("class histogram:");
    for (std::size_t c = 0; c < gen.class_histogram.size(); ++c)
        std::printf(" %zu:%.1f%%", c, 100.0 * double(gen.class_histogram[c]) / double(count));
    std::printf("\nreal test digits (ceiling): FID %.3f  IS %.3f  mean confidence %.3f\n", real.fid,
                real.inception.mean, real.mean_confidence);
    std::printf("outputs in %s: eval.json predictions.csv digits.png\n", out.path().c_str());
    return 0;
}

}  // namespace gan
