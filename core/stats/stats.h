/*
 * stats.h -- statistics for discovery and validation.
 *
 * Pure functions over caller-owned arrays: nothing here keeps state between
 * calls, nothing prints, and every buffer a function writes is passed in by
 * the caller with its length.  Functions that need scratch space allocate it
 * with malloc and free it before returning (ICP_STATS_ENOMEM if that fails).
 * All results are checked against SciPy / scikit-learn by
 * tests/unit/test_stats.c on the tables in tests/fixtures/stats/.
 */
#ifndef ICP_STATS_H
#define ICP_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Result of every function that can fail. */
enum icp_stats_status {
  ICP_STATS_OK = 0,
  ICP_STATS_EINVAL,  /* bad argument: NULL, empty, NaN, out of range */
  ICP_STATS_ENOMEM,  /* scratch allocation failed */
  ICP_STATS_ENUMERIC /* singular system (logit with lambda 0, separation) */
};

/* Two-sided 95% normal quantile, norm.isf(0.025). */
#define ICP_STATS_Z95 1.959963984540054

/* ==================================================================== */
/* Normal distribution (proportion.c)                                    */
/* ==================================================================== */

/* P(Z <= x) and P(Z > x) for a standard normal, via erfc, so both keep full
 * relative accuracy deep in their small tail (sf(38) ~ 2.9e-316). */
double icp_stats_norm_cdf(double x);
double icp_stats_norm_sf(double x);

/* ==================================================================== */
/* Fisher exact test (fisher.c)                                          */
/* ==================================================================== */

struct icp_stats_fisher {
  double p;          /* two-sided p-value, in [0, 1]; may underflow to 0 */
  double log_p;      /* natural log of p, finite even when p underflows */
  double odds_ratio; /* a*d / (b*c); +inf when b*c == 0 (as SciPy) */
};

/* Two-sided Fisher exact test on the table [[a, b], [c, d]], defined as
 * scipy.stats.fisher_exact(alternative='two-sided'): with x = a and the
 * margins fixed, p is the whole tail on the observed side of the mode plus
 * the tables on the other side whose probability is <= P(a) * (1 + 1e-7).
 * A zero row or column sum gives p = 1.  Terms are evaluated with Loader's
 * saddle-point binomial (relative error ~1e-13 even for n ~ 1e6) and summed
 * relative to the largest term of each tail, so log_p stays exact far below
 * 1e-308.  Cost: O(log n) plus the terms that matter (a few dozen in the
 * tails; ~20,000 and ~0.6 ms for a balanced table with n = 2e6).
 * The total a+b+c+d must be < 2^31.  `out` is caller-owned. */
int icp_stats_fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                           struct icp_stats_fisher *out);

/* ==================================================================== */
/* Mann-Whitney U (mannwhitney.c)                                        */
/* ==================================================================== */

struct icp_stats_mwu {
  double u;        /* U of the first sample x: R1 - nx(nx+1)/2 */
  double z;        /* (max(U1, U2) - nx*ny/2 - 0.5) / sigma_ties */
  double p;        /* two-sided asymptotic p-value, in [0, 1] */
  double median_x; /* medians of the two samples (numpy convention) */
  double median_y;
};

/* Two-sided Mann-Whitney U test, as scipy.stats.mannwhitneyu(x, y,
 * alternative='two-sided', method='asymptotic', use_continuity=True):
 * normal approximation with tie-corrected variance and a continuity
 * correction of 0.5.  Midranks for ties.  x and y are borrowed and left
 * untouched (sorted copies are made); both must be non-empty and NaN-free.
 * All values equal (sigma 0) gives z = 0, p = 1.  O(n log n). */
int icp_stats_mannwhitney(const double *x, size_t nx, const double *y,
                          size_t ny, struct icp_stats_mwu *out);

/* Median of x[0..n-1] (mean of the two middle values when n is even), as
 * numpy.median.  x is borrowed and left untouched; n >= 1, no NaN. */
int icp_stats_median(const double *x, size_t n, double *median);

/* ==================================================================== */
/* Multiple testing (multitest.c)                                        */
/* ==================================================================== */

