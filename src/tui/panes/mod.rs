//! The four panes by name (which one has the focus; what each keeps, its cursor and its
//! filter, indexed by pane), and one file per pane with its columns and rows.

pub mod breaches;
pub mod reviews;
pub mod services;
pub mod touch_points;

use std::ops::{Index, IndexMut};

/// A pane's table: the header, the column widths and the rows on screen.
pub type Columns = (
    Vec<&'static str>,
    Vec<ratatui::layout::Constraint>,
    Vec<ratatui::widgets::Row<'static>>,
);

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
