// detail::Chain<Named, In, L...>: the layers L... bound one after another from input shape In,
// seen as one bound layer, so that a chain can be an element of a Sequential (a Sequential block,
// Residual's f and its Shortcut). Its parameters and state are its layers' in order (their specs
// concatenated: one init pass, one contiguous slice of the model's buffers); `sublayers` lists the
// bound layers so that Model names their tensors under the block's prefix ("block1.conv1.weight").
// Its impl owns one output and one gradient buffer per inner boundary, sized per batch and reused.
// N batch.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ctnn/core/concepts.hpp"

namespace ctnn {

namespace detail {

// Binds element Index (a layer spec L) to input shape In. Appears in the compiler's
// "required from" notes, so a failing layer is named with its position in the Sequential.
template <std::size_t Index, class L, class In>
struct sequential_layer {
    static_assert(
        requires { typename L::template bind<In>; },
        "Sequential: this element is not a layer (a layer spec has a member template bind<Shape>)");
    using type = typename L::template bind<In>;
    static_assert(BoundLayer<type>, "Sequential: this layer does not satisfy the ctnn::BoundLayer contract");
};

template <std::size_t Index, class In, class... Ls>
struct bind_chain {
    using type = std::tuple<>;
    using out_shape = In;
};

template <std::size_t Index, class In, class L, class... Rest>
struct bind_chain<Index, In, L, Rest...> {
    using bound = typename sequential_layer<Index, L, In>::type;
    using rest = bind_chain<Index + 1, typename bound::out_shape, Rest...>;
    using type =
        decltype(std::tuple_cat(std::declval<std::tuple<bound>>(), std::declval<typename rest::type>()));
    using out_shape = typename rest::out_shape;
};

template <class Tuple>
struct chain_totals;
template <class... Bound>
struct chain_totals<std::tuple<Bound...>> {
    static constexpr std::size_t param_count = (std::size_t{0} + ... + Bound::param_count);
    static constexpr std::size_t flops = (std::size_t{0} + ... + Bound::flops);
};

template <class L>
constexpr auto state_specs() {
    if constexpr (requires { L::state; })
        return L::state;
    else
        return std::array<ParamSpec, 0>{};
}
template <class L>
inline constexpr std::size_t state_count_v = total_count(state_specs<L>());

// The parameter (State = false) or state specs of every bound layer of a tuple, concatenated.
template <bool State, class... Bound>
constexpr auto concat_specs(std::tuple<Bound...>*) {
    constexpr std::size_t total = (std::size_t{0} + ... + [] {
        if constexpr (State)
            return state_specs<Bound>().size();
        else
            return Bound::params.size();
    }());
    std::array<ParamSpec, total> result{};
    std::size_t k = 0;
    const auto append = [&](const auto& specs) {
        for (const ParamSpec& spec : specs) result[k++] = spec;
    };
    (append([] {
         if constexpr (State)
             return state_specs<Bound>();
         else
             return Bound::params;
     }()),
     ...);
    return result;
}

// Calls f.template operator()<I>() for I in [0, N), in order or reversed.
template <std::size_t N, class F>
constexpr void for_each_index(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f.template operator()<I>(), ...);
    }
    (std::make_index_sequence<N>{});
}
template <std::size_t N, class F>
constexpr void for_each_index_reversed(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f.template operator()<N - 1 - I>(), ...);
    }
    (std::make_index_sequence<N>{});
}

// An impl with one integer counter (Dropout's mask count), which Model names "<prefix>counter".
template <class Impl>
concept HasCounter = requires(Impl& impl) {
    { impl.counter() } -> std::convertible_to<std::uint64_t>;
    impl.set_counter(std::uint64_t{0});
};
// An impl holding layers with counters (a block, a residual): it visits them with their names.
template <class Impl>
concept HasNestedCounters = requires {
    Impl::nested_counters;
};

