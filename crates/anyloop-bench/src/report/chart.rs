//! SVG charts, drawn by plotters' SVG backend (text as SVG `<text>`, so no
//! font or system library is needed).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{CaseResult, Report, WorkloadResult, slug};
use crate::Error;

type Drawn = Result<(), Box<dyn std::error::Error>>;

const WIDTH: u32 = 860;
const HEIGHT: u32 = 380;

/// The colour of the `i`th backend.
pub(super) fn colour(i: usize) -> RGBColor {
    const COLOURS: [RGBColor; 4] = [
        RGBColor(222, 110, 30),
        RGBColor(45, 110, 200),
        RGBColor(40, 150, 80),
        RGBColor(150, 70, 170),
    ];
    COLOURS[i % COLOURS.len()]
}

/// Seconds in the unit that suits `max`: (factor, unit name).
fn unit(max: f64) -> (f64, &'static str) {
    if max >= 1.0 {
        (1.0, "s")
    } else if max >= 1e-3 {
        (1e3, "ms")
    } else if max >= 1e-6 {
        (1e6, "µs")
    } else {
        (1e9, "ns")
    }
}

fn short(case: &CaseResult) -> String {
    let base = case.label.split(" (").next().unwrap_or(&case.label);
    let mut label: String = base.chars().take(22).collect();
    if case.extrapolated {
        label.push('*');
    }
    label
}

fn render(
    name: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Drawn,
) -> Result<String, Error> {
    let mut svg = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root).and_then(|()| root.present().map_err(Into::into))
    };
    result.map_err(|e| Error::Chart {
        name: name.to_owned(),
        message: e.to_string(),
    })?;
    Ok(svg)
}

/// The conditions of the run, in a line at the bottom of every chart.
fn footer(report: &Report, root: &DrawingArea<SVGBackend<'_>, Shift>) -> Drawn {
    let m = &report.machine;
    let text = format!(
        "{} · {} cores, {} · {} threads · {} · mode {}",
        report.date, m.cores, m.cpu, report.settings.threads, m.rustc, report.settings.mode
    );
    let style = TextStyle::from(("sans-serif", 11).into_font()).color(&RGBColor(110, 110, 110));
    root.draw(&Text::new(text, (12, HEIGHT as i32 - 16), style))?;
    Ok(())
}

/// Bars per case, backends side by side: the median, and an error bar from
/// the fastest to the slowest run.
fn bars(report: &Report, w: &WorkloadResult) -> Result<String, Error> {
    let name = format!("{}.svg", slug(&w.name));
    render(&name, |root| {
        root.fill(&WHITE)?;
        let backends = &report.settings.backends;
        let max = w
            .cases
            .iter()
            .flat_map(|c| c.cells.iter().map(|cell| cell.time_s.max))
            .fold(0.0_f64, f64::max)
            .max(1e-9);
        let (factor, unit) = unit(max);
        let top = max * factor * 1.15;
        let n = w.cases.len().max(1);
        let mut chart = ChartBuilder::on(root)
            .caption(&w.title, ("sans-serif", 18))
            .margin(12)
            .margin_bottom(28)
            .x_label_area_size(34)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..n as f64, 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(format!("time ({unit}), median; bar: min–max"))
            .label_style(("sans-serif", 12))
            .draw()?;
        let width = 0.8 / backends.len().max(1) as f64;
        for (j, backend) in backends.iter().enumerate() {
            let c = colour(j);
            let cells: Vec<(usize, &super::Cell)> = w
                .cases
                .iter()
                .enumerate()
                .filter_map(|(i, case)| {
                    Some((i, case.cells.iter().find(|cell| &cell.backend == backend)?))
                })
                .collect();
            chart
                .draw_series(cells.iter().map(|&(i, cell)| {
                    let x0 = i as f64 + 0.1 + j as f64 * width;
                    Rectangle::new(
                        [(x0, 0.0), (x0 + width * 0.9, cell.time_s.median * factor)],
                        c.filled(),
                    )
                }))?
                .label(backend.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
            chart.draw_series(cells.iter().map(|&(i, cell)| {
                let x = i as f64 + 0.1 + (j as f64 + 0.45) * width;
                ErrorBar::new_vertical(
                    x,
                    cell.time_s.min * factor,
                    cell.time_s.median * factor,
                    cell.time_s.max * factor,
                    BLACK.stroke_width(1),
                    6,
                )
            }))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .label_font(("sans-serif", 13))
            .draw()?;
        let style = TextStyle::from(("sans-serif", 12).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top));
        for (i, case) in w.cases.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            root.draw(&Text::new(short(case), (px, py + 8), style.clone()))?;
        }
        footer(report, root)
    })
}

