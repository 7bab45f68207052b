//! CertLogic's date-times (specification §"Dates and date-times", §"Offset date-time
//! (`plusTime`)", §"DCC Date of birth (`dccDateOfBirth`)").
//!
//! A date-time is an instant with millisecond precision. The specification fixes the
//! offsetting behaviour by ECMAScript's `Date` methods (`setUTCFullYear`, `setUTCMonth`,
//! `setUTCDate`, `setUTCHours`), so this module follows ECMAScript's `MakeDay` arithmetic on
//! UTC fields: a day of the month that the target month does not have rolls over into the
//! next month (2021-01-31 plus one month is 2021-03-03; 2020-02-29 plus one year is
//! 2021-03-01), and the range is ECMAScript's, ±8.64 × 10¹⁵ ms around the epoch.
//!
//! The calendar arithmetic itself is the project's one proleptic Gregorian calendar,
//! [`crate::credential::calendar`] (pure integer functions, nothing cryptographic).

use crate::credential::calendar::{civil_from_days, days_from_civil, days_in_month};

const MS_PER_SECOND: i64 = 1_000;
const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;
/// ECMAScript's time values lie within ±8.64 × 10¹⁵ ms of the epoch (ECMA-262 "Time Values
/// and Time Range"); a `plusTime` result outside is an error here, where JavaScript would
/// produce an invalid `Date`.
pub const MAX_MILLIS: i64 = 8_640_000_000_000_000;
/// Years beyond this magnitude are out of range whatever the month and day (the time range
/// covers about ±275,760 years); checked before any calendar arithmetic, so none overflows.
const MAX_YEAR_MAGNITUDE: i64 = 300_000;
/// Longest date-time string that is scanned; the formats allow any number of sub-second
/// digits, but no sensible one has thousands.
const MAX_DATE_TIME_LEN: usize = 256;

/// Why a string is not a CertLogic date-time, or a result left the time range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateTimeError {
    /// Not one of the formats the specification allows (or not a real calendar date or
    /// time of day). Holds the start of the offending string.
    #[error("not an allowed date or date-time: {0:?}")]
    Format(String),
    /// Not a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date of birth.
    #[error("not a DCC date of birth (YYYY, YYYY-MM or YYYY-MM-DD): {0:?}")]
    DateOfBirth(String),
    /// The result lies outside ECMAScript's time range.
    #[error("date-time outside the range of ±8.64e15 ms around 1970-01-01T00:00:00Z")]
    OutOfRange,
}

/// The time unit of a `plusTime` offset (specification §"Offset date-time").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    /// `"year"`: `setUTCFullYear(getUTCFullYear() + amount)`.
    Year,
    /// `"month"`: `setUTCMonth(getUTCMonth() + amount)`.
    Month,
    /// `"day"`: `setUTCDate(getUTCDate() + amount)`.
    Day,
    /// `"hour"`: `setUTCHours(getUTCHours() + amount)`.
    Hour,
}

impl TimeUnit {
    /// The unit named by a `plusTime` operand (`"year"`, `"month"`, `"day"`, `"hour"`).
    pub fn from_name(name: &str) -> Option<TimeUnit> {
        match name {
            "year" => Some(TimeUnit::Year),
            "month" => Some(TimeUnit::Month),
            "day" => Some(TimeUnit::Day),
            "hour" => Some(TimeUnit::Hour),
            _ => None,
        }
    }

    /// The unit's name as CertLogic writes it.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Year => "year",
            TimeUnit::Month => "month",
            TimeUnit::Day => "day",
            TimeUnit::Hour => "hour",
        }
    }
}

/// A CertLogic date-time: milliseconds since 1970-01-01T00:00:00.000Z. Only the instant is
/// kept (as ECMAScript's `Date` keeps it); comparisons are on the instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    millis: i64,
}

