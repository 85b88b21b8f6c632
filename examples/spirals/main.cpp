// spirals: the smallest complete ctnn program. An MLP (a type) learns to separate three
// interleaved 2-D spirals; it prints the architecture, the loss as it trains and the final
// accuracy. Hyperparameters are flags:  ./build/examples/spirals --steps 1500 --lr 0.01
// This file reads them (the CLI11 unit); train.cpp is the program itself.
#include <CLI/CLI.hpp>

#include "options.hpp"

int main(int argc, char** argv) {
    spirals::Options o;
    CLI::App app{"Train an MLP on three spirals"};
    app.add_option("--points", o.points_per_class, "points per spiral")->check(CLI::Range(1, 100000));
    app.add_option("--steps", o.steps, "training steps")->check(CLI::Range(1, 1000000));
    app.add_option("--lr", o.lr, "Adam learning rate")->check(CLI::Range(1e-6, 1.0));
    app.add_option("--seed", o.seed, "seed of the weights and the data");
    CLI11_PARSE(app, argc, argv);
    return spirals::train(o);
}
