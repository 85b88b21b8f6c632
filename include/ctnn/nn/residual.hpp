// Residual<L...>: out = shortcut(x) + f(x), f being the layers L... bound to x's shape, the
// shortcut the identity, or a projection when the first element is Shortcut<P...> (the layers
// P..., e.g. a strided 1x1 Conv, bound to x's shape): Residual<Shortcut<Conv<32, 1, 2>>, Conv<32,
// 3, 2, 1>, BatchNorm<>, ReLU, Conv<32, 3, 1, 1>, BatchNorm<>>. f(x) must have the shortcut's shape
// (x's without a Shortcut): otherwise compilation fails naming Residual and both shapes.
// Parameters: f's, then the shortcut's; checkpoints name them "residual1.conv1.weight",
// "residual1.shortcut1.conv1.weight". backward: dinp = f'^T dout + shortcut'^T dout.
// No activation after the sum: write it as the next element (Residual<...>, ReLU).
// N batch.
#pragma once

#include <string>
#include <tuple>
#include <type_traits>

#include "ctnn/core/concepts.hpp"
#include "ctnn/nn/chain.hpp"

namespace ctnn {

// The projection of a Residual block's shortcut (its first element only).
template <class... Ps>
struct Shortcut {
    static_assert(sizeof...(Ps) > 0,
                  "Shortcut<P...>: give the projection's layers, e.g. Shortcut<Conv<32, 1, 2>>");
    static constexpr std::string_view kind = "shortcut";
    template <class In>
    struct Named {
        static constexpr std::string_view kind = Shortcut::kind;
        static std::string name() {
            return "Shortcut<" + detail::Chain<Named, In, Ps...>::inner_names() + ">";
        }
    };
    template <class In>
    using bind = detail::Chain<Named<In>, In, Ps...>;
};

namespace detail {

template <class T>
struct is_shortcut : std::false_type {};
template <class... Ps>
struct is_shortcut<Shortcut<Ps...>> : std::true_type {};

// Named in the diagnostics when f changes the shape: the instantiation shows the shortcut's
// shape (x's, or the projection's output) and f's output shape.
template <class ShortcutShape, class BranchShape>
struct residual_shapes_match {
    static_assert(std::is_same_v<ShortcutShape, BranchShape>,
                  "Residual: f(x) must have the shape of the shortcut (x's shape, or the Shortcut<...> "
                  "projection's output); the instantiation residual_shapes_match<shortcut shape, f(x) shape> "
                  "names both; add a "
                  "Shortcut<...> projection");
    static constexpr bool value = true;
};

template <class In, class... Ls>
struct residual_parts {  // identity shortcut
    using shortcut = void;
    using shortcut_shape = In;
    template <class Named>
    using branch = Chain<Named, In, Ls...>;
};
template <class In, class... Ps, class... Ls>
struct residual_parts<In, Shortcut<Ps...>, Ls...> {
    using shortcut = typename Shortcut<Ps...>::template bind<In>;
    using shortcut_shape = typename shortcut::out_shape;
    template <class Named>
    using branch = Chain<Named, In, Ls...>;
};

template <class Projection, Backend B>
struct projection_impl {
    using type = typename Projection::template impl<B>;
};
template <Backend B>
struct projection_impl<void, B> {
    using type = int;  // no projection: nothing to run
};

template <class Branch, class Projection, Backend B>
class ResidualImpl {
  public:
    using T = typename B::value_type;
    static constexpr std::size_t out_size = Branch::out_shape::size;

    void bind_parameters(T* params, T* grads) {
        if constexpr (Branch::param_count > 0) m_f.bind_parameters(params, grads);
        if constexpr (has_projection) {
            if constexpr (Projection::param_count > 0)
                m_shortcut.bind_parameters(params + Branch::param_count, grads + Branch::param_count);
        }
    }
    void bind_state(T* state) {
        if constexpr (state_count_v<Branch> != 0) m_f.bind_state(state);
        if constexpr (has_projection) {
            if constexpr (state_count_v<Projection> != 0)
                m_shortcut.bind_state(state + state_count_v<Branch>);
        }
    }
    void set_seed(std::uint64_t seed) {
        m_f.set_seed(seed);
        if constexpr (has_projection) m_shortcut.set_seed(~seed);
    }

