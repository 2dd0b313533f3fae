#include "data/fused_augment.h"

#include "core/torch_device.h"
#include "data/loader_impl.h"

#ifdef AIRBENCH_WITH_CUDA_KERNELS
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAStream.h>

#include "data/cuda/fused_augment.h"
#endif

namespace airbench {

#ifdef AIRBENCH_WITH_CUDA_KERNELS

bool fusedAugmentationAvailable() {
    return true;
}

at::Tensor fusedCropFlipCutout(const at::Tensor& padded, const EpochDraws& d, int side,
                               bool flipAll, int cutout) {
    TORCH_CHECK(padded.is_cuda() && padded.is_contiguous(kImageFormat),
                "the fused augmentation needs a channels_last CUDA tensor");
    const int64_t n = padded.size(0);
    at::Tensor out =
        at::empty({n, padded.size(1), side, side}, padded.options().memory_format(kImageFormat));
    cuda::CropFlipCutoutArgs a;
    a.padded = padded.data_ptr();
    a.out = out.data_ptr();
    a.elementBytes = static_cast<int>(padded.element_size());
    a.images = n;
    a.channels = static_cast<int>(padded.size(1));
    a.paddedSide = static_cast<int>(padded.size(2));
    a.side = side;
    a.cropY = d.cropY.data_ptr<int64_t>();
    a.cropX = d.cropX.data_ptr<int64_t>();
    a.flipAll = flipAll;
    a.flip = d.flip.defined() ? d.flip.data_ptr<bool>() : nullptr;
    a.cutout = cutout;
    if (cutout > 0) {
        a.cutoutY = d.cutoutY.data_ptr<int64_t>();
        a.cutoutX = d.cutoutX.data_ptr<int64_t>();
    }
    a.stream = c10::cuda::getCurrentCUDAStream(padded.device().index()).stream();
    const char* error = cuda::launchCropFlipCutout(a);
    TORCH_CHECK(error == nullptr, "fused augmentation kernel failed: ", error);
    return out;
}

#else

bool fusedAugmentationAvailable() {
    return false;
}

at::Tensor fusedCropFlipCutout(const at::Tensor&, const EpochDraws&, int, bool, int) {
    TORCH_CHECK(false, "this build has no CUDA kernels");
    return {};
}

#endif

}  // namespace airbench