impl DateTime {
    /// The date-time `millis` milliseconds after the epoch, if within the time range.
    pub fn from_millis(millis: i64) -> Result<DateTime, DateTimeError> {
        if (-MAX_MILLIS..=MAX_MILLIS).contains(&millis) {
            Ok(DateTime { millis })
        } else {
            Err(DateTimeError::OutOfRange)
        }
    }

    /// Milliseconds since 1970-01-01T00:00:00.000Z.
    pub fn millis(self) -> i64 {
        self.millis
    }

    /// Parses a date or date-time string as `plusTime` does: `YYYY` and `YYYY-MM` are
    /// rounded up to the last day they allow (as `dccDateOfBirth`), a missing time is
    /// midnight, a missing offset is `Z`, the offset may be `[+-]h`, `hh`, `hmm`, `hhmm`,
    /// `h:mm` or `hh:mm`, and sub-second digits beyond the third are dropped (rounding down).
    pub fn parse(s: &str) -> Result<DateTime, DateTimeError> {
        let format = || DateTimeError::Format(truncated(s));
        if s.len() > MAX_DATE_TIME_LEN {
            return Err(format());
        }
        let b = s.as_bytes();
        if let Some(date) = partial_or_full_date(b) {
            return date.ok_or_else(format)?.to_date_time();
        }
        // YYYY-MM-DDThh:mm:ss, then optional .S+, then optional Z or an offset.
        if b.len() < 19 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(format());
        }
        let day = full_date(&b[..10]).ok_or_else(format)?;
        let (hour, minute, second) = (
            digits(&b[11..13]).ok_or_else(format)?,
            digits(&b[14..16]).ok_or_else(format)?,
            digits(&b[17..19]).ok_or_else(format)?,
        );
        if hour > 23 || minute > 59 || second > 59 {
            return Err(format());
        }
        let mut rest = &b[19..];
        let mut millis = 0;
        if let Some(frac) = rest.strip_prefix(b".") {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(format());
            }
            // The first three digits, padded with zeros: the rest round down.
            millis = frac[..n.min(3)]
                .iter()
                .chain(std::iter::repeat(&b'0'))
                .take(3)
                .fold(0, |acc, d| acc * 10 + i64::from(d - b'0'));
            rest = &frac[n..];
        }
        let offset_minutes = offset(rest).ok_or_else(format)?;
        let local = day.days()? * MS_PER_DAY
            + hour * MS_PER_HOUR
            + minute * MS_PER_MINUTE
            + second * MS_PER_SECOND
            + millis;
        DateTime::from_millis(local - offset_minutes * MS_PER_MINUTE)
    }

    /// Parses a DCC date of birth as `dccDateOfBirth` does: `YYYY` becomes `YYYY-12-31`,
    /// `YYYY-MM` the last day of that month, `YYYY-MM-DD` itself, each at 00:00:00.000Z
    /// ("the last date consistent with the provided data").
    pub fn parse_date_of_birth(s: &str) -> Result<DateTime, DateTimeError> {
        let dob = || DateTimeError::DateOfBirth(truncated(s));
        match partial_or_full_date(s.as_bytes()) {
            Some(Some(date)) => date.to_date_time(),
            _ => Err(dob()),
        }
    }

    /// Adds `amount` units as ECMAScript's `setUTC<unit>(getUTC<unit>() + amount)` does:
    /// years and months keep the day of the month and the time of day and roll a day the
    /// target month lacks over into the following month; days keep the time of day; hours
    /// are exact. No daylight saving time, leap days or leap seconds interfere (UTC).
    pub fn plus(self, amount: i64, unit: TimeUnit) -> Result<DateTime, DateTimeError> {
        let day = self.millis.div_euclid(MS_PER_DAY);
        let time = self.millis.rem_euclid(MS_PER_DAY);
        let millis = match unit {
            TimeUnit::Hour => {
                i128::from(self.millis) + i128::from(amount) * i128::from(MS_PER_HOUR)
            }
            TimeUnit::Day => {
                (i128::from(day) + i128::from(amount)) * i128::from(MS_PER_DAY) + i128::from(time)
            }
            TimeUnit::Month | TimeUnit::Year => {
                let (year, month, date) = civil_from_days(day);
                let month0 = i128::from(month) - 1;
                let months = match unit {
                    TimeUnit::Month => i128::from(year) * 12 + month0 + i128::from(amount),
                    _ => (i128::from(year) + i128::from(amount)) * 12 + month0,
                };
                let (new_year, new_month0) = (months.div_euclid(12), months.rem_euclid(12));
                if new_year.abs() > i128::from(MAX_YEAR_MAGNITUDE) {
                    return Err(DateTimeError::OutOfRange);
                }
                // ECMAScript MakeDay: the first of the target month, then date − 1 days on.
                let first = days_from_civil(new_year as i64, new_month0 as u32 + 1, 1);
                (i128::from(first) + i128::from(date) - 1) * i128::from(MS_PER_DAY)
                    + i128::from(time)
            }
        };
        i64::try_from(millis)
            .map_err(|_| DateTimeError::OutOfRange)
            .and_then(DateTime::from_millis)
    }

    /// The date-time as ECMAScript's `toISOString` writes it: `YYYY-MM-DDThh:mm:ss.sssZ`
    /// (years outside 0000–9999 as a signed six-digit year).
    pub fn to_iso_string(self) -> String {
        let day = self.millis.div_euclid(MS_PER_DAY);
        let time = self.millis.rem_euclid(MS_PER_DAY);
        let (y, m, d) = civil_from_days(day);
        let year = if (0..=9999).contains(&y) {
            format!("{y:04}")
        } else if y < 0 {
            format!("-{:06}", -y)
        } else {
            format!("+{y:06}")
        };
        format!(
            "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            time / MS_PER_HOUR,
            time / MS_PER_MINUTE % 60,
            time / MS_PER_SECOND % 60,
            time % MS_PER_SECOND
        )
    }
}

