//! In-memory rate limits (sliding windows per key) and the clock they read, which tests set by
//! hand instead of sleeping.
//!
//! Limits live in one server's memory: several servers behind a load balancer each count
//! their own requests.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch: the system's, or a hand-set one in tests.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A clock that moves only when told to ([`Clock::advance`]).
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// A hand-set clock starting at `start_ms`.
    pub fn manual(start_ms: i64) -> Clock {
        Clock::Manual(Arc::new(AtomicI64::new(start_ms)))
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            Clock::Manual(ms) => ms.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock forward by `ms`; the system clock ignores this.
    pub fn advance(&self, ms: i64) {
        if let Clock::Manual(now) = self {
            now.fetch_add(ms, Ordering::SeqCst);
        }
    }
}

/// A refusal: the key has used its allowance; it may try again after this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// At most `max` hits per key in any `window_ms`, counted exactly (each key keeps the times of
/// its recent hits, at most `max` of them).
#[derive(Debug)]
pub struct Limiter<K> {
    max: usize,
    window_ms: i64,
    state: Mutex<Hits<K>>,
}

#[derive(Debug)]
struct Hits<K> {
    by_key: HashMap<K, VecDeque<i64>>,
    /// Forget idle keys once the map grows past this many; then this doubles the survivors.
    prune_at: usize,
}

/// Keys are forgotten no earlier than when the map holds this many.
const MIN_PRUNE_AT: usize = 1024;

/// Order lookups one client address may make per minute.
pub const LOOKUPS_PER_CLIENT_PER_MINUTE: usize = 20;

/// Failed lookups of one order number allowed per [`FAILED_TRIES_WINDOW_MS`].
pub const FAILED_TRIES_PER_ORDER: usize = 5;

/// The window of [`FAILED_TRIES_PER_ORDER`]: 15 minutes.
pub const FAILED_TRIES_WINDOW_MS: i64 = 15 * 60_000;

/// Follow-up messages one case's shopper may send per [`FOLLOWUPS_WINDOW_MS`].
pub const FOLLOWUPS_PER_CASE: usize = 30;

/// The window of [`FOLLOWUPS_PER_CASE`]: 10 minutes.
pub const FOLLOWUPS_WINDOW_MS: i64 = 10 * 60_000;

/// The limit of `POST /api/v1/escalations/{id}/messages`: stored follow-ups per case id.
pub fn followup_limiter() -> Limiter<i64> {
    Limiter::new(FOLLOWUPS_PER_CASE, FOLLOWUPS_WINDOW_MS)
}

/// Failed console sign-ins allowed per agent name per [`LOGIN_WINDOW_MS`].
pub const LOGIN_FAILURES_PER_NAME: usize = 10;

/// The window of [`LOGIN_FAILURES_PER_NAME`]: 15 minutes.
pub const LOGIN_WINDOW_MS: i64 = 15 * 60_000;

/// The limit of `POST /api/v1/agent/login`: failed sign-ins per agent name.
pub fn login_limiter() -> Limiter<String> {
    Limiter::new(LOGIN_FAILURES_PER_NAME, LOGIN_WINDOW_MS)
}

/// The limits of `POST /api/v1/orders/lookup`.
#[derive(Debug)]
pub struct LookupLimits {
    /// Every lookup, per client address ([`client_key`]).
    pub per_client: Limiter<IpAddr>,
    /// Failed lookups per normalised order number, known or not (so that a refusal does not
    /// tell whether the order exists).
    pub per_order: Limiter<String>,
}

impl Default for LookupLimits {
    fn default() -> Self {
        LookupLimits {
            per_client: Limiter::new(LOOKUPS_PER_CLIENT_PER_MINUTE, 60_000),
            per_order: Limiter::new(FAILED_TRIES_PER_ORDER, FAILED_TRIES_WINDOW_MS),
        }
    }
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// A limiter of `max` hits per `window_ms` per key.
    pub fn new(max: usize, window_ms: i64) -> Self {
        Limiter {
            max,
            window_ms,
            state: Mutex::new(Hits {
                by_key: HashMap::new(),
                prune_at: MIN_PRUNE_AT,
            }),
        }
    }

