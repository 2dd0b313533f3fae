#pragma once
// Airbench Workbench engine: the whole public API, on one screen. Plain C++ types only: Qt code
// may include these headers (LibTorch stays inside the engine's sources).
//
//   Data        dataset.h    Dataset loadDataset(path)       CIFAR-10 binary / Fashion-MNIST IDX
//               loader.h     CifarLoader(images, train, LoaderOptions, Device)
//                            makeTrainLoader(recipe, images, device) / makeTestLoader(images,
//                            device) loader.setMask(keep)            data selection between runs
//   Recipes     recipe.h     recipes(), findRecipe("airbench94")  data + a training function each
//   Training    train.h      TrainResult train(recipe, trainLoader, &testLoader, TrainOptions,
//                                              TrainObserver*)   -> Model + RunHistory
//                            resolveRecipe(recipe, options), planRun(...), warmup(...)
//   Inference   inference.h  Logits infer(model, loader, tta), double evaluate(model, loader, tta)
//   Models      model.h      model.save(path), Model::load(path, device)
//   Analysis    scores.h     scoreModel / scoreTrainingSet -> ExampleScores (+ provenance)
//               mask.h       Mask: quantile / random / classes / indices; set ops; save / load
//               selection.h  runSelectionExperiment(...)   selected vs random subsets
//               stats.h      summarize, welchTest
//   Devices     device.h     resolveDevice(DeviceRequest::Auto), describeDevice, setCpuThreads
//   Benchmarks  bench.h      benchmarkTraining, benchmarkLoader, measureMatmulRates
//               selftest.h   runSelfTest(device): CUDA path vs CPU path
//   Misc        config.h (recipe as JSON), paths.h (user data folder), error.h (airbench::Error)
//
// A typical run, as `airbench train` does it:
//   Dataset d = loadDataset("../shared/data/cifar10");
//   const Recipe& r = findRecipe("airbench94");
//   Device dev = resolveDevice(DeviceRequest::Auto);
//   CifarLoader train = makeTrainLoader(r, d.train, dev), test = makeTestLoader(d.test, dev);
//   TrainResult result = airbench::train(r, train, &test, TrainOptions{});
//   double acc = result.history.summary.ttaValAccuracy;

#include <airbench/bench.h>
#include <airbench/config.h>
#include <airbench/dataset.h>
#include <airbench/device.h>
#include <airbench/error.h>
#include <airbench/inference.h>
#include <airbench/loader.h>
#include <airbench/mask.h>
#include <airbench/model.h>
#include <airbench/paths.h>
#include <airbench/recipe.h>
#include <airbench/scores.h>
#include <airbench/selection.h>
#include <airbench/selftest.h>
#include <airbench/stats.h>
#include <airbench/train.h>
