// airbench94_muon (airbench94_muon.py): 94.01% in 2.59 s on an A100, 0.29 PFLOP.
// The airbench94 network with a unit-std head divided by its width, trained 8 epochs at batch
// 2000 by two optimizers: Muon for the six conv filter banks, Nesterov SGD for the rest. Linear
// decay to zero, no warm-up, no lookahead; the whitening bias trains for the first 3 epochs
// with its own decay.

#include "recipes/airbench94_muon.h"
#include "core/torch_device.h"
#include "data/loader_impl.h"
#include "nn/model_impl.h"
#include "nn/whitening.h"
#include "optim/muon.h"
#include "optim/nesterov_sgd.h"
#include "recipes/recipes.h"
#include "train/run_context.h"
#include "train/sgd_trainer.h"
#include "train/training_step.h"

#include <cmath>

namespace airbench::builtin {
namespace {

// One step: forward, loss, backward, then SGD for the whitening bias, BatchNorm biases and head,
// and Muon for the conv filters. Schedule values: {the whitening bias's decay, the others' decay}.
class MuonProgram : public StepProgram {
public:
    MuonProgram(AirbenchNetImpl& net, NesterovSgd sgd, Muon muon, double smoothing)
        : net_(net), sgd_(std::move(sgd)), muon_(std::move(muon)), smoothing_(smoothing) {}

    AirbenchNetImpl& network() override { return net_; }
    size_t rateCount() const override { return 2; }

    StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                   const std::vector<double>& rates) override {
        StepOutput out = forwardBackward(net_, images, labels, smoothing_);
        auto& groups = sgd_.groups();
        groups[0].lr = groups[0].baseLr * rates.at(0);
        groups[1].lr = groups[1].baseLr * rates.at(1);
        groups[2].lr = groups[2].baseLr * rates.at(1);
        muon_.setLrFactor(rates.at(1));
        sgd_.step();
        muon_.step();
        return out;
    }

    StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                   const std::vector<at::Tensor>& rates) override {
        StepOutput out = forwardBackward(net_, images, labels, smoothing_);
        const auto& groups = sgd_.groups();
        sgd_.step({rates.at(0) * groups[0].baseLr, rates.at(1) * groups[1].baseLr,
                   rates.at(1) * groups[2].baseLr});
        muon_.step(rates.at(1) * muon_.baseLr());
        return out;
    }

private:
    AirbenchNetImpl& net_;
    NesterovSgd sgd_;
    Muon muon_;
    double smoothing_;
};

}  // namespace

std::unique_ptr<StepProgram> makeMuonProgram(AirbenchNetImpl& net, const Hyperparameters& hyp,
                                             int batchSize) {
    // Weight decay: hyp.weightDecay per 1024 examples (2e-6 per example in the script), applied
    // as the coupled coefficient wd / lr of each SGD group.
    const double wd = hyp.weightDecay * batchSize / 1024.0;
    auto group = [&](const char* name, std::vector<at::Tensor> params, double lr) {
        return SgdGroup{name, std::move(params), lr, wd / lr};
    };
    NesterovSgd sgd({group("whitening bias", {net.whiten->bias}, hyp.whiteningBiasLr),
                     group("batchnorm biases", net.batchNormBiases(), hyp.batchNormBiasLr),
                     group("head", {net.head->weight}, hyp.headLr)},
                    hyp.sgdMomentum);
    Muon muon(net.convWeights(), hyp.learningRate, hyp.momentum, /*nesterov=*/true);

    return std::make_unique<MuonProgram>(net, std::move(sgd), std::move(muon), hyp.labelSmoothing);
}

