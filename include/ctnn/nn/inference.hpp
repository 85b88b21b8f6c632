// Inference-only binding of a network: Weights<Net, Backend> holds the parameters and state
// (BatchNorm running statistics, SpectralNorm's u) and nothing for training: no gradient buffer,
// no optimizer state. Inference<Net, Backend> runs it forward in eval mode on (N, input_shape)
// -> (N, output_shape) with two activation buffers that the layers take in turn (a Model keeps
// every layer's output and its gradient for backward). Several Inference objects may share one
// const Weights, one per thread: each has its own layers and buffers, and the CPU backend's
// scratch is per thread, so they run concurrently on one copy of the weights.
//   ctnn::Weights<models::LeNet5, cpu::Blas> weights;
//   io::load_checkpoint("runs/lenet5/model.safetensors", weights);
//   ctnn::Inference<models::LeNet5, cpu::Blas> net(weights);
//   auto [label, probabilities] = net.classify(image);   // or net.forward(images, n)
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "ctnn/nn/model.hpp"

namespace ctnn {

// Parameters, state and layer counters of Net in backend memory, laid out as in Model<Net, B>
// (so checkpoints load into either). Copyable from a trained Model.
template <class Net, Backend B>
class Weights {
    using Layout = Model<Net, B>;  // only its static layout (slots, counts) is used

  public:
    using net = Net;
    using backend = B;
    using T = typename B::value_type;
    static constexpr std::size_t param_count = Layout::param_count;
    static constexpr std::size_t state_count = Layout::state_count;

    // Parameters drawn as Model(seed, scheme) draws them; state at its defaults.
    explicit Weights(std::uint64_t seed = 0, InitScheme scheme = InitScheme::pytorch)
        : m_params(B::template allocate<T>(param_count)),
          m_state(B::template allocate<T>(state_count)),
          m_counters(Layout::counter_names().size(), 0) {
        Layout::draw_initial(seed, scheme, m_params.data(), m_state.data());
    }

    // A copy of a model's parameters and state (after training, for serving).
    explicit Weights(const Model<Net, B>& model)
        : m_params(B::template allocate<T>(param_count)),
          m_state(B::template allocate<T>(state_count)),
          m_counters(model.counters()) {
        B::copy(model.parameters(), m_params.data(), param_count);
        B::copy(model.state(), m_state.data(), state_count);
    }

    Weights(const Weights&) = delete;  // Inference objects point into these buffers
    Weights& operator=(const Weights&) = delete;

    T* parameters() { return m_params.data(); }
    const T* parameters() const { return m_params.data(); }
    T* state() { return m_state.data(); }
    const T* state() const { return m_state.data(); }

    static std::vector<TensorSlot> parameter_slots() { return Layout::parameter_slots(); }
    static std::vector<TensorSlot> state_slots() { return Layout::state_slots(); }
    // Dropout's mask counters: kept so a checkpoint loads and saves whole; inference draws no masks.
    static std::vector<std::string> counter_names() { return Layout::counter_names(); }
    std::vector<std::uint64_t> counters() const { return m_counters; }
    void set_counters(std::span<const std::uint64_t> values) {
        m_counters.assign(values.begin(), values.end());
    }

    // Bytes of backend memory these weights hold.
    static constexpr std::size_t bytes() { return (param_count + state_count) * sizeof(T); }

  private:
    typename B::template buffer<T> m_params, m_state;
    std::vector<std::uint64_t> m_counters;
};

template <class Net, Backend B>
class Inference {
  public:
    using net = Net;
    using T = typename B::value_type;
    using input_shape = typename Net::input_shape;
    using output_shape = typename Net::output_shape;
    static constexpr std::size_t depth = Net::depth;
    static constexpr std::size_t input_size = input_shape::size;
    static constexpr std::size_t output_size = output_shape::size;

