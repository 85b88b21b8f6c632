// The exported LeNet-5 built for a Cortex-M4 (arm-none-eabi-g++ -Os -mcpu=cortex-m4 -mthumb):
// one entry point a firmware would call, so the size of the code and weights can be read.
#include "lenet5.h"

extern "C" int classify_digit(const std::uint8_t* pixels) {
    float input[lenet5::input_size], output[lenet5::output_size];
    lenet5::preprocess(pixels, input);
    lenet5::forward(input, output);
    int best = 0;
    for (int k = 1; k < int(lenet5::output_size); ++k)
        if (output[k] > output[best]) best = k;
    return best;
}
