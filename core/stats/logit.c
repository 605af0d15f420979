/*
 * logit.c -- L2-regularised logistic regression by Newton's method (IRLS)
 * and k-fold cross-validation of the penalty.
 *
 * Parameters are beta = (b, w_1 .. w_p).  One pass over the rows gives the
 * objective, the gradient and the upper triangle of the Hessian
 * X' W X + lambda I (no penalty on b); only the nonzero features of a row
 * are visited, so a row with s active features costs O(p + s^2).
 */
#include "stats/stats.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct problem {
  const unsigned char *x, *y;
  size_t p;            /* features */
  const size_t *rows;  /* rows to use, or NULL for 0 .. nrows-1 */
  size_t nrows;
  double lambda;
};

struct work {
  double *g;     /* gradient, p + 1 */
  double *h;     /* Hessian, (p + 1)^2, upper triangle used */
  double *d;     /* Newton direction, p + 1 */
  double *trial; /* trial beta, p + 1 */
  size_t *act;   /* active features of a row, p */
};

/* log(1 + exp(eta)) - y eta, without overflow */
static double logloss(double eta, int y)
{
  double l = eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta));

  return y ? l - eta : l;
}

static double row_eta(const struct problem *pb, const double *beta,
                      const unsigned char *xr)
{
  double eta = beta[0];
  size_t j;

  for (j = 0; j < pb->p; j++)
    if (xr[j])
      eta += beta[j + 1];
  return eta;
}

/* Objective at beta; with w non-NULL also gradient and Hessian. */
static double pass(const struct problem *pb, const double *beta,
                   struct work *w)
{
  size_t m = pb->p + 1, i, j, k;
  double f = 0.0;

  if (w) {
    memset(w->g, 0, m * sizeof *w->g);
    memset(w->h, 0, m * m * sizeof *w->h);
  }
  for (i = 0; i < pb->nrows; i++) {
    size_t r = pb->rows ? pb->rows[i] : i;
    const unsigned char *xr = pb->x + r * pb->p;
    int y = pb->y[r] != 0;
    double eta, mu, res, wt;
    size_t na = 0;

    if (!w) {
      f += logloss(row_eta(pb, beta, xr), y);
      continue;
    }
    eta = beta[0];
    for (j = 0; j < pb->p; j++)
      if (xr[j]) {
        w->act[na++] = j + 1;
        eta += beta[j + 1];
      }
    f += logloss(eta, y);
    mu = 1.0 / (1.0 + exp(-eta));
    res = mu - y;
    wt = mu * (1.0 - mu);
    w->g[0] += res;
    w->h[0] += wt;
    for (j = 0; j < na; j++) {
      size_t a = w->act[j];
      double *hrow = w->h + a * m;

      w->g[a] += res;
      w->h[a] += wt; /* row 0, column a */
      for (k = j; k < na; k++)
        hrow[w->act[k]] += wt;
    }
  }
  for (j = 1; j < m; j++)
    f += 0.5 * pb->lambda * beta[j] * beta[j];
  if (w)
    for (j = 1; j < m; j++) {
      w->g[j] += pb->lambda * beta[j];
      w->h[j * m + j] += pb->lambda;
    }
  return f;
}

/* Solve H d = g in place (d receives the solution) by Cholesky on the upper
 * triangle of h, which is overwritten.  Returns 0, or -1 if H is not
 * positive definite. */
