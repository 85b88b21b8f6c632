// Model<Net, Backend>: an architecture bound to a backend. It owns the storage: all
// parameters in one contiguous buffer, their gradients in another, non-trainable state
// (BatchNorm running statistics) in a third, and one output and one gradient buffer per
// layer, sized on the first call for a batch size and reused (a steady-state step allocates
// nothing). forward(x, N) -> (N, output_shape); backward(dout[, dinput]) accumulates gradients.
// Layers' integer counters (Dropout's mask count) are named and settable, for checkpoints.
// An optional backward listener hears when each layer's parameter gradients are complete
// (a data-parallel trainer starts reducing them while backward goes on: dist/).
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "ctnn/core/concepts.hpp"
#include "ctnn/nn/init.hpp"
#include "ctnn/nn/sequential.hpp"

namespace ctnn {

// Where one named tensor of a model lives: "dense1.weight", its offset in the flat buffer.
struct TensorSlot {
    std::string name;
    std::vector<std::size_t> dims;
    std::size_t offset = 0;
    std::size_t count = 0;
};

// Called by Model::backward after each layer with parameters, with where that layer's parameters
// (and their gradients) are in the flat buffers: offset, count. Last layer first.
using BackwardListener = std::function<void(std::size_t offset, std::size_t count)>;

template <class Net, Backend B>
class Model {
    static_assert(is_sequential<Net>::value,
                  "Model<Net, Backend>: Net must be a Sequential<Input<...>, ...>");
    static_assert(Net::depth > 0, "Model: the network has no layers after Input");

  public:
    using net = Net;
    using backend = B;
    using T = typename B::value_type;
    using buffer = typename B::template buffer<T>;
    using input_shape = typename Net::input_shape;
    using output_shape = typename Net::output_shape;
    static constexpr std::size_t depth = Net::depth;
    static constexpr std::size_t param_count = Net::param_count;
    static constexpr std::size_t state_count = [] {
        std::size_t total = 0;
        Net::for_each_layer([&total]<class L>() { total += detail::state_count_v<L>; });
        return total;
    }();

    explicit Model(std::uint64_t seed = 0, InitScheme scheme = InitScheme::pytorch)
        : m_params(B::template allocate<T>(param_count)),
          m_grads(B::template allocate<T>(param_count)),
          m_state(B::template allocate<T>(state_count)) {
        std::size_t param_offset = 0, state_offset = 0;
        for_each_index([&]<std::size_t I>() {
            using L = typename Net::template layer<I>;
            auto& impl = std::get<I>(m_layers);
            if constexpr (L::param_count > 0)
                impl.bind_parameters(m_params.data() + param_offset, m_grads.data() + param_offset);
            if constexpr (detail::state_count_v<L> != 0) impl.bind_state(m_state.data() + state_offset);
            param_offset += L::param_count;
            state_offset += detail::state_count_v<L>;
        });
        seed_layers(seed);
        init_parameters(seed, scheme);
    }

    Model(const Model&) = delete;  // layers hold pointers into this model's buffers
    Model& operator=(const Model&) = delete;

    // Gives every layer that draws random numbers (Dropout) its seed derived from `seed` (what the
    // constructor does) and restarts its counter; data-parallel ranks reseed with their own.
    void seed_layers(std::uint64_t seed) {
        for_each_index([&]<std::size_t I>() {
            auto& impl = std::get<I>(m_layers);
            if constexpr (requires { impl.set_seed(seed); })
                impl.set_seed(seed * 0x9E3779B97F4A7C15ull + I + 1);
        });
    }

    // Draws every parameter again from seed (state tensors reset to their defaults too).
    void init_parameters(std::uint64_t seed, InitScheme scheme = InitScheme::pytorch) {
        draw_initial(seed, scheme, m_params.data(), m_state.data());
        zero_grad();
    }

    // The parameters drawn from seed and the state at its defaults, into backend buffers of
    // param_count and state_count values (what the constructor does; Weights uses it too).
    static void draw_initial(std::uint64_t seed, InitScheme scheme, T* params_out, T* state_out) {
        Rng rng(seed);
        std::vector<T> params(param_count), state(state_count);
        std::size_t param_offset = 0, state_offset = 0;
        Net::for_each_layer([&]<class L>() {
            for (const ParamSpec& spec : L::params) {
                init_tensor(spec, scheme, rng, params.data() + param_offset);
                param_offset += spec.count();
            }
            for (const ParamSpec& spec : detail::state_specs<L>()) {
                init_tensor(spec, scheme, rng, state.data() + state_offset);
                state_offset += spec.count();
            }
        });
        B::from_host(params.data(), params_out, param_count);
        B::from_host(state.data(), state_out, state_count);
    }

