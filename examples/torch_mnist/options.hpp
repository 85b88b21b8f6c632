// torch_mnist's options (main.cpp reads them; train.cpp runs the recipe).
#pragma once

#include <cstdint>
#include <string>

namespace torch_mnist {

struct Options {
    int epochs = 3;
    int threads = 0;
    std::uint64_t seed = 1;
    std::string data_dir = "data/mnist";
};

// Trains and prints the test accuracy after each epoch; returns the exit status.
int train(const Options& options);

}  // namespace torch_mnist
