// Batches: deterministic shuffled mini-batches over a Dataset. The order of epoch e depends
// only on (seed, e); buffers are allocated once at construction, so start_epoch() and next()
// allocate nothing. Loop: `b.start_epoch(e); while (b.next()) use(b.images(), b.labels(), b.size());`
// images() is size() x C x H x W floats, row-major; labels() is size() int32s.
// With a Share {rank, ranks} (data-parallel training) every rank cuts the same global batches of
// batch_size from the same order and gathers only its part of each: samples [n r / R, n (r + 1) / R)
// of a batch of n; size() is that part, global_size() the batch. A last batch smaller than R is
// dropped. The default share {0, 1} is the whole batch.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/data/dataset.hpp>
#include <ctnn/data/shuffle.hpp>

namespace ctnn::data {

// Rank `rank` of `ranks` taking its part of every batch (data-parallel training).
struct Share {
    int rank = 0;
    int ranks = 1;
};

// [first, last) of a batch of n samples that `share` takes.
struct ShareRange {
    std::size_t first = 0, last = 0;
    std::size_t size() const { return last - first; }
};
inline ShareRange share_range(std::size_t n, Share share) {
    const auto r = static_cast<std::size_t>(share.rank), k = static_cast<std::size_t>(share.ranks);
    return {n * r / k, n * (r + 1) / k};
}

class Batches {
  public:
    // The dataset is not copied and must outlive the Batches. batch_size > 0; the buffers hold
    // min(batch_size, data.size()) samples. With drop_last the final short batch of an epoch is
    // skipped; otherwise it is returned with size() < batch_size.
    Batches(const Dataset& data, std::size_t batch_size, std::uint64_t seed, bool shuffle = true,
            bool drop_last = false, Share share = {})
        : m_data(&data),
          m_batch_size(batch_size),
          m_sample_size(data.sample_size()),
          m_seed(seed),
          m_shuffle(shuffle),
          m_drop_last(drop_last),
          m_share(share),
          m_order(data.size()) {
        if (batch_size == 0) throw std::invalid_argument("ctnn::data::Batches: batch_size must be positive");
        if (share.ranks < 1 || share.rank < 0 || share.rank >= share.ranks)
            throw std::invalid_argument("ctnn::data::Batches: share of rank " + std::to_string(share.rank) +
                                        " of " + std::to_string(share.ranks));
        if (batch_size < static_cast<std::size_t>(share.ranks))
            throw std::invalid_argument("ctnn::data::Batches: a batch of " + std::to_string(batch_size) +
                                        " cannot give each of " + std::to_string(share.ranks) +
                                        " ranks a sample");
        const std::size_t most = std::min(batch_size, data.size());
        const std::size_t part = share.ranks == 1 ? most : most / std::size_t(share.ranks) + 1;
        m_images.resize(part * m_sample_size);
        m_labels.resize(part);
        start_epoch(0);
    }
    Batches(const Dataset&& data, std::size_t, std::uint64_t, bool = true, bool = false,
            Share = {}) = delete;  // would dangle

    // Rewinds to the first batch, in the order of `epoch` (identity order without shuffle).
    void start_epoch(std::size_t epoch) {
        m_epoch = epoch;
        m_next = 0;
        m_size = m_global = 0;
        if (m_shuffle) {
            detail::permutation(m_order, m_seed, detail::batches_stream, epoch);
        } else {
            std::iota(m_order.begin(), m_order.end(), std::size_t{0});
        }
    }

    // Gathers the next batch (this share of it); false (and size() == 0) once the epoch is done.
    bool next() {
        const std::size_t left = m_order.size() - m_next;
        const std::size_t n = std::min(left, m_batch_size);
        if (n == 0 || (m_drop_last && n < m_batch_size) || n < static_cast<std::size_t>(m_share.ranks)) {
            m_next = m_order.size();
            m_size = m_global = 0;
            return false;
        }
        const ShareRange part = share_range(n, m_share);
        m_first = m_next + part.first;
        m_size = part.size();
        const float* src = m_data->images.data();
        for (std::size_t i = 0; i < m_size; ++i) {
            const std::size_t s = m_order[m_first + i];
            std::copy_n(src + s * m_sample_size, m_sample_size, m_images.data() + i * m_sample_size);
            m_labels[i] = m_data->labels(s);
        }
        m_next += n;
        m_global = n;
        return true;
    }

    const float* images() const { return m_images.data(); }
    const std::int32_t* labels() const { return m_labels.data(); }
    // Dataset indices of the current batch's samples (this share's).
    const std::size_t* indices() const { return m_order.data() + m_first; }
    std::size_t size() const { return m_size; }
    // The whole batch's size, over all shares (size() without a share).
    std::size_t global_size() const { return m_global; }
    Share share() const { return m_share; }

    std::size_t batch_size() const { return m_batch_size; }
    std::size_t sample_size() const { return m_sample_size; }
    std::size_t epoch() const { return m_epoch; }
    std::size_t batches_per_epoch() const {
        const std::size_t n = m_order.size(), rest = n % m_batch_size;
        return n / m_batch_size + (!m_drop_last && rest >= static_cast<std::size_t>(m_share.ranks) ? 1 : 0);
    }

  private:
    const Dataset* m_data;
    std::size_t m_batch_size;
    std::size_t m_sample_size;
    std::uint64_t m_seed;
    bool m_shuffle;
    bool m_drop_last;
    Share m_share;
    std::vector<std::size_t> m_order;  // dataset indices in this epoch's order
    std::vector<float> m_images;       // (this share of) batch_size x sample_size
    std::vector<std::int32_t> m_labels;
    std::size_t m_epoch = 0;
    std::size_t m_next = 0;    // position in m_order of the next batch
    std::size_t m_first = 0;   // position in m_order of the current share's first sample
    std::size_t m_size = 0;    // length of the current batch's share
    std::size_t m_global = 0;  // length of the current batch
};

}  // namespace ctnn::data
