// cpu::Blas's training ops against the float64 reference (tests/backend/train_ops_conformance.hpp),
// and the loss bodies' term(i), which the GPU's block reductions sum (backend/cuda/train_kernels.cuh),
// against the per-element terms the CPU stores.
#include <ctnn/backend/cpu/blas.hpp>

#include <cstdint>
#include <vector>

#include "../train_ops_conformance.hpp"

using namespace ctnn;
using namespace ctnn::testing::train_conformance;

static_assert(BackendTrainOps<cpu::Blas> && BackendTrainOps<cpu::Blas64>);

CTNN_TRAIN_OPS_CONFORMANCE(cpu::Blas, "cpu", true)

TEST_CASE(
    "cpu train ops conformance: the loss bodies' term(i) (what a GPU block sums) equals the stored terms") {
    const std::size_t n = 333, classes = 7;
    const auto y = uniform(n * classes, 1, -3, 3), t = uniform(n * classes, 2, 0, 1);
    std::vector<std::int32_t> labels(n);
    for (std::size_t i = 0; i < n; ++i) labels[i] = static_cast<std::int32_t>(i * 5 % classes);
    std::vector<float> grad(n * classes), grad_term(n * classes), terms(n * classes);
    const bodies::SoftmaxCrossEntropyRow<float> rows{y.data(),     labels.data(), grad.data(),
                                                     terms.data(), classes,       0.5f};
    const bodies::SoftmaxCrossEntropyRow<float> row_terms{y.data(), labels.data(), grad_term.data(),
                                                          nullptr,  classes,       0.5f};
    for (std::size_t i = 0; i < n; ++i) {
        rows(i);
        CHECK(row_terms.term(i) == terms[i]);
    }
    CHECK(grad_term == grad);
    const bodies::ElementwiseLoss<float, ops::BinaryCrossEntropyWithLogits> elements{
        y.data(), t.data(), grad.data(), terms.data(), 0.25f};
    const bodies::ElementwiseLoss<float, ops::BinaryCrossEntropyWithLogits> element_terms{
        y.data(), t.data(), grad_term.data(), nullptr, 0.25f};
    for (std::size_t i = 0; i < n * classes; ++i) {
        elements(i);
        CHECK(element_terms.term(i) == terms[i]);
    }
    CHECK(grad_term == grad);
}
