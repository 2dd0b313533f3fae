#pragma once
// Which examples the explorer's grid shows, in which order: a sort by one score and filters
// (true class, predicted class, correct or not, mask membership, a threshold on the score, a
// region of the data map), computed on plain index vectors. No Qt models are involved: sorting
// 50,000 examples is one std::sort of (value, index) pairs, and the sorted order is cached, so a
// filter change (a threshold being dragged) is a single pass over it.

#include "analysis/analysis_types.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace airbench::ui {

// The per-example columns a query reads. Pointers into vectors owned elsewhere (the explorer's
// ScoreTable); `predicted` and `correct` are null before any scores exist.
struct ExampleColumns {
    int64_t count = 0;
    const std::vector<int64_t>* labels = nullptr;
    const std::vector<int16_t>* predicted = nullptr;
    const std::vector<uint8_t>* correct = nullptr;
};

struct ExampleFilter {
    enum class Correctness { Any, Correct, Incorrect };
    enum class Threshold { Off, AtMost, AtLeast };

    int trueClass = -1;       // -1: any
    int predictedClass = -1;  // -1: any
    Correctness correctness = Correctness::Any;
    MaskPtr mask;              // null: no mask filter
    bool outsideMask = false;  // keep the examples the mask leaves out
    Threshold threshold = Threshold::Off;
    float thresholdValue = 0;  // on the query's score values; NaN scores never pass
    // Explicit membership (a rectangle of the data map): region[i] != 0 keeps example i.
    std::shared_ptr<const std::vector<uint8_t>> region;
};

enum class SortOrder { Index, Ascending, Descending };

class ExampleQuery {
public:
    // New examples: forgets the score values and the cached order.
    void setColumns(const ExampleColumns& columns);
    // The score to sort by and to threshold (one value per example; NaN sorts last). Empty:
    // no score (sorting falls back to the index, a threshold keeps nothing).
    void setScoreValues(std::vector<float> values);
    void setOrder(SortOrder order);
    void setFilter(const ExampleFilter& filter);

    const ExampleColumns& columns() const { return columns_; }
    const std::vector<float>& scoreValues() const { return values_; }
    SortOrder order() const { return order_; }
    const ExampleFilter& filter() const { return filter_; }

    // The examples that pass every filter, in sort order (computed on demand, then cached).
    const std::vector<int64_t>& rows();
    // Score values of the examples that pass every filter except the threshold (the histogram).
    std::vector<float> valuesBeforeThreshold() const;
    // Whether example i passes the filter; `withThreshold` false ignores the threshold.
    bool passes(int64_t i, bool withThreshold = true) const;

private:
    const std::vector<int64_t>& sorted();

    ExampleColumns columns_;
    std::vector<float> values_;
    SortOrder order_ = SortOrder::Index;
    ExampleFilter filter_;
    std::vector<int64_t> sorted_;  // every example in sort order
    bool sortedValid_ = false;
    std::vector<int64_t> rows_;
    bool rowsValid_ = false;
};

// Every index of `count` examples ordered by `values` (ascending or descending, ties by index,
// NaN last); SortOrder::Index or no values: 0, 1, 2, ...
std::vector<int64_t> sortExamples(int64_t count, const std::vector<float>& values, SortOrder order);

}  // namespace airbench::ui