static int cholesky_solve(double *h, size_t m, const double *g, double *d)
{
  size_t i, j, k;

  /* H = U' U with U upper triangular, stored in h */
  for (i = 0; i < m; i++) {
    double s = h[i * m + i];

    for (k = 0; k < i; k++)
      s -= h[k * m + i] * h[k * m + i];
    if (!(s > 0.0))
      return -1;
    s = sqrt(s);
    h[i * m + i] = s;
    for (j = i + 1; j < m; j++) {
      double t = h[i * m + j];

      for (k = 0; k < i; k++)
        t -= h[k * m + i] * h[k * m + j];
      h[i * m + j] = t / s;
    }
  }
  for (i = 0; i < m; i++) { /* U' z = g */
    double t = g[i];

    for (k = 0; k < i; k++)
      t -= h[k * m + i] * d[k];
    d[i] = t / h[i * m + i];
  }
  for (i = m; i-- > 0;) { /* U d = z */
    double t = d[i];

    for (k = i + 1; k < m; k++)
      t -= h[i * m + k] * d[k];
    d[i] = t / h[i * m + i];
  }
  return 0;
}

static void work_free(struct work *w)
{
  free(w->g);
  free(w->h);
  free(w->d);
  free(w->trial);
  free(w->act);
}

static int work_init(struct work *w, size_t p)
{
  size_t m = p + 1;

  w->g = malloc(m * sizeof *w->g);
  w->h = malloc(m * m * sizeof *w->h);
  w->d = malloc(m * sizeof *w->d);
  w->trial = malloc(m * sizeof *w->trial);
  w->act = malloc((p ? p : 1) * sizeof *w->act);
  if (!w->g || !w->h || !w->d || !w->trial || !w->act) {
    work_free(w);
    return ICP_STATS_ENOMEM;
  }
  return ICP_STATS_OK;
}

/* Newton iterations from the starting point in beta (updated in place). */
static int newton(const struct problem *pb, const struct icp_stats_logit_opts
                  *opts, struct work *w, double *beta,
                  struct icp_stats_logit *out)
{
  size_t m = pb->p + 1, j;
  int max_iter = opts && opts->max_iter > 0 ? opts->max_iter : 100;
  double tol = opts && opts->tol > 0 ? opts->tol : 1e-10;
  double f = pass(pb, beta, w);
  int it;

  out->converged = 0;
  out->iterations = 0;
  for (it = 1; it <= max_iter; it++) {
    double gd = 0.0, t = 1.0, fnew, step = 0.0;
    double slack = 64 * DBL_EPSILON * (fabs(f) + 1.0); /* rounding noise */

    if (cholesky_solve(w->h, m, w->g, w->d))
      return ICP_STATS_ENUMERIC;
    for (j = 0; j < m; j++)
      gd += w->g[j] * w->d[j];
    for (;;) { /* Armijo backtracking; the full step almost always wins */
      for (j = 0; j < m; j++)
        w->trial[j] = beta[j] - t * w->d[j];
      fnew = pass(pb, w->trial, w);
      if (fnew <= f - 1e-4 * t * gd + slack || t < 1e-10)
        break;
      t *= 0.5;
    }
    for (j = 0; j < m; j++) {
      double s = fabs(w->trial[j] - beta[j]);

      if (s > step)
        step = s;
      beta[j] = w->trial[j];
    }
    f = fnew;
    out->iterations = it;
    if (step <= tol) {
      out->converged = 1;
      break;
    }
    if (t < 1e-10)
      break; /* no descent possible: give up unconverged */
  }
  out->objective = f;
  out->intercept = beta[0];
  return ICP_STATS_OK;
}

static int check_args(const unsigned char *x, const unsigned char *y,
                      size_t n, size_t p, const double *coef,
                      const struct icp_stats_logit *out)
{
  if (!x || !y || !coef || !out || n == 0)
    return ICP_STATS_EINVAL;
  if (p > ((size_t)-1 / sizeof(double)) / (p + 1) - 1 ||
      n > (size_t)-1 / (p ? p : 1))
    return ICP_STATS_EINVAL;
  return ICP_STATS_OK;
}

