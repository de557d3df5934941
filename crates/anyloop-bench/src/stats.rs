//! Statistics of repeated measurements: median, quartiles, min–max, the
//! ratio of two medians with its spread, and the ratios of paired samples.

use serde::Serialize;

/// The summary of one cell's samples (seconds, or the unit of a metric).
///
/// Quartiles are interpolated linearly between the sorted samples (the
/// "type 7" definition of R and numpy's default): with samples
/// `x₀ ≤ … ≤ xₙ₋₁`, the quantile `p` is read at position `p·(n−1)`.
///
/// # Examples
///
/// ```
/// use anyloop_bench::Summary;
///
/// let s = Summary::of(&[4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
/// assert_eq!((s.median, s.q1, s.q3, s.min, s.max), (3.0, 2.0, 4.0, 1.0, 5.0));
/// assert_eq!(s.iqr(), 2.0);
/// assert!(Summary::of(&[]).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// How many samples.
    pub n: usize,
    /// The median (the quantile 0.5).
    pub median: f64,
    /// The first quartile (the quantile 0.25).
    pub q1: f64,
    /// The third quartile (the quantile 0.75).
    pub q3: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
}

impl Summary {
    /// Summarises `samples`; `None` when there are none (or one is NaN).
    ///
    /// # Examples
    ///
    /// ```
    /// let s = anyloop_bench::Summary::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
    /// assert_eq!((s.q1, s.median, s.q3), (1.75, 2.5, 3.25));
    /// ```
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.is_empty() || samples.iter().any(|x| x.is_nan()) {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Summary {
            n: sorted.len(),
            median: quantile(&sorted, 0.5),
            q1: quantile(&sorted, 0.25),
            q3: quantile(&sorted, 0.75),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
        })
    }

    /// The interquartile range, `q3 − q1`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(anyloop_bench::Summary::of(&[1.0, 2.0, 3.0, 4.0]).unwrap().iqr(), 1.5);
    /// ```
    pub fn iqr(&self) -> f64 {
        self.q3 - self.q1
    }

    /// The interquartile range relative to the median (0 when the median
    /// is 0).
    ///
    /// # Examples
    ///
    /// ```
    /// let s = anyloop_bench::Summary::of(&[1.0, 2.0, 3.0]).unwrap();
    /// assert_eq!(s.relative_iqr(), 0.5);
    /// ```
    pub fn relative_iqr(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            self.iqr() / self.median
        }
    }

    /// Whether the spread is wide: the interquartile range is more than
    /// [`NOISY`] of the median.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(anyloop_bench::Summary::of(&[1.0, 2.0, 3.0]).unwrap().is_noisy());
    /// assert!(!anyloop_bench::Summary::of(&[1.0, 1.01, 1.02]).unwrap().is_noisy());
    /// ```
    pub fn is_noisy(&self) -> bool {
        self.relative_iqr() > NOISY
    }
}

/// A cell whose interquartile range exceeds this fraction of its median is
/// reported as noisy.
///
/// # Examples
///
/// ```
/// assert_eq!(anyloop_bench::NOISY, 0.10);
/// ```
pub const NOISY: f64 = 0.10;

/// The quantile `p` (0 ≤ p ≤ 1) of sorted, non-empty samples, by linear
/// interpolation between the closest ranks.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    let pos = p.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lower = pos.floor() as usize;
    let upper = pos.ceil() as usize;
    let frac = pos - lower as f64;
    sorted[lower] + (sorted[upper] - sorted[lower]) * frac
}

/// How many times slower `other` is than `best` (a ratio of medians, ≥ 1
/// when `best` is the faster), with its spread: the ratio times the root sum
/// of squares of both cells' half-IQR relative to their medians.
pub(crate) fn ratio(other: &Summary, best: &Summary) -> (f64, f64) {
    if best.median <= 0.0 {
        return (f64::INFINITY, 0.0);
    }
    let r = other.median / best.median;
    let half = |s: &Summary| s.relative_iqr() / 2.0;
    let spread = r * (half(other).powi(2) + half(best).powi(2)).sqrt();
    (r, spread)
}

/// The ratios `other[i] / base[i]` of samples taken in pairs (round `i` of
/// both), summarised; `None` when there are none, when the two differ in
/// length, or when a base sample is not positive.
///
/// For two ways of doing the same thing run back to back in each round: a
/// slow phase of the machine that hits a round hits both of its samples,
/// and their ratio cancels it, where a ratio of the two medians can pair a
/// slow round of one with a fast round of the other.
pub(crate) fn paired_ratios(other: &[f64], base: &[f64]) -> Option<Summary> {
    if other.len() != base.len()
        || base
            .iter()
            .any(|b| b.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater))
    {
        return None;
    }
    let ratios: Vec<f64> = other.iter().zip(base).map(|(o, b)| o / b).collect();
    Summary::of(&ratios)
}