/* Benjamini-Hochberg adjusted p-values (q-values), as
 * scipy.stats.false_discovery_control(p, method='bh'):
 * q_(i) = min_{j >= i} p_(j) * n / j over the sorted p, clipped to [0, 1],
 * returned in the input order.  p (borrowed) must lie in [0, 1]; q is a
 * caller-owned array of n doubles and may be the same array as p. */
int icp_stats_bh(const double *p, size_t n, double *q);

/* ==================================================================== */
/* Proportions (proportion.c)                                            */
/* ==================================================================== */

/* Wilson score interval for k successes out of n at normal quantile z
 * (ICP_STATS_Z95 for 95%), the formula of statsmodels
 * proportion_confint(method='wilson'):
 *   c = (k/n + z^2/(2n)) / (1 + z^2/n)
 *   h = z * sqrt(k/n (1 - k/n) / n + z^2 / (4 n^2)) / (1 + z^2/n)
 *   [lo, hi] = [c - h, c + h]
 * Needs 0 <= k <= n, n >= 1, z > 0. */
int icp_stats_wilson(uint64_t k, uint64_t n, double z, double *lo,
                     double *hi);

/* Two-proportion z-test, two-sided, pooled variance (statsmodels
 * proportions_ztest with its default prop_var=False):
 *   pp = (k1 + k2) / (n1 + n2)
 *   z  = (k1/n1 - k2/n2) / sqrt(pp (1 - pp) (1/n1 + 1/n2))
 *   p  = 2 * sf(|z|)
 * When pp is 0 or 1 the rates are equal: z = 0, p = 1.  z or p may be NULL.
 * Needs k1 <= n1, k2 <= n2, n1, n2 >= 1. */
int icp_stats_two_prop_z(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
                         double *z, double *p);

struct icp_stats_lift {
  double lift; /* (k_best/n_best) / (k_all/n_all) */
  double lo;   /* confidence interval at the given z */
  double hi;
};

/* Lift of an attribute in the best group over its overall rate, with a
 * Katz (log risk-ratio) interval:
 *   lift = (a/n1) / (c/n2)        a = k_best, n1 = n_best,
 *                                  c = k_all,  n2 = n_all
 *   se   = sqrt(1/a - 1/n1 + 1/c - 1/n2)
 *   [lo, hi] = lift * exp(-/+ z * se)
 * When a == 0 the interval is computed with a + 0.5, n1 + 1, c + 0.5,
 * n2 + 1 (Haldane correction) and lo is 0; lift itself stays 0.
 * The best group is usually a subset of the overall one, which makes this
 * interval conservative (the two rates are positively correlated).
 * Needs a <= n1, c <= n2, n1, n2 >= 1, c >= 1 (otherwise the overall rate
 * is 0 and lift is undefined: EINVAL). */
int icp_stats_lift(uint64_t k_best, uint64_t n_best, uint64_t k_all,
                   uint64_t n_all, double z, struct icp_stats_lift *out);

/* ==================================================================== */
/* ROC AUC (auc.c)                                                       */
/* ==================================================================== */

/* Area under the ROC curve of score against label (nonzero = positive),
 * ties counted half, as sklearn.metrics.roc_auc_score; equals
 * U / (n_pos * n_neg).  Both arrays borrowed, n entries each, scores
 * NaN-free.  EINVAL unless both classes are present.  O(n log n). */
int icp_stats_auc(const double *score, const unsigned char *label, size_t n,
                  double *auc);

/* ==================================================================== */
/* Quantiles (quantile.c)                                                */
/* ==================================================================== */

/* qsort comparator of doubles, ascending (no NaN). */
int icp_stats_cmp_double(const void *pa, const void *pb);

/* Sorts v[0..n) ascending in place (no NaN; zeros of either sign in any
 * order): the one sort of doubles (a radix sort for large n). */
void icp_stats_sort_doubles(double *v, size_t n);

/* A sorted malloc'd copy of x[0..n) (the caller frees it), or NULL with
 * *rc ICP_STATS_EINVAL when x holds a NaN, ICP_STATS_ENOMEM when out of
 * memory. */
double *icp_stats_sorted_copy(const double *x, size_t n, int *rc);

/* A statistic of a sorted sample s[0..n) with a parameter q. */
typedef double (*icp_stats_sorted_fn)(const double *s, size_t n, double q);

/* *out = f(sorted copy of x, n, q), the copy freed: ICP_STATS_OK, or the
 * status of icp_stats_sorted_copy (*out untouched). */
