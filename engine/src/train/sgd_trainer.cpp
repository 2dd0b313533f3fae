#include "train/sgd_trainer.h"

#include "core/torch_device.h"
#include "data/loader_impl.h"
#include "infer/tta.h"
#include "nn/model_impl.h"
#include "nn/whitening.h"
#include "optim/lookahead.h"
#include "optim/nesterov_sgd.h"
#include "optim/schedule.h"
#include "train/run_context.h"
#include "train/sgd_step.h"

#include <cmath>
#include <memory>

namespace airbench {

RunPlan planSgdRun(const Recipe& recipe, int64_t trainExamples, int64_t testExamples) {
    RunPlan plan;
    const int64_t batch = recipe.hyp.batchSize;
    plan.trainExamples = trainExamples;
    plan.stepsPerEpoch = trainExamples / batch;
    plan.totalSteps =
        static_cast<int64_t>(std::ceil(double(plan.stepsPerEpoch) * recipe.hyp.epochs));
    plan.epochs = static_cast<int>(std::ceil(recipe.hyp.epochs));
    plan.examplesSeen = plan.totalSteps * batch;
    plan.forwardFlopsPerImage = forwardFlopsPerImage(networkOf(recipe));
    plan.trainFlops = 3.0 * plan.forwardFlopsPerImage * double(plan.examplesSeen);
    plan.evalFlops =
        double(ttaForwards(recipe.hyp.ttaLevel)) * plan.forwardFlopsPerImage * double(testExamples);
    return plan;
}

NesterovSgd makeSgd(AirbenchNetImpl& net, const Hyperparameters& hyp, int batchSize) {
    const DecoupledRates r =
        decoupledRates(hyp.learningRate, hyp.weightDecay, hyp.momentum, hyp.biasScaler, batchSize);
    std::vector<SgdGroup> groups;
    groups.push_back({"batchnorm biases", net.batchNormBiases(), r.biasLr, r.biasDecay()});
    groups.push_back({"other parameters", net.otherTrainable(), r.lr, r.otherDecay()});
    return NesterovSgd(std::move(groups), hyp.momentum);
}

TrainResult trainWithSgd(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                         const TrainOptions& options, TrainObserver* observer) {
    const Hyperparameters& hyp = recipe.hyp;
    RunContext run(recipe, train, test, options, observer);
    CifarLoader::Impl& loader = train.impl();
    const int batchSize = train.batchSize();

    const RunPlan plan = run.begin();
    const int64_t totalSteps = plan.totalSteps;

    Model model = run.createModel(recipe.name, networkOf(recipe), RandomStream::NetworkInit);
    AirbenchNet& net = model.impl().net;
    // The snapshot predates the whitening init, as in the reference (its first update nearly
    // erases the stale copy).
    std::unique_ptr<Lookahead> lookahead =
        hyp.lookahead ? std::make_unique<Lookahead>(*net) : nullptr;

    std::unique_ptr<TrainingStep> stepper =
        makeRunStep(options.mechanics.compiled,
                    makeSgdProgram(*net, makeSgd(*net, hyp, batchSize), hyp.labelSmoothing), run);

    train.resetEpoch();
    run.initWhiteningTimed(*net);

    int64_t step = 0;
    bool cancelled = false;
    for (int epoch = 0; epoch < plan.epochs && step < totalSteps && !cancelled; ++epoch) {
        const bool biasTrains = hyp.whiteningBiasEpochs < 0 || epoch < hyp.whiteningBiasEpochs;
        net->whiten->bias.set_requires_grad(biasTrains);
        EpochData data = loader.nextEpoch();  // augmentation counts as data loading, untimed
        run.startClock();
        net->train();
        at::Tensor logits, labels, lossSum;
        for (int64_t b = 0; b < data.batches; ++b) {
            EpochData::Batch batch = data.batch(b);
            labels = batch.labels;
            StepOutput out =
                stepper->run(batch.images, labels, {lrFactor(recipe, step, totalSteps)});
            logits = out.logits;
            lossSum = out.lossSum;
            ++step;
            run.recordStep(lossSum, labels.size(0), epoch);
            if (lookahead && step % kLookaheadEvery == 0) {
                lookahead->update(lookaheadDecay(step, totalSteps));
            }
            if (step >= totalSteps) {
                if (lookahead) {
                    lookahead->update(1.0);  // the final copy: drops any steps since the last blend
                }
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
    return run.finish(std::move(model), cancelled);
}

}  // namespace airbench