/// Percentile `p` (0–100) of samples that need not be sorted; 0 when empty.
pub(crate) fn percentile(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_by(f64::total_cmp);
    quantile(samples, p / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(Summary::of(&[3.0]).unwrap().median, 3.0);
        assert_eq!(Summary::of(&[3.0, 1.0, 2.0]).unwrap().median, 2.0);
        assert_eq!(Summary::of(&[4.0, 1.0, 3.0, 2.0]).unwrap().median, 2.5);
    }

    #[test]
    fn quartiles_interpolate_linearly() {
        // numpy.percentile([1, 2, 3, 4], [25, 75]) == [1.75, 3.25]
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((s.q1, s.q3), (1.75, 3.25));
        assert_eq!(s.iqr(), 1.5);
        // numpy.percentile([10, 20, 30, 40, 50, 60], [25, 75]) == [22.5, 47.5]
        let s = Summary::of(&[60.0, 10.0, 50.0, 20.0, 40.0, 30.0]).unwrap();
        assert_eq!((s.q1, s.median, s.q3), (22.5, 35.0, 47.5));
        assert_eq!((s.min, s.max, s.n), (10.0, 60.0, 6));
    }

    #[test]
    fn one_sample_has_no_spread() {
        let s = Summary::of(&[0.5]).unwrap();
        assert_eq!((s.q1, s.q3, s.iqr()), (0.5, 0.5, 0.0));
        assert!(!s.is_noisy());
    }

    #[test]
    fn empty_or_nan_has_no_summary() {
        assert!(Summary::of(&[]).is_none());
        assert!(Summary::of(&[1.0, f64::NAN]).is_none());
    }

    #[test]
    fn a_wide_spread_is_noisy() {
        assert!(Summary::of(&[1.0, 1.0, 2.0, 3.0, 3.0]).unwrap().is_noisy());
        assert!(!Summary::of(&[1.0, 1.01, 1.02, 1.03]).unwrap().is_noisy());
    }

    #[test]
    fn ratio_of_medians_and_its_spread() {
        let best = Summary::of(&[1.0, 1.0, 1.0]).unwrap();
        let other = Summary::of(&[2.0, 2.0, 2.0]).unwrap();
        assert_eq!(ratio(&other, &best), (2.0, 0.0));
        let other = Summary::of(&[1.8, 2.0, 2.2]).unwrap(); // IQR 0.2, relative 0.1
        let (r, spread) = ratio(&other, &best);
        assert_eq!(r, 2.0);
        assert!((spread - 0.1).abs() < 1e-12, "{spread}");
    }

    #[test]
    fn paired_ratios_cancel_what_hits_both_samples_of_a_round() {
        // A machine that slows down 3× in rounds 2 and 3 and 10× in round 4:
        // the other way is 5 % slower in every round.
        let base = [100.0, 300.0, 300.0, 1000.0, 100.0];
        let other: Vec<f64> = base.iter().map(|b| b * 1.05).collect();
        let r = paired_ratios(&other, &base).unwrap();
        assert!((r.median - 1.05).abs() < 1e-12, "{r:?}");
        assert!(r.iqr() < 1e-12, "{r:?}");
        // A machine with a slow mode (2×) that lasts half of the rounds and
        // once begins between the two samples of a round: the medians fall
        // in different modes and their ratio says 1.4, where 9 rounds of 10
        // say 1.05.
        let base = [
            100.0, 100.0, 100.0, 100.0, 100.0, 200.0, 200.0, 200.0, 200.0, 200.0,
        ];
        let mut other: Vec<f64> = base.iter().map(|b| b * 1.05).collect();
        other[4] = 210.0;
        let medians = ratio(&Summary::of(&other).unwrap(), &Summary::of(&base).unwrap()).0;
        assert!((medians - 1.4).abs() < 1e-12, "{medians}");
        let paired = paired_ratios(&other, &base).unwrap();
        assert!((paired.median - 1.05).abs() < 1e-12, "{paired:?}");
        assert_eq!(paired_ratios(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(paired_ratios(&[1.0], &[0.0]), None);
        assert_eq!(paired_ratios(&[], &[]), None);
    }

    #[test]
    fn percentiles_of_unsorted_samples() {
        let mut xs: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        assert_eq!(percentile(&mut xs, 0.0), 1.0);
        assert_eq!(percentile(&mut xs, 100.0), 100.0);
        assert!((percentile(&mut xs, 99.0) - 99.01).abs() < 1e-9);
        assert_eq!(percentile(&mut [], 50.0), 0.0);
    }
}
