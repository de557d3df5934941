//! The self-contained HTML page: inline CSS and SVG, no script, nothing
//! fetched from the network.

use super::table::{conditions, verdict};
use super::{Report, fmt_num, fmt_secs, slug};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; padding: 0 1rem; color: #222; background: #fff; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.best { background: #eaf6ea; font-weight: 600; }
.spread { color: #666; font-size: 0.8rem; font-weight: normal; }
.noisy { color: #b35c00; }
.conditions { background: #f7f7f7; padding: 0.6rem 1rem; border-left: 4px solid #888; font-size: 0.9rem; }
.how { background: #f3f7fd; padding: 0.5rem 1rem; border-left: 4px solid #2d6ec8; }
svg { max-width: 100%; height: auto; display: block; margin: 0.5rem 0; }
.note { color: #555; font-size: 0.85rem; }
";

pub(super) fn page(report: &Report, charts: &[(String, String)]) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n", esc(&report.title)));
    out.push_str(&format!("<style>{STYLE}</style>\n</head><body>\n"));
    out.push_str(&format!(
        "<h1>{}</h1>\n<div class=\"conditions\">",
        esc(&report.title)
    ));
    for line in conditions(report) {
        out.push_str(&format!("<div>{}</div>", esc(&line)));
    }
    out.push_str("</div>\n");
    out.push_str(
        "<p class=\"note\">Each cell is the median of the measured runs; the fastest backend of each row \
         is marked ★ and every other cell shows its multiple of it. The spread is the range of the runs \
         [min … max] and the interquartile range (IQR); a cell marked <span class=\"noisy\">noisy</span> \
         had an IQR over 10% of its median. Runs were interleaved (every backend in turn, round after \
         round), after one warm-up run each. Times marked * are extrapolated from a sample of the work. \
         These figures are from the machine above and will differ on yours.</p>\n",
    );
    out.push_str("<h2>Summary</h2>\n");
    out.push_str(&summary_table(report));
    for w in &report.workloads {
        out.push_str(&format!(
            "<h2 id=\"{}\">{} <span class=\"spread\">({})</span></h2>\n",
            slug(&w.name),
            esc(&w.title),
            esc(&w.name)
        ));
        out.push_str(&format!("<p>{}</p>\n", esc(&w.about)));
        out.push_str(&format!(
            "<p class=\"how\"><b>How to read this:</b> {}</p>\n",
            esc(&w.how_to_read)
        ));
        out.push_str(&format!("<p class=\"note\">Sizes: {}</p>\n", esc(&w.sizes)));
        for (name, svg) in charts {
            let base = slug(&w.name);
            if name == &format!("{base}.svg") || name.starts_with(&format!("{base}-")) {
                out.push_str(&format!(
                    "<figure data-chart=\"{}\">\n{svg}\n</figure>\n",
                    esc(name)
                ));
            }
        }
        out.push_str(&workload_table(report, w));
        out.push_str("<ul>");
        for case in &w.cases {
            out.push_str(&format!("<li>{}</li>", esc(&verdict(w, case))));
        }
        out.push_str("</ul>\n");
        if !w.reference.is_empty() {
            out.push_str("<p><b>Published reference figures (not measured here):</b></p><table><tr><th>what</th><th>time</th><th>source</th></tr>");
            for r in &w.reference {
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{:.2} s</td><td class=\"note\">{}</td></tr>",
                    esc(&r.label),
                    r.seconds,
                    esc(&r.note)
                ));
            }
            out.push_str("</table>\n");
        }
        out.push_str("<details><summary>What each run checked</summary><ul>");
        for case in &w.cases {
            for cell in &case.cells {
                out.push_str(&format!(
                    "<li>{} on {}: {}</li>",
                    esc(&case.label),
                    esc(&cell.backend),
                    esc(&cell.check)
                ));
            }
        }
        out.push_str("</ul></details>\n");
    }
    out.push_str("</body></html>\n");
    out
}

fn cell_html(cell: &super::Cell, best: bool) -> String {
    let t = &cell.time_s;
    let head = if best {
        format!("{} ★", fmt_secs(t.median))
    } else {
        format!(
            "{} <span class=\"spread\">{:.2}× ±{:.2}</span>",
            fmt_secs(t.median),
            cell.ratio,
            cell.ratio_spread
        )
    };
    let noisy = if cell.noisy {
        " <span class=\"noisy\">noisy</span>"
    } else {
        ""
    };
    format!(
        "<td{}>{head}<br><span class=\"spread\">[{} … {}] IQR {}</span>{noisy}</td>",
        if best { " class=\"best\"" } else { "" },
        fmt_secs(t.min),
        fmt_secs(t.max),
        fmt_secs(t.iqr())
    )
}

fn header(report: &Report, first: &[&str]) -> String {
    let mut out = String::from("<table><tr>");
    for h in first {
        out.push_str(&format!("<th>{h}</th>"));
    }
    for b in &report.settings.backends {
        out.push_str(&format!("<th>{}</th>", esc(b)));
    }
    out.push_str("</tr>\n");
    out
}

fn summary_table(report: &Report) -> String {
    let mut out = header(report, &["workload", "case"]);
    for w in &report.workloads {
        for case in &w.cases {
            out.push_str(&format!(
                "<tr><td><a href=\"#{}\">{}</a></td><td>{}{}</td>",
                slug(&w.name),
                esc(&w.name),
                esc(&case.label),
                if case.extrapolated { " *" } else { "" }
            ));
            for cell in &case.cells {
                out.push_str(&cell_html(cell, cell.backend == case.best));
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</table>\n");
    out
}

fn workload_table(report: &Report, w: &super::WorkloadResult) -> String {
    let mut out = header(report, &["case", "figure"]);
    for case in &w.cases {
        out.push_str(&format!("<tr><td>{}</td><td>time</td>", esc(&case.label)));
        for cell in &case.cells {
            out.push_str(&cell_html(cell, cell.backend == case.best));
        }
        out.push_str("</tr>\n");
        let mut names: Vec<&String> = case.cells.iter().flat_map(|c| c.metrics.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            out.push_str(&format!("<tr><td></td><td>{}</td>", esc(name)));
            for cell in &case.cells {
                match cell.metrics.get(name) {
                    Some(s) => out.push_str(&format!(
                        "<td>{} <span class=\"spread\">[{} … {}]</span></td>",
                        fmt_num(s.median),
                        fmt_num(s.min),
                        fmt_num(s.max)
                    )),
                    None => out.push_str("<td>–</td>"),
                }
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</table>\n");
    out
}