    // Runs the network on `batch` samples at `input` (backend memory, batch x input size,
    // row-major). The input must stay alive until backward. Returns the output buffer.
    const T* forward(const T* input, std::size_t batch) {
        reserve(batch);
        m_input = input;
        m_batch = batch;
        for_each_index([&]<std::size_t I>() {
            const T* in = I == 0 ? input : m_outputs[I - 1].data();
            std::get<I>(m_layers).forward(in, m_outputs[I].data(), batch, m_mode);
        });
        return m_outputs[depth - 1].data();
    }

    // Back-propagates dout (gradient of the loss w.r.t. the last forward's output) through
    // every layer, adding into the parameter gradients. If dinput is given, the gradient
    // w.r.t. the input is written there (a GAN's generator needs it from the discriminator).
    // Without dinput, layers before the first one with parameters are not run backward, and
    // that one computes no input gradient (LeNet-5's first Conv skips its largest GEMM).
    void backward(const T* dout, T* dinput = nullptr) {
        for_each_index_reversed([&]<std::size_t I>() {
            if (!dinput && I < first_trainable) return;
            const T* in = I == 0 ? m_input : m_outputs[I - 1].data();
            const T* grad_out = I == depth - 1 ? dout : m_output_grads[I].data();
            T* grad_in =
                I == 0 ? dinput : (dinput || I > first_trainable ? m_output_grads[I - 1].data() : nullptr);
            std::get<I>(m_layers).backward(in, m_outputs[I].data(), grad_out, grad_in, m_batch);
            constexpr std::size_t count = Net::template layer<I>::param_count;
            if constexpr (count > 0)
                if (m_backward_listener) m_backward_listener(param_offsets[I], count);
        });
    }

    // backward() calls `listener` once per layer with parameters as soon as that layer's gradients
    // are complete (an empty function: none). backward_input() does not call it.
    void set_backward_listener(BackwardListener listener) { m_backward_listener = std::move(listener); }

    // The gradient w.r.t. the input only (into dinput), for a network whose parameter
    // gradients are not wanted (a GAN's discriminator during the generator's step): layers
    // that can skip their weight gradients (an impl with backward_input: Dense, Conv) do;
    // the others run backward, so parameter gradients are left unspecified.
    void backward_input(const T* dout, T* dinput) {
        for_each_index_reversed([&]<std::size_t I>() {
            const T* in = I == 0 ? m_input : m_outputs[I - 1].data();
            const T* grad_out = I == depth - 1 ? dout : m_output_grads[I].data();
            T* grad_in = I == 0 ? dinput : m_output_grads[I - 1].data();
            auto& layer = std::get<I>(m_layers);
            if constexpr (requires { layer.backward_input(grad_out, grad_in, m_batch); })
                layer.backward_input(grad_out, grad_in, m_batch);
            else
                layer.backward(in, m_outputs[I].data(), grad_out, grad_in, m_batch);
        });
    }

    void zero_grad() { B::fill(m_grads.data(), param_count, T(0)); }

    // Sizes every activation buffer for up to `batch` samples (done by forward as needed).
    void reserve(std::size_t batch) {
        if (batch <= m_capacity) return;
        for_each_index([&]<std::size_t I>() {
            constexpr std::size_t size = Net::template layer<I>::out_shape::size;
            m_outputs[I] = B::template allocate<T>(batch * size);
            m_output_grads[I] = B::template allocate<T>(batch * size);
        });
        m_capacity = batch;
    }

    void set_mode(Mode mode) { m_mode = mode; }
    Mode mode() const { return m_mode; }
    void train() { m_mode = Mode::train; }
    void eval() { m_mode = Mode::eval; }

    T* parameters() { return m_params.data(); }
    const T* parameters() const { return m_params.data(); }
    T* gradients() { return m_grads.data(); }
    const T* gradients() const { return m_grads.data(); }
    T* state() { return m_state.data(); }
    const T* state() const { return m_state.data(); }
    const T* output() const { return m_outputs[depth - 1].data(); }
    // Output of layer I for the last forward (e.g. penultimate features for FID).
    template <std::size_t I>
    const T* layer_output() const {
        return m_outputs[I].data();
    }
    std::size_t batch() const { return m_batch; }

    template <std::size_t I>
    auto& layer() {
        return std::get<I>(m_layers);
    }

    // Names and places of every parameter ("conv1.weight") and state tensor ("batchnorm1.running_mean").
    static std::vector<TensorSlot> parameter_slots() { return slots(false); }
    static std::vector<TensorSlot> state_slots() { return slots(true); }

