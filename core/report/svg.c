/*
 * svg.c -- inline SVG charts: bars, horizontal bars, lines with intervals,
 * a heat map. Every chart carries its title (visible and as <title>), both
 * axis labels and tick values; data marks have class "mark" so a test can
 * count them.
 */
#include <math.h>
#include <string.h>

#include "report/report_impl.h"

#define W 560
#define H 320
#define ML 64   /* margins */
#define MR 20
#define MT 34
#define MB 70

static const char *const palette[] = { "#2f6fdf", "#e07b1a", "#2a9d55",
                                       "#b43f9c", "#c0392b", "#6b7a90",
                                       "#8c6d1f", "#17a2b8" };

/* A nice axis from 0 (or lo) to at least hi: *top and *step. */
static void nice(double lo, double hi, double *bottom, double *top,
                 double *step)
{
  double span, mag, f;
  if(!(hi > lo)) {
    hi = lo + 1;
  }
  span = hi - lo;
  mag = pow(10, floor(log10(span / 5)));
  f = span / 5 / mag;
  *step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  *bottom = floor(lo / *step) * *step;
  *top = ceil(hi / *step) * *step;
  if(*top <= *bottom)
    *top = *bottom + *step;
}

static void open_svg(struct icp_buf *b, int w, int h, const char *title)
{
  icp_buf_printf(b, "<svg width=\"%d\" "
                 "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>",
                 w, h, w, h);
  icpi_html_text(b, title);
  icp_buf_printf(b, "</title><text class=\"ttl\" x=\"%d\" y=\"20\" "
                 "text-anchor=\"middle\">", w / 2);
  icpi_html_text(b, title);
  icp_buf_adds(b, "</text>");
}

static void axis_labels(struct icp_buf *b, int w, int h, const char *xlabel,
                        const char *ylabel)
{
  icp_buf_printf(b, "<text class=\"xlabel\" x=\"%d\" y=\"%d\" "
                 "text-anchor=\"middle\">", ML + (w - ML - MR) / 2, h - 8);
  icpi_html_text(b, xlabel);
  icp_buf_printf(b, "</text><text class=\"ylabel\" x=\"14\" y=\"%d\" "
                 "text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">",
                 MT + (h - MT - MB) / 2, MT + (h - MT - MB) / 2);
  icpi_html_text(b, ylabel);
  icp_buf_adds(b, "</text>");
}

static void tick_text(struct icp_buf *b, double v, int percent)
{
  if(percent)
    icp_buf_printf(b, "%g%%", round(v * 1000) / 10);
  else
    icp_buf_printf(b, "%g", v);
}

/* Value axis on the left from y0 (bottom) to y1 (top). */
static void y_axis(struct icp_buf *b, double y0, double y1, double step,
                   int w, int h, int percent)
{
  double v;
  int plot = h - MT - MB;
  for(v = y0; v <= y1 + step / 2; v += step) {
    double y = MT + plot - (v - y0) / (y1 - y0) * plot;
    icp_buf_printf(b, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
                   "y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" "
                   "text-anchor=\"end\">", ML, w - MR, y, y, ML - 6, y + 4);
    tick_text(b, v, percent);
    icp_buf_adds(b, "</text>");
  }
  icp_buf_printf(b, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
                 "y2=\"%d\"/><line class=\"axis\" x1=\"%d\" x2=\"%d\" "
                 "y1=\"%d\" y2=\"%d\"/>", ML, ML, MT, h - MB, ML, w - MR,
                 h - MB, h - MB);
}

static void x_label(struct icp_buf *b, double x, int h, const char *s,
                    int slant)
{
  if(slant)
    icp_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" "
                   "transform=\"rotate(-30 %.1f %d)\">", x, h - MB + 14, x,
                   h - MB + 14);
  else
    icp_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                   x, h - MB + 16);
  icpi_html_text(b, s);
  icp_buf_adds(b, "</text>");
}

