#pragma once
// Which dataset the window opens with: --data, else the last one (if it is still readable), else
// CIFAR-10 in the user's data folder, else Debian's Fashion-MNIST (findDefaultDataset()), so that
// a fresh install can train at once; and whether to offer getting CIFAR-10 (none where a fresh
// install looks, or only Fashion-MNIST).

#include <QString>

namespace airbench::ui {

struct StartDataset {
    QString folder;             // empty: none found
    QString error;              // when none was found: where it looked, what to do
    bool offerCifar10 = false;  // no CIFAR-10 among the default places
};

// `requested`: the command line's folder (wins, readable or not: loading it says what is wrong);
// `last`: the folder loaded last time (skipped when it no longer holds a dataset).
StartDataset chooseStartDataset(const QString& requested, const QString& last);

}  // namespace airbench::ui