impl std::fmt::Display for DateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_iso_string())
    }
}

/// A calendar day written as `YYYY`, `YYYY-MM` (both rounded up) or `YYYY-MM-DD`.
#[derive(Clone, Copy)]
struct CivilDate {
    year: i64,
    month: u32,
    day: u32,
}

impl CivilDate {
    fn days(self) -> Result<i64, DateTimeError> {
        Ok(days_from_civil(self.year, self.month, self.day))
    }

    fn to_date_time(self) -> Result<DateTime, DateTimeError> {
        DateTime::from_millis(self.days()? * MS_PER_DAY)
    }
}

/// `Some(date)` for a string of one of the three date shapes (`Some(None)` when it has the
/// shape but is no real date, e.g. `2022-13`), `None` for any other shape.
fn partial_or_full_date(b: &[u8]) -> Option<Option<CivilDate>> {
    match b.len() {
        4 => Some(digits(b).map(|year| CivilDate {
            year,
            month: 12,
            day: 31,
        })),
        7 if b[4] == b'-' => Some(year_month(&b[..4], &b[5..]).map(|(year, month)| CivilDate {
            year,
            month,
            day: days_in_month(year, month),
        })),
        10 if b[4] == b'-' && b[7] == b'-' => Some(full_date(b)),
        _ => None,
    }
}

fn year_month(y: &[u8], m: &[u8]) -> Option<(i64, u32)> {
    let year = digits(y)?;
    let month = u32::try_from(digits(m)?).ok()?;
    (1..=12).contains(&month).then_some((year, month))
}

/// `YYYY-MM-DD`, a real calendar day.
fn full_date(b: &[u8]) -> Option<CivilDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month) = year_month(&b[..4], &b[5..7])?;
    let day = u32::try_from(digits(&b[8..10])?).ok()?;
    (1..=days_in_month(year, month))
        .contains(&day)
        .then_some(CivilDate { year, month, day })
}

