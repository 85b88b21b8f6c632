// `gan generate` (sampling.hpp): digits from a generator checkpoint to a PNG grid or a .npy file.
#include <cstdio>

#include <ctnn/io/npy.hpp>

#include "sampling.hpp"

namespace gan {

int generate_command(const fs::path& checkpoint, std::size_t count, const fs::path& out, const Sampling& sampling) {
    return with_generator(checkpoint, [&]<class G>(Model<G, cpu::Blas>& g) {
        const auto images = generate(g, count, sampling);
        if (out.has_parent_path()) fs::create_directories(out.parent_path());
        if (out.extension() == ".npy")
            io::write_npy(out, images.data(), {count, 28, 28});
        else
            write_grid(out, images.data(), count, -1.0f, 1.0f);
        std::printf("%zu digits -> %s\n", count, out.c_str());
        return 0;
    });
}

}  // namespace gan
