// Checkpoints of a bound model (a Model, or the inference-only Weights of nn/inference.hpp;
// optionally its optimizer) as safetensors files that
// Python's safetensors/numpy can read: parameters under their layer names ("conv1.weight"),
// state tensors ("batchnorm1.running_mean"), layer counters as U64 scalars ("dropout1.counter"),
// optimizer state as "optimizer.<state>.<param>"; __metadata__ holds the architecture
// fingerprint, optimizer name/step, epoch, step, extras (the format: io/checkpoint.hpp). Writes
// are atomic (io/atomic_file.hpp); loading into a different architecture, a file with a tensor
// missing or extra, or a value that is NaN or Inf (or a negative running variance or second
// moment) is refused naming the file and the tensor, before the model is touched.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctnn/core/version.hpp"
#include "ctnn/io/checkpoint.hpp"
#include "ctnn/io/safetensors.hpp"
#include "ctnn/nn/model.hpp"
#include "ctnn/optim/one_of.hpp"

namespace ctnn::io {

namespace detail {

template <class T>
std::vector<std::int64_t> dims_of(const TensorSlot& slot) {
    return {slot.dims.begin(), slot.dims.end()};
}

template <class B, class T>
std::vector<T> host_copy(const T* values, std::size_t count) {
    std::vector<T> host(count);
    B::to_host(values, host.data(), count);
    return host;
}

// Where two fingerprints ("Input(1, 28, 28) -> Pad<2> -> ...") part: "first difference at
// layer 3: 'Conv<6, 5x5>' in the checkpoint, 'Conv<16, 5x5>' in this model".
// What a checkpoint reads and writes: a Model<Net, B>, or the inference-only Weights<Net, B>.
template <class M>
concept BoundNetwork = requires(M& m, const M& c, std::span<const std::uint64_t> values) {
    typename M::net;
    typename M::backend;
    { M::parameter_slots() } -> std::same_as<std::vector<TensorSlot>>;
    { M::state_slots() } -> std::same_as<std::vector<TensorSlot>>;
    { M::counter_names() } -> std::same_as<std::vector<std::string>>;
    {c.parameters()};
    {m.state()};
    { c.counters() } -> std::same_as<std::vector<std::uint64_t>>;
    m.set_counters(values);
};

inline std::string first_difference(const std::string& saved, const std::string& ours) {
    const auto split = [](const std::string& text) {
        std::vector<std::string> parts;
        for (std::size_t start = 0;;) {
            const std::size_t end = text.find(" -> ", start);
            parts.push_back(text.substr(start, end - start));
            if (end == std::string::npos) return parts;
            start = end + 4;
        }
    };
    const auto a = split(saved), b = split(ours);
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        const std::string left = i < a.size() ? "'" + a[i] + "'" : "nothing",
                          right = i < b.size() ? "'" + b[i] + "'" : "nothing";
        if (i >= a.size() || i >= b.size() || a[i] != b[i])
            return "first difference at " +
                   (i == 0 ? std::string("the input") : "layer " + std::to_string(i)) + ": " + left +
                   " in the checkpoint, " + right + " in this model";
    }
    return "the same layers";
}

}  // namespace detail