/// The offset in minutes: empty or `Z` is 0; otherwise a sign and `h`, `hh`, `hmm`, `hhmm`,
/// `h:mm` or `hh:mm`, hours at most 23 and minutes at most 59.
fn offset(b: &[u8]) -> Option<i64> {
    let (sign, rest) = match b {
        [] | [b'Z'] => return Some(0),
        [b'+', rest @ ..] => (1, rest),
        [b'-', rest @ ..] => (-1, rest),
        _ => return None,
    };
    let (hours, minutes): (&[u8], &[u8]) = match rest.len() {
        1 | 2 => (rest, b"00"),
        3 if rest[1] == b':' => return None,
        3 => (&rest[..1], &rest[1..]),
        4 if rest[1] == b':' => (&rest[..1], &rest[2..]),
        4 => (&rest[..2], &rest[2..]),
        5 if rest[2] == b':' => (&rest[..2], &rest[3..]),
        _ => return None,
    };
    let (h, m) = (digits(hours)?, digits(minutes)?);
    (h <= 23 && m <= 59).then_some(sign * (h * 60 + m))
}

/// Non-empty ASCII digits as a number (callers pass at most four).
fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')))
}

/// The start of a string, for error messages (bounded, whatever the input).
pub(crate) fn truncated(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        DateTime::parse(s).unwrap().to_iso_string()
    }

    fn plus(s: &str, amount: i64, unit: TimeUnit) -> String {
        DateTime::parse(s)
            .unwrap()
            .plus(amount, unit)
            .unwrap()
            .to_iso_string()
    }

    #[test]
    fn every_allowed_format() {
        let cases = [
            ("2021", "2021-12-31T00:00:00.000Z"),
            ("2021-02", "2021-02-28T00:00:00.000Z"),
            ("2020-02", "2020-02-29T00:00:00.000Z"),
            ("2021-06-01", "2021-06-01T00:00:00.000Z"),
            ("2021-06-01T10:20:30", "2021-06-01T10:20:30.000Z"),
            ("2021-06-01T10:20:30Z", "2021-06-01T10:20:30.000Z"),
            ("2021-06-01T10:20:30+2", "2021-06-01T08:20:30.000Z"),
            ("2021-06-01T10:20:30-02", "2021-06-01T12:20:30.000Z"),
            ("2021-06-01T10:20:30+230", "2021-06-01T07:50:30.000Z"),
            ("2021-06-01T10:20:30+0230", "2021-06-01T07:50:30.000Z"),
            ("2021-06-01T10:20:30+2:30", "2021-06-01T07:50:30.000Z"),
            ("2021-06-01T10:20:30-02:30", "2021-06-01T12:50:30.000Z"),
            ("2021-06-01T10:20:30.5", "2021-06-01T10:20:30.500Z"),
            ("2021-06-01T10:20:30.12Z", "2021-06-01T10:20:30.120Z"),
            ("2021-06-01T10:20:30.1239999+1", "2021-06-01T09:20:30.123Z"),
            ("2021-06-01T00:00:00.000+01:00", "2021-05-31T23:00:00.000Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(iso(input), expected, "{input}");
        }
    }

    #[test]
    fn refuses_other_formats_and_impossible_dates() {
        for bad in [
            "",
            "21",
            "2021-13",
            "2021-00",
            "2021-02-29",
            "2021-09-99",
            "2021-06-01T24:00:00Z",
            "2021-06-01T10:60:00Z",
            "2021-06-01T10:20:60Z",
            "2021-06-01 10:20:30Z",
            "2021-06-01t10:20:30Z",
            "2021-06-01T10:20Z",
            "2021-06-01T10:20:30.Z",
            "2021-06-01T10:20:30z",
            "2021-06-01T10:20:30+",
            "2021-06-01T10:20:30+1:",
            "2021-06-01T10:20:30+24",
            "2021-06-01T10:20:30+0160",
            "2021-06-01T10:20:30+01:00:00",
            "2021-06-01T10:20:30+01:0",
            "２０２１",
            "+02021-01-01",
        ] {
            assert!(
                matches!(DateTime::parse(bad), Err(DateTimeError::Format(_))),
                "{bad}"
            );
        }
        assert!(DateTime::parse(&"2021-06-01T10:20:30.".repeat(100)).is_err());
    }

    #[test]
    fn date_of_birth_rounds_up() {
        let dob = |s| DateTime::parse_date_of_birth(s).map(DateTime::to_iso_string);
        assert_eq!(dob("2004").unwrap(), "2004-12-31T00:00:00.000Z");
        assert_eq!(dob("2004-02").unwrap(), "2004-02-29T00:00:00.000Z");
        assert_eq!(dob("2004-01-15").unwrap(), "2004-01-15T00:00:00.000Z");
        for bad in [
            "",
            "2004-1",
            "2004-02-30",
            "2004-01-15T00:00:00Z",
            "2004-13",
        ] {
            assert!(
                matches!(dob(bad), Err(DateTimeError::DateOfBirth(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_specifications_leap_day_table() {
        assert_eq!(
            plus("2020-02-29", 1, TimeUnit::Day),
            "2020-03-01T00:00:00.000Z"
        );
        assert_eq!(
            plus("2020-02-29", 1, TimeUnit::Month),
            "2020-03-29T00:00:00.000Z"
        );
        assert_eq!(
            plus("2020-02-29", 1, TimeUnit::Year),
            "2021-03-01T00:00:00.000Z"
        );
    }

    #[test]
    fn months_roll_over_as_ecmascript_does() {
        assert_eq!(
            plus("2021-01-31", 1, TimeUnit::Month),
            "2021-03-03T00:00:00.000Z"
        );
        assert_eq!(
            plus("2020-01-31", 1, TimeUnit::Month),
            "2020-03-02T00:00:00.000Z"
        );
        assert_eq!(
            plus("2021-03-31", -1, TimeUnit::Month),
            "2021-03-03T00:00:00.000Z"
        );
        assert_eq!(
            plus("2021-12-15T13:00:00Z", 1, TimeUnit::Month),
            "2022-01-15T13:00:00.000Z"
        );
        assert_eq!(
            plus("2021-01-15", -13, TimeUnit::Month),
            "2019-12-15T00:00:00.000Z"
        );
        assert_eq!(
            plus("2024-02-29", -18, TimeUnit::Year),
            "2006-03-01T00:00:00.000Z"
        );
        assert_eq!(
            plus("2021-06-01T23:00:00-02:00", 1, TimeUnit::Day),
            "2021-06-03T01:00:00.000Z"
        );
        assert_eq!(
            plus("2021-06-01T00:00:00Z", -25, TimeUnit::Hour),
            "2021-05-30T23:00:00.000Z"
        );
        assert_eq!(
            plus("1970-01-01", -1, TimeUnit::Day),
            "1969-12-31T00:00:00.000Z"
        );
    }

    #[test]
    fn the_time_range_is_ecmascripts() {
        let epoch = DateTime::parse("1970-01-01").unwrap();
        assert_eq!(
            epoch.plus(100_000_000, TimeUnit::Day).unwrap().millis(),
            MAX_MILLIS
        );
        assert_eq!(
            epoch.plus(-100_000_000, TimeUnit::Day).unwrap().millis(),
            -MAX_MILLIS
        );
        assert_eq!(
            epoch
                .plus(100_000_000, TimeUnit::Day)
                .unwrap()
                .to_iso_string(),
            "+275760-09-13T00:00:00.000Z"
        );
        for (amount, unit) in [
            (100_000_001, TimeUnit::Day),
            (i64::MAX, TimeUnit::Hour),
            (i64::MIN, TimeUnit::Day),
            (i64::MAX, TimeUnit::Month),
            (i64::MIN, TimeUnit::Year),
            (300_001, TimeUnit::Year),
        ] {
            assert_eq!(
                epoch.plus(amount, unit),
                Err(DateTimeError::OutOfRange),
                "{amount}"
            );
        }
        assert_eq!(
            DateTime::from_millis(MAX_MILLIS + 1),
            Err(DateTimeError::OutOfRange)
        );
    }
}
