#include "explorer/example_query.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace airbench::ui {

std::vector<int64_t> sortExamples(int64_t count, const std::vector<float>& values,
                                  SortOrder order) {
    std::vector<int64_t> out(static_cast<size_t>(std::max<int64_t>(0, count)));
    if (order == SortOrder::Index || static_cast<int64_t>(values.size()) != count) {
        std::iota(out.begin(), out.end(), int64_t(0));
        return out;
    }
    // (key, index) pairs sort about twice as fast as indices with an indirect comparison.
    // Descending sorts the negated value; NaN gets +inf so that it lands last either way.
    const float sign = order == SortOrder::Descending ? -1.0f : 1.0f;
    std::vector<std::pair<float, int32_t>> keyed(out.size());
    for (size_t i = 0; i < keyed.size(); ++i) {
        const float v = values[i];
        keyed[i] = {std::isnan(v) ? HUGE_VALF : sign * v, static_cast<int32_t>(i)};
    }
    std::sort(keyed.begin(), keyed.end());
    for (size_t i = 0; i < keyed.size(); ++i) {
        out[i] = keyed[i].second;
    }
    return out;
}

void ExampleQuery::setColumns(const ExampleColumns& columns) {
    columns_ = columns;
    values_.clear();
    sortedValid_ = false;
    rowsValid_ = false;
}

void ExampleQuery::setScoreValues(std::vector<float> values) {
    values_ = std::move(values);
    sortedValid_ = false;
    rowsValid_ = false;
}

void ExampleQuery::setOrder(SortOrder order) {
    if (order != order_) {
        order_ = order;
        sortedValid_ = false;
        rowsValid_ = false;
    }
}

void ExampleQuery::setFilter(const ExampleFilter& filter) {
    filter_ = filter;
    rowsValid_ = false;
}

const std::vector<int64_t>& ExampleQuery::sorted() {
    if (!sortedValid_) {
        sorted_ = sortExamples(columns_.count, values_, order_);
        sortedValid_ = true;
    }
    return sorted_;
}

bool ExampleQuery::passes(int64_t i, bool withThreshold) const {
    const size_t k = static_cast<size_t>(i);
    const ExampleFilter& f = filter_;
    if (f.trueClass >= 0 && (*columns_.labels)[k] != f.trueClass) {
        return false;
    }
    if (f.predictedClass >= 0 &&
        (!columns_.predicted || (*columns_.predicted)[k] != f.predictedClass)) {
        return false;
    }
    if (f.correctness != ExampleFilter::Correctness::Any) {
        if (!columns_.correct) {
            return false;
        }
        const bool correct = (*columns_.correct)[k] != 0;
        if (correct != (f.correctness == ExampleFilter::Correctness::Correct)) {
            return false;
        }
    }
    if (f.mask) {
        const bool inside = i < f.mask->size() && f.mask->contains(i);
        if (inside == f.outsideMask) {
            return false;
        }
    }
    if (f.region && (k >= f.region->size() || !(*f.region)[k])) {
        return false;
    }
    if (withThreshold && f.threshold != ExampleFilter::Threshold::Off) {
        if (k >= values_.size()) {
            return false;
        }
        const float v = values_[k];  // NaN fails both comparisons
        if (f.threshold == ExampleFilter::Threshold::AtMost ? !(v <= f.thresholdValue)
                                                            : !(v >= f.thresholdValue)) {
            return false;
        }
    }
    return true;
}

const std::vector<int64_t>& ExampleQuery::rows() {
    if (rowsValid_) {
        return rows_;
    }
    const std::vector<int64_t>& order = sorted();
    rows_.clear();
    rows_.reserve(order.size());
    for (int64_t i : order) {
        if (passes(i)) {
            rows_.push_back(i);
        }
    }
    rowsValid_ = true;
    return rows_;
}

std::vector<float> ExampleQuery::valuesBeforeThreshold() const {
    std::vector<float> out;
    if (static_cast<int64_t>(values_.size()) != columns_.count) {
        return out;
    }
    out.reserve(values_.size());
    for (int64_t i = 0; i < columns_.count; ++i) {
        if (passes(i, false)) {
            out.push_back(values_[static_cast<size_t>(i)]);
        }
    }
    return out;
}

}  // namespace airbench::ui
