// tabular: trains an MLP on any numeric CSV (regression, one-logit binary classification or
// multi-class classification) and reports the held-out figures. The features are standardized with
// the training rows' statistics and zero-padded to the network's fixed input of 64; a regression
// target is standardized too and its errors are reported in the target's own units.
//   ./build/examples/tabular --csv iris.csv --skip-rows 1 --task classify
//   ./build/examples/tabular --csv boston_house_prices.csv --skip-rows 1 --target MEDV --task regress
// This file reads the flags (the CLI11 unit); train.cpp is the program itself.
#include <CLI/CLI.hpp>

#include "options.hpp"

int main(int argc, char** argv) {
    tabular::Options o;
    CLI::App app{"Train an MLP on a numeric CSV with ctnn"};
    app.add_option("--csv", o.csv, "the CSV file (raw or .gz)")->required();
    app.add_option("--target", o.target, "target column: header name or 0-based index (default: the last)");
    app.add_option("--task", o.task, "classify (classes 0..9) | binary (targets 0/1) | regress")
        ->check(CLI::IsMember({"classify", "binary", "regress"}));
    app.add_option("--skip-rows", o.skip_rows, "lines to skip before the header or first row")
        ->check(CLI::Range(0, 1000000));
    app.add_option("--test-fraction", o.test_fraction, "share of rows held out for testing")
        ->check(CLI::Range(0.01, 0.99));
    app.add_option("--epochs", o.epochs, "passes over the training rows")->check(CLI::Range(1, 100000));
    app.add_option("--batch", o.batch, "mini-batch size")->check(CLI::Range(1, 1 << 16));
    app.add_option("--lr", o.lr, "Adam learning rate")->check(CLI::Range(1e-7, 1.0));
    app.add_option("--seed", o.seed, "seed of the weights, the split and the shuffles");
    app.add_option("--out", o.out, "directory for summary.json (optional)");
    app.option_defaults()->always_capture_default();
    CLI11_PARSE(app, argc, argv);
    return tabular::train(o);
}
