//! Dates and instants as plain integers, UTC: a date is the number of days relative to
//! 1970-01-01 (negative before it), an instant the number of whole minutes since
//! 1970-01-01T00:00Z (floored, so negative instants round towards the past).
//!
//! The proleptic Gregorian calendar is used throughout; years 0000 to 9999 are accepted.

/// The first day that can be written as `YYYY-MM-DD`: 0000-01-01.
pub const MIN_DAY: i64 = -719_528;
/// The last day that can be written as `YYYY-MM-DD`: 9999-12-31.
pub const MAX_DAY: i64 = 2_932_896;
/// The first instant that can be written: 0000-01-01T00:00Z, in minutes.
pub const MIN_MINUTE: i64 = MIN_DAY * MINUTES_PER_DAY;
/// The last instant that can be written: 9999-12-31T23:59Z, in minutes.
pub const MAX_MINUTE: i64 = MAX_DAY * MINUTES_PER_DAY + MINUTES_PER_DAY - 1;

const MINUTES_PER_DAY: i64 = 24 * 60;
const DAYS_PER_ERA: i64 = 146_097;

/// `true` for leap years of the Gregorian calendar.
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in `month` (1 to 12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days relative to 1970-01-01 of a valid calendar date.
///
/// The calendar is split into 400-year eras that start on 1 March, so that the leap day is
/// the last day of a year and each era has the same 146,097 days.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (i64::from(month) + 9) % 12; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * DAYS_PER_ERA + day_of_era - 719_468
}

/// The calendar date `(year, month, day)` of a day relative to 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(DAYS_PER_ERA);
    let day_of_era = z - era * DAYS_PER_ERA;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Reads exactly `n` ASCII digits.
fn digits(s: &[u8], n: usize) -> Option<u32> {
    if s.len() != n || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
}