int icp_stats_logit_fit(const unsigned char *x, const unsigned char *y,
                        size_t n, size_t p, double lambda,
                        const struct icp_stats_logit_opts *opts,
                        double *coef, struct icp_stats_logit *out)
{
  struct problem pb = { x, y, p, NULL, n, lambda };
  struct work w;
  double *beta;
  int rc;

  rc = check_args(x, y, n, p, coef, out);
  if (rc)
    return rc;
  if (!(lambda >= 0.0) || !isfinite(lambda))
    return ICP_STATS_EINVAL;
  beta = calloc(p + 1, sizeof *beta);
  if (!beta)
    return ICP_STATS_ENOMEM;
  rc = work_init(&w, p);
  if (rc) {
    free(beta);
    return rc;
  }
  rc = newton(&pb, opts, &w, beta, out);
  if (!rc)
    memcpy(coef, beta + 1, p * sizeof *coef);
  work_free(&w);
  free(beta);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Cross-validation                                                    */
/* ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform in [0, bound) without modulo bias. */
static uint64_t below(uint64_t *state, uint64_t bound)
{
  uint64_t lim = -bound % bound, r;

  do
    r = splitmix64(state);
  while (r < lim);
  return r % bound;
}

int icp_stats_logit_cv(const unsigned char *x, const unsigned char *y,
                       size_t n, size_t p, const double *lambdas,
                       size_t n_lambdas, unsigned k, uint64_t seed,
                       const struct icp_stats_logit_opts *opts,
                       double *cv_loss, size_t *best, double *coef,
                       struct icp_stats_logit *out)
{
  size_t *perm = NULL, *train = NULL, i, l, win = 0;
  double *loss = NULL, *beta = NULL;
  struct work w;
  uint64_t st = seed;
  unsigned f;
  int rc;

  rc = check_args(x, y, n, p, coef, out);
  if (rc)
    return rc;
  if (!lambdas || n_lambdas == 0 || !best || k < 2 || k > n)
    return ICP_STATS_EINVAL;
  for (l = 0; l < n_lambdas; l++)
    if (!(lambdas[l] >= 0.0) || !isfinite(lambdas[l]))
      return ICP_STATS_EINVAL;
  if (work_init(&w, p))
    return ICP_STATS_ENOMEM;
  perm = malloc(n * sizeof *perm);
  train = malloc(n * sizeof *train);
  loss = calloc(n_lambdas, sizeof *loss);
  beta = malloc((p + 1) * sizeof *beta);
  if (!perm || !train || !loss || !beta) {
    rc = ICP_STATS_ENOMEM;
    goto done;
  }

  /* fold of row perm[i] is i % k */
  for (i = 0; i < n; i++)
    perm[i] = i;
  for (i = n - 1; i > 0; i--) {
    size_t j = (size_t)below(&st, (uint64_t)i + 1), t = perm[i];

    perm[i] = perm[j];
    perm[j] = t;
  }

  for (f = 0; f < k; f++) {
    struct problem pb = { x, y, p, train, 0, 0.0 };
    struct icp_stats_logit fit;

    for (i = 0; i < n; i++)
      if (i % k != f)
        train[pb.nrows++] = perm[i];
    memset(beta, 0, (p + 1) * sizeof *beta);
    for (l = 0; l < n_lambdas; l++) { /* warm start along the grid */
      pb.lambda = lambdas[l];
      rc = newton(&pb, opts, &w, beta, &fit);
      if (rc)
        goto done;
      for (i = f; i < n; i += k) {
        size_t r = perm[i];

        loss[l] += logloss(row_eta(&pb, beta, x + r * p), y[r] != 0);
      }
    }
  }
  for (l = 0; l < n_lambdas; l++) {
    loss[l] /= (double)n;
    if (cv_loss)
      cv_loss[l] = loss[l];
    if (loss[l] < loss[win])
      win = l;
  }
  *best = win;

  {
    struct problem all = { x, y, p, NULL, n, lambdas[win] };

    memset(beta, 0, (p + 1) * sizeof *beta);
    rc = newton(&all, opts, &w, beta, out);
    if (!rc)
      memcpy(coef, beta + 1, p * sizeof *coef);
  }

done:
  work_free(&w);
  free(perm);
  free(train);
  free(loss);
  free(beta);
  return rc;
}
