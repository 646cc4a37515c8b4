//! A calendar's working time laid out over a run of consecutive local dates: the working
//! intervals of each date in turn, merged as instants (an interval that overlaps what came
//! before counts only what is new, so an hour two ranges share counts once), each with the
//! working time up to its end. Working time between two instants is then a difference of two
//! running totals, and the instant a working time runs out is found by a binary search,
//! however many days lie between.

use chrono::NaiveDate;

/// Working intervals over the dates `first ..= last`.
#[derive(Debug, Default)]
pub(super) struct Timeline {
    /// The first and last dates covered; `None` before anything is laid out.
    dates: Option<(NaiveDate, NaiveDate)>,
    /// Disjoint intervals in time order, as they count.
    spans: Vec<(i64, i64)>,
    /// The working seconds in each span and all before it.
    through: Vec<i64>,
    /// The end of the last span: a later interval counts only from here.
    counted_to: i64,
}

impl Timeline {
    /// How many dates are covered.
    pub(super) fn days(&self) -> i64 {
        self.dates.map_or(0, |(a, b)| (b - a).num_days() + 1)
    }

    /// Whether the dates `from ..= to` are covered.
    pub(super) fn covers(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.dates.is_some_and(|(a, b)| a <= from && to <= b)
    }

    /// The first date covered.
    pub(super) fn first(&self) -> Option<NaiveDate> {
        self.dates.map(|(a, _)| a)
    }

    /// The last date covered.
    pub(super) fn last(&self) -> Option<NaiveDate> {
        self.dates.map(|(_, b)| b)
    }

    /// Starts over at `first` (nothing covered yet; the next [`Timeline::extend`] lays out
    /// `first` onwards).
    pub(super) fn restart(&mut self, first: NaiveDate) {
        self.dates = first.pred_opt().map(|before| (first, before));
        self.spans.clear();
        self.through.clear();
        self.counted_to = i64::MIN;
    }

    /// Lays out the dates after the last one covered up to `to`, each date's intervals given by
    /// `intervals` in time order.
    pub(super) fn extend(&mut self, to: NaiveDate, mut intervals: impl FnMut(NaiveDate) -> Vec<(i64, i64)>) {
        let Some((first, mut last)) = self.dates else {
            return;
        };
        while last < to {
            let Some(date) = last.succ_opt() else {
                break;
            };
            for (a, b) in intervals(date) {
                let a = a.max(self.counted_to);
                if b <= a {
                    continue;
                }
                let total = self.through.last().copied().unwrap_or(0) + (b - a);
                self.spans.push((a, b));
                self.through.push(total);
                self.counted_to = b;
            }
            last = date;
        }
        self.dates = Some((first, last));
    }

    /// The working seconds laid out before `t`.
    pub(super) fn worked_before(&self, t: i64) -> i64 {
        let i = self.spans.partition_point(|&(a, _)| a < t);
        match i.checked_sub(1) {
            Some(k) => self.through[k] - (self.spans[k].1 - t).max(0),
            None => 0,
        }
    }

    /// The first instant by which `worked` working seconds have been laid out (the end of
    /// that working second), if they have been.
    pub(super) fn instant_of(&self, worked: i64) -> Option<i64> {
        let i = self.through.partition_point(|&total| total < worked);
        let (_, b) = *self.spans.get(i)?;
        Some(b - (self.through[i] - worked))
    }
}