    // Counters of f's layers and then of the projection's (named as Model names their tensors).
    static constexpr bool nested_counters = true;
    template <class Self, class F>
    static void visit_counters(Self& self, const std::string& prefix, F&& f) {
        Branch::template impl<B>::visit_counters(self.m_f, prefix, f);
        if constexpr (has_projection)
            ProjectionImpl::visit_counters(self.m_shortcut, prefix + shortcut_prefix(), f);
    }
    template <class F>
    static void counter_names(const std::string& prefix, F&& f) {
        Branch::template impl<B>::counter_names(prefix, f);
        if constexpr (has_projection) ProjectionImpl::counter_names(prefix + shortcut_prefix(), f);
    }

    // f(x) is kept in m_branch_out (f's last layer reads its own output in backward), then
    // out = f(x) + shortcut(x).
    void forward(const T* in, T* out, std::size_t batch, Mode mode) {
        reserve(batch);
        m_f.forward(in, m_branch_out.data(), batch, mode);
        B::copy(m_branch_out.data(), out, batch * out_size);
        if constexpr (has_projection) {
            m_shortcut.forward(in, m_projected.data(), batch, mode);
            B::add_to(m_projected.data(), out, batch * out_size);
        } else {
            B::add_to(in, out, batch * out_size);
        }
    }

    // d out / d f(x) and d out / d shortcut(x) are both dout.
    void backward(const T* in, const T*, const T* dout, T* dinp, std::size_t batch) {
        m_f.backward(in, m_branch_out.data(), dout, dinp, batch);
        if constexpr (has_projection) {
            m_shortcut.backward(in, m_projected.data(), dout, dinp ? m_projected_grad.data() : nullptr,
                                batch);
            if (dinp) B::add_to(m_projected_grad.data(), dinp, batch * Branch::in_shape::size);
        } else {
            if (dinp) B::add_to(dout, dinp, batch * out_size);
        }
    }

  private:
    static constexpr bool has_projection = !std::is_void_v<Projection>;
    using ProjectionImpl = typename projection_impl<Projection, B>::type;

    // "shortcut<k>.": the projection's ordinal among f's layers of kind "shortcut" (none: 1).
    static std::string shortcut_prefix() { return "shortcut1."; }

    void reserve(std::size_t batch) {
        if (batch <= m_capacity) return;
        m_branch_out = B::template allocate<T>(batch * out_size);
        if constexpr (has_projection) {
            m_projected = B::template allocate<T>(batch * out_size);
            m_projected_grad = B::template allocate<T>(batch * Branch::in_shape::size);
        }
        m_capacity = batch;
    }

    typename Branch::template impl<B> m_f;
    ProjectionImpl m_shortcut{};
    typename B::template buffer<T> m_branch_out, m_projected, m_projected_grad;
    std::size_t m_capacity = 0;
};

template <class Branch, class Projection>
struct residual_sublayers {
    using type = decltype(std::tuple_cat(std::declval<typename Branch::sublayers>(),
                                         std::declval<std::tuple<Projection>>()));
};
template <class Branch>
struct residual_sublayers<Branch, void> {
    using type = typename Branch::sublayers;
};

}  // namespace detail

template <class... Ls>
struct Residual {
    static_assert(sizeof...(Ls) > 0,
                  "Residual<L...>: give the layers of f, e.g. Residual<Conv<16, 3, 1, 1>, ReLU>");
    static constexpr std::string_view kind = "residual";

    template <class In>
    struct Named {
        static constexpr std::string_view kind = Residual::kind;
        static std::string name();
    };

    template <class In>
    struct bind {
        using parts = detail::residual_parts<In, Ls...>;
        using branch = typename parts::template branch<Named<In>>;
        using shortcut = typename parts::shortcut;
        static_assert(
            detail::residual_shapes_match<typename parts::shortcut_shape, typename branch::out_shape>::value);

        using sublayers = typename detail::residual_sublayers<branch, shortcut>::type;
        using in_shape = In;
        using out_shape = typename branch::out_shape;
        static constexpr std::string_view kind = Residual::kind;
        static constexpr auto params = detail::concat_specs<false>(static_cast<sublayers*>(nullptr));
        static constexpr auto state = detail::concat_specs<true>(static_cast<sublayers*>(nullptr));
        static constexpr std::size_t param_count = detail::chain_totals<sublayers>::param_count;
        static constexpr std::size_t flops = detail::chain_totals<sublayers>::flops;
        static std::string name() {
            std::string text = "Residual<";
            if constexpr (!std::is_void_v<shortcut>) text += shortcut::name() + ", ";
            return text + branch::inner_names() + ">";
        }

        template <Backend B>
        using impl = detail::ResidualImpl<branch, shortcut, B>;
    };
};

template <class... Ls>
template <class In>
std::string Residual<Ls...>::Named<In>::name() {
    return Residual<Ls...>::template bind<In>::name();
}

}  // namespace ctnn
