// The library side of the export check (tests/export/CMakeLists.txt): trains LeNet-5 (ReLU) for
// one epoch on 6,000 MNIST images and a DCGAN for 3 iterations (so BatchNorm's running
// statistics, folded by the exporter, are not their defaults), exports both with
// io::export_header, and writes what check_export.cpp compares against:
//   OUT/lenet5.h, OUT/dcgan_generator.h         the exported headers
//   OUT/test_pixels.u8    10,000 x 784 bytes     the MNIST test images
//   OUT/test_logits.f32   10,000 x 10 floats     the library's logits (evaluation mode)
//   OUT/latents.f32, OUT/generated.f32           64 latents and the library's generated images
//   OUT/lenet5.safetensors                       the classifier's checkpoint (for ctnn_inspect)
//   OUT/resnet28.h, OUT/nested.h, OUT/<name>_logits.f32   ResNet28 and a net of nested blocks
//                              (Residual in Residual, a projection, a Sequential block), 3 steps
//                              each, and the library's logits for the first 64 test images
// Usage: ctnn_export_tool OUT_DIR MNIST_DIR
//        ctnn_export_tool score classic|relu CHECKPOINT PIXELS.u8 N LOGITS.f32   (check_torch.sh)
//          loads the checkpoint into that LeNet-5 and writes its logits for N images of pixels
#include <ctnn/ctnn.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/resnet.hpp>
#include <ctnn/nn/export.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/gan.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <vector>

using namespace ctnn;

namespace {
template <class T>
void write_raw(const std::filesystem::path& path, const std::vector<T>& values) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(values.data()),
              static_cast<std::streamsize>(values.size() * sizeof(T)));
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}
}  // namespace

using Nested = Sequential<
    Input<1, 28, 28>, Conv<4, 3, 2, 1>, BatchNorm<>, ReLU,
    Residual<Conv<4, 3, 1, 1>, ReLU, Residual<Shortcut<Conv<4, 1>>, Conv<4, 3, 1, 1>, BatchNorm<>>>,
    Sequential<Input<4, 14, 14>, MaxPool<2>, Conv<8, 3>>, Tanh, Flatten, Dense<10>>;

// Trains Net for 3 steps of 32 images (so BatchNorm's statistics are not their defaults), exports it
// as OUT/<name>.h and writes its logits for the first 64 test images to OUT/<name>_logits.f32.
template <class Net>
void export_blocks(const std::filesystem::path& out, const std::string& name, const data::Mnist& mnist,
                   const std::vector<std::uint8_t>& first_pixels) {
    Classifier<Net, SoftmaxCrossEntropy, Adam> classifier(Adam{.lr = 1e-3f}, 3);
    for (std::size_t i = 0; i < 3; ++i)
        classifier.fit_batch(mnist.train.images.data() + i * 32 * 784, mnist.train.labels.data() + i * 32,
                             32);
    auto& model = classifier.model();
    io::export_header(
        model, name, out / (name + ".h"),
        io::ExportOptions{.pixel_divisor = 255.0f, .pixel_offset = 0.0f, .test_pixels = first_pixels});
    model.eval();
    const float* y = model.forward(mnist.test.images.data(), 64);
    write_raw(out / (name + "_logits.f32"), std::vector<float>(y, y + 64 * 10));
}

template <class Net>
int score(const std::filesystem::path& checkpoint, const std::filesystem::path& pixels_path, std::size_t n,
          const std::filesystem::path& logits_path) {
    Model<Net, cpu::Blas> model(0);
    io::load_checkpoint(checkpoint, model);
    model.eval();
    std::ifstream in(pixels_path, std::ios::binary);
    std::vector<std::uint8_t> bytes(n * 784);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
        throw std::runtime_error("cannot read " + std::to_string(n) + " images from " + pixels_path.string());
    std::vector<float> images(bytes.size()), logits(n * 10);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        images[i] = data::normalize_pixel(bytes[i], data::Normalize::unit);
    const float* y = model.forward(images.data(), n);
    std::copy(y, y + n * 10, logits.begin());
    write_raw(logits_path, logits);
    return 0;
}

int main(int argc, char** argv) try {
    if (argc == 7 && std::string(argv[1]) == "score") {
        const std::size_t n = std::stoul(argv[5]);
        return std::string(argv[2]) == "classic" ? score<models::LeNet5>(argv[3], argv[4], n, argv[6])
                                                 : score<models::LeNet5Relu>(argv[3], argv[4], n, argv[6]);
    }
    if (argc != 3) {
        std::cerr << "usage: ctnn_export_tool OUT_DIR MNIST_DIR\n";
        return 2;
    }
    const std::filesystem::path out = argv[1], mnist_dir = argv[2];
    std::filesystem::create_directories(out);
    const auto mnist = data::mnist::load(mnist_dir);
    const auto pixels = data::mnist::load(mnist_dir, data::Normalize::none).test;

    Classifier<models::LeNet5Relu, SoftmaxCrossEntropy, Adam> classifier(Adam{.lr = 1e-3f}, 42);
    classifier.fit_epoch(data::take(mnist.train, 6000), 64);
    auto& model = classifier.model();
    const std::size_t n = mnist.test.size();
    std::vector<std::uint8_t> bytes(n * 784);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(pixels.images.data()[i]);
    io::export_header(
        model, "lenet5", out / "lenet5.h",
        io::ExportOptions{.pixel_divisor = 255.0f,
                          .pixel_offset = 0.0f,
                          .test_pixels = std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 784)});
    model.eval();
    std::vector<float> logits(n * 10);
    for (std::size_t first = 0; first < n; first += 500) {
        const std::size_t count = std::min<std::size_t>(500, n - first);
        const float* y = model.forward(mnist.test.images.data() + first * 784, count);
        std::copy(y, y + count * 10, logits.begin() + static_cast<std::ptrdiff_t>(first * 10));
    }
    io::save_checkpoint(out / "lenet5.safetensors", model,
                        io::CheckpointInfo{.epoch = 1, .step = 93, .extra = {}});
    write_raw(out / "test_pixels.u8", bytes);
    write_raw(out / "test_logits.f32", logits);

    Gan<models::DcganGenerator<100>, models::DcganDiscriminator> gan(Adam{.lr = 2e-4f, .beta1 = 0.5f},
                                                                     Adam{.lr = 2e-4f, .beta1 = 0.5f}, 7);
    for (int i = 0; i < 3; ++i) gan.fit_batch(mnist.train.images.data() + i * 64 * 784, 64);
    io::export_header(gan.generator(), "dcgan_generator", out / "dcgan_generator.h",
                      io::ExportOptions{.pixel_divisor = 127.5f, .pixel_offset = -1.0f, .test_pixels = {}});
    std::vector<float> latents(64 * 100), images(64 * 784);
    Rng rng(5);
    for (auto& z : latents) z = static_cast<float>(rng.normal());
    gan.generate(latents.data(), 64, images.data());
    write_raw(out / "latents.f32", latents);
    write_raw(out / "generated.f32", images);
    const std::vector<std::uint8_t> first_pixels(bytes.begin(), bytes.begin() + 784);
    export_blocks<models::ResNet28>(out, "resnet28", mnist, first_pixels);
    export_blocks<Nested>(out, "nested", mnist, first_pixels);
    std::cout << "exported lenet5.h, dcgan_generator.h, resnet28.h and nested.h to " << out << "\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "ctnn_export_tool: " << e.what() << "\n";
    return 1;
}
