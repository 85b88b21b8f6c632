// The training half of the Backend contract: the named ops that losses, optimizers and trainers
// call (loss value + gradient with the sum kept on the device, SGD, Adam/AdamW, RMSprop, Adagrad and Adadelta
// steps, instance noise, the moving average of G, sums for the finite checks), and the hyperparameter structs
// the optimizer steps take. One requirement line per op; cpu::Blas and cuda::CuBlas implement them
// (backend/train_ops.hpp shared, backend/cuda/train_ops.cuh where the GPU wants block reductions).
// A loss op writes the gradient scaled by `scale` (1 / count under Reduction::mean) and scale
// times the summed loss into the device scalar `sum`; reductions go through `scratch`
// (B::loss_scratch(n) or B::sum_scratch(n) values the caller owns). Nothing is read back to the
// host until the caller asks (B::to_host). All pointers are backend memory.
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

// One RMSprop step: g = grad + decay p, sq = alpha sq + (1 - alpha) g^2; centered: ga = alpha ga +
// (1 - alpha) g, avg = sqrt(sq - ga^2) + eps, else avg = sqrt(sq) + eps; with momentum, buf =
// momentum buf + g / avg, p -= lr buf, else p -= lr g / avg.
template <class T>
struct RmspropHyper {
    T lr = 0, alpha = 0, eps = 0, decay = 0, momentum = 0;
    bool centered = false;
};

// One Adagrad step: g = grad + decay p, sum += g^2, p -= clr g / (sqrt(sum) + eps), clr = lr / (1 +
// (t - 1) lr_decay) computed by the caller.
template <class T>
struct AdagradHyper {
    T clr = 0, eps = 0, decay = 0;
};

// One Adadelta step: g = grad + decay p, sq = rho sq + (1 - rho) g^2, delta = sqrt(acc + eps) /
// sqrt(sq + eps) g, acc = rho acc + (1 - rho) delta^2, p -= lr delta.
template <class T>
struct AdadeltaHyper {
    T lr = 0, rho = 0, eps = 0, decay = 0;
};

template <class B>
concept BackendTrainOps = requires(typename B::value_type* y, const typename B::value_type* x,
                                   const float* targets, const std::int32_t* labels, std::size_t n,
                                   typename B::value_type a, float* ft, std::uint64_t key) {
    // Scratch values a loss op over n elements (rows) needs.
    { B::loss_scratch(n) } -> std::convertible_to<std::size_t>;
    // Scratch values reduce_sum over n values needs.
    { B::sum_scratch(n) } -> std::convertible_to<std::size_t>;
    // *sum = x[0] + ... + x[n - 1] (x, n, scratch, sum).
    B::reduce_sum(x, n, y, y);
    // dlogits = scale (softmax - onehot(label)) per row (logits, labels, dlogits, batch, classes, ...).
    B::softmax_cross_entropy(x, labels, y, n, n, a, y, y);
    // *sum = the rows whose first maximum is at their label (logits, labels, batch, classes, scratch, sum).
    B::count_correct(x, labels, n, n, y, y);
    // BCE on probabilities, logs clamped at -100 (p, targets, dp, n, scale, scratch, sum).
    B::bce(x, targets, y, n, a, y, y);
    // BCE on logits, stable: dx = scale (sigmoid(x) - t) (x, targets, dx, n, scale, scratch, sum).
    B::bce_with_logits(x, targets, y, n, a, y, y);
    // Squared error: dy = scale 2 (y - t) (y, targets, dy, n, scale, scratch, sum).
    B::mse(x, targets, y, n, a, y, y);
    // Absolute error |y - t|, dy = scale sign(y - t) (y, targets, dy, n, scale, scratch, sum).
    B::l1(x, targets, y, n, a, y, y);
    // Huber (PyTorch's HuberLoss, delta a template argument): d^2 / 2 below delta, else
    // delta (|d| - delta / 2) (y, targets, dy, n, scale, scratch, sum). Checked only where the
    // compiler takes float template arguments (C++20's P1907; not clang before 18, which then
    // compiles everything but the float-parameterized layers and losses).
#if defined(__cpp_nontype_template_args) && __cpp_nontype_template_args >= 201911L
    B::template huber<1.0f>(x, targets, y, n, a, y, y);
#endif
    // Hinge, t = +1 or -1: max(0, 1 - t y), dy = scale (-t where 1 - t y > 0) (y, targets, dy, n, scale,
    // scratch, sum).
    B::hinge(x, targets, y, n, a, y, y);
    // Wasserstein (linear), t = +1 or -1: -t y, dy = -scale t (y, targets, dy, n, scale, scratch, sum).
    B::wasserstein(x, targets, y, n, a, y, y);
    // SGD step (params, grads, velocity (null without momentum), n, hyper).
    B::sgd_step(y, x, y, n, SgdHyper<typename B::value_type>{});
    // Adam / AdamW step (params, grads, exp_avg, exp_avg_sq, n, hyper).
    B::adam_step(y, x, y, y, n, AdamHyper<typename B::value_type>{});
    // RMSprop step (params, grads, square_avg, grad_avg (null unless centered), momentum_buffer (null
    // without momentum), n, hyper).
    B::rmsprop_step(y, x, y, y, y, n, RmspropHyper<typename B::value_type>{});
    // Adagrad step (params, grads, sum, n, hyper).
    B::adagrad_step(y, x, y, n, AdagradHyper<typename B::value_type>{});
    // Adadelta step (params, grads, square_avg, acc_delta, n, hyper).
    B::adadelta_step(y, x, y, y, n, AdadeltaHyper<typename B::value_type>{});
    // x[i] += std * N(0, 1) drawn from the hash of (key, i): instance noise (x, n, std, key).
    B::instance_noise(y, n, a, key);
    // average = beta average + (1 - beta) live, per element (live, average, n, beta).
    B::moving_average(x, y, n, a);
    // out[r, c] = w[r] a[r, c] + (1 - w[r]) b[r, c]: WGAN-GP's interpolates (a, b, w, rows, cols, out).
    B::interpolate_rows(x, x, x, n, n, y);
    // norms[r] = |x[r, :]|_2 (x, rows, cols, norms).
    B::row_norms(x, n, n, y);
    // out[r, c] = x[r, c] + h d[r, c] / |d[r, :]|, x where d's row is 0 (x, d, norms of d, h, rows, cols,
    // out).
    B::step_along_rows(x, x, x, a, n, n, y);
    // *sum = lambda / rows sum (norms[r] - 1)^2, dplus[r] = lambda (norms[r] - 1) / (rows h) = -dminus[r]
    // (norms, rows, lambda, h, dplus, dminus, scratch, sum).
    B::gradient_penalty(x, n, a, a, y, y, y, y);
    // out[r] = x[r, :] then, for k < classes, `spread` copies of (labels[r] == k): a conditional
    // GAN's one-hot label appended to latents (spread 1) or as label planes of images (spread H W)
    // (x, labels, rows, cols, classes, spread, out).
    B::append_one_hot(x, labels, n, n, n, n, y);
    // out[r, c] = x[r, c] for c < keep of x's cols: the image part of a conditional D's input
    // gradient (x, rows, cols, keep, out).
    B::take_columns(x, n, n, n, y);
    // y = 1 / (1 + exp(-x)), stable for large |x| (x, y, n).
    B::sigmoid(x, y, n);
    // Float targets (BCE labels) = value on any backend (targets, n, value).
    B::fill_targets(ft, n, 1.0f);
};

}  // namespace ctnn
