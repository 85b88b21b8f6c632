// The layer half of the Backend contract: the named ops that layers call (activations, pooling,
// global average pooling, nearest upsampling, softmax rows, BatchNorm moments / normalize / backward, dropout
// masks, padding, minibatch stddev), and the small geometry structs they take. One requirement line per op;
// cpu::Blas and cuda::CuBlas implement them (backend/layer_ops.hpp shared, backend/cuda where they differ).
// Geometry that shapes an op's inner loops is a template argument (a structural struct: the
// layer's shape is known at compile time, so the CPU loops compile as fully as a layer's own
// would); counts (batch, n, rows) are run-time. All pointers are backend memory.
// N batch, C channels, H height, W width, S = H * W (1 for a flat input).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctnn/core/mode.hpp"
#include "ctnn/core/shape.hpp"

namespace ctnn {

// Pooling of (N, C, H, W) over window x window windows every `stride`, no padding, to
// (N, C, Ho, Wo).
struct PoolGeometry {
    std::size_t channels = 1, height = 1, width = 1, window = 1, stride = 1;

    constexpr std::size_t out_height() const { return window_output(height, window, stride); }
    constexpr std::size_t out_width() const { return window_output(width, window, stride); }
    // The window positions (oh or ow) whose window covers input row/column x: [first, end).
    constexpr std::size_t first_window(std::size_t x) const {
        return x < window ? 0 : (x - window) / stride + 1;
    }
    constexpr std::size_t end_window(std::size_t x, std::size_t count) const {
        return x / stride + 1 < count ? x / stride + 1 : count;
    }
    // Windows that do not overlap (stride >= window): each input pixel lies in at most one.
    constexpr bool disjoint() const { return stride >= window; }
};

// Zero padding of (N, C, H, W) by `pad` on each side of H and W: (N, C, H + 2 pad, W + 2 pad).
struct PadGeometry {
    std::size_t channels = 1, height = 1, width = 1, pad = 1;

    constexpr std::size_t out_height() const { return height + 2 * pad; }
    constexpr std::size_t out_width() const { return width + 2 * pad; }
};

// Nearest upsampling of (N, C, H, W) by `factor` in H and W: (N, C, H factor, W factor).
struct UpsampleGeometry {
    std::size_t channels = 1, height = 1, width = 1, factor = 1;

    constexpr std::size_t out_height() const { return height * factor; }
    constexpr std::size_t out_width() const { return width * factor; }
};

// GroupNorm's (N, C, S) layout: each sample's C channels cut into `groups` groups of channels /
// groups consecutive channels, each normalized over its (C / groups) S values; the affine weight
// and bias are per channel, or per element of the sample (per_element: LayerNorm, one group).
struct GroupNormGeometry {
    std::size_t channels = 1, spatial = 1, groups = 1;
    bool per_element = false;

    constexpr std::size_t group_size() const { return channels / groups * spatial; }
    constexpr std::size_t affine_count() const { return per_element ? channels * spatial : channels; }
};

// SpectralNorm's view of a weight tensor as a (rows, cols) matrix. permuted = false: row-major
// (Dense (out, in); Conv (Cout, Cin K K)). permuted = true: ConvTranspose's (Cin, Cout, K, K)
// weight seen with Cout as rows (PyTorch's dim = 1): element (r, c) with c = cin * inner + k is
// stored at (cin * rows + r) * inner + k.
struct SpectralGeometry {
    std::size_t rows = 1, cols = 1, inner = 1;
    bool permuted = false;

    constexpr std::size_t size() const { return rows * cols; }
    constexpr std::size_t offset(std::size_t r, std::size_t c) const {
        return permuted ? ((c / inner) * rows + r) * inner + c % inner : r * cols + c;
    }
    constexpr std::size_t row_of(std::size_t i) const { return permuted ? (i / inner) % rows : i / cols; }
    constexpr std::size_t col_of(std::size_t i) const {
        return permuted ? (i / inner / rows) * inner + i % inner : i % cols;
    }
};

// BatchNorm's (N, C, S) layout: statistics per channel over N * S values. Its element-wise passes
// run over rows: (n, c) planes of S values, or whole samples (all C) of a flat input (S = 1).
struct BatchNormGeometry {
    std::size_t channels = 1, spatial = 1;

    constexpr std::size_t row_length() const { return spatial == 1 ? channels : spatial; }
    constexpr std::size_t rows(std::size_t batch) const { return spatial == 1 ? batch : batch * channels; }
};

// MinibatchStddev: samples of F = features values, cut into consecutive groups of `group` (the
// last may be smaller); the output sample is the input's F values then `appended` copies of the
// group's spread (F + 1 for a flat input, F + S for (C, H, W)).
struct MinibatchStddevGeometry {
    std::size_t features = 1, appended = 1, group = 2;

