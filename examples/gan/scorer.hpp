// The classifier `gan eval` scores digits with: a LeNet-5 checkpoint of examples/lenet5 (classic
// or relu, told apart by its architecture metadata in scorer.cpp), loaded and run by
// scorer_relu.cpp / scorer_classic.cpp (scorer_net.hpp, one unit per network); eval.cpp sees only
// this interface.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include <ctnn/train/gan_eval.hpp>

namespace gan {

class Scorer {
  public:
    virtual ~Scorer() = default;
    virtual std::string fingerprint() const = 0;
    virtual std::size_t rows() const = 0;  // the image size it takes
    virtual std::size_t cols() const = 0;
    // Features (the 84-d layer), probabilities and classes of n images in [0, 1].
    virtual ctnn::ClassifierReadout read(const float* images, std::size_t n) = 0;
};

std::unique_ptr<Scorer> load_scorer(const std::filesystem::path& checkpoint);

}  // namespace gan
