#include "train/run_context.h"

#include <airbench/error.h>

#include "core/torch_device.h"
#include "data/loader_impl.h"
#include "infer/tta.h"
#include "nn/model_impl.h"
#include "nn/whitening.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace airbench {
namespace {

EpochHook& epochHook() {
    static EpochHook hook;
    return hook;
}

}  // namespace

void setEpochHookForTesting(EpochHook hook) {
    epochHook() = std::move(hook);
}

RunContext::RunContext(const Recipe& r, CifarLoader& tr, const CifarLoader* te,
                       const TrainOptions& o, TrainObserver* obs)
    : recipe(r), train(tr), test(te), options(o), observer(obs), device(tr.device()) {
    history.summary.seed = o.mechanics.seed;
    history.summary.device = describeDevice(device);
    if (device.isCuda()) {
        // As the reference scripts: let cuDNN time its convolution algorithms once per shape
        // (the first run pays for it; every later one is faster).
        at::globalContext().setBenchmarkCuDNN(true);
    }
}

void RunContext::startClock() {
    synchronize(device);
    started_ = std::chrono::steady_clock::now();
    // After the synchronisation, so that no earlier kernel runs inside the scope.
    timedScope_.emplace(at::RecordScope::USER_SCOPE);
    if (timedScope_->isActive()) {
        timedScope_->before(kTimedScopeName);
    }
}

void RunContext::stopClock() {
    if (!timedScope_) {
        return;
    }
    synchronize(device);
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    timedScope_.reset();
}

void RunContext::noteOnce(const std::string& text) {
    const auto& notes = history.summary.notes;
    if (std::find(notes.begin(), notes.end(), text) == notes.end()) {
        note(text);
    }
}

void RunContext::note(const std::string& text) {
    history.summary.notes.push_back(text);
    if (observer) {
        observer->onNote(text);
    }
}

const RunPlan& RunContext::begin() {
    const RunPlan plan = planForLoader(recipe, train, test ? test->size() : 0);
    history.plan = plan;
    history.stepLosses.reserve(static_cast<size_t>(plan.totalSteps));
    if (observer) {
        observer->onStart(plan);
    }
    return history.plan;
}

Model RunContext::createModel(const std::string& name, const NetworkSpec& spec,
                              RandomStream stream) {
    at::Generator gen = makeGenerator(Device{}, deriveSeed(options.mechanics.seed, stream));
    Model model = makeModel(name, spec, device, options.mechanics.seed, gen);
    if (options.mechanics.fusedNormActivation || options.mechanics.compactPooling) {
        const char* why = !networkKernelsAvailable() ? "this build has no CUDA kernels"
                          : !device.isCuda()         ? "its kernels need a CUDA device"
                                                     : nullptr;
        if (why == nullptr) {
            model.impl().net->setKernelChoices(
                {options.mechanics.fusedNormActivation, options.mechanics.compactPooling});
        } else {
            // Once per run, although some recipes build two networks.
            if (options.mechanics.fusedNormActivation) {
                noteOnce(std::string("fused BatchNorm + GELU unavailable (") + why +
                         "); running them separately");
            }
            if (options.mechanics.compactPooling) {
                noteOnce(std::string("compact max pooling unavailable (") + why +
                         "); using max_pool2d");
            }
        }
    }
    return model;
}

void RunContext::initWhiteningTimed(AirbenchNetImpl& net) {
    history.summary.setupSeconds +=
        timed([&] { initWhitening(net.whiten->weight, train.impl().images); });
}

void RunContext::recordStep(const at::Tensor& lossSum, int64_t batch, int epoch) {
    ++steps_;
    pendingLosses_.push_back(lossSum.detach() / static_cast<double>(batch));
    pendingSteps_.push_back({steps_, epoch, 0.0});
    // On CPU a host copy costs nothing, so observers see every step as it happens; on CUDA the
    // losses wait for the end of the epoch (one sync instead of one per step).
    if (!device.isCuda()) {
        flushSteps();
    }
}

