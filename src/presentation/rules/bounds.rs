//! Comparisons of a hidden date or instant, shifted by `plusTime`, with a known date-time:
//! the exact set of attribute values that satisfy them.
//!
//! `plusTime` by days and hours is a translation, so `plusTime(x, n, unit) OP bound` is a
//! comparison of `x` with one bound. By months and years it is not even monotone under
//! CertLogic's ECMAScript semantics (a missing day rolls over: 2021-01-31 + 1 month is
//! 2021-03-03, after 2021-02-01 + 1 month = 2021-03-01), and has no linear inverse. Both are
//! solved the same way: a binary search finds one value where the comparison changes, then
//! every value of a window around it is evaluated with [`DateTime::plus`] itself (the
//! evaluator's own arithmetic), and the window's edges are checked to lie on the sides the
//! shift's monotone envelope promises (a month shift moves a day by 28 to 31 days per month
//! plus at most 3 days of roll-over, so two values 16 days apart never swap sides around
//! the bound). The result is a union of intervals: usually one ray, near month ends a ray
//! and a few isolated days.

use crate::certlogic::{DateTime, TimeUnit};

use super::formula::Op;

/// The window scanned around a crossing for month and year shifts, in days.
const WINDOW_DAYS: i64 = 16;

/// Why a comparison could not be solved exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SolveError {
    /// `plusTime` leaves the date-time range for some value of the domain.
    OutOfRange,
    /// The window's edges are not on the promised sides (never seen; refused, not guessed).
    NotBounded,
}

/// The values `x` of `domain` (both ends included) with `h(x) OP bound`, as sorted,
/// disjoint, inclusive intervals. `h` maps a value to milliseconds; `unit` is the shift's
/// unit and `per_day` the number of domain values per day (1 for dates, 1440 for minutes).
pub(crate) fn solve(
    domain: (i64, i64),
    h: &dyn Fn(i64) -> Result<i64, SolveError>,
    op: Op,
    bound: i64,
    unit: TimeUnit,
    per_day: i64,
) -> Result<Vec<(i64, i64)>, SolveError> {
    let (lo, hi) = domain;
    h(lo)?;
    h(hi)?;
    // Everything reduces to `h(x) >= c` (an up-set) and its complement.
    let (c, complement) = match op {
        Op::Ge => (bound, false),
        Op::Gt => (bound.saturating_add(1), false),
        Op::Lt => (bound, true),
        Op::Le => (bound.saturating_add(1), true),
        Op::Eq | Op::Ne => {
            let at_least = solve(domain, h, Op::Ge, bound, unit, per_day)?;
            let above = solve(domain, h, Op::Gt, bound, unit, per_day)?;
            let equal = difference(&at_least, &above);
            return Ok(if op == Op::Eq {
                equal
            } else {
                difference(&[domain], &equal)
            });
        }
    };
    let up = |x: i64| h(x).map(|v| v >= c);
    // A crossing: the first value where `up` holds, assuming monotony (exact for days and
    // hours, a point inside the window for months and years).
    let crossing = if up(lo)? {
        lo
    } else if !up(hi)? {
        hi.saturating_add(1)
    } else {
        let (mut f, mut t) = (lo, hi);
        while t - f > 1 {
            let mid = f + (t - f) / 2;
            if up(mid)? {
                t = mid;
            } else {
                f = mid;
            }
        }
        t
    };
    let window = match unit {
        TimeUnit::Day | TimeUnit::Hour => 0,
        TimeUnit::Month | TimeUnit::Year => WINDOW_DAYS * per_day,
    };
    let (from, to) = (
        crossing.saturating_sub(window).max(lo),
        crossing.saturating_add(window).min(hi),
    );
    if from > lo && up(from - 1)? {
        return Err(SolveError::NotBounded);
    }
    if to < hi && !up(to + 1)? {
        return Err(SolveError::NotBounded);
    }
    let mut set: Vec<(i64, i64)> = Vec::new();
    let mut push = |a: i64, b: i64| match set.last_mut() {
        Some(last) if last.1 + 1 == a => last.1 = b,
        _ => set.push((a, b)),
    };
    for x in from..=to {
        if up(x)? {
            push(x, x);
        }
    }
    // Above the window everything holds (`to < hi` only when the crossing is in the domain).
    if to < hi {
        push(to + 1, hi);
    }
    Ok(if complement {
        difference(&[domain], &set)
    } else {
        set
    })
}

