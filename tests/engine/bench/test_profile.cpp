// profileTraining: categories of real kernel and operator names, and a short CPU run whose
// profile holds what the run clock counts and nothing else.

#include <airbench/bench.h>
#include <airbench/recipe.h>

#include "support/test_data.h"
#include "train/run_context.h"

#include <QtTest/QtTest>

#include <cstdio>
#include <numeric>

using namespace airbench;

namespace {

double sumOf(const std::vector<ProfileRow>& rows) {
    return std::accumulate(rows.begin(), rows.end(), 0.0,
                           [](double s, const ProfileRow& r) { return s + r.seconds; });
}

const ProfileRow* find(const std::vector<ProfileRow>& rows, const std::string& name) {
    for (const ProfileRow& r : rows) {
        if (r.name == name) {
            return &r;
        }
    }
    return nullptr;
}

}  // namespace

class TestProfile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void namesFallIntoTheirCategories() {
        const std::vector<std::pair<const char*, const char*>> cases{
            // CUDA kernels as CUPTI names them (cuDNN 9, ATen, cuBLAS)
            {"sm90_xmma_fprop_implicit_gemm_f16f16_f16f32_f32_nhwckrsc_nhwc_tilesize128x64x64",
             "convolution"},
            {"sm90_xmma_wgrad_implicit_gemm_indexed_f16f16_f16f32_f32_nhwckrsc_nhwc",
             "convolution"},
            {"void cudnn::engines_precompiled::nchwToNhwcKernel<__half, __half, float>",
             "convolution"},
            {"void at::native::batch_norm_collect_statistics_channels_last_kernel<...>",
             "batch norm"},
            {"void at::native::vectorized_elementwise_kernel<4, at::native::GeluCUDAKernelImpl>",
             "GELU"},
            {"void at::native::max_pool_backward_nhwc<c10::Half, float>", "pooling"},
            // This engine's own kernels (nn/cuda) and autograd nodes
            {"void airbench::cuda::(anonymous namespace)::batchNormGeluBackwardSumsKernel<__half>",
             "batch norm + GELU (fused)"},
            {"torch::autograd::CppNode<airbench::(anonymous namespace)::BatchNormGeluFunction>",
             "batch norm + GELU (fused)"},
            {"void airbench::cuda::(anonymous namespace)::compactMaxPoolForwardKernel<__half, 8>",
             "pooling"},
            {"void at::native::multi_tensor_apply_kernel<at::native::TensorListMetadata<3>>",
             "optimizer (multi-tensor)"},
            {"sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64", "matrix multiply"},
            {"Memcpy HtoD (Pageable -> Device)", "copy, cast, gather"},
            {"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float>>", "reduction"},
            {"void at::native::vectorized_elementwise_kernel<4, at::native::AddFunctor<float>>",
             "other element-wise"},
            // CPU operators
            {"aten::mkldnn_convolution", "convolution"},
            {"aten::convolution_backward", "convolution"},
            {"aten::native_batch_norm_backward", "batch norm"},
            {"aten::gelu_backward", "GELU"},
            {"aten::max_pool2d_with_indices", "pooling"},
            {"aten::_foreach_add_", "optimizer (multi-tensor)"},
            {"aten::baddbmm", "matrix multiply"},
            {"aten::_log_softmax", "loss"},
            {"aten::copy_", "copy, cast, gather"},
            {"aten::mul_", "other element-wise"},
        };
        for (const auto& [name, category] : cases) {
            QVERIFY2(profileCategory(name) == category,
                     qPrintable(
                         QString("%1 -> %2, expected %3")
                             .arg(name, QString::fromStdString(profileCategory(name)), category)));
        }
    }

    void profilesWhatTheRunClockCounts() {
#ifndef AIRBENCH_WITH_PROFILER
        QSKIP("built with AIRBENCH_WITH_PROFILER=OFF");
#endif
        const Recipe resolved = resolveRecipe(findRecipe("airbench94"),
                                              {{"width_multiplier", 0.25}, {"batch_size", 256}});
        CifarLoader loader =
            makeTrainLoader(resolved, syntheticImages(2048, 10, 1), Device{}, /*seed=*/3);
        ProfileOptions options;
        options.steps = 4;
        options.warmupSteps = 1;
        options.tracePath =
            QDir(QDir::tempPath()).filePath("airbench-test-trace.json").toStdString();
        std::remove(options.tracePath.c_str());
        const ProfileReport p = profileTraining(resolved, loader, nullptr, options);

        QCOMPARE(p.steps, int64_t(4));
        QCOMPARE(p.clock, std::string("CPU self time"));
        QVERIFY(!p.rows.empty());
        // The rows and the categories partition the same time.
        QVERIFY(std::abs(sumOf(p.rows) - p.profiledSeconds) < 1e-6 * (1 + p.profiledSeconds));
        QVERIFY(std::abs(sumOf(p.categories) - p.profiledSeconds) < 1e-6 * (1 + p.profiledSeconds));
        // One thread: operators' self time inside the clock cannot exceed the clock.
        QVERIFY(p.clockSeconds > 0 && p.profiledSeconds > 0);
        QVERIFY2(p.profiledSeconds <= p.clockSeconds * 1.02 + 1e-3,
                 qPrintable(QString("%1 > %2").arg(p.profiledSeconds).arg(p.clockSeconds)));
        QVERIFY(p.clockSeconds <= p.wallSeconds);
        // Convolutions are there: at least the forward pass's 7 per step.
        const ProfileRow* conv = find(p.categories, "convolution");
        QVERIFY(conv != nullptr && conv->seconds > 0);
        QVERIFY2(conv->calls >= 4 * 7, qPrintable(QString::number(conv->calls)));
        // The loader's per-epoch augmentation (its reflection padding) runs off the clock.
        QVERIFY(p.untimedSeconds > 0);
        QVERIFY(find(p.rows, "aten::reflection_pad2d") == nullptr);
        QVERIFY(find(p.rows, kTimedScopeName) == nullptr);
        // A trace is written, or the report says why not (a LibTorch without Kineto).
        QVERIFY(QFile::exists(QString::fromStdString(options.tracePath)) != !p.traceError.empty());
        if (!p.traceError.empty()) {
            qInfo("%s", p.traceError.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "test_profile.moc"
