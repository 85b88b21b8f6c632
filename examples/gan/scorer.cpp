// Which LeNet-5 a checkpoint holds (scorer.hpp); each type's scorer is compiled in its own unit.
#include "scorer.hpp"

#include <stdexcept>

#include <ctnn/io/safetensors.hpp>
#include <ctnn/models/lenet5.hpp>

namespace gan {

template <class Net>
std::unique_ptr<Scorer> make_scorer(const std::filesystem::path& checkpoint);  // scorer_net.hpp

std::unique_ptr<Scorer> load_scorer(const std::filesystem::path& checkpoint) {
    const auto file = ctnn::io::load_safetensors(checkpoint);
    const auto it = file.metadata.find("architecture");
    const std::string arch = it == file.metadata.end() ? std::string() : it->second;
    if (arch == ctnn::models::LeNet5::fingerprint()) return make_scorer<ctnn::models::LeNet5>(checkpoint);
    if (arch == ctnn::models::LeNet5Relu::fingerprint())
        return make_scorer<ctnn::models::LeNet5Relu>(checkpoint);
    throw std::runtime_error(checkpoint.string() +
                             ": not a LeNet-5 checkpoint of examples/lenet5 (architecture '" + arch + "')");
}

}  // namespace gan
