// torch_mnist's recipe (main.cpp reads the flags): the network, Adadelta with StepLR, 3 epochs.
#include <cstdio>
#include <exception>

#include <ctnn/ctnn.hpp>

#include "options.hpp"

using namespace ctnn;

using ExamplesNet = Sequential<Input<1, 28, 28>, Conv<32, 3>, ReLU, Conv<64, 3>, ReLU, MaxPool<2>,
                               Dropout<0.25f>, Flatten, Dense<128>, ReLU, Dropout<0.5f>, Dense<10>>;
static_assert(ExamplesNet::param_count == 1'199'882);  // as PyTorch's Net

namespace {
void standardize(data::Dataset& set) {
    for (float& x : set.images) x = (x - 0.1307f) / 0.3081f;
}
}  // namespace

int torch_mnist::train(const Options& o) {
    try {
        set_num_threads(o.threads);
        data::Mnist mnist = data::mnist::load(o.data_dir);
        standardize(mnist.train);
        standardize(mnist.test);
        Classifier<ExamplesNet, SoftmaxCrossEntropy, Adadelta> clf(Adadelta{.lr = 1.0f}, o.seed);
        clf.set_schedule(LrSchedule::step(1, 0.7));
        std::printf("%s", summary<ExamplesNet>().c_str());
        for (int epoch = 1; epoch <= o.epochs; ++epoch) {
            const auto stats = clf.fit_epoch(mnist.train, 64);
            const auto test = clf.evaluate(mnist.test, 1000);
            std::printf("epoch %d  lr %.4f  train loss %.4f  test loss %.4f  test accuracy %.2f%%  %.1f s\n",
                        epoch, stats.learning_rate, stats.loss, test.loss, 100 * test.accuracy,
                        stats.seconds);
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
