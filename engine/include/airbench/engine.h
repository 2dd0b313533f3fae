#pragma once
// Airbench Workbench engine: the whole public API, on one screen. Plain C++ types only: Qt code
// may include these headers (LibTorch stays inside the engine's sources).
//
//   Data        dataset.h    Dataset loadDataset(path)       CIFAR-10 binary / Fashion-MNIST IDX
//               loader.h     CifarLoader(images, train, LoaderOptions, Device)
//                            makeTrainLoader(recipe, images, device) / makeTestLoader(images,
//                            device) loader.setMask(keep)            data selection between runs
//   Recipes     recipe.h     recipes(), findRecipe("airbench94"), resolveRecipe(recipe, overrides)
//               knobs.h      the knob table: every hyperparameter and run setting, once
//               run_config.h RunConfig (recipe + overrides + run settings + data + mask) <-> JSON
//   Training    train.h      TrainResult train(recipe, trainLoader, &testLoader, TrainOptions,
//                                              TrainObserver*)   -> Model + RunHistory
//                            planRun(...), warmup(...)
//   Inference   inference.h  Logits infer(model, loader, tta), double evaluate(model, loader, tta)
//   Models      model.h      model.save(path), Model::load(path, device)
//   Analysis    scores.h     scoreModel / scoreTrainingSet -> ExampleScores (+ provenance)
//               mask.h       Mask: quantile / random / classes / indices; set ops; save / load
//               stats.h      summarize, welchTest
//   Devices     device.h     resolveDevice(DeviceRequest::Auto), describeDevice, setCpuThreads
//   Benchmarks  bench.h      benchmarkTraining, benchmarkLoader, measureMatmulRates
//               selftest.h   runSelfTest(device): CUDA path vs CPU path
//   Misc        paths.h (user data folder), error.h (airbench::Error)
//
// Several seeded runs, recorded in the run history, go through the runner library
// (runner/include/airbench/runner.h), which the CLI, the GUI, scoring and selection share.
//
// A typical run, as `airbench train` does it:
//   Dataset d = loadDataset("../shared/data/cifar10");
//   const Recipe r = resolveRecipe(findRecipe("airbench94"), {{"epochs", 2}});
//   Device dev = resolveDevice(DeviceRequest::Auto);
//   CifarLoader train = makeTrainLoader(r, d.train, dev), test = makeTestLoader(d.test, dev);
//   TrainResult result = airbench::train(r, train, &test, TrainOptions{});
//   double acc = result.history.summary.ttaValAccuracy;

#include <airbench/bench.h>
#include <airbench/dataset.h>
#include <airbench/device.h>
#include <airbench/error.h>
#include <airbench/inference.h>
#include <airbench/knobs.h>
#include <airbench/loader.h>
#include <airbench/mask.h>
#include <airbench/model.h>
#include <airbench/paths.h>
#include <airbench/recipe.h>
#include <airbench/run_config.h>
#include <airbench/run_options.h>
#include <airbench/scores.h>
#include <airbench/selftest.h>
#include <airbench/stats.h>
#include <airbench/train.h>