static void range_of(const struct series *s, int ns, int n, double *lo,
                     double *hi)
{
  int k, i;
  *lo = 0;
  *hi = 0;
  for(k = 0; k < ns; k++)
    for(i = 0; i < n; i++) {
      double v[3] = { s[k].v[i], s[k].lo ? s[k].lo[i] : NAN,
                      s[k].hi ? s[k].hi[i] : NAN };
      int j;
      for(j = 0; j < 3; j++)
        if(isfinite(v[j])) {
          if(v[j] > *hi)
            *hi = v[j];
          if(v[j] < *lo)
            *lo = v[j];
        }
    }
}

static void whisker(struct icp_buf *b, double x, double ylo, double yhi)
{
  icp_buf_printf(b, "<path class=\"ci\" d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1f"
                 "M%.1f %.1fH%.1f\" stroke=\"#1d2330\" fill=\"none\"/>",
                 x, ylo, yhi, x - 4, ylo, x + 4, x - 4, yhi, x + 4);
}

void icpi_svg_bars(struct icp_buf *b, const char *title, const char *xlabel,
                   const char *ylabel, const char *const *labels, int n,
                   const struct series *s, double ref, int percent)
{
  double lo, hi, y0, y1, step, bw, x;
  int plot = H - MT - MB, i, slant = n > 8;
  range_of(s, 1, n, &lo, &hi);
  if(isfinite(ref) && ref > hi)
    hi = ref;
  nice(lo, hi, &y0, &y1, &step);
  open_svg(b, W, H, title);
  y_axis(b, y0, y1, step, W, H, percent);
  bw = (double)(W - ML - MR) / (n > 0 ? n : 1);
#define Y(v) (MT + plot - ((v) - y0) / (y1 - y0) * plot)
  for(i = 0; i < n; i++) {
    double v = s->v[i];
    x = ML + bw * i;
    if(isfinite(v)) {
      double top = Y(v > 0 ? v : 0), bot = Y(v > 0 ? 0 : v);
      icp_buf_printf(b, "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" "
                     "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                     x + bw * 0.15, top, bw * 0.7, bot - top, palette[0]);
      icpi_html_text(b, labels[i]);
      icp_buf_adds(b, ": ");
      tick_text(b, v, percent);
      icp_buf_adds(b, "</title></rect>");
      if(s->lo && s->hi && isfinite(s->lo[i]) && isfinite(s->hi[i]))
        whisker(b, x + bw / 2, Y(s->lo[i]), Y(s->hi[i]));
    }
    x_label(b, x + bw / 2, H, labels[i], slant);
  }
  if(isfinite(ref))
    icp_buf_printf(b, "<line class=\"ref\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
                   "y2=\"%.1f\" stroke=\"#c0392b\" stroke-dasharray=\"5 4\"/>",
                   ML, W - MR, Y(ref), Y(ref));
#undef Y
  axis_labels(b, W, H, xlabel, ylabel);
  icp_buf_adds(b, "</svg>\n");
}

void icpi_svg_hbars(struct icp_buf *b, const char *title, const char *xlabel,
                    const char *ylabel, const char *const *labels, int n,
                    const struct series *s, double ref, int percent)
{
  int left = 120, row = 22, h = MT + 40 + row * (n > 0 ? n : 1), i;
  int w, plot = W + 60 - 190 - MR;
  double lo, hi, x0, x1, step, v;
  /* room for the longest label (about 6.5 px a character at 11 px), so
   * that "PaymentMethod = Electronic check" is not cut */
  for(i = 0; i < n; i++) {
    int need = 16 + (int)(6.5 * (double)strlen(labels[i]));
    if(need > left)
      left = need;
  }
  w = left + plot + MR;
  range_of(s, 1, n, &lo, &hi);
  if(isfinite(ref) && ref > hi)
    hi = ref;
  nice(lo, hi, &x0, &x1, &step);
  open_svg(b, w, h, title);
#define X(v) (left + ((v) - x0) / (x1 - x0) * plot)
  for(v = x0; v <= x1 + step / 2; v += step) {
    icp_buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" "
                   "y1=\"%d\" y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" "
                   "text-anchor=\"middle\">", X(v), X(v), MT, h - 40, X(v),
                   h - 26);
    tick_text(b, v, percent);
    icp_buf_adds(b, "</text>");
  }
  for(i = 0; i < n; i++) {
    double y = MT + row * i, val = s->v[i];
    icp_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
                   left - 6, y + row * 0.65);
    icpi_html_text(b, labels[i]);
    icp_buf_adds(b, "</text>");
    if(!isfinite(val))
      continue;
    {
      double a = X(val > 0 ? 0 : val), z = X(val > 0 ? val : 0);
      if(x0 > 0)
        a = X(x0);
      icp_buf_printf(b, "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" "
                     "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                     a, y + 4, z - a > 1 ? z - a : 1, row - 8.0,
                     palette[0]);
      icpi_html_text(b, labels[i]);
      icp_buf_adds(b, ": ");
      tick_text(b, val, percent);
      icp_buf_adds(b, "</title></rect>");
    }
    if(s->lo && s->hi && isfinite(s->lo[i]) && isfinite(s->hi[i])) {
      double hy = y + row / 2.0;
      icp_buf_printf(b, "<path class=\"ci\" d=\"M%.1f %.1fH%.1fM%.1f %.1f"
                     "V%.1fM%.1f %.1fV%.1f\" stroke=\"#1d2330\" "
                     "fill=\"none\"/>", X(s->lo[i]), hy, X(s->hi[i]),
                     X(s->lo[i]), hy - 4, hy + 4, X(s->hi[i]), hy - 4,
                     hy + 4);
    }
  }
  icp_buf_printf(b, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
                 "y2=\"%d\"/>", left, left, MT, h - 40);
  if(isfinite(ref))
    icp_buf_printf(b, "<line class=\"ref\" x1=\"%.1f\" x2=\"%.1f\" "
                   "y1=\"%d\" y2=\"%d\" stroke=\"#c0392b\" "
                   "stroke-dasharray=\"5 4\"/>", X(ref), X(ref), MT,
                   h - 40);
