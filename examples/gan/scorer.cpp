// The LeNet-5 scorer of `gan eval` (scorer.hpp).
#include "scorer.hpp"

#include <stdexcept>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/models/lenet5.hpp>

namespace gan {

namespace {

template <class Net>
class LeNetScorer final : public Scorer {
  public:
    explicit LeNetScorer(const std::filesystem::path& checkpoint)
        : m_model(std::make_unique<ctnn::Model<Net, ctnn::cpu::Blas>>()) {
        ctnn::io::load_checkpoint(checkpoint, *m_model);
    }
    std::string fingerprint() const override { return Net::fingerprint(); }
    std::size_t rows() const override { return Net::input_shape::dims[1]; }
    std::size_t cols() const override { return Net::input_shape::dims[2]; }
    ctnn::ClassifierReadout read(const float* images, std::size_t n) override {
        return ctnn::read_classifier<ctnn::models::lenet5_feature_layer>(*m_model, images, n);
    }

  private:
    std::unique_ptr<ctnn::Model<Net, ctnn::cpu::Blas>> m_model;
};

}  // namespace

std::unique_ptr<Scorer> load_scorer(const std::filesystem::path& checkpoint) {
    const auto file = ctnn::io::load_safetensors(checkpoint);
    const auto it = file.metadata.find("architecture");
    const std::string arch = it == file.metadata.end() ? std::string() : it->second;
    if (arch == ctnn::models::LeNet5::fingerprint()) return std::make_unique<LeNetScorer<ctnn::models::LeNet5>>(checkpoint);
    if (arch == ctnn::models::LeNet5Relu::fingerprint())
        return std::make_unique<LeNetScorer<ctnn::models::LeNet5Relu>>(checkpoint);
    throw std::runtime_error(checkpoint.string() + ": not a LeNet-5 checkpoint of examples/lenet5 (architecture '" +
                             arch + "')");
}

}  // namespace gan