/// One line per backend over the cases that have an x value (log x).
fn lines(
    report: &Report,
    w: &WorkloadResult,
    name: String,
    y_desc: &str,
    value: impl Fn(&super::Cell) -> Option<f64>,
    seconds: bool,
) -> Result<Option<String>, Error> {
    let points: Vec<&CaseResult> = w.cases.iter().filter(|c| c.x.is_some()).collect();
    if points.len() < 2 {
        return Ok(None);
    }
    let xs: Vec<f64> = points.iter().filter_map(|c| c.x).collect();
    let (xmin, xmax) = (
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(0.0, f64::max),
    );
    let ys: Vec<f64> = points
        .iter()
        .flat_map(|c| c.cells.iter().filter_map(&value))
        .filter(|y| y.is_finite())
        .collect();
    let ymax = ys.iter().copied().fold(0.0_f64, f64::max).max(1e-9);
    let (factor, unit) = if seconds { unit(ymax) } else { (1.0, "") };
    let desc = if seconds {
        format!("{y_desc} ({unit})")
    } else {
        y_desc.to_owned()
    };
    let x_name = w.x_name.clone().unwrap_or_default();
    let svg = render(&name, |root| {
        root.fill(&WHITE)?;
        macro_rules! draw_lines {
            ($chart:ident) => {
                $chart
                    .configure_mesh()
                    .x_desc(x_name.as_str())
                    .y_desc(desc.as_str())
                    .x_label_formatter(&|x| format!("{x:.0}"))
                    .y_labels(8)
                    .y_label_formatter(&|y| super::fmt_num(*y))
                    .y_max_light_lines(1)
                    .label_style(("sans-serif", 12))
                    .draw()?;
                for (j, backend) in report.settings.backends.iter().enumerate() {
                    let c = colour(j);
                    let series: Vec<(f64, f64)> = points
                        .iter()
                        .filter_map(|case| {
                            let cell = case.cells.iter().find(|cell| &cell.backend == backend)?;
                            Some((case.x?, value(cell)? * factor))
                        })
                        .collect();
                    $chart
                        .draw_series(LineSeries::new(series.clone(), c.stroke_width(2)))?
                        .label(backend.as_str())
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 14, y)], c.stroke_width(2))
                        });
                    $chart.draw_series(series.iter().map(|&p| Circle::new(p, 3, c.filled())))?;
                }
                $chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::UpperRight)
                    .background_style(WHITE.mix(0.9))
                    .border_style(BLACK.mix(0.4))
                    .label_font(("sans-serif", 13))
                    .draw()?;
            };
        }
        let builder = || {
            let mut b = ChartBuilder::on(root);
            b.caption(format!("{} — {}", w.title, y_desc), ("sans-serif", 18))
                .margin(12)
                .margin_bottom(28)
                .x_label_area_size(40)
                .y_label_area_size(64);
            b
        };
        let x_range = (xmin * 0.8..xmax * 1.25).log_scale();
        // Times span decades (a limit of 1 against 800): a log axis; ratios
        // such as the efficiency: a linear one from 0.
        if seconds {
            let ymin = ys.iter().copied().fold(f64::INFINITY, f64::min).max(1e-12);
            let mut chart = builder().build_cartesian_2d(
                x_range,
                (ymin * factor * 0.7..ymax * factor * 1.4).log_scale(),
            )?;
            draw_lines!(chart);
        } else {
            let mut chart = builder().build_cartesian_2d(x_range, 0f64..ymax * factor * 1.15)?;
            draw_lines!(chart);
        }
        footer(report, root)
    })?;
    Ok(Some(svg))
}

/// Every chart of the report: a bar chart per workload, and line charts for
/// the sweeps.
pub(super) fn all(report: &Report) -> Result<Vec<(String, String)>, Error> {
    let mut charts = Vec::new();
    for w in &report.workloads {
        charts.push((format!("{}.svg", slug(&w.name)), bars(report, w)?));
        let name = format!("{}-time.svg", slug(&w.name));
        if let Some(svg) = lines(
            report,
            w,
            name.clone(),
            "time, median",
            |c| Some(c.time_s.median),
            true,
        )? {
            charts.push((name, svg));
        }
        let name = format!("{}-efficiency.svg", slug(&w.name));
        let efficiency = |c: &super::Cell| c.metrics.get("efficiency").map(|s| s.median);
        if w.cases
            .iter()
            .any(|c| c.cells.iter().any(|cell| efficiency(cell).is_some()))
            && let Some(svg) = lines(
                report,
                w,
                name.clone(),
                "efficiency (ideal / measured)",
                efficiency,
                false,
            )?
        {
            charts.push((name, svg));
        }
    }
    Ok(charts)
}