/// Parses `YYYY-MM-DD` into days relative to 1970-01-01; `None` when malformed or not a
/// real calendar day (e.g. 2023-02-29).
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i64::from(digits(&b[0..4], 4)?);
    let month = digits(&b[5..7], 2)?;
    let day = digits(&b[8..10], 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Parses a possibly partial date, `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `""` (unknown), into
/// the first and the last day it can stand for (days relative to 1970-01-01). The unknown
/// date stands for every day that can be written: [`MIN_DAY`] to [`MAX_DAY`].
pub fn parse_partial_date(s: &str) -> Option<(i64, i64)> {
    let b = s.as_bytes();
    match b.len() {
        0 => Some((MIN_DAY, MAX_DAY)),
        4 => {
            let year = i64::from(digits(b, 4)?);
            Some((days_from_civil(year, 1, 1), days_from_civil(year, 12, 31)))
        }
        7 if b[4] == b'-' => {
            let year = i64::from(digits(&b[0..4], 4)?);
            let month = digits(&b[5..7], 2)?;
            if !(1..=12).contains(&month) {
                return None;
            }
            let last = days_in_month(year, month);
            Some((
                days_from_civil(year, month, 1),
                days_from_civil(year, month, last),
            ))
        }
        _ => parse_date(s).map(|d| (d, d)),
    }
}

/// The text of a possibly partial date from its first and last day: the inverse of
/// [`parse_partial_date`], `None` for a pair it cannot make.
pub fn format_partial_date(first: i64, last: i64) -> Option<String> {
    if (first, last) == (MIN_DAY, MAX_DAY) {
        return Some(String::new());
    }
    let text = format_date(first)?;
    format_date(last)?;
    let candidates = [text.clone(), text[..7].to_owned(), text[..4].to_owned()];
    candidates
        .into_iter()
        .find(|c| parse_partial_date(c) == Some((first, last)))
}

/// Formats days relative to 1970-01-01 as `YYYY-MM-DD`; `None` outside years 0000..9999.
pub fn format_date(days: i64) -> Option<String> {
    if !(MIN_DAY..=MAX_DAY).contains(&days) {
        return None;
    }
    let (y, m, d) = civil_from_days(days);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Parses an RFC 3339 date-time (`2021-06-01T10:30:15Z`, `2021-06-01T12:30:15.5+02:00`; the
/// seconds may be left out) into seconds since the Unix epoch, UTC.
pub fn parse_rfc3339_seconds(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 17 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let days = parse_date(s.get(..10)?)?;
    let (hour, minute) = (digits(&b[11..13], 2)?, digits(&b[14..16], 2)?);
    if b[13] != b':' || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &b[16..];
    let mut second = 0;
    if rest.first() == Some(&b':') {
        second = digits(rest.get(1..3)?, 2)?;
        rest = &rest[3..];
        if second > 60 {
            return None;
        }
        if rest.first() == Some(&b'.') {
            let frac = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if frac == 0 {
                return None;
            }
            rest = &rest[1 + frac..];
        }
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (oh, om) = (digits(&[*h1, *h2], 2)?, digits(&[*m1, *m2], 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let magnitude = i64::from(oh * 60 + om);
            if *sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        }
        _ => return None,
    };
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(local - offset_minutes * 60)
}

/// Parses an RFC 3339 date-time into whole minutes since the Unix epoch, UTC, flooring any
/// seconds; `None` when malformed or outside years 0000..9999 once converted to UTC.
pub fn parse_instant(s: &str) -> Option<i64> {
    let minutes = parse_rfc3339_seconds(s)?.div_euclid(60);
    (MIN_MINUTE..=MAX_MINUTE)
        .contains(&minutes)
        .then_some(minutes)
}

/// Formats minutes since the Unix epoch as `YYYY-MM-DDTHH:MM:00Z`; `None` out of range.
pub fn format_instant(minutes: i64) -> Option<String> {
    let date = format_date(minutes.div_euclid(MINUTES_PER_DAY))?;
    let m = minutes.rem_euclid(MINUTES_PER_DAY);
    Some(format!("{date}T{:02}:{:02}:00Z", m / 60, m % 60))
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`; `None` out of range.
pub fn format_rfc3339_seconds(seconds: i64) -> Option<String> {
    let date = format_date(seconds.div_euclid(86_400))?;
    let s = seconds.rem_euclid(86_400);
    Some(format!(
        "{date}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    ))
}

/// The same calendar day `years` years away (negative: earlier); 29 February becomes
/// 28 February in a year without it. `None` out of range.
pub fn add_years(days: i64, years: i64) -> Option<i64> {
    let (y, m, d) = civil_from_days(days);
    let year = y.checked_add(years)?;
    let day = d.min(days_in_month(year, m));
    let out = days_from_civil(year, m, day);
    (MIN_DAY..=MAX_DAY).contains(&out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1969-12-31"), Some(-1));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("1815-12-10"), Some(-56_270));
        assert_eq!(parse_date("0000-01-01"), Some(MIN_DAY));
        assert_eq!(parse_date("9999-12-31"), Some(MAX_DAY));
        assert_eq!(format_date(-56_270).as_deref(), Some("1815-12-10"));
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2021-13-01",
            "2021-00-10",
            "2021-04-31",
            "21-04-01",
            "2021/04/01",
            "2021-4-01",
            "+021-04-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2000-02-29"), Some(11_016));
    }

    #[test]
    fn instants_floor_to_the_minute() {
        assert_eq!(parse_instant("1970-01-01T00:00:59Z"), Some(0));
        assert_eq!(parse_instant("1970-01-01T00:01:00Z"), Some(1));
        assert_eq!(parse_instant("1969-12-31T23:59:59Z"), Some(-1));
        assert_eq!(parse_instant("1969-12-31T23:59:00.999Z"), Some(-1));
        assert_eq!(
            parse_instant("2021-06-01T12:30:15+02:00"),
            parse_instant("2021-06-01T10:30Z")
        );
        assert_eq!(
            format_instant(parse_instant("2021-06-01T10:30:45.123Z").unwrap()).as_deref(),
            Some("2021-06-01T10:30:00Z")
        );
        for bad in [
            "2021-06-01",
            "2021-06-01T24:00Z",
            "2021-06-01T10:30:15",
            "2021-06-01T10:30:15.Z",
            "2021-06-01T10:30:15+2:00",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn partial_dates_stand_for_their_first_and_last_day() {
        let d = |s| parse_date(s).unwrap();
        assert_eq!(
            parse_partial_date("1978"),
            Some((d("1978-01-01"), d("1978-12-31")))
        );
        assert_eq!(
            parse_partial_date("2000-02"),
            Some((d("2000-02-01"), d("2000-02-29")))
        );
        assert_eq!(
            parse_partial_date("1900-02"),
            Some((d("1900-02-01"), d("1900-02-28")))
        );
        assert_eq!(
            parse_partial_date("1978-05-12"),
            Some((d("1978-05-12"), d("1978-05-12")))
        );
        assert_eq!(parse_partial_date(""), Some((MIN_DAY, MAX_DAY)));
        for bad in [
            "197",
            "1978-5",
            "1978-13",
            "1978-00",
            "19780",
            "1978-05-32",
            " 1978",
            "1978-",
        ] {
            assert_eq!(parse_partial_date(bad), None, "{bad}");
        }
        for text in [
            "",
            "1978",
            "1978-05",
            "1978-05-12",
            "0000",
            "9999-12",
            "2000-02-29",
        ] {
            let (first, last) = parse_partial_date(text).unwrap();
            assert_eq!(format_partial_date(first, last).as_deref(), Some(text));
        }
        // Pairs no text makes.
        assert_eq!(format_partial_date(d("1978-01-02"), d("1978-12-31")), None);
        assert_eq!(format_partial_date(d("1978-05-01"), d("1978-05-30")), None);
        assert_eq!(format_partial_date(d("1978-05-02"), d("1978-05-01")), None);
    }

    #[test]
    fn years_keep_the_calendar_day() {
        let leap = parse_date("2024-02-29").unwrap();
        assert_eq!(add_years(leap, -18), parse_date("2006-02-28"));
        assert_eq!(add_years(leap, 4), parse_date("2028-02-29"));
        let d = parse_date("2025-06-30").unwrap();
        assert_eq!(add_years(d, -18), parse_date("2007-06-30"));
    }
}
