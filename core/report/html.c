/* html.c -- the page around the sections: CSS, escaping, figures. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_impl.h"

/* Inline only: system fonts, no url(), prints on A4 without cut charts. */
static const char css[] =
  "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,"
  "'DejaVu Sans',sans-serif;margin:24px auto;max-width:1180px;"
  "color:#1d2330;background:#fff;line-height:1.4}"
  "h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:28px 0 8px;"
  "border-bottom:2px solid #dde3ec;padding-bottom:4px}"
  "p.meta{color:#5b6577;margin:0 0 16px}"
  "figure{margin:12px 0 20px;display:flex;flex-wrap:wrap;gap:18px;"
  "align-items:flex-start;break-inside:avoid;page-break-inside:avoid}"
  "figure>figcaption{flex-basis:100%;font-weight:600;margin:0}"
  "svg{background:#fbfcfe;border:1px solid #e3e8ef;flex:0 0 auto}"
  "svg text{font-size:11px;fill:#1d2330}svg .axis{stroke:#8a94a6}"
  "svg .grid{stroke:#e3e8ef}svg .ttl{font-size:13px;font-weight:600}"
  "table{border-collapse:collapse;font-size:12px}"
  "th,td{border:1px solid #e3e8ef;padding:3px 7px;text-align:right}"
  "th{background:#f2f5f9}td.l,th.l{text-align:left}"
  "tr.review td{background:#fde8e8}tr.ok td{background:#eef8ef}"
  "tr.insufficient_data td{background:#f3f4f6;color:#5b6577}"
  "span.st{font-weight:700}span.review{color:#b42318}"
  "span.ok{color:#1a7f37}span.insufficient_data{color:#5b6577}"
  ".note{color:#5b6577;font-size:12px;max-width:70em}"
  "@media print{body{margin:0;max-width:none}h2{break-after:avoid}"
  "svg{border:none}}";

void icpi_html_text(struct icp_buf *b, const char *s)
{
  if(!s)
    return;
  for(; *s; s++)
    switch(*s) {
    case '&': icp_buf_adds(b, "&amp;"); break;
    case '<': icp_buf_adds(b, "&lt;"); break;
    case '>': icp_buf_adds(b, "&gt;"); break;
    case '"': icp_buf_adds(b, "&quot;"); break;
    case '\'': icp_buf_adds(b, "&#39;"); break;
    default: icp_buf_addc(b, *s);
    }
}

void icpi_html_num(struct icp_buf *b, double v, int decimals)
{
  if(!isfinite(v))
    icp_buf_adds(b, "&ndash;");
  else
    icp_buf_printf(b, "%.*f", decimals, v);
}

void icpi_html_pct(struct icp_buf *b, double v)
{
  if(!isfinite(v))
    icp_buf_adds(b, "&ndash;");
  else
    icp_buf_printf(b, "%.1f%%", 100 * v);
}

void icpi_html_interval(struct icp_buf *b, double v, double lo, double hi,
                        int decimals, int pct)
{
  double x[3] = { v, lo, hi };
  int i;
  for(i = 0; i < 3; i++) {
    if(i)
      icp_buf_adds(b, i == 1 ? "</td><td>" : "&ndash;");
    if(pct)
      icpi_html_pct(b, x[i]);
    else
      icpi_html_num(b, x[i], decimals);
  }
}

void icpi_html_open(struct icp_buf *b, const char *title)
{
  icp_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
               "<meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width\">"
               "<meta http-equiv=\"Content-Security-Policy\" "
               "content=\"default-src 'none'; style-src 'unsafe-inline'; "
               "img-src data:\"><title>");
  icpi_html_text(b, title);
  icp_buf_adds(b, "</title><style>");
  icp_buf_adds(b, css);
  icp_buf_adds(b, "</style></head><body>\n<h1>");
  icpi_html_text(b, title);
  icp_buf_adds(b, "</h1>\n");
}

void icpi_html_close(struct icp_buf *b)
{
  icp_buf_adds(b, "<p class=\"note\">Made by icp " ICP_VERSION
               ". Every chart's numbers are in the table beside it.</p>"
               "\n</body></html>\n");
}

void icpi_html_section(struct icp_buf *b, const char *id, const char *title,
                       const char *intro)
{
  icp_buf_printf(b, "<section id=\"%s\"><h2>", id);
  icpi_html_text(b, title);
  icp_buf_adds(b, "</h2>\n");
  if(intro) {
    icp_buf_adds(b, "<p class=\"note\">");
    icpi_html_text(b, intro);
    icp_buf_adds(b, "</p>\n");
  }
}

void icpi_html_section_end(struct icp_buf *b)
{
  icp_buf_adds(b, "</section>\n");
}

void icpi_html_figure(struct icp_buf *b, const char *title)
{
  icp_buf_adds(b, "<figure><figcaption>");
  icpi_html_text(b, title);
  icp_buf_adds(b, "</figcaption>\n");
}

void icpi_html_figure_end(struct icp_buf *b)
{
  icp_buf_adds(b, "</figure>\n");
}

double icpi_jnum(const cJSON *o, const char *key)
{
  const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *icpi_jstr(const cJSON *o, const char *key)
{
  const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
  return cJSON_IsString(v) ? v->valuestring : NULL;
}
