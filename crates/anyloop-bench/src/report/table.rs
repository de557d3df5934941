//! The terminal and Markdown tables.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell as TableCell, ContentArrangement, Table};

use super::{CaseResult, Cell, Report, WorkloadResult, fmt_num, fmt_secs};

fn backends(report: &Report) -> &[String] {
    &report.settings.backends
}

/// The text of a cell: the median, then the best mark or the ratio, then
/// the spread.
fn cell_lines(cell: &Cell, best: bool) -> (String, String) {
    let t = &cell.time_s;
    let head = if best {
        format!("{} ★ best", fmt_secs(t.median))
    } else {
        format!(
            "{} {:.2}× ±{:.2}",
            fmt_secs(t.median),
            cell.ratio,
            cell.ratio_spread
        )
    };
    let noisy = if cell.noisy { " noisy" } else { "" };
    let spread = format!(
        "[{} … {}] IQR {}{noisy}",
        fmt_secs(t.min),
        fmt_secs(t.max),
        fmt_secs(t.iqr())
    );
    (head, spread)
}

fn case_label(case: &CaseResult) -> String {
    case.label.clone()
}

/// One sentence per row, hyperfine style: who won, and by how much.
pub(super) fn verdict(w: &WorkloadResult, case: &CaseResult) -> String {
    let mut others: Vec<String> = case
        .cells
        .iter()
        .filter(|c| c.backend != case.best)
        .map(|c| {
            format!(
                "{} {:.2} ± {:.2} times slower",
                c.backend, c.ratio, c.ratio_spread
            )
        })
        .collect();
    if others.is_empty() {
        others.push("no other backend ran".to_owned());
    }
    format!(
        "{} · {}: {} was fastest; {}",
        w.name,
        case.label,
        case.best,
        others.join(", ")
    )
}

fn metric_rows(w: &WorkloadResult) -> Vec<(String, String, Vec<String>)> {
    let mut rows = Vec::new();
    for case in &w.cases {
        let mut names: Vec<&String> = case.cells.iter().flat_map(|c| c.metrics.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            let values = case
                .cells
                .iter()
                .map(|c| match c.metrics.get(name) {
                    Some(s) => format!(
                        "{} [{} … {}]",
                        fmt_num(s.median),
                        fmt_num(s.min),
                        fmt_num(s.max)
                    ),
                    None => "–".to_owned(),
                })
                .collect();
            rows.push((format!("{} · {}", w.name, case.label), name.clone(), values));
        }
    }
    rows
}

pub(super) fn conditions(report: &Report) -> Vec<String> {
    let m = &report.machine;
    let s = &report.settings;
    let runtimes = m
        .runtimes
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        format!("{} — {}", report.title, report.date),
        format!("machine: {} cores, {}; {}", m.cores, m.cpu, m.os),
        format!("built with {}; anyloop {}; {runtimes}", m.rustc, m.anyloop),
        format!(
            "mode {}, {} thread{} per runtime, {} warm-up + {} measured runs per cell, interleaved ({}); wall time {:.1} s",
            s.mode,
            s.threads,
            if s.threads == 1 { "" } else { "s" },
            s.warmup,
            s.repeat,
            s.backends.join(" → "),
            report.wall_time_s
        ),
        format!("command: {}", report.command),
    ]
}

pub(super) fn terminal(report: &Report) -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    let mut header = vec![TableCell::new("workload"), TableCell::new("case")];
    header.extend(backends(report).iter().map(TableCell::new));
    table.set_header(header);
    let mut verdicts = Vec::new();
    for w in &report.workloads {
        for case in &w.cases {
            let mut row = vec![TableCell::new(&w.name), TableCell::new(case_label(case))];
            for cell in &case.cells {
                let (head, spread) = cell_lines(cell, cell.backend == case.best);
                row.push(TableCell::new(format!("{head}\n{spread}")));
            }
            table.add_row(row);
            verdicts.push(verdict(w, case));
        }
    }
    let mut out = conditions(report).join("\n");
    out.push_str("\n\n");
    out.push_str(&table.to_string());
    out.push_str("\n\nmedian of the measured runs; ★ the fastest backend of the row, the others as its multiple ± spread; [min … max] and the interquartile range; noisy: IQR over 10% of the median.\n\n");
    for v in verdicts {
        out.push_str(&v);
        out.push('\n');
    }
    let details: Vec<_> = report.workloads.iter().flat_map(metric_rows).collect();
    if !details.is_empty() {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        let mut header = vec![TableCell::new("workload · case"), TableCell::new("figure")];
        header.extend(backends(report).iter().map(TableCell::new));
        table.set_header(header);
        for (row, name, values) in details {
            let mut cells = vec![TableCell::new(row), TableCell::new(name)];
            cells.extend(values.into_iter().map(TableCell::new));
            table.add_row(cells);
        }
        out.push_str("\nfurther figures (median [min … max]):\n");
        out.push_str(&table.to_string());
        out.push('\n');
    }
    for w in &report.workloads {
        for r in &w.reference {
            out.push_str(&format!(
                "reference, not measured here: {} {:.2} s ({})\n",
                r.label, r.seconds, r.note
            ));
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

pub(super) fn markdown(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&format!("## {}\n\n", md_escape(&report.title)));
    for line in conditions(report) {
        out.push_str(&format!("- {}\n", md_escape(&line)));
    }
    out.push('\n');
    out.push_str(&markdown_table(report));
    out.push_str("\nMedian of the measured runs; ★ marks the fastest backend of each row, the others show their multiple of it ± spread; the spread is [min … max] and the interquartile range (IQR); *noisy* means an IQR over 10% of the median.\n\n");
    for w in &report.workloads {
        for case in &w.cases {
            out.push_str(&format!("- {}\n", md_escape(&verdict(w, case))));
        }
    }
    let details: Vec<_> = report.workloads.iter().flat_map(metric_rows).collect();
    if !details.is_empty() {
        out.push_str("\n| workload · case | figure |");
        for b in backends(report) {
            out.push_str(&format!(" {b} |"));
        }
        out.push_str("\n|---|---|");
        out.push_str(&"---|".repeat(backends(report).len()));
        out.push('\n');
        for (row, name, values) in details {
            out.push_str(&format!("| {} | {} |", md_escape(&row), md_escape(&name)));
            for v in values {
                out.push_str(&format!(" {v} |"));
            }
            out.push('\n');
        }
    }
    for w in &report.workloads {
        if !w.reference.is_empty() {
            out.push_str("\nPublished reference figures (not measured here):\n\n");
            for r in &w.reference {
                out.push_str(&format!("- {}: {:.2} s — {}\n", r.label, r.seconds, r.note));
            }
        }
    }
    out
}

/// The main table alone, in Markdown.
pub(super) fn markdown_table(report: &Report) -> String {
    let mut out = String::from("| workload | case |");
    for b in backends(report) {
        out.push_str(&format!(" {b} |"));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(backends(report).len()));
    out.push('\n');
    for w in &report.workloads {
        for case in &w.cases {
            out.push_str(&format!("| {} | {} |", w.name, md_escape(&case.label)));
            for cell in &case.cells {
                let (head, spread) = cell_lines(cell, cell.backend == case.best);
                let head = if cell.backend == case.best {
                    format!("**{head}**")
                } else {
                    head
                };
                out.push_str(&format!(" {head}<br>{spread} |"));
            }
            out.push('\n');
        }
    }
    out
}