/// `a` minus `b`, both sorted disjoint inclusive intervals.
fn difference(a: &[(i64, i64)], b: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for &(mut s, e) in a {
        for &(bs, be) in b {
            if be < s || bs > e {
                continue;
            }
            if bs > s {
                out.push((s, bs - 1));
            }
            s = be.saturating_add(1);
            if s > e {
                break;
            }
        }
        if s <= e {
            out.push((s, e));
        }
    }
    out
}

/// `plusTime(t, amount, unit)` in milliseconds, as the evaluator computes it.
pub(crate) fn shift(millis: i64, amount: i64, unit: TimeUnit) -> Result<i64, SolveError> {
    DateTime::from_millis(millis)
        .and_then(|d| d.plus(amount, unit))
        .map(DateTime::millis)
        .map_err(|_| SolveError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::calendar;

    const DAY: i64 = 86_400_000;

    fn brute(
        domain: (i64, i64),
        h: &dyn Fn(i64) -> Result<i64, SolveError>,
        op: Op,
        bound: i64,
    ) -> Vec<(i64, i64)> {
        let mut set: Vec<(i64, i64)> = Vec::new();
        for x in domain.0..=domain.1 {
            if op.holds(&h(x).unwrap(), &bound) {
                match set.last_mut() {
                    Some(last) if last.1 + 1 == x => last.1 = x,
                    _ => set.push((x, x)),
                }
            }
        }
        set
    }

    #[test]
    fn month_and_year_shifts_match_brute_force_at_month_ends_and_leap_days() {
        // Days of 2019..2025 as the domain, bounds around every month end and leap day.
        let domain = (
            calendar::days_from_civil(2019, 1, 1),
            calendar::days_from_civil(2025, 12, 31),
        );
        for (amount, unit) in [
            (1, TimeUnit::Month),
            (-1, TimeUnit::Month),
            (6, TimeUnit::Month),
            (13, TimeUnit::Month),
            (1, TimeUnit::Year),
            (-1, TimeUnit::Year),
            (4, TimeUnit::Year),
            (14, TimeUnit::Day),
            (-72, TimeUnit::Hour),
        ] {
            let h = move |x: i64| shift(x * DAY, amount, unit);
            for (y, m) in [
                (2021, 2),
                (2021, 3),
                (2020, 2),
                (2020, 3),
                (2022, 12),
                (2024, 2),
            ] {
                for d in [1, 2, 3, 27, 28, 29, 30, 31] {
                    if d > calendar::days_in_month(y, m) {
                        continue;
                    }
                    let bound = calendar::days_from_civil(y, m, d) * DAY;
                    for op in [Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne] {
                        for b in [bound, bound + 3_600_000, bound - 1] {
                            let got = solve(domain, &h, op, b, unit, 1).unwrap();
                            assert_eq!(
                                got,
                                brute(domain, &h, op, b),
                                "{amount} {unit:?} {op:?} {b}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_roll_over_is_not_monotone_and_is_solved_exactly() {
        // plusTime(x, 1, month) >= 2021-03-02: 2021-01-30 and -31 (-> 03-02, 03-03), not
        // 2021-02-01 (-> 03-01), then from 2021-02-02 on.
        let day = |m, d| calendar::days_from_civil(2021, m, d);
        let h = |x: i64| shift(x * DAY, 1, TimeUnit::Month);
        let set = solve(
            (day(1, 1), day(12, 31)),
            &h,
            Op::Ge,
            day(3, 2) * DAY,
            TimeUnit::Month,
            1,
        )
        .unwrap();
        assert_eq!(
            set,
            vec![(day(1, 30), day(1, 31)), (day(2, 2), day(12, 31))]
        );
    }

    #[test]
    fn minutes_with_hours_are_one_ray() {
        let m0 = calendar::days_from_civil(2021, 6, 1) * 1440;
        let h = |x: i64| shift(x * 60_000, 48, TimeUnit::Hour);
        let bound = (m0 + 48 * 60) * 60_000 + 30_000; // half a minute past
        let set = solve(
            (m0 - 5000, m0 + 5000),
            &h,
            Op::Gt,
            bound,
            TimeUnit::Hour,
            1440,
        )
        .unwrap();
        assert_eq!(set, vec![(m0 + 1, m0 + 5000)]);
    }
}
