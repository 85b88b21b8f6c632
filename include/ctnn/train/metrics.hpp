// Classification metrics: loss, accuracy, per-class accuracy and the confusion matrix
// (rows: true class, columns: predicted class), accumulated batch by batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ctnn {

struct ClassificationReport {
    std::size_t classes = 0;
    std::size_t count = 0;
    double loss = 0;                     // mean over samples
    double accuracy = 0;                 // fraction in [0, 1]
    std::vector<std::size_t> confusion;  // classes x classes, row-major
    std::vector<double> per_class_accuracy;

    std::size_t confusion_at(std::size_t truth, std::size_t predicted) const {
        return confusion[truth * classes + predicted];
    }
};

// Accumulates predictions; finish() turns the sums into a report.
class MetricsAccumulator {
  public:
    explicit MetricsAccumulator(std::size_t classes) : m_classes(classes), m_confusion(classes * classes) {}

    void add(std::int32_t truth, std::int32_t predicted) {
        ++m_confusion[static_cast<std::size_t>(truth) * m_classes + static_cast<std::size_t>(predicted)];
        ++m_count;
        m_correct += truth == predicted;
    }
    void add_loss(double batch_loss_sum) { m_loss_sum += batch_loss_sum; }

    std::size_t count() const { return m_count; }
    double accuracy() const { return m_count ? double(m_correct) / double(m_count) : 0.0; }
    double mean_loss() const { return m_count ? m_loss_sum / double(m_count) : 0.0; }

    ClassificationReport finish() const {
        ClassificationReport report;
        report.classes = m_classes;
        report.count = m_count;
        report.loss = mean_loss();
        report.accuracy = accuracy();
        report.confusion = m_confusion;
        report.per_class_accuracy.resize(m_classes);
        for (std::size_t c = 0; c < m_classes; ++c) {
            std::size_t total = 0;
            for (std::size_t p = 0; p < m_classes; ++p) total += m_confusion[c * m_classes + p];
            report.per_class_accuracy[c] =
                total ? double(m_confusion[c * m_classes + c]) / double(total) : 0.0;
        }
        return report;
    }

  private:
    std::size_t m_classes;
    std::vector<std::size_t> m_confusion;
    std::size_t m_count = 0;
    std::size_t m_correct = 0;
    double m_loss_sum = 0;
};

}  // namespace ctnn
