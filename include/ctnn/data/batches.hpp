// Batches: deterministic shuffled mini-batches over a Dataset. The order of epoch e depends
// only on (seed, e); buffers are allocated once at construction, so start_epoch() and next()
// allocate nothing. Loop: `b.start_epoch(e); while (b.next()) use(b.images(), b.labels(), b.size());`
// images() is size() x C x H x W floats, row-major; labels() is size() int32s.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <ctnn/data/dataset.hpp>
#include <ctnn/data/shuffle.hpp>

namespace ctnn::data {

class Batches {
  public:
    // The dataset is not copied and must outlive the Batches. batch_size > 0; the buffers hold
    // min(batch_size, data.size()) samples. With drop_last the final short batch of an epoch is
    // skipped; otherwise it is returned with size() < batch_size.
    Batches(const Dataset& data, std::size_t batch_size, std::uint64_t seed, bool shuffle = true,
            bool drop_last = false)
        : m_data(&data),
          m_batch_size(batch_size),
          m_sample_size(data.sample_size()),
          m_seed(seed),
          m_shuffle(shuffle),
          m_drop_last(drop_last),
          m_order(data.size()),
          m_images(std::min(batch_size, data.size()) * data.sample_size()),
          m_labels(std::min(batch_size, data.size())) {
        if (batch_size == 0) throw std::invalid_argument("ctnn::data::Batches: batch_size must be positive");
        start_epoch(0);
    }
    Batches(const Dataset&& data, std::size_t, std::uint64_t, bool = true,
            bool = false) = delete;  // would dangle

    // Rewinds to the first batch, in the order of `epoch` (identity order without shuffle).
    void start_epoch(std::size_t epoch) {
        m_epoch = epoch;
        m_next = 0;
        m_size = 0;
        if (m_shuffle) {
            detail::permutation(m_order, m_seed, detail::batches_stream, epoch);
        } else {
            std::iota(m_order.begin(), m_order.end(), std::size_t{0});
        }
    }

    // Gathers the next batch; false (and size() == 0) once the epoch is done.
    bool next() {
        const std::size_t left = m_order.size() - m_next;
        m_size = std::min(left, m_batch_size);
        if (m_size == 0 || (m_drop_last && m_size < m_batch_size)) {
            m_next = m_order.size();
            m_size = 0;
            return false;
        }
        const float* src = m_data->images.data();
        for (std::size_t i = 0; i < m_size; ++i) {
            const std::size_t s = m_order[m_next + i];
            std::copy_n(src + s * m_sample_size, m_sample_size, m_images.data() + i * m_sample_size);
            m_labels[i] = m_data->labels(s);
        }
        m_next += m_size;
        return true;
    }

    const float* images() const { return m_images.data(); }
    const std::int32_t* labels() const { return m_labels.data(); }
    // Dataset indices of the current batch's samples.
    const std::size_t* indices() const { return m_order.data() + (m_next - m_size); }
    std::size_t size() const { return m_size; }

    std::size_t batch_size() const { return m_batch_size; }
    std::size_t sample_size() const { return m_sample_size; }
    std::size_t epoch() const { return m_epoch; }
    std::size_t batches_per_epoch() const {
        const std::size_t n = m_order.size();
        return m_drop_last ? n / m_batch_size : (n + m_batch_size - 1) / m_batch_size;
    }

  private:
    const Dataset* m_data;
    std::size_t m_batch_size;
    std::size_t m_sample_size;
    std::uint64_t m_seed;
    bool m_shuffle;
    bool m_drop_last;
    std::vector<std::size_t> m_order;  // dataset indices in this epoch's order
    std::vector<float> m_images;       // batch_size x sample_size
    std::vector<std::int32_t> m_labels;
    std::size_t m_epoch = 0;
    std::size_t m_next = 0;  // position in m_order of the next batch
    std::size_t m_size = 0;  // length of the current batch
};

}  // namespace ctnn::data
