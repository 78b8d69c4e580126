//! The support team's opening hours — every day, per weekday, and holidays — so a receipt can
//! say when a person will answer.

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
}

/// What one weekday's hours say: `mon=10:00-18:00` or `sun=closed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeekdayHours {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// The hours, `None` when closed all day.
    pub hours: Option<BusinessHours>,
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl WeekdayHours {
    /// Reads `mon=09:00-18:00` or `sun=closed` (weekday names: `mon` … `sun`).
    pub fn parse(text: &str) -> Result<WeekdayHours, String> {
        let bad =
            || format!("{text:?}: expected a weekday's hours like sat=10:00-18:00 or sun=closed");
        let (day, hours) = text.split_once('=').ok_or_else(bad)?;
        let day = day.trim().to_ascii_lowercase();
        let weekday = WEEKDAYS
            .iter()
            .position(|d| day.starts_with(d))
            .ok_or_else(bad)? as u8;
        let hours = match hours.trim() {
            "closed" => None,
            range => Some(BusinessHours::parse(range)?),
        };
        Ok(WeekdayHours { weekday, hours })
    }
}

/// Reads a holiday, `YYYY-MM-DD`, as days since 1970-01-01.
pub fn parse_holiday(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?}: expected a date like 2027-01-01");
    let mut parts = text.trim().splitn(3, '-');
    let mut next = |len: usize| -> Result<i64, String> {
        let part = parts.next().filter(|p| p.len() == len).ok_or_else(bad)?;
        part.parse().map_err(|_| bad())
    };
    let (y, m, d) = (next(4)?, next(2)?, next(2)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let days = days_from_civil(y, m, d);
    if civil_from_days(days) != (y, m, d) {
        return Err(bad());
    }
    Ok(days)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// When the team works: daily hours, weekday exceptions and holidays (closed all day), in the
/// shop's time zone. With no daily hours and no exceptions, people are always there.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Schedule {
    /// Every day's hours, unless a weekday or holiday says otherwise.
    pub daily: Option<BusinessHours>,
    /// Weekday exceptions.
    pub weekdays: Vec<WeekdayHours>,
    /// Closed days, as days since 1970-01-01 (local).
    pub holidays: Vec<i64>,
    /// The shop's offset from UTC, in minutes.
    pub utc_offset_minutes: i16,
}

/// The next time the team opens, in the shop's time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    /// The time of day.
    pub at: Clock,
    /// The date, `YYYY-MM-DD`, when it is not today.
    pub on: Option<String>,
    /// Milliseconds from now until then.
    pub in_ms: i64,
}

/// How many days ahead an opening is looked for.
const DAYS_AHEAD: i64 = 31;

impl Schedule {
    /// The hours of local day `day` (days since 1970-01-01); `None` when closed all day.
    fn hours_on(&self, day: i64) -> Option<BusinessHours> {
        if self.holidays.contains(&day) {
            return None;
        }
        // 1970-01-01 was a Thursday (weekday 3).
        let weekday = (day + 3).rem_euclid(7) as u8;
        match self.weekdays.iter().rev().find(|w| w.weekday == weekday) {
            Some(exception) => exception.hours,
            None => self.daily,
        }
    }