    /// Counts a hit of `key` at `now_ms`, or refuses it (counting nothing) when `key` already
    /// has `max` hits in the window.
    pub fn hit(&self, key: &K, now_ms: i64) -> Result<(), RetryAfter> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.prune(now_ms - self.window_ms);
        let times = state.by_key.entry(key.clone()).or_default();
        while times.front().is_some_and(|&t| t <= now_ms - self.window_ms) {
            times.pop_front();
        }
        if times.len() >= self.max {
            let oldest = times.front().copied().unwrap_or(now_ms);
            let wait_ms = u64::try_from(oldest + self.window_ms - now_ms).unwrap_or(1);
            return Err(RetryAfter(wait_ms.div_ceil(1000).max(1)));
        }
        times.push_back(now_ms);
        Ok(())
    }

    /// Takes back one hit of `key` made at `at_ms` (a try that turned out not to count).
    pub fn forget(&self, key: &K, at_ms: i64) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(times) = state.by_key.get_mut(key) {
            if let Some(i) = times.iter().rposition(|&t| t == at_ms) {
                times.remove(i);
            }
        }
    }
}

impl<K: Hash + Eq> Hits<K> {
    /// Drops keys with no hit after `cutoff_ms` once the map is large, so memory follows the
    /// number of recently active keys.
    fn prune(&mut self, cutoff_ms: i64) {
        if self.by_key.len() < self.prune_at {
            return;
        }
        self.by_key
            .retain(|_, times| times.back().is_some_and(|&t| t > cutoff_ms));
        self.prune_at = (self.by_key.len() * 2).max(MIN_PRUNE_AT);
    }
}

/// The key a client's address is limited under: IPv4 addresses as they are, IPv6 addresses by
/// their /64 network (one subscriber usually holds a whole /64).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_per_window_then_says_when_to_retry() {
        let limiter = Limiter::new(3, 60_000);
        for t in [0, 10_000, 20_000] {
            assert_eq!(limiter.hit(&"a", t), Ok(()));
        }
        // The oldest hit (t = 0) leaves the window at 60 s.
        assert_eq!(limiter.hit(&"a", 30_000), Err(RetryAfter(30)));
        assert_eq!(limiter.hit(&"a", 59_001), Err(RetryAfter(1)));
        // Another key has its own allowance.
        assert_eq!(limiter.hit(&"b", 30_000), Ok(()));
        // Refused hits were not counted: one slot is free at 60 s.
        assert_eq!(limiter.hit(&"a", 60_000), Ok(()));
        assert_eq!(limiter.hit(&"a", 60_001), Err(RetryAfter(10)));
    }

    #[test]
    fn forgotten_hits_free_their_slot() {
        let limiter = Limiter::new(1, 1_000);
        assert_eq!(limiter.hit(&7, 5), Ok(()));
        assert!(limiter.hit(&7, 6).is_err());
        limiter.forget(&7, 5);
        assert_eq!(limiter.hit(&7, 6), Ok(()));
    }

    #[test]
    fn idle_keys_are_forgotten_when_many() {
        let limiter = Limiter::new(1, 1_000);
        for key in 0..MIN_PRUNE_AT as u32 {
            limiter.hit(&key, 0).unwrap();
        }
        // Past the window, the next hit prunes every idle key.
        limiter.hit(&u32::MAX, 2_000).unwrap();
        let state = limiter.state.lock().unwrap();
        assert_eq!(state.by_key.len(), 1);
        assert_eq!(state.prune_at, MIN_PRUNE_AT);
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance(500);
        assert_eq!(clock.clone().now_ms(), 1_500);
        assert!(Clock::System.now_ms() > 1_700_000_000_000);
    }

    #[test]
    fn clients_are_keyed_by_address_or_ipv6_network() {
        let key = |s: &str| client_key(s.parse().unwrap()).to_string();
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
    }
}
