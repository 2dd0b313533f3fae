#pragma once
// Summary statistics for repeated runs: mean, sample standard deviation, 95% confidence
// interval (Student's t), and Welch's t-test for comparing two groups of runs.

#include <vector>

namespace airbench {

struct Summary {
    int count = 0;
    double mean = 0;
    double stddev = 0;  // sample (n - 1) standard deviation, 0 for a single value
    double ci95 = 0;    // half-width of the 95% confidence interval of the mean
    double min = 0;
    double max = 0;
};
Summary summarize(const std::vector<double>& values);

// Two-sided quantile of Student's t with `dof` degrees of freedom at 1 - alpha/2 (alpha 0.05).
double studentT975(double dof);

struct WelchTest {
    double difference = 0;  // mean(b) - mean(a)
    double t = 0;
    double dof = 0;
    double pValue = 1;  // two-sided
};
WelchTest welchTest(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace airbench