    /// `None` while the team works at `now_ms` (or always works); otherwise when it opens next
    /// (`None` too when it never opens in the next month: nothing sensible to promise).
    pub fn next_opening(&self, now_ms: i64) -> Option<Opening> {
        if self.daily.is_none() && self.weekdays.is_empty() && self.holidays.is_empty() {
            return None;
        }
        let local_minutes = now_ms.div_euclid(60_000) + i64::from(self.utc_offset_minutes);
        let today = local_minutes.div_euclid(24 * 60);
        let minute = local_minutes.rem_euclid(24 * 60) as u16;
        let open_now = self.hours_on(today).is_some_and(|h| {
            if h.opens < h.closes {
                (h.opens..h.closes).contains(&minute)
            } else {
                minute >= h.opens
            }
        }) || self
            .hours_on(today - 1)
            .is_some_and(|h| h.opens > h.closes && minute < h.closes);
        if open_now {
            return None;
        }
        (0..=DAYS_AHEAD).find_map(|ahead| {
            let day = today + ahead;
            let hours = self.hours_on(day)?;
            if ahead == 0 && hours.opens <= minute {
                return None;
            }
            let minutes_away = ahead * 24 * 60 + i64::from(hours.opens) - i64::from(minute);
            let (y, m, d) = civil_from_days(day);
            Some(Opening {
                at: Clock(hours.opens),
                on: (ahead > 0).then(|| format!("{y:04}-{m:02}-{d:02}")),
                in_ms: minutes_away * 60_000 - now_ms.rem_euclid(60_000),
            })
        })
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

    /// Daily `hours` at `offset` minutes from UTC: when it opens next after `now_ms`.
    fn daily(hours: &str, offset: i16, now_ms: i64) -> Option<String> {
        let schedule = Schedule {
            utc_offset_minutes: offset,
            ..schedule(hours, &[], &[])
        };
        schedule.next_opening(now_ms).map(|o| o.at.to_string())
    }

    #[test]
    fn open_and_closed_in_the_shops_time_zone() {
        // 02:00 UTC is 10:00 in Beijing: open.
        assert_eq!(daily("09:00-21:00", 8 * 60, at(2, 0)), None);
        // 14:30 UTC is 22:30 in Beijing: closed until 09:00.
        assert_eq!(daily("09:00-21:00", 8 * 60, at(14, 30)).unwrap(), "09:00");
        // The first minute open and the first minute closed.
        assert_eq!(daily("09:00-21:00", 0, at(9, 0)), None);
        assert!(daily("09:00-21:00", 0, at(21, 0)).is_some());
    }

    #[test]
    fn hours_past_midnight() {
        assert_eq!(daily("20:00-02:00", 0, at(23, 0)), None);
        assert_eq!(daily("20:00-02:00", 0, at(1, 59)), None);
        assert_eq!(daily("20:00-02:00", 0, at(12, 0)).unwrap(), "20:00");
    }

    fn schedule(daily: &str, weekdays: &[&str], holidays: &[&str]) -> Schedule {
        Schedule {
            daily: (!daily.is_empty()).then(|| BusinessHours::parse(daily).unwrap()),
            weekdays: weekdays
                .iter()
                .map(|w| WeekdayHours::parse(w).unwrap())
                .collect(),
            holidays: holidays.iter().map(|h| parse_holiday(h).unwrap()).collect(),
            utc_offset_minutes: 8 * 60,
        }
    }

    #[test]
    fn weekdays_and_holidays_move_the_next_opening() {
        // 2026-11-20 is a Friday; at(14, 30) is 22:30 on Friday in Beijing.
        let week = schedule("09:00-21:00", &["sat=10:00-16:00", "sun=closed"], &[]);
        let opening = week.next_opening(at(14, 30)).unwrap();
        assert_eq!(opening.at.to_string(), "10:00");
        assert_eq!(opening.on.as_deref(), Some("2026-11-21"));
        assert_eq!(opening.in_ms, (11 * 60 + 30) * 60_000);
        // Saturday 17:00 Beijing: closed Sunday, so Monday 09:00.
        let saturday_evening = at(9, 0) + 24 * 3_600_000;
        let monday = week.next_opening(saturday_evening).unwrap();
        assert_eq!(
            (monday.at.to_string(), monday.on.as_deref()),
            ("09:00".into(), Some("2026-11-23"))
        );
        // Friday 10:00 Beijing: open.
        assert_eq!(week.next_opening(at(2, 0)), None);
        // Friday 08:00 Beijing: opens today, no date.
        let early = week.next_opening(at(0, 0)).unwrap();
        assert_eq!((early.at.to_string(), early.on), ("09:00".into(), None));

        let holiday = schedule("09:00-21:00", &[], &["2026-11-21"]);
        assert_eq!(
            holiday.next_opening(at(14, 30)).unwrap().on.as_deref(),
            Some("2026-11-22")
        );
        assert_eq!(Schedule::default().next_opening(at(14, 30)), None);
        assert_eq!(
            schedule("", &["mon=closed"], &[]).next_opening(at(14, 30)),
            None
        );
    }

    #[test]
    fn dates_and_weekdays_read_strictly() {
        assert_eq!(parse_holiday("1970-01-01"), Ok(0));
        assert_eq!(parse_holiday("2027-01-01"), Ok(days_from_civil(2027, 1, 1)));
        for bad in ["2027-02-30", "2027-13-01", "27-01-01", "2027/01/01", ""] {
            assert!(parse_holiday(bad).is_err(), "{bad:?}");
        }
        assert_eq!(WeekdayHours::parse("Sunday=closed").unwrap().weekday, 6);
        for bad in ["sat", "xyz=closed", "sat=9-5"] {
            assert!(WeekdayHours::parse(bad).is_err(), "{bad:?}");
        }
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
