// Compiled alone against the exported headers (-std=c++17 -fno-exceptions -fno-rtti -Wall
// -Werror; no ctnn): the exported LeNet-5 on all 10,000 MNIST test images against the library's
// logits (the same digit everywhere, logits within 1e-5 relative: |a - b| / max(1, |b|)), the
// exported DCGAN generator against the library's images, ResNet28 and a net of nested blocks on
// 64 test images (the same digit, logits within 1e-4), every self_test, and the exported LeNet-5's
// batch-1 latency. Usage: check_export DIR (the files of ctnn_export_tool).
#include "dcgan_generator.h"
#include "lenet5.h"
#include "nested.h"
#include "resnet28.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
template <class T>
std::vector<T> read_raw(const char* dir, const char* name, std::size_t count) {
    char path[4096];
    std::snprintf(path, sizeof path, "%s/%s", dir, name);
    std::vector<T> values(count);
    std::FILE* f = std::fopen(path, "rb");
    if (!f || std::fread(values.data(), sizeof(T), count, f) != count) {
        std::fprintf(stderr, "check_export: cannot read %zu values from %s\n", count, path);
        std::exit(1);
    }
    std::fclose(f);
    return values;
}
double relative(float a, float b) {
    return std::fabs(double(a) - double(b)) / std::fmax(1.0, std::fabs(double(b)));
}

// An exported classifier (namespace N's preprocess and forward) on the first 64 test images
// against the library's logits: digits that differ, and the worst logit error.
struct Agreement {
    std::size_t disagree = 0;
    double worst = 0;
};
template <class Preprocess, class Forward, std::size_t In, std::size_t Out>
Agreement agree(const std::vector<std::uint8_t>& pixels, const std::vector<float>& logits,
                Preprocess preprocess, Forward forward) {
    Agreement result;
    float input[In], output[Out];
    for (std::size_t i = 0; i < 64; ++i) {
        preprocess(&pixels[i * In], input);
        forward(input, output);
        std::size_t mine = 0, theirs = 0;
        for (std::size_t k = 0; k < Out; ++k) {
            result.worst = std::fmax(result.worst, relative(output[k], logits[i * Out + k]));
            if (output[k] > output[mine]) mine = k;
            if (logits[i * Out + k] > logits[i * Out + theirs]) theirs = k;
        }
        result.disagree += mine != theirs;
    }
    return result;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const std::size_t n = 10000;
    const auto pixels = read_raw<std::uint8_t>(argv[1], "test_pixels.u8", n * lenet5::input_size);
    const auto logits = read_raw<float>(argv[1], "test_logits.f32", n * lenet5::output_size);
    float input[lenet5::input_size], output[lenet5::output_size];
    double worst = 0;
    std::size_t disagree = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        lenet5::preprocess(&pixels[i * lenet5::input_size], input);
        lenet5::forward(input, output);
        std::size_t mine = 0, theirs = 0;
        for (std::size_t k = 0; k < lenet5::output_size; ++k) {
            const float want = logits[i * lenet5::output_size + k];
            worst = std::fmax(worst, relative(output[k], want));
            if (output[k] > output[mine]) mine = k;
            if (want > logits[i * lenet5::output_size + theirs]) theirs = k;
        }
        disagree += mine != theirs;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "lenet5: %zu of %zu digits differ from the library, worst logit error %.3g, self_test %d, "
        "%.1f us per image (batch 1, preprocess + forward)\n",
        disagree, n, worst, int(lenet5::self_test()), seconds / double(n) * 1e6);

    const auto latents = read_raw<float>(argv[1], "latents.f32", 64 * dcgan_generator::input_size);
    const auto images = read_raw<float>(argv[1], "generated.f32", 64 * dcgan_generator::output_size);
    static float image[dcgan_generator::output_size];
    double worst_g = 0;
    for (std::size_t i = 0; i < 64; ++i) {
        dcgan_generator::forward(&latents[i * dcgan_generator::input_size], image);
        for (std::size_t k = 0; k < dcgan_generator::output_size; ++k)
            worst_g = std::fmax(worst_g, relative(image[k], images[i * dcgan_generator::output_size + k]));
    }
    std::printf("dcgan generator: worst pixel error %.3g over 64 images, self_test %d\n", worst_g,
                int(dcgan_generator::self_test()));

    const auto resnet =
        agree<decltype(&resnet28::preprocess), decltype(&resnet28::forward), resnet28::input_size,
              resnet28::output_size>(pixels, read_raw<float>(argv[1], "resnet28_logits.f32", 640),
                                     &resnet28::preprocess, &resnet28::forward);
    const auto blocks = agree<decltype(&nested::preprocess), decltype(&nested::forward), nested::input_size,
                              nested::output_size>(pixels, read_raw<float>(argv[1], "nested_logits.f32", 640),
                                                   &nested::preprocess, &nested::forward);
    std::printf("resnet28: %zu of 64 digits differ, worst logit error %.3g, self_test %d\n", resnet.disagree,
                resnet.worst, int(resnet28::self_test()));
    std::printf("nested blocks: %zu of 64 digits differ, worst logit error %.3g, self_test %d\n",
                blocks.disagree, blocks.worst, int(nested::self_test()));
    const bool ok = disagree == 0 && worst <= 1e-5 && worst_g <= 1e-5 && lenet5::self_test() &&
                    dcgan_generator::self_test() && resnet.disagree == 0 && resnet.worst <= 1e-4 &&
                    resnet28::self_test() && blocks.disagree == 0 && blocks.worst <= 1e-4 &&
                    nested::self_test();
    return ok ? 0 : 1;
}
