//! The charts of `aiguilleur stats --svg`, for a CLCT slide: demand by theme over the weeks, by
//! stage of the project, by population band. One SVG, French titles and labels, drawn with
//! `plotters`' SVG backend (text stays text: the viewer's fonts draw it).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::dim;
use super::report::Report;

const WIDTH: u32 = 1100;
const PANEL: u32 = 460;
/// Themes drawn, the most asked for (more lines would not read).
const THEMES_SHOWN: usize = 6;
/// Room on the right of the theme chart for its legend.
const LEGEND: u32 = 330;
const FONT: &str = "sans-serif";

/// The SVG of the report's three charts.
///
/// # Errors
/// When plotters fails to lay a chart out (it does not, with finite counts).
pub fn svg(report: &Report) -> Result<String, String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, PANEL * 3)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let panels = root.split_evenly((3, 1));
        themes_over_time(&panels[0], report).map_err(|e| e.to_string())?;
        let etapes = report.totals(dim::ETAPE);
        bars(&panels[1], "Demande par étape du projet", &etapes, &RGBColor(0, 0, 145)).map_err(|e| e.to_string())?;
        let tranches = report.totals(dim::TRANCHE);
        bars(&panels[2], "Demande par tranche de population", &tranches, &RGBColor(225, 0, 15))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Failed<'a> = DrawingAreaErrorKind<<SVGBackend<'a> as DrawingBackend>::ErrorType>;

const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 0, 145),
    RGBColor(225, 0, 15),
    RGBColor(0, 130, 90),
    RGBColor(230, 140, 0),
    RGBColor(120, 60, 170),
    RGBColor(0, 150, 200),
    RGBColor(128, 128, 128),
];

fn themes_over_time<'a>(whole: &Area<'a>, report: &Report) -> Result<(), Failed<'a>> {
    let totals = report.totals(dim::THEME);
    let (area, legend) = whole.split_horizontally(WIDTH - LEGEND);
    let weeks = &report.weeks;
    let series: Vec<(String, Vec<i64>)> = totals
        .iter()
        .take(THEMES_SHOWN)
        .map(|(v, l, _)| (l.clone(), weeks.iter().map(|w| report.week_value(w, dim::THEME, v)).collect()))
        .collect();
    let max = series.iter().flat_map(|(_, v)| v.iter().copied()).max().unwrap_or(0).max(1);
    let last = i32::try_from(weeks.len().saturating_sub(1)).unwrap_or(0).max(1);
    let mut chart = ChartBuilder::on(&area)
        .caption("Demande par thème, semaine par semaine", (FONT, 26))
        .margin(20)
        .margin_right(30)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(0..last, 0..max + max / 10 + 1)?;
    let labels = weeks.len().clamp(2, 12);
    chart
        .configure_mesh()
        .x_labels(labels)
        .light_line_style(WHITE)
        .x_label_formatter(&|i| {
            usize::try_from(*i).ok().and_then(|i| weeks.get(i)).map(|w| w.replace("-W", " s")).unwrap_or_default()
        })
        .x_desc("semaine (année et numéro ISO)")
        .y_desc("conversations arrivées aux résultats")
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()?;
    for (i, (label, values)) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let points = values.iter().enumerate().map(|(x, y)| (i32::try_from(x).unwrap_or(0), *y));
        chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(3)))?;
        // A dot on each week: a single week is a dot, not an invisible line.
        chart.draw_series(points.map(|p| Circle::new(p, 4, color.filled())))?;
        // The legend beside the chart, where it hides no line.
        if i == 0 {
            let title = format!("Les {} thèmes les plus demandés :", series.len());
            legend.draw(&Text::new(title, (0, 52), (FONT, 16).into_font().color(&BLACK)))?;
        }
        let y = 92 + 28 * i32::try_from(i).unwrap_or(0);
        legend.draw(&PathElement::new(vec![(0, y), (28, y)], color.stroke_width(4)))?;
        legend.draw(&Text::new(label.clone(), (36, y - 8), (FONT, 16).into_font().color(&BLACK)))?;
    }
    Ok(())
}

/// Horizontal bars, one per value, in the order given, with their count at the end.
fn bars<'a>(
    area: &Area<'a>,
    title: &str,
    values: &[(String, String, i64)],
    color: &RGBColor,
) -> Result<(), Failed<'a>> {
    let max = values.iter().map(|(_, _, n)| *n).max().unwrap_or(0).max(1);
    // The first value on top: row `rows - 1 - i`.
    let rows = i32::try_from(values.len()).unwrap_or(0).max(1);
    let labels: Vec<String> = values.iter().map(|(_, l, _)| l.clone()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 26))
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(300)
        .build_cartesian_2d(0..max + max / 8 + 1, (0..rows - 1).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .y_labels(labels.len().max(1))
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => {
                usize::try_from(rows - 1 - *i).ok().and_then(|i| labels.get(i)).cloned().unwrap_or_default()
            }
            _ => String::new(),
        })
        .x_desc("conversations arrivées aux résultats")
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()?;
    chart.draw_series(values.iter().enumerate().map(|(i, (_, _, n))| {
        let i = rows - 1 - i32::try_from(i).unwrap_or(0);
        let mut bar = Rectangle::new([(0, SegmentValue::Exact(i)), (*n, SegmentValue::Exact(i + 1))], color.filled());
        bar.set_margin(6, 6, 0, 0);
        bar
    }))?;
    chart.draw_series(values.iter().enumerate().map(|(i, (_, _, n))| {
        let i = rows - 1 - i32::try_from(i).unwrap_or(0);
        EmptyElement::at((*n, SegmentValue::CenterOf(i)))
            + Text::new(n.to_string(), (6, -8), (FONT, 15).into_font().color(&BLACK))
    }))?;
    Ok(())
}