int icp_stats_on_sorted_copy(const double *x, size_t n, icp_stats_sorted_fn f,
                             double q, double *out);

/* q-th quantile (0 <= q <= 1) of sorted[0..n-1] (ascending, borrowed) by
 * linear interpolation between order statistics, as numpy.quantile's
 * default method 'linear': h = (n - 1) q. */
int icp_stats_quantile_sorted(const double *sorted, size_t n, double q,
                              double *out);

/* Same on unsorted x (borrowed, untouched; a sorted copy is made). */
int icp_stats_quantile(const double *x, size_t n, double q, double *out);

/* Edges of `bins` quantile bins of x (borrowed, unsorted, NaN-free):
 * the values quantile(i / bins), i = 0..bins, with duplicates removed, so
 * equal values never straddle two bins (a heavily tied value merges bins).
 * edges is caller-owned with room for bins + 1 doubles; *n_edges receives
 * the number written (>= 1; 1 means all values are equal).  Bin i is
 * [edges[i], edges[i+1]), the last one closed; see icp_stats_bin_of. */
int icp_stats_quantile_edges(const double *x, size_t n, size_t bins,
                             double *edges, size_t *n_edges);

/* Bin index of v for edges from icp_stats_quantile_edges: the i with
 * edges[i] <= v < edges[i+1], values below the first edge in bin 0 and
 * values at or above the last edge in the last bin (n_edges - 2, or 0 when
 * n_edges <= 2).  Binary search. */
size_t icp_stats_bin_of(const double *edges, size_t n_edges, double v);

/* ==================================================================== */
/* L2-regularised logistic regression (logit.c)                          */
/* ==================================================================== */

/* Objective minimised, over intercept b and weights w (p of them):
 *   sum_i [ log(1 + exp(eta_i)) - y_i eta_i ] + (lambda / 2) ||w||^2,
 *   eta_i = b + x_i . w            (the intercept is not penalised)
 * sklearn's LogisticRegression(C=..., penalty='l2') minimises
 *   C * sum_i logloss_i + 0.5 ||w||^2,
 * so lambda = 1 / C gives the same optimum.  Solved by Newton's method
 * (IRLS) with a Cholesky solve of the (p+1)x(p+1) system and Armijo
 * backtracking.  The data: x is dense row-major n x p, each byte 0 or
 * nonzero (= 1); y has n bytes, 0 or nonzero (= 1).  Both borrowed. */
struct icp_stats_logit_opts {
  int max_iter; /* Newton iterations; <= 0 means 100 */
  double tol;   /* stop when max |step| <= tol; <= 0 means 1e-10 */
};

struct icp_stats_logit {
  double intercept;
  double objective; /* the objective above at the solution */
  int converged;    /* 1 if the step criterion was met */
  int iterations;   /* Newton iterations taken */
};

/* Fit at one lambda >= 0.  coef is caller-owned with room for p doubles
 * and receives w; opts may be NULL for the defaults.  ENUMERIC when the
 * Newton system is singular (only possible with lambda == 0). */
int icp_stats_logit_fit(const unsigned char *x, const unsigned char *y,
                        size_t n, size_t p, double lambda,
                        const struct icp_stats_logit_opts *opts,
                        double *coef, struct icp_stats_logit *out);

/* k-fold cross-validation over lambdas[0..n_lambdas-1] (each >= 0), then a
 * refit on all rows at the winner.  Rows are dealt to folds round-robin
 * after a Fisher-Yates shuffle driven by splitmix64(seed), so the same seed
 * gives the same folds.  Each candidate is scored by the mean held-out
 * log-loss over all n rows; the smallest wins (first on ties).  cv_loss
 * (caller-owned, n_lambdas doubles) may be NULL.  *best receives the index
 * of the winner; coef and out as for icp_stats_logit_fit.  Needs
 * 2 <= k <= n. */
int icp_stats_logit_cv(const unsigned char *x, const unsigned char *y,
                       size_t n, size_t p, const double *lambdas,
                       size_t n_lambdas, unsigned k, uint64_t seed,
                       const struct icp_stats_logit_opts *opts,
                       double *cv_loss, size_t *best, double *coef,
                       struct icp_stats_logit *out);

#endif /* ICP_STATS_H */