void RunContext::flushSteps() {
    if (pendingLosses_.empty()) {
        return;
    }
    at::Tensor values = at::stack(pendingLosses_).to(at::kFloat).cpu();
    const float* v = values.data_ptr<float>();
    for (size_t i = 0; i < pendingSteps_.size(); ++i) {
        pendingSteps_[i].trainLoss = v[i];
        history.stepLosses.push_back(v[i]);
    }
    for (size_t i = 0; i < pendingSteps_.size(); ++i) {
        if (!std::isfinite(v[i])) {
            std::ostringstream msg;
            msg << "Training diverged: the loss became " << (std::isnan(v[i]) ? "NaN" : "infinite")
                << " at step " << pendingSteps_[i].step << " (epoch " << pendingSteps_[i].epoch + 1
                << "). Try a lower learning rate or fewer epochs.";
            pendingLosses_.clear();
            pendingSteps_.clear();
            throw DivergedError(msg.str());
        }
    }
    if (observer) {
        observer->onSteps(pendingSteps_);
    }
    pendingLosses_.clear();
    pendingSteps_.clear();
}

bool RunContext::stopRequested() const {
    return observer && observer->stopRequested();
}

void RunContext::endEpoch(int epoch, AirbenchNet& net, const at::Tensor& logits,
                          const at::Tensor& labels, const at::Tensor& lossSum) {
    flushSteps();
    EpochMetrics m;
    m.epoch = epoch;
    m.steps = steps_;
    m.seconds = seconds_;
    if (logits.defined()) {
        m.trainLoss = lossSum.item<double>() / static_cast<double>(labels.size(0));
        m.trainAccuracy = logits.argmax(1).eq(labels).to(at::kFloat).mean().item<double>();
    }
    if (test && options.analysis.evaluateEveryEpoch && test->size() > 0) {
        if (auto accuracy = deviceAccuracy(net, *test, 0, [this] { return stopRequested(); })) {
            m.valAccuracy = *accuracy;
        }
    }
    if (options.analysis.recordTrainPredictionsEveryEpoch) {
        at::Tensor probs =
            at::softmax(inferLogits(net, train.impl().images, 0), 1);  // (N, classes)
        at::Tensor predicted = probs.argmax(1).to(at::kShort).cpu();
        at::Tensor trueProb = probs.gather(1, train.impl().labels.view({-1, 1})).view({-1}).cpu();
        const auto active = train.activeIndices();
        std::vector<int16_t> pred(static_cast<size_t>(train.fullSize()), -1);
        std::vector<float> prob(static_cast<size_t>(train.fullSize()), NAN);
        for (size_t k = 0; k < active.size(); ++k) {
            pred[static_cast<size_t>(active[k])] = predicted.data_ptr<int16_t>()[k];
            prob[static_cast<size_t>(active[k])] = trueProb.data_ptr<float>()[k];
        }
        history.epochPredictions.push_back(std::move(pred));
        history.epochTrueProbabilities.push_back(std::move(prob));
    }
    history.epochs.push_back(m);
    if (epochHook()) {
        epochHook()(epoch, *net);
    }
    if (observer) {
        observer->onEpoch(m);
    }
}

TrainResult RunContext::finish(Model model, bool cancelled) {
    flushSteps();
    RunSummary& s = history.summary;
    s.cancelled = cancelled;
    s.steps = steps_;
    model.impl().info.datasetHash = options.provenance.datasetHash;
    AirbenchNet& net = model.impl().net;
    if (test && test->size() > 0) {
        if (!cancelled) {
            // A stop during the final evaluation (a minute on a CPU at full width) abandons it.
            std::optional<double> accuracy;
            s.evalSeconds = timed([&] {
                accuracy = deviceAccuracy(net, *test, recipe.hyp.ttaLevel,
                                          [this] { return stopRequested(); });
            });
            if (accuracy) {
                s.ttaValAccuracy = *accuracy;
            } else {
                s.cancelled = cancelled = true;
            }
        }
        if (!history.epochs.empty()) {
            s.valAccuracy = history.epochs.back().valAccuracy;
        }
    }
    s.seconds = seconds_;
    if (observer) {
        observer->onFinish(s);
    }
    return {std::move(model), std::move(history)};
}

std::optional<double> deviceAccuracy(AirbenchNet& net, const CifarLoader& loader, int level,
                                     const std::function<bool()>& stop) {
    at::Tensor logits = inferLogits(net, loader.impl().images, level, stop);
    if (!logits.defined()) {
        return std::nullopt;
    }
    return logits.argmax(1).eq(loader.impl().labels).to(at::kFloat).mean().item<double>();
}

at::Tensor perExampleLoss(const at::Tensor& logits, const at::Tensor& labels, double smoothing) {
    return at::cross_entropy_loss(logits.to(at::kFloat), labels, /*weight=*/{}, at::Reduction::None,
                                  /*ignore_index=*/-100, smoothing);
}

}  // namespace airbench
