// The scorer of a --arch relu LeNet-5 (scorer_net.hpp), in a unit of its own.
#include "scorer_net.hpp"

template std::unique_ptr<gan::Scorer> gan::make_scorer<ctnn::models::LeNet5Relu>(
    const std::filesystem::path&);
