// ShardedBatches: this rank's share of the mini-batches a single process would train on. Every
// rank shuffles the whole data set with the same (seed, epoch) as data::Batches, cuts the same
// global batches of batch_size (the global batch: --batch), and gathers only its part of each:
// samples [n r / R, n (r + 1) / R) of a batch of n on rank r of R. With R = 1 it is data::Batches.
// A last batch smaller than R (some rank would get no sample) is dropped on every rank, as is a
// short last batch under drop_last. Buffers are allocated at construction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/data/dataset.hpp"
#include "ctnn/data/shuffle.hpp"

namespace ctnn::dist {

// [first, last) of a global batch of n samples that rank `rank` of `ranks` takes.
struct ShareRange {
    std::size_t first = 0, last = 0;
    std::size_t size() const { return last - first; }
};
inline ShareRange share_of(std::size_t n, int rank, int ranks) {
    const auto r = static_cast<std::size_t>(rank), k = static_cast<std::size_t>(ranks);
    return {n * r / k, n * (r + 1) / k};
}

class ShardedBatches {
  public:
    ShardedBatches(const data::Dataset& data, std::size_t batch_size, std::uint64_t seed, int rank, int ranks,
                   bool shuffle = true, bool drop_last = false)
        : m_data(&data), m_batch_size(batch_size), m_sample_size(data.sample_size()), m_seed(seed), m_rank(rank),
          m_ranks(ranks), m_shuffle(shuffle), m_drop_last(drop_last), m_order(data.size()) {
        if (ranks < 1 || rank < 0 || rank >= ranks)
            throw std::invalid_argument("ctnn::dist::ShardedBatches: rank " + std::to_string(rank) + " of " +
                                        std::to_string(ranks));
        if (batch_size < static_cast<std::size_t>(ranks))
            throw std::invalid_argument("ctnn::dist::ShardedBatches: the global batch of " + std::to_string(batch_size) +
                                        " cannot give each of " + std::to_string(ranks) + " ranks a sample");
        const std::size_t most = share_of(std::min(batch_size, data.size()), ranks - 1, ranks).size() + 1;
        m_images.resize(most * m_sample_size);
        m_labels.resize(most);
        start_epoch(0);
    }
    ShardedBatches(const data::Dataset&&, std::size_t, std::uint64_t, int, int, bool = true, bool = false) = delete;

    // Rewinds to the first batch, in data::Batches' order of `epoch`.
    void start_epoch(std::size_t epoch) {
        m_epoch = epoch;
        m_next = 0;
        m_global = m_size = 0;
        if (m_shuffle)
            data::detail::permutation(m_order, m_seed, data::detail::batches_stream, epoch);
        else
            for (std::size_t i = 0; i < m_order.size(); ++i) m_order[i] = i;
    }

    // Gathers this rank's share of the next global batch; false once the epoch is done.
    bool next() {
        const std::size_t left = m_order.size() - m_next;
        const std::size_t n = std::min(left, m_batch_size);
        if (n == 0 || n < static_cast<std::size_t>(m_ranks) || (m_drop_last && n < m_batch_size)) {
            m_next = m_order.size();
            m_global = m_size = 0;
            return false;
        }
        const ShareRange share = share_of(n, m_rank, m_ranks);
        const float* src = m_data->images.data();
        for (std::size_t i = 0; i < share.size(); ++i) {
            const std::size_t s = m_order[m_next + share.first + i];
            std::copy_n(src + s * m_sample_size, m_sample_size, m_images.data() + i * m_sample_size);
            m_labels[i] = m_data->labels(s);
        }
        m_first = m_next + share.first;
        m_next += n;
        m_global = n;
        m_size = share.size();
        return true;
    }

    const float* images() const { return m_images.data(); }
    const std::int32_t* labels() const { return m_labels.data(); }
    const std::size_t* indices() const { return m_order.data() + m_first; }  // dataset indices of the share
    std::size_t size() const { return m_size; }           // this rank's samples of the batch
    std::size_t global_size() const { return m_global; }  // the batch's samples on all ranks
    // This rank's share of the batch: the weight of its mean gradient in the global mean.
    double weight() const { return m_global ? double(m_size) / double(m_global) : 0.0; }

    std::size_t batch_size() const { return m_batch_size; }
    std::size_t epoch() const { return m_epoch; }
    std::size_t batches_per_epoch() const {
        const std::size_t n = m_order.size(), full = n / m_batch_size, rest = n % m_batch_size;
        return full + (!m_drop_last && rest >= static_cast<std::size_t>(m_ranks) ? 1 : 0);
    }

  private:
    const data::Dataset* m_data;
    std::size_t m_batch_size, m_sample_size;
    std::uint64_t m_seed;
    int m_rank, m_ranks;
    bool m_shuffle, m_drop_last;
    std::vector<std::size_t> m_order;
    std::vector<float> m_images;
    std::vector<std::int32_t> m_labels;
    std::size_t m_epoch = 0, m_next = 0, m_first = 0, m_global = 0, m_size = 0;
};

}  // namespace ctnn::dist
