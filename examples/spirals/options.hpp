// spirals' hyperparameters (main.cpp reads them as flags; train.cpp trains with them).
#pragma once

#include <cstddef>
#include <cstdint>

namespace spirals {

struct Options {
    std::size_t points_per_class = 200;  // 600 points in all
    int steps = 1500;                    // full-batch Adam steps
    float lr = 0.01f;
    std::uint64_t seed = 5;
};

// Trains and reports; exit status 0 when the accuracy passes 95%.
int train(const Options& options);

}  // namespace spirals
