// LeNetScorer<Net>: the Scorer of one LeNet-5 type; scorer_relu.cpp and scorer_classic.cpp each
// instantiate one (one unit per network: each loads a checkpoint and runs the network).
#pragma once

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/checkpoint.hpp>

#include "scorer.hpp"

namespace gan {

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

template <class Net>
std::unique_ptr<Scorer> make_scorer(const std::filesystem::path& checkpoint) {
    return std::make_unique<LeNetScorer<Net>>(checkpoint);
}

}  // namespace gan
