// io::export_header<Net>(model, name, path): a trained network as one self-contained C++17
// header for firmware and other programs without ctnn: the weights as constexpr float arrays,
// a fixed-shape forward pass of one sample with no heap, exceptions, RTTI or threads, and only
// <cmath>, <cstddef> and <cstdint> included. The header's interface:
//   namespace NAME {
//   inline constexpr std::size_t input_size = ..., output_size = ...;
//   inline void preprocess(const std::uint8_t* pixels, float* input);  // the trainer's normalization
//   inline void forward(const float* input, float* output);            // not reentrant (one workspace)
//   inline bool self_test();  // a stored input against the output ctnn computed at export time
//   }
// Supported layers: Conv, ConvTranspose, Dense (also under SpectralNorm: its evaluation weight is
// exported), AvgPool, MaxPool, GlobalAvgPool, Pad, BatchNorm (evaluation mode, folded into the Conv,
// ConvTranspose or Dense right before it, else a per-channel scale and shift), ReLU, LeakyReLU,
// Tanh, Sigmoid, Softmax, Reshape, Flatten, Dropout (the identity at evaluation), and the blocks:
// Residual (identity or Shortcut<...> projection; each nesting level adds two workspace buffers)
// and a nested Sequential. Any other layer fails to compile with a message naming it.
// Model (Net on any backend) -> the header file, written atomically.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ctnn/io/atomic_file.hpp"
#include "ctnn/nn/model.hpp"

namespace ctnn::io {

// What preprocess() does to a pixel byte p: input = p / divisor + offset, as data::Normalize
// does (unit: 255, 0; symmetric: 127.5, -1; none: 1, 0), and the input self_test() runs
// (default: a fixed pattern).
struct ExportOptions {
    float pixel_divisor = 255.0f;
    float pixel_offset = 0.0f;
    std::vector<std::uint8_t> test_pixels;  // input_size bytes, or empty for the pattern
};

namespace detail {

template <class L>
inline constexpr bool exportable_kind_v = [] {
    constexpr std::string_view k = L::kind;
    return k == "dense" || k == "conv" || k == "convtranspose" || k == "avgpool" || k == "maxpool" ||
           k == "pad" || k == "batchnorm" || k == "relu" || k == "leakyrelu" || k == "tanh" ||
           k == "sigmoid" || k == "softmax" || k == "reshape" || k == "flatten" || k == "dropout" ||
           k == "globalavgpool" || k == "residual" || k == "block";
}();

// One layer of the exported network; the static_asserts name what cannot be exported.
template <class L>
struct ExportableLayer {
    static_assert(L::kind != std::string_view("minibatch_stddev"),
                  "export_header: MinibatchStddev cannot be exported (it mixes the samples of a batch; the "
                  "exported forward runs one sample)");
    static_assert(L::kind == std::string_view("minibatch_stddev") || exportable_kind_v<L>,
                  "export_header: this layer kind has no exported form (see the list at the top of "
                  "nn/export.hpp); the layer is named in the 'required from' lines below");
    static constexpr bool value = true;
};
template <class Layers>
struct ExportableNet;
template <class L>
struct ExportableElement {  // a layer, or a block whose every sublayer is exportable
    static constexpr bool value = ExportableLayer<L>::value;
};
template <class L>
requires requires {
    typename L::sublayers;
}
struct ExportableElement<L> {
    static constexpr bool value = ExportableNet<typename L::sublayers>::value;
};
template <class... Ls>
struct ExportableNet<std::tuple<Ls...>> {
    static constexpr bool value = (ExportableElement<Ls>::value && ...);
};

// The layer whose geometry a weight layer computes with: SpectralNorm's wrapped layer, else itself.
template <class L>
struct weight_layer {
    using type = L;
};
template <class L>
requires requires {
    typename L::inner;
}
struct weight_layer<L> {
    using type = typename L::inner;
};

// A float as C++ source that reads back to the same float.
inline std::string float_literal(float value) {
    if (std::isnan(value)) return "(0.0f / 0.0f)";
    if (std::isinf(value)) return value > 0 ? "(1.0f / 0.0f)" : "(-1.0f / 0.0f)";
    char text[32];
    std::snprintf(text, sizeof text, "%.9ef", static_cast<double>(value));
    return text;
}

inline void write_array(std::ostringstream& out, const std::string& name, const std::vector<float>& values) {
    out << "inline constexpr float " << name << "[" << std::max<std::size_t>(values.size(), 1) << "] = {";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i % 8 == 0) out << "\n    ";
        out << float_literal(values[i]) << (i + 1 < values.size() ? ", " : "");
    }
    out << "};\n";
}

