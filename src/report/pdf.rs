//! The review as one A4 PDF, with no browser: the document's blocks ([`super::blocks`]) laid
//! out in Helvetica (one of the fonts every PDF reader has, so nothing is embedded) through
//! `pdf-writer`. Each section starts a page; a table row, a chart or a heading with what
//! follows it never splits across pages, and a table carried over repeats its header. Text
//! is written in the Windows-1252 encoding those fonts use: a character outside it prints as
//! "?" (names in other scripts need the HTML).

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::blocks::{Block, document};
use super::charts::{axis_floor, label_pct as percent_label};
use super::{Audience, DayAvailability, ServiceReview};
use crate::domain::text::inert;

/// A4 in points, upright; a customer's summary (a wide matrix) lies on its side.
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Helvetica's advance widths (per 1000 units of the font size) for the printable ASCII
/// characters, from its Adobe font metrics; other characters are taken as a digit's width.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space…/
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0…?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @…O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P…_
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `…o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p…~
];

/// The width of `text` at `size` points; bold is taken as a tenth wider (an upper bound of
/// Helvetica-Bold's widths, so bold text never overruns its column).
fn width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| {
            let i = c as usize;
            if (32..127).contains(&i) {
                u32::from(HELVETICA[i - 32])
            } else {
                556
            }
        })
        .sum();
    units as f32 * size / 1000.0 * if bold { 1.1 } else { 1.0 }
}

/// Windows-1252 bytes of a text (what the fonts' WinAnsiEncoding reads).
fn ansi(text: &str) -> Vec<u8> {
    let clean = inert(text);
    clean
        .chars()
        .flat_map(|c| -> Vec<u8> {
            match c {
                ' '..='~' => vec![c as u8],
                '\u{a0}'..='\u{ff}' => vec![c as u32 as u8],
                '€' => vec![0x80],
                '‚' => vec![0x82],
                '„' => vec![0x84],
                '…' => vec![0x85],
                '‘' => vec![0x91],
                '’' => vec![0x92],
                '“' => vec![0x93],
                '”' => vec![0x94],
                '•' => vec![0x95],
                '–' => vec![0x96],
                '—' => vec![0x97],
                'Š' => vec![0x8a],
                'Œ' => vec![0x8c],
                'Ž' => vec![0x8e],
                'š' => vec![0x9a],
                'œ' => vec![0x9c],
                'ž' => vec![0x9e],
                'Ÿ' => vec![0x9f],
                '→' => b"->".to_vec(),
                '▲' => b"up".to_vec(),
                '▼' => b"down".to_vec(),
                _ => vec![b'?'],
            }
        })
        .collect()
}

/// Words of `text` in lines no wider than `first` (the first line) and `rest` points; a word
/// wider than a line is broken where it must be.
fn wrap(text: &str, size: f32, bold: bool, first: f32, rest: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let limit = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size, bold) <= limit(&lines) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let mut longer = line.clone();
            longer.push(c);
            if !line.is_empty() && width(&longer, size, bold) > limit(&lines) {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = longer;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Column widths for a table at a font size: each column gets room for its widest word, and
/// what is left is shared out by how much more its widest cell would use.
fn column_widths(head: &[String], rows: &[Vec<String>], size: f32, pad: f32, body: f32) -> Vec<f32> {
    let n = head.len().max(1);
    let cells = |i: usize| {
        rows.iter()
            .filter_map(move |r| r.get(i).map(|c| (c.as_str(), false)))
            .chain(std::iter::once((head.get(i).map_or("", String::as_str), true)))
    };
    let least: Vec<f32> = (0..n)
        .map(|i| {
            cells(i)
                .flat_map(|(c, bold)| c.split_whitespace().map(move |w| width(w, size, bold)))
                .fold(0.0, f32::max)
                + 2.0 * pad
        })
        .collect();
    let most: Vec<f32> = (0..n)
        .map(|i| {
            cells(i)
                .map(|(c, bold)| width(c, size, bold))
                .fold(0.0, f32::max)
                .min(body / 2.0)
                + 2.0 * pad
        })
        .zip(&least)
        .map(|(m, l)| m.max(*l))
        .collect();
    let (sum_least, sum_most): (f32, f32) = (least.iter().sum(), most.iter().sum());
    if sum_most <= body {
        most
    } else if sum_least <= body {
        let share = (body - sum_least) / (sum_most - sum_least).max(1e-3);
        least.iter().zip(&most).map(|(l, m)| l + (m - l) * share).collect()
    } else {
        least.iter().map(|l| l * body / sum_least).collect()
    }
}

type Rgb = (f32, f32, f32);
const INK: Rgb = (0.07, 0.07, 0.07);
const GREY: Rgb = (0.33, 0.33, 0.33);
const GREEN: Rgb = (0.18, 0.49, 0.2);
const RED: Rgb = (0.78, 0.16, 0.16);
const AMBER: Rgb = (0.7, 0.42, 0.0);

/// Pages being laid out, top to bottom.
struct Layout {
    /// Each page's content and whether it lies on its side.
    pages: Vec<(Content, bool)>,
    /// The baseline room left: the distance from the bottom margin.
    y: f32,
    /// Whether new pages lie on their side.
    landscape: bool,
    /// The width text and tables take on the current page.
    body: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: Vec::new(),
            y: 0.0,
            landscape: false,
            body: PAGE_W - 2.0 * MARGIN,
        }
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last].0
    }

    fn new_page(&mut self) {
        self.pages.push((Content::new(), self.landscape));
        let (w, h) = if self.landscape {
            (PAGE_H, PAGE_W)
        } else {
            (PAGE_W, PAGE_H)
        };
        self.body = w - 2.0 * MARGIN;
        self.y = h - MARGIN;
    }

    /// Makes room for `height` points, on a new page if this one has too little.
    fn room(&mut self, height: f32) {
        if self.pages.is_empty() || self.y - height < MARGIN {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, y: f32, text: &str, size: f32, bold: bool, color: Rgb) {
        let bytes = ansi(text);
        let page = self.page();
        page.set_fill_rgb(color.0, color.1, color.2);
        page.begin_text();
        page.set_font(if bold { BOLD } else { REGULAR }, size);
        page.next_line(x, y);
        page.show(Str(&bytes));
        page.end_text();
    }

    /// A paragraph, wrapped to the body's width, with an optional bold label before it.
    fn paragraph(&mut self, label: Option<&str>, text: &str, size: f32, color: Rgb) {
        let lead = size * 1.3;
        let label_w = label.map_or(0.0, |l| width(&format!("{l}: "), size, true));
        let lines = wrap(text, size, false, self.body - label_w, self.body);
        self.room(lead * lines.len() as f32 + 4.0);
        for (i, line) in lines.iter().enumerate() {
            self.y -= lead;
            let y = self.y;
            let mut x = MARGIN;
            if i == 0
                && let Some(l) = label
            {
                self.text_at(x, y, &format!("{l}:"), size, true, INK);
                x += label_w;
            }
            self.text_at(x, y, line, size, false, color);
        }
        self.y -= 4.0;
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title(t) => {
                self.room(30.0);
                self.y -= 18.0;
                let y = self.y;
                self.text_at(MARGIN, y, t, 15.0, true, INK);
                self.y -= 8.0;
            }
            Block::Heading(h) => {
                // A heading keeps a few lines of what follows on its page.
                self.room(70.0);
                self.y -= 18.0;
                let y = self.y;
                self.text_at(MARGIN, y, h, 11.5, true, INK);
                self.y -= 4.0;
            }
            Block::Text(t) => self.paragraph(None, t, 9.5, INK),
            Block::Muted(t) => self.paragraph(None, t, 8.5, GREY),
            Block::Labelled(label, text) => self.paragraph(Some(label), text, 9.5, INK),
            Block::List(items) => {
                for item in items {
                    self.paragraph(None, &format!("•  {item}"), 9.5, INK);
                }
            }
            Block::Table { head, rows } => self.table(head, rows),
            Block::SmallBars(charts) => {
                let (w, h, gap) = (158.0, 78.0, 12.0);
                for row in charts.chunks(3) {
                    self.room(h + 16.0);
                    self.y -= 12.0;
                    let top = self.y;
                    for (i, (caption, bars, goal)) in row.iter().enumerate() {
                        let x = MARGIN + i as f32 * (w + gap);
                        self.text_at(x, top, caption, 8.0, false, GREY);
                        self.bars(x, top - 4.0, w, h - 8.0, bars, *goal);
                    }
                    self.y = top - h;
                }
            }
            Block::Daily { days, goal, note } => {
                let bars: Vec<(String, Option<f64>)> = days
                    .iter()
                    .map(|d| (d.date.format("%d").to_string(), Some(d.percent)))
                    .collect();
                self.room(110.0);
                let top = self.y - 6.0;
                let body = self.body;
                self.bars(MARGIN, top, body, 90.0, &bars, *goal);
                self.y = top - 92.0;
                self.paragraph(None, note, 8.0, GREY);
            }
            Block::BurnDown { days, budget_min, note } => {
                self.room(100.0);
                let top = self.y - 6.0;
                let body = self.body;
                self.burn_down(MARGIN, top, body, 80.0, days, *budget_min);
                self.y = top - 82.0;
                self.paragraph(None, note, 8.0, GREY);
            }
        }
    }

    fn table(&mut self, head: &[String], rows: &[Vec<String>]) {
        const PAD: f32 = 3.0;
        // A wide table (a customer's matrix) is set smaller, down to 6 points, before its
        // words would have to break.
        let body = self.body;
        let least: f32 = column_widths(head, rows, 8.5, PAD, body).iter().sum::<f32>();
        let size = if least > body {
            (8.5 * body / least).max(6.0)
        } else {
            8.5
        };
        let widths = column_widths(head, rows, size, PAD, body);
        let lead = size * 1.25;
        let n = widths.len();
        let lines_of = |cells: &[String], bold: bool| -> Vec<Vec<String>> {
            (0..n)
                .map(|i| {
                    let text = cells.get(i).map_or("", String::as_str);
                    wrap(text, size, bold, widths[i] - 2.0 * PAD, widths[i] - 2.0 * PAD)
                })
                .collect()
        };
        let head_lines = lines_of(head, true);
        let height = |lines: &[Vec<String>]| lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lead + 2.0 * PAD;
        let head_h = height(&head_lines);
        let mut first = true;
        for row in rows {
            let cells = lines_of(row, false);
            let h = height(&cells);
            if first || self.y - h < MARGIN {
                self.room(head_h + h + 6.0);
                self.y -= 4.0;
                self.row(&widths, &head_lines, head, head_h, true, size);
                first = false;
            }
            self.row(&widths, &cells, row, h, false, size);
        }
        if rows.is_empty() {
            self.room(head_h + 6.0);
            self.y -= 4.0;
            self.row(&widths, &head_lines, head, head_h, true, size);
        }
        self.y -= 6.0;
    }

    fn row(&mut self, widths: &[f32], lines: &[Vec<String>], cells: &[String], h: f32, header: bool, size: f32) {
        const PAD: f32 = 3.0;
        let lead = size * 1.25;
        let top = self.y;
        let mut x = MARGIN;
        for (i, w) in widths.iter().enumerate() {
            let page = self.page();
            if header {
                page.set_fill_rgb(0.93, 0.93, 0.93);
                page.rect(x, top - h, *w, h);
                page.fill_nonzero();
            }
            page.set_stroke_rgb(0.73, 0.73, 0.73);
            page.set_line_width(0.5);
            page.rect(x, top - h, *w, h);
            page.stroke();
            let color = match cells.get(i).map(String::as_str) {
                Some("met" | "green") if !header => GREEN,
                Some("missed" | "red") if !header => RED,
                Some("at risk" | "amber") if !header => AMBER,
                _ => INK,
            };
            for (k, line) in lines.get(i).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                let y = top - PAD - lead * (k as f32 + 1.0) + 2.0;
                self.text_at(x + PAD, y, line, size, header, color);
            }
            x += w;
        }
        self.y = top - h;
    }

    /// A tick's label, set right-aligned against the axis at `x`.
    fn axis_label(&mut self, x: f32, y: f32, label: &str) {
        self.text_at(x - 3.0 - width(label, 6.5, false), y - 2.0, label, 6.5, false, GREY);
    }

    /// Bars of percentages on a labelled axis with the target dashed; `top` is the chart's
    /// upper edge.
    fn bars(&mut self, x: f32, top: f32, w: f32, h: f32, bars: &[(String, Option<f64>)], goal: f64) {
        let floor = axis_floor(bars.iter().filter_map(|(_, v)| *v), goal);
        let (axis, foot, right) = (26.0, 10.0, 40.0);
        let plot_h = h - foot;
        let y_of = |v: f64| top - plot_h + (((v - floor) / (100.0 - floor).max(1e-9)).clamp(0.0, 1.0) as f32) * plot_h;
        let bw = (w - axis - right) / bars.len().max(1) as f32;
        for tick in [floor, (floor + 100.0) / 2.0, 100.0] {
            let ty = y_of(tick);
            let page = self.page();
            page.set_stroke_rgb(0.87, 0.87, 0.87);
            page.set_line_width(0.5);
            page.move_to(x + axis, ty);
            page.line_to(x + w - right, ty);
            page.stroke();
            self.axis_label(x + axis, ty, &percent_label(tick));
        }
        for (i, (label, v)) in bars.iter().enumerate() {
            let bx = x + axis + i as f32 * bw;
            if let Some(v) = v {
                let color = if *v + 1e-9 >= goal { GREEN } else { RED };
                let bottom = top - plot_h;
                let page = self.page();
                page.set_fill_rgb(color.0, color.1, color.2);
                page.rect(bx + 0.5, bottom, (bw - 1.0).max(0.5), (y_of(*v) - bottom).max(0.5));
                page.fill_nonzero();
            }
            if bars.len() <= 12 || i % 2 == 0 {
                let lw = width(label, 6.5, false);
                self.text_at(bx + (bw - lw) / 2.0, top - h + 1.0, label, 6.5, false, GREY);
            }
        }
        let gy = y_of(goal);
        let page = self.page();
        page.set_stroke_rgb(0.2, 0.2, 0.2);
        page.set_line_width(0.7);
        page.set_dash_pattern([3.0, 2.0], 0.0);
        page.move_to(x + axis, gy);
        page.line_to(x + w - right, gy);
        page.stroke();
        page.set_dash_pattern([], 0.0);
        self.text_at(
            x + w - right + 2.0,
            gy - 2.0,
            &format!("target {}", percent_label(goal)),
            6.5,
            false,
            INK,
        );
    }

    fn burn_down(&mut self, x: f32, top: f32, w: f32, h: f32, days: &[DayAvailability], budget_min: f64) {
        let (axis, foot) = (34.0, 10.0);
        let plot_h = h - foot;
        let mut left = budget_min;
        let mut points = vec![left];
        for d in days {
            left -= d.down_secs as f64 / 60.0;
            points.push(left);
        }
        let low = points.iter().copied().fold(0.0, f64::min);
        let high = budget_min.max(1.0);
        let y_of = |v: f64| top - plot_h + (((v - low) / (high - low).max(1e-9)) as f32) * plot_h;
        let step = (w - axis - 4.0) / days.len().max(1) as f32;
        for tick in [0.0, high, low] {
            let ty = y_of(tick);
            let page = self.page();
            page.set_stroke_rgb(0.8, 0.8, 0.8);
            page.set_line_width(0.5);
            page.move_to(x + axis, ty);
            page.line_to(x + w, ty);
            page.stroke();
            self.axis_label(x + axis, ty, &format!("{tick:.0}m"));
        }
        let color = if left < 0.0 { RED } else { GREEN };
        let page = self.page();
        page.set_stroke_rgb(color.0, color.1, color.2);
        page.set_line_width(1.5);
        for (i, v) in points.iter().enumerate() {
            let (px, py) = (x + axis + i as f32 * step, y_of(*v));
            if i == 0 {
                page.move_to(px, py);
            } else {
                page.line_to(px, py);
            }
        }
        page.stroke();
        for (i, d) in days.iter().enumerate().filter(|(i, _)| i % 5 == 0) {
            let label = d.date.format("%d").to_string();
            self.text_at(
                x + axis + (i + 1) as f32 * step - 4.0,
                top - h + 1.0,
                &label,
                6.5,
                false,
                GREY,
            );
        }
    }
}

/// The reviews as one PDF document.
pub fn to_pdf(reports: &[ServiceReview], audience: Audience) -> Vec<u8> {
    let mut layout = Layout::new();
    for section in document(reports, audience) {
        layout.landscape = section.summary;
        layout.new_page();
        for block in &section.blocks {
            layout.block(block);
        }
    }
    if layout.pages.is_empty() {
        layout.new_page();
    }
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    let count = layout.pages.len() as i32;
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids((0..count).map(|i| Ref::new(first_page + 2 * i)))
        .count(count);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = match reports {
        [one] => format!("Service review: {} — {}", one.service, one.period),
        [first, ..] if reports.iter().all(|r| r.customer == first.customer) && !first.customer.is_empty() => {
            format!("Service review: {} — {}", first.customer, first.period)
        }
        [first, ..] => format!("Service review — {}", first.period),
        [] => "Service review".into(),
    };
    pdf.document_info(info).title(TextStr(&title)).producer(TextStr("sdm"));
    for (i, (content, landscape)) in layout.pages.into_iter().enumerate() {
        let page_id = Ref::new(first_page + 2 * i as i32);
        let content_id = Ref::new(first_page + 2 * i as i32 + 1);
        let mut page = pdf.page(page_id);
        let (w, h) = if landscape { (PAGE_H, PAGE_W) } else { (PAGE_W, PAGE_H) };
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn text_goes_out_in_the_fonts_encoding() {
        assert_eq!(ansi("Café — 5 €"), b"Caf\xe9 \x97 5 \x80".to_vec());
        assert_eq!(ansi("▲ ✓"), b"up ?".to_vec());
    }

    #[test]
    fn lines_wrap_within_their_width() {
        let lines = wrap(
            "Mean time to respond 20m · to resolve 1h 22m (wall clock)",
            10.0,
            false,
            100.0,
            100.0,
        );
        assert!(lines.len() > 1, "{lines:?}");
        for l in &lines {
            assert!(width(l, 10.0, false) <= 100.0, "{l}");
        }
        // A word wider than its column breaks.
        let broken = wrap("resolution", 10.0, false, 20.0, 20.0);
        assert!(broken.len() > 1 && broken.concat() == "resolution", "{broken:?}");
        assert_eq!(wrap("", 10.0, false, 100.0, 100.0), vec![String::new()]);
    }
}
