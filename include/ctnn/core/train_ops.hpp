// The training half of the Backend contract: the named ops that losses, optimizers and trainers
// call (loss value + gradient with the sum kept on the device, SGD and Adam/AdamW steps, instance
// noise, the moving average of G, sums for the finite checks), and the hyperparameter structs the
// optimizer steps take. One requirement line per op; cpu::Blas and cuda::CuBlas implement them
// (backend/train_ops.hpp shared, backend/cuda/train_ops.cuh where the GPU wants block reductions).
// A reduction writes its result to a device scalar `sum` (backend memory) through `scratch`
// (B::loss_scratch(n) or B::sum_scratch(n) values of backend memory the caller owns); nothing is
// read back to the host until the caller asks (B::to_host). All pointers are backend memory.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace ctnn {

// One SGD step (PyTorch's semantics): g = grad + decay p; with momentum, v = momentum v +
// (1 - dampening) g (v = g on the first step), p -= lr (nesterov ? g + momentum v : v).
template <class T>
struct SgdHyper {
    T lr = 0, momentum = 0, dampening = 0, decay = 0;
    bool nesterov = false, first = false;
};

// One Adam step: m, v moved by beta1, beta2; p -= step_size m / (sqrt(v) / correction2_sqrt + eps),
// step_size = lr / (1 - beta1^t), correction2_sqrt = sqrt(1 - beta2^t). decoupled (AdamW): p *= 1 -
// lr decay first; else (Adam) g += decay p.
template <class T>
struct AdamHyper {
    T lr = 0, beta1 = 0, beta2 = 0, eps = 0, decay = 0, step_size = 0, correction2_sqrt = 1;
    bool decoupled = false;
};

template <class B>
concept BackendTrainOps = requires(typename B::value_type* y, const typename B::value_type* x,
                                   const float* targets, const std::int32_t* labels, std::size_t n,
                                   typename B::value_type a, float* ft, std::uint64_t key) {
    // Values of scratch that a loss op over n elements (rows), and reduce_sum over n values, need.
    { B::loss_scratch(n) } -> std::convertible_to<std::size_t>;
    { B::sum_scratch(n) } -> std::convertible_to<std::size_t>;
    // *sum = x[0] + ... + x[n - 1] (x, n, scratch, sum), left on the device.
    B::reduce_sum(x, n, y, y);
    // Softmax cross-entropy on (batch, classes) logits and int32 labels: dlogits = scale (softmax -
    // onehot), *sum = scale * the sum of the rows' losses (logits, labels, dlogits, batch, classes,
    // scale, scratch, sum).
    B::softmax_cross_entropy(x, labels, y, n, n, a, y, y);
    // BCE on probabilities (logs clamped at -100): dp = scale d/dp, *sum = scale * the summed loss
    // (p, targets, dp, n, scale, scratch, sum).
    B::bce(x, targets, y, n, a, y, y);
    // BCE on logits (stable): dx = scale (sigmoid(x) - t), *sum as bce (x, targets, dx, n, ...).
    B::bce_with_logits(x, targets, y, n, a, y, y);
    // Squared error: dy = scale 2 (y - t), *sum = scale * the summed (y - t)^2 (y, targets, dy, n, ...).
    B::mse(x, targets, y, n, a, y, y);
    // SGD step over n parameters (params, grads, velocity (null without momentum), n, hyper).
    B::sgd_step(y, x, y, n, SgdHyper<typename B::value_type>{});
    // Adam / AdamW step over n parameters (params, grads, exp_avg, exp_avg_sq, n, hyper).
    B::adam_step(y, x, y, y, n, AdamHyper<typename B::value_type>{});
    // x[i] += std * N(0, 1) drawn from the hash of (key, i) (x, n, std, key): instance noise.
    B::instance_noise(y, n, a, key);
    // average = beta average + (1 - beta) live, per element (live, average, n, beta).
    B::moving_average(x, y, n, a);
    // y = 1 / (1 + exp(-x)), per element, stable for large |x| (x, y, n).
    B::sigmoid(x, y, n);
    // x[0, n) = value for float targets (BCE labels) on any backend (targets, n, value).
    B::fill_targets(ft, n, 1.0f);
};

}  // namespace ctnn
