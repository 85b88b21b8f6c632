// tabular's options (main.cpp reads them from the command line; train.cpp runs them).
#pragma once

#include <cstdint>
#include <string>

namespace tabular {

struct Options {
    std::string csv;                // any numeric CSV, raw or gzip
    std::string target;             // the target column: a header name or a 0-based index; empty: the last
    std::string task = "classify";  // classify | binary | regress
    std::size_t skip_rows = 0;      // leading lines before the header or the first row
    double test_fraction = 0.2;     // rows held out for the test figures
    int epochs = 200;
    std::size_t batch = 32;
    float lr = 1e-3f;
    std::uint64_t seed = 1;
    std::string out;  // if set: summary.json there (atomically)
};

// Trains the task's network on the CSV and prints (and writes) the test figures. Returns the exit status.
int train(const Options& options);

}  // namespace tabular
