// spirals' training (main.cpp reads the flags): an MLP, a type, on three interleaved spirals.
#include <cstdio>

#include <ctnn/ctnn.hpp>
#include <ctnn/data/spirals.hpp>

#include "options.hpp"

using namespace ctnn;

using Mlp = Sequential<Input<2>, Dense<64>, ReLU, Dense<64>, ReLU, Dense<3>>;
static_assert(Mlp::param_count == 2 * 64 + 64 + 64 * 64 + 64 + 64 * 3 + 3);

int spirals::train(const Options& o) {
    const data::Dataset set = data::make_spirals(o.points_per_class, o.seed);
    std::printf("%s", summary<Mlp>().c_str());
    Classifier<Mlp, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = o.lr}, o.seed);
    for (int step = 1; step <= o.steps; ++step) {
        const double loss = clf.fit_batch(set.images.data(), set.labels.data(), set.size());
        if (step == 1 || step % (o.steps / 10 > 0 ? o.steps / 10 : 1) == 0)
            std::printf("step %5d  loss %.4f\n", step, loss);
    }
    const auto report = clf.evaluate(set);
    std::printf("accuracy %.2f%% on %zu points\n", 100 * report.accuracy, report.count);
    return report.accuracy > 0.95 ? 0 : 1;
}
