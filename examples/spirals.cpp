// spirals: the smallest complete ctnn program. An MLP (a type) learns to separate three
// interleaved 2-D spirals; it prints the architecture, the loss as it trains and the final
// accuracy. Hyperparameters are flags:  ./build/examples/spirals --steps 1500 --lr 0.01
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

using Mlp = Sequential<Input<2>, Dense<64>, ReLU, Dense<64>, ReLU, Dense<3>>;
static_assert(Mlp::param_count == 2 * 64 + 64 + 64 * 64 + 64 + 64 * 3 + 3);

int main(int argc, char** argv) {
    std::size_t points_per_class = 200;  // 600 points in all
    int steps = 1500;                    // full-batch Adam steps
    float lr = 0.01f;
    std::uint64_t seed = 5;
    CLI::App app{"Train an MLP on three spirals"};
    app.add_option("--points", points_per_class, "points per spiral")->check(CLI::Range(1, 100000));
    app.add_option("--steps", steps, "training steps")->check(CLI::Range(1, 1000000));
    app.add_option("--lr", lr, "Adam learning rate")->check(CLI::Range(1e-6, 1.0));
    app.add_option("--seed", seed, "seed of the weights and the data");
    CLI11_PARSE(app, argc, argv);

    std::vector<float> points;
    std::vector<std::int32_t> labels;
    Rng rng(seed);
    for (std::int32_t c = 0; c < 3; ++c)
        for (std::size_t i = 0; i < points_per_class; ++i) {
            const double r = double(i) / double(points_per_class);
            const double t = c * 4.0 + 4.0 * r + rng.normal() * 0.2;
            points.push_back(static_cast<float>(r * std::sin(t)));
            points.push_back(static_cast<float>(r * std::cos(t)));
            labels.push_back(c);
        }

    std::printf("%s", summary<Mlp>().c_str());
    Classifier<Mlp, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = lr}, seed);
    for (int step = 1; step <= steps; ++step) {
        const double loss = clf.fit_batch(points.data(), labels.data(), labels.size());
        if (step == 1 || step % (steps / 10 > 0 ? steps / 10 : 1) == 0) std::printf("step %5d  loss %.4f\n", step, loss);
    }
    data::Dataset set;
    set.images = xt::adapt(points, std::array<std::size_t, 4>{labels.size(), 2, 1, 1});
    set.labels = xt::adapt(labels, std::array<std::size_t, 1>{labels.size()});
    const auto report = clf.evaluate(set);
    std::printf("accuracy %.2f%% on %zu points\n", 100 * report.accuracy, report.count);
    return report.accuracy > 0.95 ? 0 : 1;
}
