// Learning-rate schedules, applied per epoch: constant, step (lr * gamma^floor(e / step_size))
// and cosine annealing from the base rate to min_lr over total_epochs.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>

namespace ctnn {

struct LrSchedule {
    enum class Kind { constant, step, cosine };
    Kind kind = Kind::constant;
    std::size_t step_size = 1;       // step: epochs between decays
    double gamma = 0.1;              // step: decay factor
    std::size_t total_epochs = 10;   // cosine: length of the annealing
    double min_lr = 0.0;             // cosine: final rate

    static LrSchedule constant() { return {}; }
    static LrSchedule step(std::size_t step_size, double gamma) { return {Kind::step, step_size, gamma}; }
    static LrSchedule cosine(std::size_t total_epochs, double min_lr = 0.0) {
        return {Kind::cosine, 1, 0.1, total_epochs, min_lr};
    }

    // The learning rate of epoch `epoch` (0-based) for base rate `base`.
    double rate(double base, std::size_t epoch) const {
        switch (kind) {
            case Kind::constant: break;
            case Kind::step: return base * std::pow(gamma, static_cast<double>(epoch / (step_size ? step_size : 1)));
            case Kind::cosine: {
                const double progress = total_epochs ? std::min(1.0, double(epoch) / double(total_epochs)) : 1.0;
                return min_lr + (base - min_lr) * 0.5 * (1.0 + std::cos(3.141592653589793 * progress));
            }
        }
        return base;
    }

    std::string describe() const {
        switch (kind) {
            case Kind::constant: break;
            case Kind::step: return "step(" + std::to_string(step_size) + ", " + std::to_string(gamma) + ")";
            case Kind::cosine: return "cosine(" + std::to_string(total_epochs) + ")";
        }
        return "constant";
    }
};

}  // namespace ctnn
