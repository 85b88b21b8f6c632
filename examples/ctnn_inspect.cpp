// ctnn_inspect FILE: what a safetensors file holds, without knowing the network's C++ type. For
// a ctnn checkpoint: the architecture spelled as its C++ type, the fingerprint, the version,
// epoch, step and the training configuration; then every tensor (name, dtype, shape, min, max,
// mean) of any safetensors file. The file is read with the library's checked reader, so a
// truncated or crafted file gets an error naming it, never a crash. Exit 0, or 1 with the error.
#include <ctnn/io/safetensors.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + ")";
}

void print_tensor(const std::string& name, const ctnn::io::TensorData& tensor,
                  const std::filesystem::path& file) {
    const std::vector<double> values = tensor.as<double>(file, name);
    double low = std::numeric_limits<double>::infinity(), high = -low, sum = 0;
    std::size_t non_finite = 0;
    for (const double v : values) {
        if (!std::isfinite(v)) {
            ++non_finite;
            continue;
        }
        low = std::min(low, v), high = std::max(high, v), sum += v;
    }
    const std::size_t finite = values.size() - non_finite;
    std::printf("  %-40s %-5s %-18s", name.c_str(), tensor.dtype.c_str(), shape_text(tensor.shape).c_str());
    if (finite)
        std::printf(" min %-12.6g max %-12.6g mean %-12.6g", low, high, sum / static_cast<double>(finite));
    if (non_finite) std::printf(" %zu NaN/Inf", non_finite);
    std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Describe a safetensors file: a ctnn checkpoint's architecture and configuration, and every tensor"};
    std::filesystem::path file;
    bool tensors = true;
    app.add_option("file", file, "the .safetensors file")->required();
    app.add_flag("!--no-tensors", tensors, "print the metadata only");
    CLI11_PARSE(app, argc, argv);
    try {
        const ctnn::io::SafetensorsFile checkpoint = ctnn::io::load_safetensors(file);
        const auto& meta = checkpoint.metadata;
        const auto get = [&meta](const char* key) {
            const auto it = meta.find(key);
            return it == meta.end() ? std::string() : it->second;
        };
        std::printf("%s\n", file.string().c_str());
        if (get("format").rfind("ctnn-checkpoint", 0) == 0) {
            std::printf("ctnn checkpoint (%s), ctnn %s\n", get("format").c_str(),
                        get("ctnn_version").empty() ? "before 0.1.0" : get("ctnn_version").c_str());
            if (!get("architecture_type").empty())
                std::printf("type:         %s\n", get("architecture_type").c_str());
            std::printf("architecture: %s\n", get("architecture").c_str());
            std::printf("parameters:   %s, epoch %s, step %s\n", get("param_count").c_str(),
                        get("epoch").c_str(), get("step").c_str());
            if (!get("optimizer").empty())
                std::printf("optimizer:    %s after %s steps\n", get("optimizer").c_str(),
                            get("optimizer.steps").c_str());
        } else {
            std::printf("safetensors file (not a ctnn checkpoint)\n");
        }
        bool heading = false;
        for (const auto& [key, value] : meta) {
            if (key == "format" || key == "ctnn_version" || key == "architecture_type" ||
                key == "architecture" || key == "param_count" || key == "epoch" || key == "step" ||
                key == "optimizer" || key == "optimizer.steps")
                continue;
            if (!heading) std::printf("metadata:\n"), heading = true;
            std::printf("  %s = %s\n", key.c_str(), value.c_str());
        }
        std::printf("%zu tensors\n", checkpoint.tensors.size());
        if (tensors)
            for (const auto& [name, tensor] : checkpoint.tensors) print_tensor(name, tensor, file);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "ctnn_inspect: " << e.what() << "\n";
        return 1;
    }
}