// The kernels every exported header carries (templates: only those a network uses are compiled).
inline constexpr const char* export_kernels =
    R"(// Kernels of one sample, shapes as template arguments. CHW layout, PyTorch's weight layouts.
// Output rows accumulate one weight at a time over a contiguous run of output pixels (the
// run where the tap lands inside the input), so the inner loop vectorizes.
template <std::size_t Cin, std::size_t H, std::size_t W, std::size_t Cout, std::size_t K, std::size_t S, std::size_t P>
inline void conv(const float* in, const float* weight, const float* bias, float* out) {
    constexpr std::size_t Ho = (H + 2 * P - K) / S + 1, Wo = (W + 2 * P - K) / S + 1;
    for (std::size_t co = 0; co < Cout; ++co)
        for (std::size_t i = 0; i < Ho * Wo; ++i) out[co * Ho * Wo + i] = bias[co];
    for (std::size_t co = 0; co < Cout; ++co)
        for (std::size_t ci = 0; ci < Cin; ++ci)
            for (std::size_t kh = 0; kh < K; ++kh)
                for (std::size_t kw = 0; kw < K; ++kw) {
                    const float w = weight[((co * Cin + ci) * K + kh) * K + kw];
                    // ow * S + kw - P in [0, W): ow from ceil((P - kw) / S) up to below ceil((W + P - kw) / S).
                    const std::size_t first = kw >= P ? 0 : (P - kw + S - 1) / S;
                    const std::size_t limit = (W + P - kw + S - 1) / S, last = limit < Wo ? limit : Wo;
                    for (std::size_t oh = 0; oh < Ho; ++oh) {
                        const std::size_t ih = oh * S + kh;
                        if (ih < P || ih >= H + P) continue;
                        const float* row = in + (ci * H + ih - P) * W + (first * S + kw - P);
                        float* o = out + (co * Ho + oh) * Wo + first;
                        for (std::size_t j = 0; j + first < last; ++j) o[j] += w * row[j * S];
                    }
                }
}
template <std::size_t Cin, std::size_t H, std::size_t W, std::size_t Cout, std::size_t K, std::size_t S, std::size_t P>
inline void conv_transpose(const float* in, const float* weight, const float* bias, float* out) {
    constexpr std::size_t Ho = (H - 1) * S + K - 2 * P, Wo = (W - 1) * S + K - 2 * P;
    for (std::size_t co = 0; co < Cout; ++co)
        for (std::size_t i = 0; i < Ho * Wo; ++i) out[co * Ho * Wo + i] = bias[co];
    for (std::size_t ci = 0; ci < Cin; ++ci)
        for (std::size_t ih = 0; ih < H; ++ih)
            for (std::size_t iw = 0; iw < W; ++iw) {
                const float x = in[(ci * H + ih) * W + iw];
                for (std::size_t co = 0; co < Cout; ++co)
                    for (std::size_t kh = 0; kh < K; ++kh) {
                        const std::size_t oh = ih * S + kh;
                        if (oh < P || oh >= Ho + P) continue;
                        for (std::size_t kw = 0; kw < K; ++kw) {
                            const std::size_t ow = iw * S + kw;
                            if (ow < P || ow >= Wo + P) continue;
                            out[(co * Ho + oh - P) * Wo + ow - P] += x * weight[((ci * Cout + co) * K + kh) * K + kw];
                        }
                    }
            }
}
template <std::size_t In, std::size_t Out>
inline void dense(const float* in, const float* weight, const float* bias, float* out) {
    for (std::size_t o = 0; o < Out; ++o) {
        float sum = bias[o];
        for (std::size_t i = 0; i < In; ++i) sum += weight[o * In + i] * in[i];
        out[o] = sum;
    }
}
template <bool Max, std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline void pool(const float* in, float* out) {
    constexpr std::size_t Ho = (H - K) / S + 1, Wo = (W - K) / S + 1;
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t oh = 0; oh < Ho; ++oh)
            for (std::size_t ow = 0; ow < Wo; ++ow) {
                float acc = Max ? in[(c * H + oh * S) * W + ow * S] : 0.0f;
                for (std::size_t kh = 0; kh < K; ++kh)
                    for (std::size_t kw = 0; kw < K; ++kw) {
                        const float x = in[(c * H + oh * S + kh) * W + ow * S + kw];
                        acc = Max ? (x > acc || x != x ? x : acc) : acc + x;
                    }
                out[(c * Ho + oh) * Wo + ow] = Max ? acc : acc / float(K * K);
            }
}
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P>
inline void pad(const float* in, float* out) {
    constexpr std::size_t Ho = H + 2 * P, Wo = W + 2 * P;
    for (std::size_t i = 0; i < C * Ho * Wo; ++i) out[i] = 0.0f;
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t h = 0; h < H; ++h)
            for (std::size_t w = 0; w < W; ++w) out[(c * Ho + h + P) * Wo + w + P] = in[(c * H + h) * W + w];
}
template <std::size_t C, std::size_t Spatial>
inline void scale_shift(float* x, const float* scale, const float* shift) {
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t s = 0; s < Spatial; ++s) x[c * Spatial + s] = x[c * Spatial + s] * scale[c] + shift[c];
}
template <std::size_t C, std::size_t Spatial>
inline void global_avg_pool(const float* in, float* out) {
    for (std::size_t c = 0; c < C; ++c) {
        float sum = 0.0f;
        for (std::size_t s = 0; s < Spatial; ++s) sum += in[c * Spatial + s];
        out[c] = sum / float(Spatial);
    }
}
template <std::size_t N>
inline void copy(const float* in, float* out) {
    for (std::size_t i = 0; i < N; ++i) out[i] = in[i];
}
template <std::size_t N>
inline void add(float* x, const float* shortcut) {
    for (std::size_t i = 0; i < N; ++i) x[i] += shortcut[i];
}
template <std::size_t N>
inline void relu(float* x) {
    for (std::size_t i = 0; i < N; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
template <std::size_t N>
inline void leaky_relu(float* x, float slope) {
    for (std::size_t i = 0; i < N; ++i) x[i] = x[i] > 0.0f ? x[i] : slope * x[i];
}
template <std::size_t N>
inline void tanh(float* x) {
    for (std::size_t i = 0; i < N; ++i) x[i] = std::tanh(x[i]);
}
template <std::size_t N>
inline void sigmoid(float* x) {
    for (std::size_t i = 0; i < N; ++i) x[i] = x[i] >= 0.0f ? 1.0f / (1.0f + std::exp(-x[i])) : std::exp(x[i]) / (1.0f + std::exp(x[i]));
}
template <std::size_t N>
inline void softmax(float* x) {
    float top = x[0], total = 0.0f;
    for (std::size_t i = 1; i < N; ++i) top = x[i] > top ? x[i] : top;
    for (std::size_t i = 0; i < N; ++i) total += (x[i] = std::exp(x[i] - top));
    for (std::size_t i = 0; i < N; ++i) x[i] /= total;
}
)";

// The weight (and bias) a weight layer computes with: SpectralNorm's weight_orig divided by
// sigma = u . W v from its stored u and v (evaluation mode), else the parameter as it is.
template <class L>
std::vector<float> effective_weight(const std::vector<float>& params, std::size_t offset,
                                    const std::vector<float>& state, std::size_t state_offset) {
    constexpr std::size_t count = L::params[0].count();
    std::vector<float> weight(params.begin() + static_cast<std::ptrdiff_t>(offset),
                              params.begin() + static_cast<std::ptrdiff_t>(offset + count));
    if constexpr (L::params[0].name == std::string_view("weight_orig")) {
        constexpr auto g = L::geometry;
        const float* u = state.data() + state_offset;
        const float* v = u + g.rows;
        double sigma = 0;
        for (std::size_t r = 0; r < g.rows; ++r) {
            double wv = 0;
            for (std::size_t c = 0; c < g.cols; ++c) wv += double(weight[g.offset(r, c)]) * v[c];
            sigma += u[r] * wv;
        }
        for (auto& w : weight) w = static_cast<float>(w / sigma);
    }
    return weight;
}

// Writes the weight arrays and the forward() calls of a chain of bound layers, reading the
// pointer named x and writing through y (then swapping them), in order; blocks recurse, a Residual
// at nesting level d keeping its input in workspace[2d] (s<d>) and running its projection between
// that and workspace[2d + 1] (t<d>).
class Emitter {
  public:
    Emitter(const std::vector<float>& params, const std::vector<float>& state, std::size_t input_size)
        : largest(input_size), m_params(params), m_state(state) {}

    std::ostringstream arrays, calls;
    std::size_t largest;
    std::size_t deepest_block = 0;

    template <class Layers>
    void chain(const std::string& x, const std::string& y, const std::string& indent) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (layer<std::tuple_element_t<I, Layers>>(x, y, indent), ...);
        }
        (std::make_index_sequence<std::tuple_size_v<Layers>>{});
        flush_weights();
        m_folded_next = false;
    }

  private:
    // Emits the pending weight layer's arrays (after any BatchNorm folded into it).
    void flush_weights() {
        if (m_last_prefix.empty()) return;
        write_array(arrays, m_last_prefix + "_weight", m_last_weight);
        write_array(arrays, m_last_prefix + "_bias", m_last_bias);
        m_last_prefix.clear();
    }

    template <class L>
    void layer(const std::string& x, const std::string& y, const std::string& indent) {
        constexpr std::string_view kind = L::kind;
        constexpr std::size_t in_size = L::in_shape::size, out_size = L::out_shape::size;
        if constexpr (kind == "residual" || kind == "block") {
            flush_weights();
            m_folded_next = false;
            if constexpr (kind == "block") {
                chain<typename L::sublayers>(x, y, indent);
            } else {
                const std::size_t level = ++m_level;
                deepest_block = std::max(deepest_block, level);
                const std::string s = "s" + std::to_string(level), t = "t" + std::to_string(level);
                const std::string inner = indent + "    ";
                calls << indent << "{  // Residual\n"
                      << inner << "float* " << s << " = workspace[" << 2 * level << "];\n";
                if constexpr (!std::is_void_v<typename L::shortcut>)
                    calls << inner << "float* " << t << " = workspace[" << 2 * level + 1 << "];\n";
                calls << inner << "copy<" << in_size << ">(" << x << ", " << s << ");\n";
                largest = std::max(largest, in_size);
                chain<typename L::branch::sublayers>(x, y, inner);
                if constexpr (!std::is_void_v<typename L::shortcut>)
                    chain<typename L::shortcut::sublayers>(s, t, inner);
                calls << inner << "add<" << out_size << ">(" << x << ", " << s << ");\n" << indent << "}\n";
                --m_level;
            }
            return;
        } else {
            const std::string prefix = "layer" + std::to_string(m_index);
            const std::string swap = indent + "detail::swap(" + x + ", " + y + ");\n";
            const std::string x_to_y = "(" + x + ", " + y + ");\n";
            largest = std::max({largest, in_size, out_size});
            if constexpr (kind == "dense" || kind == "conv" || kind == "convtranspose") {
                flush_weights();
                constexpr std::size_t weights = L::params[0].count();
                m_last_weight = effective_weight<L>(m_params, m_param_offset, m_state, m_state_offset);
                m_last_bias.assign(
                    m_params.begin() + static_cast<std::ptrdiff_t>(m_param_offset + weights),
                    m_params.begin() + static_cast<std::ptrdiff_t>(m_param_offset + L::param_count));
                m_last_channels = L::out_shape::dims[0];
                m_last_transposed = kind == "convtranspose";
                m_last_inner = L::params[0].rank == 4 ? L::params[0].dims[2] * L::params[0].dims[3] : 1;
                m_last_prefix = prefix;
                const std::string args =
                    "(" + x + ", " + prefix + "_weight, " + prefix + "_bias, " + y + ");\n";
                using W = typename weight_layer<L>::type;
                if constexpr (kind == "dense") {
                    calls << indent << "dense<" << W::fan_in << ", " << out_size << ">" << args;
                } else if constexpr (kind == "conv") {
                    constexpr auto g = W::geometry;
                    calls << indent << "conv<" << g.channels << ", " << g.height << ", " << g.width << ", "
                          << L::out_shape::dims[0] << ", " << g.kernel << ", " << g.stride << ", "
                          << g.padding << ">" << args;
                } else {
                    constexpr auto g = W::geometry;
                    calls << indent << "conv_transpose<" << W::Cin << ", " << W::H << ", " << W::W << ", "
                          << L::out_shape::dims[0] << ", " << g.kernel << ", " << g.stride << ", "
                          << g.padding << ">" << args;
                }
                calls << swap;
            } else if constexpr (kind == "batchnorm") {
                batch_norm<L>(x, prefix, indent);
            } else if constexpr (kind == "avgpool" || kind == "maxpool") {
                constexpr auto g = L::geometry;
                calls << indent << "pool<" << (kind == "maxpool" ? "true" : "false") << ", " << g.channels
                      << ", " << g.height << ", " << g.width << ", " << g.window << ", " << g.stride << ">"
                      << x_to_y << swap;
            } else if constexpr (kind == "globalavgpool") {
                calls << indent << "global_avg_pool<" << L::C << ", " << L::S << ">" << x_to_y << swap;
            } else if constexpr (kind == "pad") {
                calls << indent << "pad<" << L::C << ", " << L::H << ", " << L::W << ", "
                      << (L::Ho - L::H) / 2 << ">" << x_to_y << swap;
            } else if constexpr (kind == "relu" || kind == "tanh" || kind == "sigmoid" || kind == "softmax") {
                calls << indent << std::string(kind) << "<" << in_size << ">(" << x << ");\n";
            } else if constexpr (kind == "leakyrelu") {
                calls << indent << "leaky_relu<" << in_size << ">(" << x << ", "
                      << float_literal(L::op::slope) << ");\n";
            }
            m_folded_next = kind == "dense" || kind == "conv" || kind == "convtranspose";
            m_param_offset += L::param_count;
            m_state_offset += ctnn::detail::state_count_v<L>;
            ++m_index;
        }
    }

    // BatchNorm in evaluation mode: folded into the weight layer right before it (same channels),
    // else a per-channel scale and shift of x.
    template <class L>
    void batch_norm(const std::string& x, const std::string& prefix, const std::string& indent) {
        constexpr std::size_t C = L::channels;
        std::vector<float> scale(C), shift(C);
        for (std::size_t c = 0; c < C; ++c) {
            const double gamma = m_params[m_param_offset + c], beta = m_params[m_param_offset + C + c];
            const double mean = m_state[m_state_offset + c], var = m_state[m_state_offset + C + c];
            const double sc = gamma / std::sqrt(var + double(L::eps));
            scale[c] = static_cast<float>(sc);
            shift[c] = static_cast<float>(beta - mean * sc);
        }
        if (!m_last_prefix.empty() && m_last_channels == C && m_folded_next) {
            // out = s (w x + b) + t: the weight's rows (Conv, Dense: dim 0; ConvTranspose: dim 1) by s.
            const std::size_t per = m_last_weight.size() / C;
            for (std::size_t i = 0; i < m_last_weight.size(); ++i) {
                const std::size_t c = m_last_transposed ? (i / m_last_inner) % C : i / per;
                m_last_weight[i] = static_cast<float>(double(m_last_weight[i]) * scale[c]);
            }
            for (std::size_t c = 0; c < C; ++c)
                m_last_bias[c] = static_cast<float>(double(m_last_bias[c]) * scale[c] + shift[c]);
        } else {
            flush_weights();
            write_array(arrays, prefix + "_scale", scale);
            write_array(arrays, prefix + "_shift", shift);
            calls << indent << "scale_shift<" << C << ", " << L::spatial << ">(" << x << ", " << prefix
                  << "_scale, " << prefix << "_shift);\n";
        }
    }

    const std::vector<float>& m_params;
    const std::vector<float>& m_state;
    std::size_t m_param_offset = 0, m_state_offset = 0, m_index = 0, m_level = 0;
    bool m_folded_next = false;  // the previous layer is a weight layer a BatchNorm may fold into
    std::vector<float> m_last_weight, m_last_bias;
    std::size_t m_last_channels = 0, m_last_inner = 1;  // ConvTranspose: K * K values per (Cin, Cout)
    bool m_last_transposed = false;                     // the weight's output channel is dim 1
    std::string m_last_prefix;
};

}  // namespace detail

