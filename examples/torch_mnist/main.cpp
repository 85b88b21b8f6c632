// torch_mnist: the PyTorch examples' MNIST recipe (pytorch/examples mnist/main.py) written with
// ctnn: Conv 32 3x3, ReLU, Conv 64 3x3, ReLU, MaxPool 2, Dropout 0.25, Flatten, Dense 128, ReLU,
// Dropout 0.5, Dense 10; Adadelta lr 1.0 with StepLR gamma 0.7 per epoch, batch 64, inputs
// normalized by MNIST's mean 0.1307 and std 0.3081. Prints the test accuracy after each epoch;
// bench/compare/torch_mnist.py runs the same recipe in PyTorch.
//   ./build/examples/torch_mnist --epochs 3 --threads 2
// This file reads the flags (the CLI11 unit); train.cpp is the recipe.
#include <CLI/CLI.hpp>

#include "options.hpp"

int main(int argc, char** argv) {
    torch_mnist::Options o;
    CLI::App app{"The PyTorch examples' MNIST recipe with ctnn"};
    app.add_option("--epochs", o.epochs, "epochs (PyTorch's default is 14)")->check(CLI::Range(1, 1000));
    app.add_option("--threads", o.threads, "CPU threads (0: one per core)")->check(CLI::Range(0, 1024));
    app.add_option("--seed", o.seed, "seed of the weights, shuffles and Dropout");
    app.add_option("--data", o.data_dir, "MNIST directory");
    CLI11_PARSE(app, argc, argv);
    return torch_mnist::train(o);
}
