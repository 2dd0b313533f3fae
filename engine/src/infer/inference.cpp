#include <airbench/error.h>
#include <airbench/inference.h>
#include <airbench/train.h>

#include "data/loader_impl.h"
#include "infer/tta.h"
#include "nn/model_impl.h"

namespace airbench {
namespace {

at::Tensor mirrorMean(AirbenchNet& net, const at::Tensor& x) {
    return 0.5 * net->forward(x) + 0.5 * net->forward(x.flip({3}));
}

at::Tensor inferChunk(AirbenchNet& net, const at::Tensor& x, int level) {
    if (level == 0) {
        return net->forward(x);
    }
    at::Tensor logits = mirrorMean(net, x);
    if (level == 1) {
        return logits;
    }
    // 1-pixel diagonal shifts: reflect-pad by 1, crop at (0, 0) and (2, 2).
    const int64_t h = x.size(2), w = x.size(3);
    at::Tensor padded = at::reflection_pad2d(x.contiguous(), {1, 1, 1, 1});
    at::Tensor up = padded.slice(2, 0, h).slice(3, 0, w).contiguous(x.suggest_memory_format());
    at::Tensor down =
        padded.slice(2, 2, h + 2).slice(3, 2, w + 2).contiguous(x.suggest_memory_format());
    at::Tensor shifted = 0.5 * mirrorMean(net, up) + 0.5 * mirrorMean(net, down);
    return 0.5 * logits + 0.5 * shifted;
}

}  // namespace

int ttaForwards(int ttaLevel) {
    return ttaLevel <= 0 ? 1 : ttaLevel == 1 ? 2 : 6;
}

at::Tensor inferLogits(AirbenchNet& net, const at::Tensor& images, int ttaLevel,
                       const std::function<bool()>& stop) {
    if (ttaLevel < 0 || ttaLevel > 2) {
        throw Error("TTA level must be 0, 1 or 2, got " + std::to_string(ttaLevel));
    }
    const bool wasTraining = net->is_training();
    net->eval();
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> parts;
    for (const at::Tensor& chunk : images.split(kInferenceChunk)) {
        if (stop && stop()) {
            net->train(wasTraining);
            return at::Tensor();
        }
        parts.push_back(inferChunk(net, chunk, ttaLevel).to(at::kFloat));
    }
    net->train(wasTraining);
    if (parts.empty()) {
        return at::empty({0, net->spec.numClasses}, images.options().dtype(at::kFloat));
    }
    return at::cat(parts);
}

std::vector<int64_t> Logits::argmax() const {
    std::vector<int64_t> out(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
        const float* row = values.data() + r * classes;
        out[static_cast<size_t>(r)] = std::max_element(row, row + classes) - row;
    }
    return out;
}

Logits infer(const Model& model, const CifarLoader& loader, int ttaLevel) {
    if (!model.valid()) {
        throw Error("no trained model to run inference with");
    }
    if (model.device() != loader.device()) {
        throw Error("the model is on " + deviceName(model.device()) + " but the data is on " +
                    deviceName(loader.device()));
    }
    at::Tensor logits =
        inferLogits(model.impl().net, loader.impl().images, ttaLevel).cpu().contiguous();
    Logits out;
    out.rows = logits.size(0);
    out.classes = static_cast<int>(logits.size(1));
    out.values.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
    return out;
}

double accuracy(const Logits& logits, const std::vector<int64_t>& labels) {
    if (static_cast<int64_t>(labels.size()) != logits.rows) {
        throw Error("accuracy: " + std::to_string(logits.rows) + " rows of logits for " +
                    std::to_string(labels.size()) + " labels");
    }
    if (labels.empty()) {
        return kNotMeasured;
    }
    const auto predicted = logits.argmax();
    int64_t correct = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        correct += predicted[i] == labels[i];
    }
    return double(correct) / double(labels.size());
}

double evaluate(const Model& model, const CifarLoader& loader, int ttaLevel) {
    return accuracy(infer(model, loader, ttaLevel), loader.labels());
}

}  // namespace airbench