// Writes the header of `model` (evaluated once, in evaluation mode, on the self-test input; its
// mode is restored). Throws std::invalid_argument for a name that is not an identifier, IoError
// when the file cannot be written.
template <class Net, class B>
void export_header(Model<Net, B>& model, const std::string& name, const std::filesystem::path& path,
                   const ExportOptions& options = {}) {
    static_assert(detail::ExportableNet<typename Net::layers>::value);
    using M = Model<Net, B>;
    constexpr std::size_t input_size = Net::input_shape::size, output_size = Net::output_shape::size;
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') ||
        !std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
        throw std::invalid_argument("export_header: the name '" + name + "' is not a C++ identifier");
    if (!options.test_pixels.empty() && options.test_pixels.size() != input_size)
        throw std::invalid_argument(
            "export_header: test_pixels holds " + std::to_string(options.test_pixels.size()) +
            " bytes but the network's input has " + std::to_string(input_size) + " values");
    std::vector<float> params(M::param_count), state(M::state_count);
    B::to_host(model.parameters(), params.data(), M::param_count);
    B::to_host(model.state(), state.data(), M::state_count);

    detail::Emitter emitter(params, state, input_size);
    emitter.chain<typename Net::layers>("x", "y", "        ");
    std::ostringstream& arrays = emitter.arrays;

    // The self-test: its input and what this library computes from it.
    std::vector<std::uint8_t> pixels = options.test_pixels;
    if (pixels.empty())
        for (std::size_t i = 0; i < input_size; ++i)
            pixels.push_back(static_cast<std::uint8_t>((i * 37 + 11) % 256));
    std::vector<float> input(input_size), expected(output_size);
    for (std::size_t i = 0; i < input_size; ++i)
        input[i] = float(pixels[i]) / options.pixel_divisor + options.pixel_offset;
    const Mode saved = model.mode();
    model.eval();
    auto device_input = B::template allocate<typename M::T>(input_size);
    B::from_host(input.data(), device_input.data(), input_size);
    B::to_host(model.forward(device_input.data(), 1), expected.data(), output_size);
    model.set_mode(saved);
    detail::write_array(arrays, "test_input", input);
    detail::write_array(arrays, "test_output", expected);

    std::ostringstream out;
    out << "// " << name << ": generated by ctnn::io::export_header from\n//   " << Net::fingerprint()
        << "\n// Self-contained C++17: weights, a one-sample forward pass with no heap, exceptions, RTTI or\n"
        << "// threads. forward() is not reentrant (it uses the one workspace below).\n"
        << "#pragma once\n\n#include <cmath>\n#include <cstddef>\n#include <cstdint>\n\nnamespace " << name
        << " {\n\n"
        << "inline constexpr std::size_t input_size = " << input_size << ", output_size = " << output_size
        << ";\n\nnamespace detail {\n\n"
        << detail::export_kernels << "\n"
        << arrays.str() << "\ninline float workspace[" << 2 * (emitter.deepest_block + 1) << "]["
        << emitter.largest << "];\n\n"
        << "template <class T>\ninline void swap(T& a, T& b) {\n    T t = a;\n    a = b;\n    b = t;\n}\n\n"
        << "}  // namespace detail\n\n"
        << "// input = pixel / " << detail::float_literal(options.pixel_divisor) << " + "
        << detail::float_literal(options.pixel_offset) << " (the trainer's normalization).\n"
        << "inline void preprocess(const std::uint8_t* pixels, float* input) {\n"
        << "    for (std::size_t i = 0; i < input_size; ++i)\n        input[i] = float(pixels[i]) / "
        << detail::float_literal(options.pixel_divisor) << " + "
        << detail::float_literal(options.pixel_offset) << ";\n}\n\n"
        << "inline void forward(const float* input, float* output) {\n    using namespace detail;\n"
        << "    float* x = workspace[0];\n    float* y = workspace[1];\n"
        << "    for (std::size_t i = 0; i < input_size; ++i) x[i] = input[i];\n    {\n"
        << emitter.calls.str()
        << "    }\n    for (std::size_t i = 0; i < output_size; ++i) output[i] = x[i];\n}\n\n"
        << "// Runs the stored input and compares with ctnn's output at export time (1e-4 relative).\n"
        << "inline bool self_test() {\n    float output[output_size];\n    forward(detail::test_input, "
           "output);\n"
        << "    for (std::size_t i = 0; i < output_size; ++i) {\n"
        << "        const float want = detail::test_output[i], scale = std::fabs(want) > 1.0f ? "
           "std::fabs(want) : 1.0f;\n"
        << "        if (!(std::fabs(output[i] - want) <= 1e-4f * scale)) return false;\n    }\n    return "
           "true;\n}\n\n"
        << "}  // namespace " << name << "\n";
    write_file_atomic(path, out.str());
}

}  // namespace ctnn::io