    // Binds every layer to `weights`, which must outlive this object. Layers read the parameters
    // and state and never write them in eval mode; with no backward here, nothing writes a
    // gradient, so the parameter buffer also stands in the layers' gradient slot.
    explicit Inference(const Weights<Net, B>& weights) {
        T* params = const_cast<T*>(weights.parameters());
        T* state = const_cast<T*>(weights.state());
        std::size_t param_offset = 0, state_offset = 0;
        for_each_index([&]<std::size_t I>() {
            using L = typename Net::template layer<I>;
            auto& impl = std::get<I>(m_layers);
            if constexpr (L::param_count > 0)
                impl.bind_parameters(params + param_offset, params + param_offset);
            if constexpr (detail::state_count_v<L> != 0) impl.bind_state(state + state_offset);
            param_offset += L::param_count;
            state_offset += detail::state_count_v<L>;
        });
    }

    Inference(const Inference&) = delete;  // layers hold pointers into their own buffers
    Inference& operator=(const Inference&) = delete;

    // Runs `batch` samples at `input` (backend memory, batch x input size, row-major) through the
    // network in eval mode. Returns the output (batch x output size), valid until the next call.
    const T* forward(const T* input, std::size_t batch) {
        reserve(batch);
        for_each_index([&]<std::size_t I>() {
            const T* in = I == 0 ? input : m_activations[(I - 1) % 2].data();
            std::get<I>(m_layers).forward(in, m_activations[I % 2].data(), batch, Mode::eval);
        });
        return m_activations[(depth - 1) % 2].data();
    }

    struct Classification {
        std::int32_t label = 0;
        std::array<T, output_size> probabilities{};
    };
    // One sample (host memory, input size values) -> its most likely class and the softmax of
    // the outputs (for a net that ends in logits; a net that ends in Softmax gets it unchanged in
    // order, since softmax keeps the argmax).
    Classification classify(const T* sample) {
        static_assert(output_size >= 2, "Inference::classify: the network must output 2 or more classes");
        if (m_input.size() < input_size) m_input = B::template allocate<T>(input_size);
        B::from_host(sample, m_input.data(), input_size);
        Classification result;
        B::to_host(forward(m_input.data(), 1), result.probabilities.data(), output_size);
        const auto best = std::max_element(result.probabilities.begin(), result.probabilities.end());
        const T top = *best;
        result.label = static_cast<std::int32_t>(best - result.probabilities.begin());
        double total = 0;
        for (T& p : result.probabilities)
            total += (p = static_cast<T>(std::exp(static_cast<double>(p - top))));
        for (T& p : result.probabilities) p = static_cast<T>(p / total);
        return result;
    }

    // Sizes the two activation buffers for up to `batch` samples (forward does it as needed).
    void reserve(std::size_t batch) {
        if (batch <= m_capacity) return;
        for (auto& buffer : m_activations) buffer = B::template allocate<T>(batch * largest_output);
        m_capacity = batch;
    }

    // Bytes of activation memory for a batch (the weights are counted by Weights::bytes()).
    static constexpr std::size_t activation_bytes(std::size_t batch) {
        return 2 * batch * largest_output * sizeof(T);
    }

  private:
    template <class F>
    static void for_each_index(F&& f) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (f.template operator()<I>(), ...);
        }
        (std::make_index_sequence<depth>{});
    }

    static constexpr std::size_t largest_output = [] {
        std::size_t largest = 0;
        Net::for_each_layer([&]<class L>() { largest = std::max(largest, L::out_shape::size); });
        return largest;
    }();

    template <class Tuple>
    struct impls;
    template <class... Ls>
    struct impls<std::tuple<Ls...>> {
        using type = std::tuple<typename Ls::template impl<B>...>;
    };

    typename impls<typename Net::layers>::type m_layers;
    std::array<typename B::template buffer<T>, 2> m_activations;
    typename B::template buffer<T> m_input;
    std::size_t m_capacity = 0;
};

}  // namespace ctnn