#undef X
  icp_buf_printf(b, "<text class=\"xlabel\" x=\"%d\" y=\"%d\" "
                 "text-anchor=\"middle\">", left + plot / 2, h - 8);
  icpi_html_text(b, xlabel);
  icp_buf_printf(b, "</text><text class=\"ylabel\" x=\"14\" y=\"%d\" "
                 "text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">",
                 (MT + h - 40) / 2, (MT + h - 40) / 2);
  icpi_html_text(b, ylabel);
  icp_buf_adds(b, "</text></svg>\n");
}

void icpi_svg_lines(struct icp_buf *b, const char *title, const char *xlabel,
                    const char *ylabel, const char *const *labels, int n,
                    const struct series *s, int ns, int percent)
{
  double lo, hi, y0, y1, step, bw;
  int plot = H - MT - MB, i, k, w = W + 110;
  range_of(s, ns, n, &lo, &hi);
  nice(lo, hi, &y0, &y1, &step);
  open_svg(b, w, H, title);
  y_axis(b, y0, y1, step, w - 110, H, percent);
  bw = (double)(w - 110 - ML - MR) / (n > 0 ? n : 1);
#define Y(v) (MT + plot - ((v) - y0) / (y1 - y0) * plot)
  for(i = 0; i < n; i++)
    x_label(b, ML + bw * (i + 0.5), H, labels[i], n > 4);
  for(k = 0; k < ns; k++) {
    const char *col = palette[k % 8];
    int pen = 0;
    double off = (k - (ns - 1) / 2.0) * 3;
    icp_buf_printf(b, "<path class=\"line\" fill=\"none\" stroke=\"%s\" "
                   "stroke-width=\"2\" d=\"", col);
    for(i = 0; i < n; i++) {
      if(!isfinite(s[k].v[i])) {
        pen = 0;
        continue;
      }
      icp_buf_printf(b, "%c%.1f %.1f", pen ? 'L' : 'M',
                     ML + bw * (i + 0.5) + off, Y(s[k].v[i]));
      pen = 1;
    }
    icp_buf_adds(b, "\"/>");
    for(i = 0; i < n; i++) {
      double x = ML + bw * (i + 0.5) + off;
      if(!isfinite(s[k].v[i]))
        continue;
      if(s[k].lo && s[k].hi && isfinite(s[k].lo[i]) &&
         isfinite(s[k].hi[i]))
        icp_buf_printf(b, "<path class=\"ci\" d=\"M%.1f %.1fV%.1f\" "
                       "stroke=\"%s\" fill=\"none\"/>", x, Y(s[k].lo[i]),
                       Y(s[k].hi[i]), col);
      icp_buf_printf(b, "<circle class=\"mark\" cx=\"%.1f\" cy=\"%.1f\" "
                     "r=\"3.5\" fill=\"%s\"><title>", x, Y(s[k].v[i]), col);
      icpi_html_text(b, s[k].name);
      icp_buf_adds(b, " ");
      icpi_html_text(b, labels[i]);
      icp_buf_adds(b, ": ");
      tick_text(b, s[k].v[i], percent);
      icp_buf_adds(b, "</title></circle>");
    }
    /* legend */
    icp_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
                   "fill=\"%s\"/><text x=\"%d\" y=\"%d\">", w - 118,
                   MT + 18 * k, col, w - 100, MT + 18 * k + 10);
    icpi_html_text(b, s[k].name);
    icp_buf_adds(b, "</text>");
  }
