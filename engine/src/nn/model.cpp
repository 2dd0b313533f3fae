#include <airbench/error.h>
#include <airbench/model.h>

#include "core/torch_device.h"
#include "nn/model_impl.h"

#include <torch/serialize.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace airbench {
namespace {

constexpr int64_t kFormatVersion = 1;

}  // namespace

Model::Model() = default;
Model::Model(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

const ModelInfo& Model::info() const {
    static const ModelInfo kEmpty;
    return impl_ ? impl_->info : kEmpty;
}

Device Model::device() const {
    return impl_ ? impl_->device : Device{};
}

int64_t Model::parameterCount() const {
    int64_t count = 0;
    if (impl_) {
        for (const auto& p : impl_->net->parameters()) {
            count += p.numel();
        }
    }
    return count;
}

Model makeModel(const std::string& recipe, const NetworkSpec& spec, const Device& device,
                uint64_t seed, at::Generator& generator) {
    auto impl = std::make_shared<Model::Impl>();
    impl->info.recipe = recipe;
    impl->info.network = spec;
    impl->info.seed = seed;
    impl->device = device;
    impl->net = AirbenchNet(spec);
    impl->net->initialize(generator);
    impl->net->applyDtypePolicy(device);
    return Model(impl);
}

void Model::save(const std::string& path) const {
    if (!impl_) {
        throw Error("cannot save an empty model");
    }
    try {
        torch::serialize::OutputArchive archive;
        const NetworkSpec& s = impl_->info.network;
        archive.write("airbench.format", c10::IValue(kFormatVersion));
        archive.write("airbench.recipe", c10::IValue(impl_->info.recipe));
        archive.write("airbench.dataset_hash", c10::IValue(impl_->info.datasetHash));
        archive.write("airbench.seed", c10::IValue(static_cast<int64_t>(impl_->info.seed)));
        archive.write("airbench.widths",
                      c10::IValue(std::vector<int64_t>{s.widths[0], s.widths[1], s.widths[2]}));
        archive.write("airbench.block", c10::IValue(static_cast<int64_t>(s.block)));
        archive.write("airbench.head", c10::IValue(static_cast<int64_t>(s.head)));
        // PyTorch's convention, as files written before the spec took the reference's have it.
        archive.write("airbench.bn_momentum", c10::IValue(1.0 - s.batchNormMomentum));
        archive.write("airbench.bn_eps", c10::IValue(s.batchNormEps));
        archive.write("airbench.classes", c10::IValue(static_cast<int64_t>(s.numClasses)));
        torch::serialize::OutputArchive weights;
        impl_->net->save(weights);
        archive.write("net", weights);
        archive.save_to(path);
    } catch (const c10::Error& e) {
        throw Error("could not save the model to '" + path + "': " + e.what_without_backtrace());
    }
}

Model Model::load(const std::string& path, Device device) {
    auto impl = std::make_shared<Impl>();
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, toTorchDevice(device));
        c10::IValue v;
        if (!archive.try_read("airbench.format", v) || v.toInt() != kFormatVersion) {
            throw Error("'" + path + "' is not an Airbench Workbench model (format " +
                        std::to_string(kFormatVersion) + ")");
        }
        auto readValue = [&](const char* key) {
            c10::IValue value;
            if (!archive.try_read(key, value)) {
                throw Error("'" + path + "' lacks the entry " + key);
            }
            return value;
        };
        ModelInfo& info = impl->info;
        info.recipe = readValue("airbench.recipe").toStringRef();
        info.datasetHash = readValue("airbench.dataset_hash").toStringRef();
        info.seed = static_cast<uint64_t>(readValue("airbench.seed").toInt());
        const auto widths = readValue("airbench.widths").toIntVector();
        if (widths.size() != 3) {
            throw Error("'" + path + "' holds " + std::to_string(widths.size()) +
                        " block widths; expected 3");
        }
        NetworkSpec& s = info.network;
        s.widths = {int(widths[0]), int(widths[1]), int(widths[2])};
        s.block = static_cast<BlockKind>(readValue("airbench.block").toInt());
        s.head = static_cast<HeadKind>(readValue("airbench.head").toInt());
        s.batchNormMomentum = 1.0 - readValue("airbench.bn_momentum").toDouble();
        s.batchNormEps = readValue("airbench.bn_eps").toDouble();
        s.numClasses = static_cast<int>(readValue("airbench.classes").toInt());
        impl->device = device;
        impl->net = AirbenchNet(s);
        impl->net->applyDtypePolicy(device);
        torch::serialize::InputArchive weights;
        if (!archive.try_read("net", weights)) {
            throw Error("'" + path + "' holds no network weights");
        }
        impl->net->load(weights);
        impl->net->applyDtypePolicy(device);
    } catch (const c10::Error& e) {
        throw Error("could not load a model from '" + path + "': " + e.what_without_backtrace());
    }
    return Model(impl);
}

}  // namespace airbench