namespace {

TrainResult trainMuon(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                      const TrainOptions& options, TrainObserver* observer) {
    const Hyperparameters& hyp = recipe.hyp;
    RunContext run(recipe, train, test, options, observer);
    CifarLoader::Impl& loader = train.impl();
    const int batchSize = train.batchSize();
    const RunPlan plan = run.begin();
    const int64_t totalSteps = plan.totalSteps;
    const int64_t biasSteps =
        hyp.whiteningBiasEpochs < 0
            ? totalSteps
            : static_cast<int64_t>(std::ceil(hyp.whiteningBiasEpochs * double(plan.stepsPerEpoch)));
    Model model = run.createModel(recipe.name, networkOf(recipe), RandomStream::NetworkInit);
    AirbenchNet& net = model.impl().net;

    std::unique_ptr<TrainingStep> stepper =
        makeRunStep(options.mechanics.compiled, makeMuonProgram(*net, hyp, batchSize), run);

    train.resetEpoch();
    run.initWhiteningTimed(*net);

    int64_t step = 0;
    bool cancelled = false;
    for (int epoch = 0; epoch < plan.epochs && step < totalSteps && !cancelled; ++epoch) {
        EpochData data = loader.nextEpoch();
        run.startClock();
        net->train();
        at::Tensor logits, labels, lossSum;
        for (int64_t b = 0; b < data.batches; ++b) {
            EpochData::Batch batch = data.batch(b);
            // The whitening bias gets a gradient only during its first steps.
            net->whiten->bias.set_requires_grad(step < biasSteps);
            labels = batch.labels;
            const double decay = 1.0 - double(step) / double(totalSteps);
            const double biasDecay = 1.0 - double(step) / double(biasSteps);
            StepOutput out = stepper->run(batch.images, labels, {biasDecay, decay});
            logits = out.logits;
            lossSum = out.lossSum;
            ++step;
            run.recordStep(lossSum, labels.size(0), epoch);
            if (step >= totalSteps) {
                break;
            }
            if (run.stopRequested()) {
                cancelled = true;
                break;
            }
        }
        run.stopClock();
        if (!cancelled) {
            run.endEpoch(epoch, net, logits.detach(), labels, lossSum.detach());
        }
    }
    net->whiten->bias.set_requires_grad(true);
    return run.finish(std::move(model), cancelled);
}

}  // namespace

RegisteredRecipe airbench94Muon() {
    Recipe r;
    r.name = "airbench94_muon";
    r.title = "airbench94_muon";
    r.description =
        "94% in 8 epochs at batch 2000: Muon (Newton-Schulz) for the convs, SGD for the rest";
    r.reference = {0.9401, 2.59, "A100", 0.29, 200};

    r.block = BlockKind::TwoConv;
    r.head = HeadKind::UnitStdOverWidth;           // std-1 head weight, logits / 256
    r.whiteningBias = WhiteningBiasInit::Uniform;  // a plain Conv2d's default bias
    r.schedule = LrSchedule::LinearToZero;
    r.optimizer = OptimizerKind::Muon;

    Hyperparameters& h = r.hyp;
    h.epochs = 8;  // T = ceil(8 x 25) = 200
    h.batchSize = 2000;
    h.learningRate = 0.24;        // Muon's
    h.momentum = 0.6;             // Muon's
    h.weightDecay = 2e-6 * 1024;  // per 1024 examples: 0.004 at batch 2000 (the SGD side)
    h.labelSmoothing = 0.2;
    h.whiteningBiasEpochs = 3;  // ceil(3 x 25) = 75 steps
    h.whiteningBiasLr = 0.053;
    h.batchNormBiasLr = 0.053;
    h.headLr = 0.67;
    h.sgdMomentum = 0.85;
    h.widths = {64, 256, 256};
    h.widthMultiplier = 1.0;
    h.batchNormMomentum = 0.6;  // the reference's convention: PyTorch's momentum 0.4
    h.batchNormEps = 1e-12;
    h.flip = true;
    h.alternatingFlip = true;
    h.translate = 2;
    h.cutout = 0;
    h.ttaLevel = 2;

    return {r, {trainMuon, planSgdRun}};
}

}  // namespace airbench::builtin
