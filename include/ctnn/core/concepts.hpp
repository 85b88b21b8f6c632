// The compiled contracts of ctnn: what a layer and a backend must provide.
//   Layer<L, In>: L::bind<In> is a bound layer (shapes, parameter specs, FLOPs known at
//     compile time) whose impl<B> runs forward(in, out, batch, mode) and
//     backward(in, out, dout, dinp, batch) on backend B.
//   Backend<B>: the op set layers call (GEMM, element-wise kernels, reductions, copies,
//     and for convolutions per-channel bias/sums, block transposes, im2col/col2im, and the
//     convolution itself: conv2d forward, backward to the data, backward to the weight, each with
//     a ConvWorkspace the caller owns), then the layer ops (core/layer_ops.hpp) and the training
//     ops (core/train_ops.hpp).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ctnn/core/conv_geometry.hpp"
#include "ctnn/core/hd.hpp"
#include "ctnn/core/layer_ops.hpp"
#include "ctnn/core/mode.hpp"
#include "ctnn/core/param.hpp"
#include "ctnn/core/shape.hpp"
#include "ctnn/core/train_ops.hpp"

namespace ctnn {

namespace detail {
struct NoOpKernel {
    constexpr void operator()(std::size_t) const {}
};
}  // namespace detail

// Buffers of each element type the layers, losses and trainers keep on a backend: values,
// class labels (int32), max-pool argmax indices (uint32).
template <class B, class U>
concept BackendBuffer = requires(std::size_t n, typename B::template buffer<U>& buf, const U* src, U* dst) {
    { B::template allocate<U>(n) } -> std::same_as<typename B::template buffer<U>>;  // n zeros
    { buf.data() } -> std::convertible_to<U*>;
    { buf.size() } -> std::convertible_to<std::size_t>;
    B::copy(src, dst, n);       // backend -> backend (ranges may overlap)
    B::to_host(src, dst, n);    // backend -> host; the values are there on return
    B::from_host(src, dst, n);  // host -> backend; src may be reused on return
};

template <class B>
concept Backend = std::floating_point<typename B::value_type> && BackendBuffer<B, typename B::value_type> &&
    BackendBuffer<B, std::int32_t> && BackendBuffer<B, std::uint32_t> &&
    std::default_initializable<typename B::ConvWorkspace> &&
    requires(typename B::value_type* y, const typename B::value_type* x, std::size_t n,
             typename B::value_type a, typename B::ConvWorkspace& workspace) {
    { B::name } -> std::convertible_to<const char*>;        // "cpu", "cuda"
    B::gemm(false, true, n, n, n, a, x, n, x, n, a, y, n);  // C = alpha op(A) op(B) + beta C, row-major
    B::for_each(n, detail::NoOpKernel{});                   // body(i), i < n: what the shared ops run on
    B::fill(y, n, a);                                       // y[i] = a
    { B::sum(x, n) } -> std::convertible_to<typename B::value_type>;    // to the host (waits)
    B::add_row_vector(y, x, n, n);                                      // y[r, c] += v[c]
    B::sum_rows(x, y, n, n);                                            // y[c] += sum_r x[r, c]
    B::add_channel_bias(y, x, n, n, n);                                 // y[n, c, p] += bias[c]
    B::sum_channels(x, y, n, n, n);                                     // y[c] += sum_{n,p} x[n, c, p]
    B::transpose_blocks(x, y, n, n, n);                                 // (R, C, block) -> (C, R, block)
    B::im2col(x, y, n, ConvGeometry{});                                 // (N, C, H, W) -> (C K K, N Ho Wo)
    B::col2im(x, y, n, ConvGeometry{});                                 // its adjoint (overwrites the image)
    B::conv2d(x, x, x, y, n, n, ConvGeometry{}, workspace);             // y = conv(x, w) + bias
    B::conv2d_backward_data(x, x, y, n, n, ConvGeometry{}, workspace);  // dx = conv^T(dy)
    B::conv2d_backward_weight(x, x, y, y, n, n, ConvGeometry{}, workspace);  // dw += , dbias +=
} && BackendLayerOps<B> && BackendTrainOps<B>;

// B::for_each(n, kernel) where each body does about `work` element operations (a row
// kernel: the row's length), passed on to backends whose for_each takes that estimate
// (cpu::Blas decides from it whether to split the range over threads).
template <class B, class Kernel>
void for_each_weighted(std::size_t n, std::size_t work, Kernel kernel) {
    if constexpr (requires { B::for_each(n, kernel, work); })
        B::for_each(n, kernel, work);
    else
        B::for_each(n, kernel);
}

// A layer already bound to its input shape.
template <class L>
concept BoundLayer = ShapeType<typename L::in_shape> && ShapeType<typename L::out_shape> && requires {
    { L::param_count } -> std::convertible_to<std::size_t>;
    { L::flops } -> std::convertible_to<std::size_t>;
    { L::kind } -> std::convertible_to<std::string_view>;
    { L::name() } -> std::convertible_to<std::string>;
    { L::params.size() } -> std::convertible_to<std::size_t>;
};

// A layer specification (Dense<10>, Tanh, ...) that can follow a layer producing shape In.
template <class L, class In>
concept Layer = requires {
    typename L::template bind<In>;
}
&&BoundLayer<typename L::template bind<In>>;

// The kernels of a bound layer on backend B.
template <class Impl, class T>
concept LayerImpl = requires(Impl& layer, const T* in, const T* out, const T* dout, T* y, std::size_t n) {
    layer.forward(in, y, n, Mode::train);
    layer.backward(in, out, dout, y, n);
};

// Parameter-free layers derive from this.
struct NoParams {
    static constexpr std::array<ParamSpec, 0> params{};
    static constexpr std::size_t param_count = 0;
};

}  // namespace ctnn
