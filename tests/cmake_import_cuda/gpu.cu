// The CUDA half of the consumer: a LeNet-5 classifier on cuda::CuBlas behind a plain function.
#include <ctnn/ctnn.hpp>
#include <ctnn/cuda.hpp>

#include <vector>

ctnn::GpuStatus consumer_gpu_status() {
    return ctnn::cuda::gpu_status();
}

// One training step on 8 blank images; returns the loss.
double consumer_gpu_step() {
    ctnn::Classifier<ctnn::models::LeNet5, ctnn::SoftmaxCrossEntropy, ctnn::Adam, ctnn::cuda::CuBlas> clf{
        ctnn::Adam{.lr = 1e-3f}, 42};
    std::vector<float> images(8 * 784, 0.0f);
    std::vector<std::int32_t> labels(8, 3);
    return clf.fit_batch(images.data(), labels.data(), 8);
}
