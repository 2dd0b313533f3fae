// Compiled only by the layers test, as a client of the engine: it must fail to find LibTorch.
#include <torch/torch.h>

int main() {
    return 0;
}
