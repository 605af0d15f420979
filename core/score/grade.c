/* grade.c -- the two-axis grade of a scored account (DESIGN §4): each axis
 * is one dimension's written score or the weighted mean of several, taken
 * as written (6 decimals, like the tier's composite); the first cut whose
 * threshold <= the axis value names the row or column. */
#include "base/buf.h"
#include "score/score.h"

static double axis_value(const struct icp_pack *pack,
                         const struct icp_grade_axis *x,
                         const struct icp_result *r)
{
  double w = 0, s = 0;
  int i;
  for(i = 0; i < x->ndims; i++) {
    const struct icp_dim *d = &pack->dims[x->dims[i]];
    w += d->weight;
    s += d->weight * icp_round6(r->dim[x->dims[i]]);
  }
  return icp_round6(w > 0 ? s / w : 0);
}

static int cut_of(const struct icp_grade_axis *x, double v)
{
  int i;
  for(i = 0; i < x->ncuts; i++)
    if(x->cuts[i] <= v)
      return i;
  return -1; /* unreachable in a loaded pack: the last cut is 0 */
}

void icp_grade_score(const struct icp_pack *pack, struct icp_result *r)
{
  const struct icp_grade *g = &pack->grade;
  r->grade = NULL;
  r->grade_row = r->grade_col = -1;
  r->grade_axis[0] = r->grade_axis[1] = 0;
  if(!g->line || !g->cells || r->tier == ICP_TIER_EXCLUDED ||
     r->tier == ICP_TIER_INSUFFICIENT)
    return;
  r->grade_axis[0] = axis_value(pack, &g->rows, r);
  r->grade_axis[1] = axis_value(pack, &g->cols, r);
  r->grade_row = cut_of(&g->rows, r->grade_axis[0]);
  r->grade_col = cut_of(&g->cols, r->grade_axis[1]);
  if(r->grade_row < 0 || r->grade_col < 0) {
    r->grade_row = r->grade_col = -1;
    return;
  }
  r->grade = g->cells[r->grade_row * g->cols.ncuts + r->grade_col];
}

int icp_grade_route_matches(const struct icp_route *rt,
                            const struct icp_result *r)
{
  if(!r->grade)
    return 0;
  return (rt->grade_row < 0 || rt->grade_row == r->grade_row) &&
         (rt->grade_col < 0 || rt->grade_col == r->grade_col);
}
