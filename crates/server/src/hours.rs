//! The support team's opening hours, so a receipt can say when a person will answer.

use std::fmt;

/// Daily opening hours in the shop's time zone, e.g. `09:00-21:00` at UTC+08:00. A range that
/// ends before it starts runs past midnight (`20:00-02:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BusinessHours {
    /// Minutes after local midnight when the team starts.
    pub opens: u16,
    /// Minutes after local midnight when it stops.
    pub closes: u16,
}

impl BusinessHours {
    /// Reads `HH:MM-HH:MM`.
    pub fn parse(text: &str) -> Result<BusinessHours, String> {
        let (opens, closes) = text
            .split_once('-')
            .ok_or_else(|| format!("{text:?}: expected opening hours like 09:00-21:00"))?;
        let hours = BusinessHours {
            opens: minutes(opens.trim())?,
            closes: minutes(closes.trim())?,
        };
        if hours.opens == hours.closes {
            return Err(format!("{text:?}: opening and closing are the same time"));
        }
        Ok(hours)
    }

    /// `None` while the team works at `now_ms`; otherwise the local time it opens next,
    /// `HH:MM`. `utc_offset_minutes` is the shop's offset from UTC.
    pub fn opens_at(&self, now_ms: i64, utc_offset_minutes: i16) -> Option<Clock> {
        let minute_of_day =
            (now_ms.div_euclid(60_000) + i64::from(utc_offset_minutes)).rem_euclid(24 * 60) as u16;
        let open = if self.opens < self.closes {
            (self.opens..self.closes).contains(&minute_of_day)
        } else {
            minute_of_day >= self.opens || minute_of_day < self.closes
        };
        (!open).then_some(Clock(self.opens))
    }
}

/// A local time of day in minutes, shown as `HH:MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock(pub u16);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

fn minutes(text: &str) -> Result<u16, String> {
    let bad = || format!("{text:?}: expected a time like 09:00");
    let (h_text, m_text) = text.split_once(':').ok_or_else(bad)?;
    if !(1..=2).contains(&h_text.len()) || m_text.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h_text.parse().map_err(|_| bad())?;
    let m: u16 = m_text.parse().map_err(|_| bad())?;
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Reads a UTC offset: `+08:00`, `-05:30`, `Z` or `UTC` (zero).
pub fn parse_utc_offset(text: &str) -> Result<i16, String> {
    let bad = || format!("{text:?}: expected an offset from UTC like +08:00");
    if matches!(text, "Z" | "UTC" | "utc") {
        return Ok(0);
    }
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let (h, m): (i16, i16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Milliseconds of `hh:mm` UTC on 2026-11-20.
    fn at(hh: i64, mm: i64) -> i64 {
        1_795_132_800_000 + (hh * 60 + mm) * 60_000
    }

    #[test]
    fn open_and_closed_in_the_shops_time_zone() {
        let hours = BusinessHours::parse("09:00-21:00").unwrap();
        // 02:00 UTC is 10:00 in Beijing: open.
        assert_eq!(hours.opens_at(at(2, 0), 8 * 60), None);
        // 14:30 UTC is 22:30 in Beijing: closed until 09:00.
        assert_eq!(
            hours.opens_at(at(14, 30), 8 * 60).unwrap().to_string(),
            "09:00"
        );
        // The first minute open and the first minute closed.
        assert_eq!(hours.opens_at(at(9, 0), 0), None);
        assert!(hours.opens_at(at(21, 0), 0).is_some());
    }

    #[test]
    fn hours_past_midnight() {
        let night = BusinessHours::parse("20:00-02:00").unwrap();
        assert_eq!(night.opens_at(at(23, 0), 0), None);
        assert_eq!(night.opens_at(at(1, 59), 0), None);
        assert_eq!(night.opens_at(at(12, 0), 0).unwrap().to_string(), "20:00");
    }

    #[test]
    fn bad_settings_say_what_is_expected() {
        for bad in [
            "",
            "9-5",
            "09:00",
            "25:00-26:00",
            "09:60-10:00",
            "09:00-09:00",
            "a:b-c:d",
            "09:009-10:00",
        ] {
            assert!(BusinessHours::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_utc_offset("+08:00"), Ok(480));
        assert_eq!(parse_utc_offset("-05:30"), Ok(-330));
        assert_eq!(parse_utc_offset("Z"), Ok(0));
        for bad in ["8", "+8", "08:00", "+15:00", "+08:60", ""] {
            assert!(parse_utc_offset(bad).is_err(), "{bad:?}");
        }
    }
}
