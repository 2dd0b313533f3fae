#include <airbench/stats.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace airbench {
namespace {

// Regularised incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes'
// method, written from the formula); used for Student's t distribution.
double incompleteBetaFraction(double a, double b, double x) {
    const double tiny = 1e-300, eps = 1e-15;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (std::abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m < 400; ++m) {
        const double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + num * d;
        d = 1 / (std::abs(d) < tiny ? tiny : d);
        c = 1 + num / c;
        c = std::abs(c) < tiny ? tiny : c;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + num * d;
        d = 1 / (std::abs(d) < tiny ? tiny : d);
        c = 1 + num / c;
        c = std::abs(c) < tiny ? tiny : c;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1) < eps) {
            break;
        }
    }
    return h;
}

double regularizedIncompleteBeta(double a, double b, double x) {
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const double logFront =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1) / (a + b + 2)) {
        return std::exp(logFront) * incompleteBetaFraction(a, b, x) / a;
    }
    return 1 - std::exp(logFront) * incompleteBetaFraction(b, a, 1 - x) / b;
}

// P(|T| > t) for Student's t with `dof` degrees of freedom.
double twoSidedTailProbability(double t, double dof) {
    return regularizedIncompleteBeta(dof / 2, 0.5, dof / (dof + t * t));
}

}  // namespace

double studentT975(double dof) {
    if (!(dof > 0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    // Bisection on the tail probability: 0.05 two-sided.
    double lo = 0, hi = 1000;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        (twoSidedTailProbability(mid, dof) > 0.05 ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

Summary summarize(const std::vector<double>& values) {
    Summary s;
    s.count = static_cast<int>(values.size());
    if (values.empty()) {
        return s;
    }
    double sum = 0;
    for (double v : values)
        sum += v;
    s.mean = sum / s.count;
    s.min = *std::min_element(values.begin(), values.end());
    s.max = *std::max_element(values.begin(), values.end());
    if (s.count > 1) {
        double squares = 0;
        for (double v : values)
            squares += (v - s.mean) * (v - s.mean);
        s.stddev = std::sqrt(squares / (s.count - 1));
        s.ci95 = studentT975(s.count - 1) * s.stddev / std::sqrt(double(s.count));
    }
    return s;
}

WelchTest welchTest(const std::vector<double>& a, const std::vector<double>& b) {
    WelchTest w;
    const Summary sa = summarize(a), sb = summarize(b);
    w.difference = sb.mean - sa.mean;
    if (sa.count < 2 || sb.count < 2) {
        w.pValue = std::numeric_limits<double>::quiet_NaN();
        return w;
    }
    const double va = sa.stddev * sa.stddev / sa.count, vb = sb.stddev * sb.stddev / sb.count;
    if (va + vb == 0) {
        w.pValue = w.difference == 0 ? 1.0 : 0.0;
        return w;
    }
    w.t = w.difference / std::sqrt(va + vb);
    w.dof = (va + vb) * (va + vb) / (va * va / (sa.count - 1) + vb * vb / (sb.count - 1));
    w.pValue = twoSidedTailProbability(std::abs(w.t), w.dof);
    return w;
}

}  // namespace airbench