    constexpr std::size_t out_features() const { return features + appended; }
    constexpr std::size_t groups(std::size_t batch) const { return (batch + group - 1) / group; }
    constexpr std::size_t group_size(std::size_t g, std::size_t batch) const {
        return batch - g * group < group ? batch - g * group : group;
    }
};

namespace detail {
// An activation functor for the concept's check (what ops::Relu, ops::Tanh... look like).
struct IdentityActivation {
    template <class T>
    static constexpr T forward(T x) {
        return x;
    }
    template <class T>
    static constexpr T derivative(T, T) {
        return T(1);
    }
};
}  // namespace detail

// BatchNorm's `stats`: 5 C values, [mean | 1/std | gamma/std] written by moments or running_stats
// (and read by normalize and backward), then [mean(dout) | mean(dout * xhat)] written by backward.
template <class B>
concept BackendLayerOps = requires(typename B::value_type* y, const typename B::value_type* x,
                                   std::uint32_t* index, const std::uint32_t* cindex, std::size_t n,
                                   typename B::value_type a, double d, std::uint64_t key) {
    // y = Op::forward(x), and dinp = dout * Op::derivative(x, y), over n elements.
    B::template activation_forward<detail::IdentityActivation>(x, y, n);
    B::template activation_backward<detail::IdentityActivation>(x, x, x, y, n);  // (x, y, dout, dinp)
    // Average pooling (in, out, batch); its backward overwrites dinp (dout, dinp, batch).
    B::template avg_pool_forward<PoolGeometry{}>(x, y, n);
    B::template avg_pool_backward<PoolGeometry{}>(x, y, n);
    // Max pooling (in, out, argmax, batch): argmax = the first maximum's offset in its (H, W)
    // plane (a NaN wins); backward (dout, argmax, dinp, batch) overwrites dinp.
    B::template max_pool_forward<PoolGeometry{}>(x, y, index, n);
    B::template max_pool_backward<PoolGeometry{}>(x, cindex, y, n);
    // Softmax of each row of a (rows, cols) matrix (in, out, rows, cols); backward
    // (out, dout, dinp, rows, cols): dinp = y (dout - sum(dout y)).
    B::softmax_rows(x, y, n, n);
    B::softmax_rows_backward(x, x, y, n, n);
    // BatchNorm, train: the batch's statistics into stats, running mean/var moved by momentum
    // (in, batch, gamma, running_mean, running_var, stats, momentum, eps).
    B::template batch_norm_moments<BatchNormGeometry{}>(x, n, x, y, y, y, d, d);
    // BatchNorm, eval: stats from the running statistics (gamma, running_mean, running_var, stats, eps).
    B::template batch_norm_running_stats<BatchNormGeometry{}>(x, x, x, y, d);
    // out = (in - mean) * gamma / std + beta (in, out, batch, stats, beta).
    B::template batch_norm_normalize<BatchNormGeometry{}>(x, y, n, x, x);
    // dgamma, dbeta += the batch's sums; dinp (if not null) = the gradient for the mode's statistics
    // (in, dout, dinp, batch, stats, dgamma, dbeta, mode).
    B::template batch_norm_backward<BatchNormGeometry{}>(x, x, y, n, y, y, y, Mode::train);
    // y = x * scale where element i survives the hash mask (key, threshold), else 0 (x, y, n, key,
    // threshold, scale); see detail::dropout_keep in core/random.hpp.
    B::dropout_mask(x, y, n, key, key, a);
    // Zero padding (in, out, batch), and its adjoint, the crop (dout, dinp, batch).
    B::template pad2d<PadGeometry{}>(x, y, n);
    B::template unpad2d<PadGeometry{}>(x, y, n);
    // y[i] += x[i] over n elements: a residual block's shortcut added to f(x), or its gradient (x, y, n).
    B::add_to(x, y, n);
    // GlobalAvgPool: out[r] = the mean of row r's `spatial` values (in, out, rows, spatial); backward
    // overwrites dinp with dout[r] / spatial (dout, dinp, rows, spatial).
    B::global_avg_pool_forward(x, y, n, n);
    B::global_avg_pool_backward(x, y, n, n);
    // Nearest upsampling (in, out, batch); backward sums dout over each F x F block into dinp
    // (dout, dinp, batch).
    B::template upsample_nearest<UpsampleGeometry{}>(x, y, n);
    B::template upsample_nearest_backward<UpsampleGeometry{}>(x, y, n);
    // GroupNorm / LayerNorm: per (n, g), stats = [mean, 1/std] and out = xhat gamma + beta (in, out,
    // batch, gamma, beta, stats, eps); backward: dgamma, dbeta += the batch's sums, dinp (if not null)
    // = the gradient through the group's statistics (in, dout, dinp, batch, gamma, stats, dgamma, dbeta).
    B::template group_norm_forward<GroupNormGeometry{}>(x, y, n, x, x, y, d);
    B::template group_norm_backward<GroupNormGeometry{}>(x, x, y, n, x, x, y, y);
    // SpectralNorm (w, u, v, w_sn, scalars, work, scratch, iterate, eps): with iterate, one power
    // iteration v = normalize(W^T u), u = normalize(W v) (PyTorch's order, eps as F.normalize);
    // then scalars[2] = sigma = u . W v and w_sn = w / sigma. work holds max(rows, cols) values,
    // scratch B::sum_scratch(rows * cols), scalars 4.
    B::template spectral_norm_forward<SpectralGeometry{}>(x, y, y, y, y, y, y, true, d);
    // dw += (g - (g . w_sn) u v^T) / sigma, the gradient through w / sigma(w) with u, v held
    // (w_sn, g, u, v, scalars, work (rows * cols values), scratch, dw).
    B::template spectral_norm_backward<SpectralGeometry{}>(x, x, x, x, y, y, y, y);
    // MinibatchStddev (in, out, batch, eps), and backward (in, dout, dinp, batch, eps).
    B::template minibatch_stddev_forward<MinibatchStddevGeometry{}>(x, y, n, d);
    B::template minibatch_stddev_backward<MinibatchStddevGeometry{}>(x, x, y, n, d);
};

}  // namespace ctnn
