// spirals: the smallest complete ctnn program. An MLP (a type) learns to separate three
// interleaved 2-D spirals; it prints the architecture, the loss as it trains and the final
// accuracy. Hyperparameters are flags:  ./build/examples/spirals --steps 1500 --lr 0.01
#include <CLI/CLI.hpp>

#include <cstdio>

#include <ctnn/ctnn.hpp>
#include <ctnn/data/spirals.hpp>

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

    const data::Dataset set = data::make_spirals(points_per_class, seed);
    std::printf("%s", summary<Mlp>().c_str());
    Classifier<Mlp, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = lr}, seed);
    for (int step = 1; step <= steps; ++step) {
        const double loss = clf.fit_batch(set.images.data(), set.labels.data(), set.size());
        if (step == 1 || step % (steps / 10 > 0 ? steps / 10 : 1) == 0) std::printf("step %5d  loss %.4f\n", step, loss);
    }
    const auto report = clf.evaluate(set);
    std::printf("accuracy %.2f%% on %zu points\n", 100 * report.accuracy, report.count);
    return report.accuracy > 0.95 ? 0 : 1;
}