// Optimizer may be a `typename Opt::template impl<B>` or std::nullptr_t (weights only).
template <class M, class Optimizer = std::nullptr_t>
requires detail::BoundNetwork<M>
void save_checkpoint(const std::filesystem::path& path, const M& model, const CheckpointInfo& info,
                     Optimizer* optimizer = nullptr) {
    using Net = typename M::net;
    using B = typename M::backend;
    using T = typename M::T;
    const auto params = detail::host_copy<B>(model.parameters(), M::param_count);
    const auto state = detail::host_copy<B>(model.state(), M::state_count);
    const std::vector<std::string> counter_names = M::counter_names();
    const std::vector<std::uint64_t> counters = model.counters();
    std::vector<std::vector<T>> optimizer_state;
    std::vector<TensorRef> tensors;
    for (const auto& slot : M::parameter_slots())
        tensors.push_back(tensor_ref(slot.name, std::span(params).subspan(slot.offset, slot.count),
                                     detail::dims_of<T>(slot)));
    for (const auto& slot : M::state_slots())
        tensors.push_back(tensor_ref(slot.name, std::span(state).subspan(slot.offset, slot.count),
                                     detail::dims_of<T>(slot)));
    for (std::size_t k = 0; k < counters.size(); ++k)
        tensors.push_back(tensor_ref(counter_names[k], std::span(counters).subspan(k, 1), {}));
    std::map<std::string, std::string> metadata = info.extra;
    metadata["format"] = checkpoint_format;
    metadata["architecture"] = Net::fingerprint();
    metadata["architecture_type"] = Net::type_name();
    metadata["ctnn_version"] = version;
    metadata["param_count"] = std::to_string(M::param_count);
    metadata["epoch"] = std::to_string(info.epoch);
    metadata["step"] = std::to_string(info.step);
    if constexpr (!std::is_same_v<Optimizer, std::nullptr_t>) {
        if (optimizer) {
            auto named = optimizer->state_tensors();
            optimizer_state.reserve(named.size());
            for (auto& [name, buffer] : named)
                optimizer_state.push_back(detail::host_copy<B>(buffer->data(), M::param_count));
            for (std::size_t k = 0; k < named.size(); ++k)
                for (const auto& slot : M::parameter_slots())
                    tensors.push_back(
                        tensor_ref("optimizer." + named[k].first + "." + slot.name,
                                   std::span(optimizer_state[k]).subspan(slot.offset, slot.count),
                                   detail::dims_of<T>(slot)));
            metadata["optimizer"] = optimizer_name(*optimizer);
            metadata["optimizer.steps"] = std::to_string(optimizer->steps());
        }
    }
    save_safetensors(path, tensors, metadata);
}