#undef Y
  axis_labels(b, w - 110, H, xlabel, ylabel);
  icp_buf_adds(b, "</svg>\n");
}

void icpi_svg_heat(struct icp_buf *b, const char *title, const char *xlabel,
                   const char *ylabel, const char *const *rows, int nrows,
                   const char *const *cols, int ncols, const double *v)
{
  icpi_svg_heat_join(b, title, xlabel, ylabel, rows, nrows, cols, ncols, v,
                     " &#8594; ");
}

void icpi_svg_heat_join(struct icp_buf *b, const char *title,
                        const char *xlabel, const char *ylabel,
                        const char *const *rows, int nrows,
                        const char *const *cols, int ncols, const double *v,
                        const char *join)
{
  int cell = 54, left = 110, top = MT + 10, r, c;
  int w = left + cell * (ncols > 0 ? ncols : 1) + MR;
  int h = top + cell * (nrows > 0 ? nrows : 1) + 56;
  double max = 0;
  if(w < 300)
    w = 300;
  for(r = 0; r < nrows * ncols; r++)
    if(v[r] > max)
      max = v[r];
  open_svg(b, w, h, title);
  for(r = 0; r < nrows; r++) {
    icp_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
                   left - 6, top + cell * r + cell / 2 + 4);
    icpi_html_text(b, rows[r]);
    icp_buf_adds(b, "</text>");
    for(c = 0; c < ncols; c++) {
      double x = v[r * ncols + c], t = max > 0 ? x / max : 0;
      int shade = (int)(245 - 190 * sqrt(t));
      icp_buf_printf(b, "<rect class=\"mark\" x=\"%d\" y=\"%d\" "
                     "width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\" "
                     "stroke=\"#fff\"><title>", left + cell * c,
                     top + cell * r, cell, cell, shade, shade + 5 > 255 ?
                     255 : shade + 5);
      icpi_html_text(b, rows[r]);
      icp_buf_adds(b, join);
      icpi_html_text(b, cols[c]);
      icp_buf_printf(b, ": %.0f</title></rect><text x=\"%d\" y=\"%d\" "
                     "text-anchor=\"middle\"%s>%.0f</text>", x,
                     left + cell * c + cell / 2, top + cell * r + cell / 2 + 4,
                     t > 0.6 ? " style=\"fill:#fff\"" : "", x);
    }
  }
  for(c = 0; c < ncols; c++) {
    icp_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
                   left + cell * c + cell / 2, top + cell * nrows + 16);
    icpi_html_text(b, cols[c]);
    icp_buf_adds(b, "</text>");
  }
  icp_buf_printf(b, "<text class=\"xlabel\" x=\"%d\" y=\"%d\" "
                 "text-anchor=\"middle\">", left + cell * ncols / 2, h - 10);
  icpi_html_text(b, xlabel);
  icp_buf_printf(b, "</text><text class=\"ylabel\" x=\"14\" y=\"%d\" "
                 "text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">",
                 top + cell * nrows / 2, top + cell * nrows / 2);
  icpi_html_text(b, ylabel);
  icp_buf_adds(b, "</text></svg>\n");
}
