// torch_mnist: the PyTorch examples' MNIST recipe (pytorch/examples mnist/main.py) written with
// ctnn: Conv 32 3x3, ReLU, Conv 64 3x3, ReLU, MaxPool 2, Dropout 0.25, Flatten, Dense 128, ReLU,
// Dropout 0.5, Dense 10; Adadelta lr 1.0 with StepLR gamma 0.7 per epoch, batch 64, inputs
// normalized by MNIST's mean 0.1307 and std 0.3081. Prints the test accuracy after each epoch;
// bench/compare/torch_mnist.py runs the same recipe in PyTorch.
//   ./build/examples/torch_mnist --epochs 3 --threads 2
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

using ExamplesNet = Sequential<Input<1, 28, 28>, Conv<32, 3>, ReLU, Conv<64, 3>, ReLU, MaxPool<2>,
                               Dropout<0.25f>, Flatten, Dense<128>, ReLU, Dropout<0.5f>, Dense<10>>;
static_assert(ExamplesNet::param_count == 1'199'882);  // as PyTorch's Net

namespace {
void standardize(data::Dataset& set) {
    for (float& x : set.images) x = (x - 0.1307f) / 0.3081f;
}
}  // namespace

int main(int argc, char** argv) {
    int epochs = 3, threads = 0;
    std::uint64_t seed = 1;
    std::string data_dir = "data/mnist";
    CLI::App app{"The PyTorch examples' MNIST recipe with ctnn"};
    app.add_option("--epochs", epochs, "epochs (PyTorch's default is 14)")->check(CLI::Range(1, 1000));
    app.add_option("--threads", threads, "CPU threads (0: one per core)")->check(CLI::Range(0, 1024));
    app.add_option("--seed", seed, "seed of the weights, shuffles and Dropout");
    app.add_option("--data", data_dir, "MNIST directory");
    CLI11_PARSE(app, argc, argv);
    try {
        set_num_threads(threads);
        data::Mnist mnist = data::mnist::load(data_dir);
        standardize(mnist.train);
        standardize(mnist.test);
        Classifier<ExamplesNet, SoftmaxCrossEntropy, Adadelta> clf(Adadelta{.lr = 1.0f}, seed);
        clf.set_schedule(LrSchedule::step(1, 0.7));
        std::printf("%s", summary<ExamplesNet>().c_str());
        for (int epoch = 1; epoch <= epochs; ++epoch) {
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
