// LeNetScorer<Net>: the Scorer of one LeNet-5 type; scorer_relu.cpp and scorer_classic.cpp each
// instantiate one (one unit per network: each runs the network); scorer_io.cpp loads their
// checkpoints (the safetensors/JSON templates, the costliest code to compile, in a unit of its own).
#pragma once

#include <filesystem>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/nn/model.hpp>

#include "scorer.hpp"

namespace gan {

// The weights of a lenet5 checkpoint into model (scorer_io.cpp).
template <class Net>
void load_scorer_weights(ctnn::Model<Net, ctnn::cpu::Blas>& model, const std::filesystem::path& checkpoint);

template <class Net>
class LeNetScorer final : public Scorer {
  public:
    explicit LeNetScorer(const std::filesystem::path& checkpoint)
        : m_model(std::make_unique<ctnn::Model<Net, ctnn::cpu::Blas>>()) {
        load_scorer_weights(*m_model, checkpoint);
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