// The tensor-name prefixes of a tuple of bound layers at one level: "conv1.", "dropout1.", ...
template <class Tuple>
std::array<std::string, std::tuple_size_v<Tuple>> level_prefixes(const std::string& prefix) {
    std::array<std::string, std::tuple_size_v<Tuple>> result;
    std::array<std::string_view, std::tuple_size_v<Tuple>> kinds{};
    for_each_index<std::tuple_size_v<Tuple>>([&]<std::size_t I>() {
        using L = std::tuple_element_t<I, Tuple>;
        // std::count, not a loop to I: at I = 0 nvcc warns of a pointless comparison.
        const auto ordinal = 1 + std::count(kinds.begin(), kinds.begin() + I, L::kind);
        kinds[I] = L::kind;
        result[I] = prefix + std::string(L::kind) + std::to_string(ordinal) + ".";
    });
    return result;
}

template <class Tuple, Backend B>
struct impl_tuple;
template <class... Ls, Backend B>
struct impl_tuple<std::tuple<Ls...>, B> {
    using type = std::tuple<typename Ls::template impl<B>...>;
};

// Runs a tuple of bound layers as one: forward through inner buffers into `out`, backward in
// reverse into `dinp` (which may be null: then the layers before the first one with parameters
// are not run, as Model does).
template <class Layers, Backend B>
class ChainImpl {
  public:
    using T = typename B::value_type;
    static constexpr std::size_t depth = std::tuple_size_v<Layers>;
    static_assert(depth > 0, "a block needs at least one layer");

    void bind_parameters(T* params, T* grads) {
        std::size_t offset = 0;
        for_each_index<depth>([&]<std::size_t I>() {
            using L = std::tuple_element_t<I, Layers>;
            if constexpr (L::param_count > 0)
                std::get<I>(m_layers).bind_parameters(params + offset, grads + offset);
            offset += L::param_count;
        });
    }
    void bind_state(T* state) {
        std::size_t offset = 0;
        for_each_index<depth>([&]<std::size_t I>() {
            using L = std::tuple_element_t<I, Layers>;
            if constexpr (state_count_v<L> != 0) std::get<I>(m_layers).bind_state(state + offset);
            offset += state_count_v<L>;
        });
    }
    void set_seed(std::uint64_t seed) {
        for_each_index<depth>([&]<std::size_t I>() {
            auto& layer = std::get<I>(m_layers);
            if constexpr (requires { layer.set_seed(seed); })
                layer.set_seed(seed * 0x9E3779B97F4A7C15ull + I + 1);
        });
    }

    // Counters of inner layers (Dropout), named under `prefix`: f(name, impl) for each, in order;
    // names(prefix, f) gives the names alone (f(name)).
    static constexpr bool nested_counters = true;
    // Self is ChainImpl or const ChainImpl (f then sees const impls).
    template <class Self, class F>
    static void visit_counters(Self& self, const std::string& prefix, F&& f) {
        const auto prefixes = level_prefixes<Layers>(prefix);
        for_each_index<depth>([&]<std::size_t I>() {
            auto& layer = std::get<I>(self.m_layers);
            using Impl = std::remove_cvref_t<decltype(layer)>;
            if constexpr (HasNestedCounters<Impl>)
                Impl::visit_counters(layer, prefixes[I], f);
            else if constexpr (HasCounter<Impl>)
                f(prefixes[I] + "counter", layer);
        });
    }
    template <class F>
    static void counter_names(const std::string& prefix, F&& f) {
        const auto prefixes = level_prefixes<Layers>(prefix);
        for_each_index<depth>([&]<std::size_t I>() {
            using Impl = std::tuple_element_t<I, typename impl_tuple<Layers, B>::type>;
            if constexpr (HasNestedCounters<Impl>)
                Impl::counter_names(prefixes[I], f);
            else if constexpr (HasCounter<Impl>)
                f(prefixes[I] + "counter");
        });
    }

    void forward(const T* in, T* out, std::size_t batch, Mode mode) {
        reserve(batch);
        m_batch = batch;
        for_each_index<depth>([&]<std::size_t I>() {
            const T* x = I == 0 ? in : m_outputs[I - 1].data();
            T* y = I == depth - 1 ? out : m_outputs[I].data();
            std::get<I>(m_layers).forward(x, y, batch, mode);
        });
    }

