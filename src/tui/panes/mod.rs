//! The four panes by name (which one has the focus; what each keeps, its cursor and its
//! filter, indexed by pane), and one file per pane with its columns and rows.

pub mod breaches;
pub mod reviews;
pub mod services;
pub mod touch_points;

use std::ops::{Index, IndexMut};

use ratatui::layout::Constraint;
use ratatui::style::Style;
use ratatui::widgets::{Cell, Row};

/// A pane's table: the header, the column widths and the rows on screen.
pub type Columns = (Vec<&'static str>, Vec<Constraint>, Vec<Row<'static>>);

/// One column of a pane: its header, the least and the most room it takes, and its rank
/// (0 first): a narrow pane leaves out the highest ranks, a wide one shows every column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub title: &'static str,
    pub min: u16,
    pub max: u16,
    pub rank: u8,
}

/// A column, in one line: its header, least and most widths, and rank.
pub const fn col(title: &'static str, min: u16, max: u16, rank: u8) -> Col {
    Col { title, min, max, rank }
}

/// A cell's text and style.
pub type Text = (String, Style);

/// The widths of the columns that fit in `width` (`None` for one left out), with a space
/// between two columns: columns join by rank (in screen order within a rank) while their
/// least widths fit; the room left then widens them toward their most, in the same order.
pub fn fit(cols: &[Col], width: u16) -> Vec<Option<u16>> {
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| (cols[i].rank, i));
    let mut widths: Vec<Option<u16>> = vec![None; cols.len()];
    let mut used: u16 = 0;
    for &i in order.iter().filter(|&&i| cols[i].rank < EXTRA) {
        let gap = u16::from(used > 0);
        let need = cols[i].min.saturating_add(gap);
        if used.saturating_add(need) <= width {
            widths[i] = Some(cols[i].min);
            used += need;
        }
    }
    let mut left = width.saturating_sub(used);
    for &i in &order {
        if let Some(w) = widths[i] {
            let grow = cols[i].max.saturating_sub(w).min(left);
            widths[i] = Some(w + grow);
            left -= grow;
        }
    }
    // Extras take only the room no other column wants.
    for (i, c) in cols.iter().enumerate() {
        if c.rank >= EXTRA && c.min < left {
            let w = c.max.min(left - 1);
            widths[i] = Some(w);
            left -= w + 1;
        }
    }
    widths
}

/// The rank of an extra column: it joins only once every other column shown has its most room.
pub const EXTRA: u8 = 9;

/// A pane's table from its columns and its rows' cells, each cut with "…" to its column.
pub fn table(cols: &[Col], width: u16, rows: Vec<Vec<Text>>) -> Columns {
    let widths = fit(cols, width);
    let shown: Vec<(usize, u16)> = widths
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.map(|w| (i, w)))
        .collect();
    let header = shown.iter().map(|&(i, _)| cols[i].title).collect();
    let constraints = shown.iter().map(|&(_, w)| Constraint::Length(w)).collect();
    let rows = rows
        .into_iter()
        .map(|cells| {
            Row::new(shown.iter().map(|&(i, w)| {
                let (text, style) = cells.get(i).cloned().unwrap_or_default();
                Cell::from(super::view::clip(&text, usize::from(w))).style(style)
            }))
        })
        .collect();
    (header, constraints, rows)
}

/// One of the four panes, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaneId {
    #[default]
    Services,
    Breaches,
    TouchPoints,
    Reviews,
}

impl PaneId {
    pub const ALL: [PaneId; 4] = [PaneId::Services, PaneId::Breaches, PaneId::TouchPoints, PaneId::Reviews];

    /// Its place on screen, 0 to 3 (the key that focuses it is one more).
    pub fn index(self) -> usize {
        match self {
            PaneId::Services => 0,
            PaneId::Breaches => 1,
            PaneId::TouchPoints => 2,
            PaneId::Reviews => 3,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Services => "Services",
            PaneId::Breaches => "Breaches",
            PaneId::TouchPoints => "Touch points",
            PaneId::Reviews => "Reviews",
        }
    }

    pub fn next(self) -> PaneId {
        PaneId::ALL[(self.index() + 1) % 4]
    }

    pub fn prev(self) -> PaneId {
        PaneId::ALL[(self.index() + 3) % 4]
    }
}

/// A value per pane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerPane<T>(pub [T; 4]);

impl<T> Index<PaneId> for PerPane<T> {
    type Output = T;
    fn index(&self, pane: PaneId) -> &T {
        &self.0[pane.index()]
    }
}

impl<T> IndexMut<PaneId> for PerPane<T> {
    fn index_mut(&mut self, pane: PaneId) -> &mut T {
        &mut self.0[pane.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Col; 4] = [
        col("Service", 14, 30, 0),
        col("Customer", 10, 20, 2),
        col("Health", 10, 10, 0),
        col("Touch", 6, 6, 3),
    ];

    #[test]
    fn narrow_panes_leave_out_the_highest_ranks_and_wide_ones_grow_by_rank() {
        // 14 + 1 + 10 = 25: only the first rank.
        assert_eq!(fit(&COLS, 30), vec![Some(19), None, Some(10), None]);
        // Room for all at their least (14+10+10+6 + 3 gaps = 43), the rest to Service first.
        assert_eq!(fit(&COLS, 50), vec![Some(21), Some(10), Some(10), Some(6)]);
        assert_eq!(fit(&COLS, 200), vec![Some(30), Some(20), Some(10), Some(6)]);
        assert_eq!(fit(&COLS, 0), vec![None, None, None, None]);
    }

    #[test]
    fn an_extra_column_joins_only_when_the_others_have_their_most_room() {
        let cols = [col("Service", 14, 30, 0), col("Notice", 6, 7, EXTRA)];
        // The name could still grow: no notice.
        assert_eq!(fit(&cols, 30), vec![Some(30), None]);
        assert_eq!(fit(&cols, 37), vec![Some(30), Some(6)]);
        assert_eq!(fit(&cols, 60), vec![Some(30), Some(7)]);
    }
}
