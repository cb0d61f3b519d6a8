//! Median and worst of repeated measurements.

pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The worst of `values`: the largest for times, the smallest for rates.
pub fn worst(values: &[f64], higher_is_better: bool) -> f64 {
    let fold = if higher_is_better { f64::min } else { f64::max };
    values.iter().copied().reduce(fold).unwrap_or(f64::NAN)
}
