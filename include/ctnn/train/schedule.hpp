// Learning-rate schedules, one type for every trainer, as a function of training progress in
// epochs (whole epochs for Classifier, fractional within an epoch for Gan): constant, step
// (lr * gamma^floor(e / step_size), PyTorch's StepLR), exponential (lr * gamma^floor(e), PyTorch's
// ExponentialLR stepped once an epoch), cosine annealing from the base rate to min_lr over
// total_epochs, linear decay to 0 at total_epochs; any of them optionally after a linear warm-up
// from start_factor * lr to lr over warmup_epochs (PyTorch's LinearLR, then the schedule).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

namespace ctnn {

struct LrSchedule {
    enum class Kind { constant, step, cosine, linear, exponential };
    Kind kind = Kind::constant;
    std::size_t step_size = 1;  // step: epochs between decays
    double gamma = 0.1;         // step, exponential: decay factor
    double total_epochs = 10;   // cosine, linear: length of the decay
    double min_lr = 0.0;        // cosine: final rate
    double warmup_epochs = 0;   // 0: no warm-up
    double warmup_start = 0.1;  // the warm-up's first factor on the rate

    static LrSchedule constant() { return {}; }
    static LrSchedule step(std::size_t step_size, double gamma) { return {Kind::step, step_size, gamma}; }
    static LrSchedule cosine(double total_epochs, double min_lr = 0.0) {
        return {Kind::cosine, 1, 0.1, total_epochs, min_lr};
    }
    static LrSchedule linear(double total_epochs) { return {Kind::linear, 1, 0.1, total_epochs}; }
    static LrSchedule exponential(double gamma) { return {Kind::exponential, 1, gamma}; }

    // This schedule after a warm-up of `epochs` from start_factor times the rate.
    LrSchedule with_warmup(double epochs, double start_factor = 0.1) const {
        LrSchedule result = *this;
        result.warmup_epochs = epochs;
        result.warmup_start = start_factor;
        return result;
    }

    // The learning rate after `progress` epochs of training (0 at the start) for base rate `base`.
    double rate(double base, double progress) const {
        double lr = base;
        switch (kind) {
            case Kind::constant:
                break;
            case Kind::step:
                lr = base *
                     std::pow(gamma, std::floor(progress / static_cast<double>(step_size ? step_size : 1)));
                break;
            case Kind::cosine: {
                const double done = total_epochs > 0 ? std::min(1.0, progress / total_epochs) : 1.0;
                lr = min_lr + (base - min_lr) * 0.5 * (1.0 + std::cos(3.141592653589793 * done));
                break;
            }
            case Kind::linear:
                lr = total_epochs > 0 ? base * std::max(0.0, 1.0 - progress / total_epochs) : 0.0;
                break;
            case Kind::exponential:
                lr = base * std::pow(gamma, std::floor(progress));
                break;
        }
        if (warmup_epochs > 0 && progress < warmup_epochs)
            lr *= warmup_start + (1.0 - warmup_start) * (progress / warmup_epochs);
        return lr;
    }
    double rate(double base, std::size_t epoch) const { return rate(base, static_cast<double>(epoch)); }

    // "constant", "step(3, 0.3)", "cosine(10)", "warmup(1) then linear(30)".
    std::string describe() const {
        char text[96];
        switch (kind) {
            case Kind::constant:
                std::snprintf(text, sizeof text, "constant");
                break;
            case Kind::step:
                std::snprintf(text, sizeof text, "step(%zu, %g)", step_size, gamma);
                break;
            case Kind::cosine:
                std::snprintf(text, sizeof text, "cosine(%g)", total_epochs);
                break;
            case Kind::linear:
                std::snprintf(text, sizeof text, "linear(%g)", total_epochs);
                break;
            case Kind::exponential:
                std::snprintf(text, sizeof text, "exponential(%g)", gamma);
                break;
        }
        if (warmup_epochs <= 0) return text;
        char warmup[48];
        std::snprintf(warmup, sizeof warmup, "warmup(%g) then ", warmup_epochs);
        return warmup + std::string(text);
    }
};

}  // namespace ctnn