    // Integer counters of the layers that keep one (a layer impl with counter() and
    // set_counter(); Dropout counts its masks): "dropout1.counter", in layer order. They are
    // training state like the parameters: checkpoints save and restore them, so a resumed
    // run draws the masks an uninterrupted one would.
    static std::vector<std::string> counter_names() {
        std::vector<std::string> names;
        const auto prefixes = layer_prefixes();
        for_each_index([&]<std::size_t I>() {
            using Impl = typename Net::template layer<I>::template impl<B>;
            if constexpr (detail::HasNestedCounters<Impl>)
                Impl::counter_names(prefixes[I], [&](std::string name) { names.push_back(std::move(name)); });
            else if constexpr (has_counter<I>)
                names.push_back(prefixes[I] + "counter");
        });
        return names;
    }
    std::vector<std::uint64_t> counters() const {
        std::vector<std::uint64_t> values;
        visit_all_counters(*this,
                           [&](const std::string&, const auto& impl) { values.push_back(impl.counter()); });
        return values;
    }
    // Sets every counter, in counter_names() order; `values` must hold exactly that many.
    void set_counters(std::span<const std::uint64_t> values) {
        std::size_t k = 0;
        visit_all_counters(*this, [&](const std::string&, auto& impl) { impl.set_counter(values[k++]); });
    }

  private:
    template <class F>
    static void for_each_index(F&& f) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (f.template operator()<I>(), ...);
        }
        (std::make_index_sequence<depth>{});
    }
    template <class F>
    static void for_each_index_reversed(F&& f) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (f.template operator()<depth - 1 - I>(), ...);
        }
        (std::make_index_sequence<depth>{});
    }

    // Where each layer's parameters start in the flat buffer.
    static constexpr std::array<std::size_t, depth> param_offsets = [] {
        std::array<std::size_t, depth> offsets{};
        std::size_t index = 0, offset = 0;
        Net::for_each_layer([&]<class L>() {
            offsets[index++] = offset;
            offset += L::param_count;
        });
        return offsets;
    }();

    // Index of the first layer with parameters (depth when none has any).
    static constexpr std::size_t first_trainable = [] {
        std::size_t index = 0, first = depth;
        Net::for_each_layer([&]<class L>() {
            if (first == depth && L::param_count > 0) first = index;
            ++index;
        });
        return first;
    }();

    template <std::size_t I>
    static constexpr bool has_counter = requires(typename Net::template layer<I>::template impl<B>& impl) {
        { impl.counter() } -> std::convertible_to<std::uint64_t>;
        impl.set_counter(std::uint64_t{0});
    };

    // f(name, impl) for every layer impl with a counter, blocks' inner ones included, in order.
    // Self is Model or const Model.
    template <class Self, class F>
    static void visit_all_counters(Self& self, F&& f) {
        const auto prefixes = layer_prefixes();
        for_each_index([&]<std::size_t I>() {
            auto& impl = std::get<I>(self.m_layers);
            using Impl = std::remove_cvref_t<decltype(impl)>;
            if constexpr (detail::HasNestedCounters<Impl>)
                Impl::visit_counters(impl, prefixes[I], f);
            else if constexpr (has_counter<I>)
                f(prefixes[I] + "counter", impl);
        });
    }

    // "dense1.", "relu1.", "dense2.", ...: the name prefix of each layer, as slots() numbers them.
    static std::vector<std::string> layer_prefixes() {
        std::vector<std::string> result;
        std::vector<std::string_view> kinds;
        Net::for_each_layer([&]<class L>() {
            std::size_t ordinal = 1;
            for (auto kind : kinds) ordinal += kind == L::kind;
            kinds.push_back(L::kind);
            result.push_back(std::string(L::kind) + std::to_string(ordinal) + ".");
        });
        return result;
    }

    // Every parameter (or state) tensor in buffer order, named as detail::append_slot_names does:
    // "conv1.weight", and inside a block or residual "block1.conv1.weight".
    static std::vector<TensorSlot> slots(bool state) {
        std::vector<TensorSlot> result;
        std::size_t offset = 0;
        const auto add = [&](std::string name, const ParamSpec& spec) {
            result.push_back({std::move(name),
                              std::vector<std::size_t>(spec.dims.begin(), spec.dims.begin() + spec.rank),
                              offset, spec.count()});
            offset += spec.count();
        };
        if (state)
            detail::append_slot_names<true, typename Net::layers>("", add);
        else
            detail::append_slot_names<false, typename Net::layers>("", add);
        return result;
    }

    template <class Tuple>
    struct impls;
    template <class... Ls>
    struct impls<std::tuple<Ls...>> {
        using type = std::tuple<typename Ls::template impl<B>...>;
    };

    typename impls<typename Net::layers>::type m_layers;
    buffer m_params, m_grads, m_state;
    std::array<buffer, depth> m_outputs, m_output_grads;
    std::size_t m_capacity = 0;
    std::size_t m_batch = 0;
    const T* m_input = nullptr;
    Mode m_mode = Mode::train;
    BackwardListener m_backward_listener;
};

}  // namespace ctnn