// Loads parameters and state (and optimizer state when `optimizer` is given) into `model`.
// Every tensor is checked by name and shape before anything is copied, so a failed load
// leaves the model untouched.
template <class M, class Optimizer = std::nullptr_t>
requires detail::BoundNetwork<M> CheckpointInfo load_checkpoint(const std::filesystem::path& path, M& model,
                                                                Optimizer* optimizer = nullptr) {
    using Net = typename M::net;
    using B = typename M::backend;
    using T = typename M::T;
    const SafetensorsFile file = load_safetensors(path);
    const auto meta = [&](const std::string& key) { return checkpoint_metadata(file, key); };
    const auto count = [&](const std::string& key) { return checkpoint_count(file, key); };
    if (meta("format") != checkpoint_format)
        throw IoError(path, "not a ctnn checkpoint (metadata 'format' is '" + meta("format") +
                                "', expected '" + checkpoint_format + "')");
    std::vector<TensorSlot> slots = M::parameter_slots();
    const std::size_t param_slot_count = slots.size();
    for (auto& slot : M::state_slots()) slots.push_back(slot);
    const auto missing = [&](const std::string& name) {
        return IoError(
            path, "tensor '" + name + "' of this model is missing" +
                      (meta("architecture") == Net::fingerprint()
                           ? std::string(" (the file is incomplete or was edited)")
                           : ": the checkpoint was saved from a different architecture ('" +
                                 meta("architecture") + "'; this model is '" + Net::fingerprint() + "'; " +
                                 detail::first_difference(meta("architecture"), Net::fingerprint()) + ")"));
    };
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const auto& slot = slots[i];
        if (!file.contains(slot.name)) throw missing(slot.name);
        file.at(slot.name, detail::dims_of<T>(slot));  // throws naming the tensor on a shape mismatch
    }
    const std::vector<std::string> counter_names = M::counter_names();
    std::vector<std::uint64_t> counters(counter_names.size());
    for (std::size_t k = 0; k < counter_names.size(); ++k) {
        if (!file.contains(counter_names[k])) throw missing(counter_names[k]);
        const TensorData& t = file.at(counter_names[k], std::span<const std::int64_t>());
        if (t.dtype != "U64")
            throw IoError(
                path, "tensor '" + counter_names[k] + "': dtype " + t.dtype + ", expected U64 (a counter)");
        file.copy_to(counter_names[k], std::span<std::uint64_t>(&counters[k], 1));
    }
    std::vector<std::pair<std::string, typename B::template buffer<T>*>> optimizer_tensors;
    bool with_optimizer = false;
    if constexpr (!std::is_same_v<Optimizer, std::nullptr_t>) {
        if (optimizer) {
            with_optimizer = true;
            if (meta("optimizer").empty())
                throw IoError(
                    path, std::string("holds no optimizer state (saved without an optimizer), so training "
                                      "cannot resume with '") +
                              optimizer_name(*optimizer) + "'");
            if (meta("optimizer") != optimizer_name(*optimizer))
                throw IoError(path, "optimizer state is for '" + meta("optimizer") + "', not '" +
                                        optimizer_name(*optimizer) + "'");
            optimizer_tensors = optimizer->state_tensors();
            for (const auto& [state_name, buffer] : optimizer_tensors)
                for (std::size_t i = 0; i < param_slot_count; ++i)
                    file.at("optimizer." + state_name + "." + slots[i].name, detail::dims_of<T>(slots[i]));
        }
    }
    // Every tensor in the file must be one of ours: a parameter, state or counter, or optimizer
    // state "optimizer.<state>.<parameter>" (of this optimizer, when one is being loaded).
    const auto is_slot = [&](std::string_view name, std::size_t end) {
        return std::any_of(slots.begin(), slots.begin() + static_cast<std::ptrdiff_t>(end),
                           [&](const TensorSlot& s) { return s.name == name; });
    };
    const auto is_optimizer_state = [&](std::string_view name) {
        if (!name.starts_with("optimizer.")) return false;
        name.remove_prefix(10);
        const auto dot = name.find('.');
        if (dot == std::string_view::npos || !is_slot(name.substr(dot + 1), param_slot_count)) return false;
        return !with_optimizer ||
               std::any_of(optimizer_tensors.begin(), optimizer_tensors.end(),
                           [&](const auto& named) { return named.first == name.substr(0, dot); });
    };
    for (const auto& [name, tensor] : file.tensors) {
        const bool known = is_slot(name, slots.size()) || is_optimizer_state(name) ||
                           std::find(counter_names.begin(), counter_names.end(), name) != counter_names.end();
        if (!known)
            throw IoError(path, "tensor '" + name + "' does not belong to this model (" + Net::fingerprint() +
                                    (with_optimizer ? ", with its optimizer)" : ")"));
    }
    if (meta("architecture") != Net::fingerprint())
        throw IoError(path, "architecture differs: checkpoint '" + meta("architecture") + "', this model '" +
                                Net::fingerprint() + "'; " +
                                detail::first_difference(meta("architecture"), Net::fingerprint()) +
                                (file.metadata.count("architecture_type")
                                     ? "; the checkpoint's type is " + meta("architecture_type")
                                     : std::string()) +
                                ", this model's " + Net::type_name());
    CheckpointInfo info;  // parsed before anything is copied, so a bad count changes nothing
    info.epoch = count("epoch");
    info.step = count("step");
    const std::uint64_t optimizer_steps = with_optimizer ? count("optimizer.steps") : 0;

    std::vector<T> params(M::param_count), state(M::state_count);
    // Every value is checked (finite; a running variance or second moment >= 0) before any
    // is copied into the model or the optimizer.
    const auto load = [&](const std::string& name, T* target, std::size_t n) {
        const std::span<T> values_of(target, n);
        file.copy_to(name, values_of);
        check_loaded_values(std::span<const T>(values_of), path, name, value_rule(name));
    };
    for (std::size_t i = 0; i < slots.size(); ++i)
        load(slots[i].name, (i < param_slot_count ? params.data() : state.data()) + slots[i].offset,
             slots[i].count);
    std::vector<std::vector<T>> optimizer_values;
    if constexpr (!std::is_same_v<Optimizer, std::nullptr_t>) {
        if (optimizer) {
            for (auto& named : optimizer_tensors) {
                optimizer_values.emplace_back(M::param_count, T(0));
                for (std::size_t i = 0; i < param_slot_count; ++i)
                    load("optimizer." + named.first + "." + slots[i].name,
                         optimizer_values.back().data() + slots[i].offset, slots[i].count);
            }
            for (std::size_t k = 0; k < optimizer_tensors.size(); ++k)
                B::from_host(optimizer_values[k].data(), optimizer_tensors[k].second->data(), M::param_count);
            optimizer->set_steps(optimizer_steps);
        }
    }
    B::from_host(params.data(), model.parameters(), M::param_count);
    B::from_host(state.data(), model.state(), M::state_count);
    model.set_counters(counters);

    for (const auto& [key, value] : file.metadata) info.extra[key] = value;
    return info;
}

}  // namespace ctnn::io