    void backward(const T* in, const T* out, const T* dout, T* dinp, std::size_t batch) {
        for_each_index_reversed<depth>([&]<std::size_t I>() {
            if (!dinp && I < first_trainable) return;
            const T* x = I == 0 ? in : m_outputs[I - 1].data();
            const T* y = I == depth - 1 ? out : m_outputs[I].data();
            const T* dy = I == depth - 1 ? dout : m_grads[I].data();
            T* dx = I == 0 ? dinp : (dinp || I > first_trainable ? m_grads[I - 1].data() : nullptr);
            std::get<I>(m_layers).backward(x, y, dy, dx, batch);
        });
    }

  private:
    static constexpr std::size_t first_trainable = [] {
        std::size_t first = depth;
        for_each_index<depth>([&]<std::size_t I>() {
            if (first == depth && std::tuple_element_t<I, Layers>::param_count > 0) first = I;
        });
        return first;
    }();

    void reserve(std::size_t batch) {
        if (batch <= m_capacity) return;
        for_each_index<depth - 1>([&]<std::size_t I>() {
            constexpr std::size_t size = std::tuple_element_t<I, Layers>::out_shape::size;
            m_outputs[I] = B::template allocate<T>(batch * size);
            m_grads[I] = B::template allocate<T>(batch * size);
        });
        m_capacity = batch;
    }

    typename impl_tuple<Layers, B>::type m_layers;
    std::array<typename B::template buffer<T>, depth - 1> m_outputs, m_grads;
    std::size_t m_capacity = 0, m_batch = 0;
};

// Named supplies kind and name(); In is the chain's input shape.
template <class Named, class In, class... Ls>
struct Chain {
    using sublayers = typename bind_chain<0, In, Ls...>::type;
    using in_shape = In;
    using out_shape = typename bind_chain<0, In, Ls...>::out_shape;
    static constexpr std::string_view kind = Named::kind;
    static constexpr auto params = concat_specs<false>(static_cast<sublayers*>(nullptr));
    static constexpr auto state = concat_specs<true>(static_cast<sublayers*>(nullptr));
    static constexpr std::size_t param_count = chain_totals<sublayers>::param_count;
    static constexpr std::size_t flops = chain_totals<sublayers>::flops;
    static std::string name() { return Named::name(); }

    // "Conv<16, 3x3, pad 1> -> BatchNorm<0.1, 1e-05> -> ReLU": the inner layers' names.
    static std::string inner_names() {
        std::string text;
        for_each_index<std::tuple_size_v<sublayers>>(
            [&]<std::size_t I>() { text += (I ? " -> " : "") + std::tuple_element_t<I, sublayers>::name(); });
        return text;
    }

    template <Backend B>
    using impl = ChainImpl<sublayers, B>;
};

// Model's names for the tensors of a tuple of bound layers: "<kind><ordinal>.<tensor>", the
// ordinal counting layers of the same kind at the same level; a layer with sublayers (a block)
// names its inner tensors under its own prefix ("block1.conv1.weight").
template <bool State, class Tuple, class Add>
void append_slot_names(const std::string& prefix, Add&& add) {
    const auto prefixes = level_prefixes<Tuple>(prefix);
    for_each_index<std::tuple_size_v<Tuple>>([&]<std::size_t I>() {
        using L = std::tuple_element_t<I, Tuple>;
        const std::string& name = prefixes[I];
        if constexpr (requires { typename L::sublayers; }) {
            append_slot_names<State, typename L::sublayers>(name, add);
        } else {
            const auto add_all = [&](const auto& specs) {
                for (const ParamSpec& spec : specs) add(name + std::string(spec.name), spec);
            };
            if constexpr (State)
                add_all(state_specs<L>());
            else
                add_all(L::params);
        }
    });
}

}  // namespace detail

}  // namespace ctnn
