//! The rules of signing in: one-time codes, rate limits and sessions. The
//! clock is a parameter, so every rule can be tested at any instant.

use chrono::{DateTime, Duration, Utc};

/// What a one-time code is for; a code for one purpose never serves another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OtpPurpose {
    SignIn,
    AcceptInvitation,
}

impl OtpPurpose {
    pub fn code(self) -> &'static str {
        match self {
            OtpPurpose::SignIn => "sign_in",
            OtpPurpose::AcceptInvitation => "accept_invitation",
        }
    }
}

/// How one-time codes behave.
#[derive(Clone, Copy, Debug)]
pub struct OtpPolicy {
    /// How long a code can be used.
    pub lifetime: Duration,
    /// Wrong codes allowed before the code is locked.
    pub max_attempts: u32,
    /// How long to wait before another code is sent to the same number.
    pub resend_after: Duration,
}

impl Default for OtpPolicy {
    fn default() -> Self {
        Self {
            lifetime: Duration::minutes(5),
            max_attempts: 5,
            resend_after: Duration::seconds(60),
        }
    }
}

/// A code as stored (its hash aside).
#[derive(Clone, Copy, Debug)]
pub struct OtpChallenge {
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub consumed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtpState {
    /// It may be tried, with this many attempts left.
    Usable {
        attempts_left: u32,
    },
    Expired,
    /// Too many wrong codes: a new one must be requested.
    Locked,
    /// Already used to sign in.
    Used,
}

impl OtpPolicy {
    pub fn state(&self, challenge: &OtpChallenge, now: DateTime<Utc>) -> OtpState {
        if challenge.consumed {
            OtpState::Used
        } else if challenge.attempts >= self.max_attempts {
            OtpState::Locked
        } else if now >= challenge.created_at + self.lifetime {
            OtpState::Expired
        } else {
            OtpState::Usable {
                attempts_left: self.max_attempts - challenge.attempts,
            }
        }
    }

    /// How long to wait before another code may be sent, if at all.
    pub fn resend_wait(&self, last_sent: DateTime<Utc>, now: DateTime<Utc>) -> Option<Duration> {
        let ready = last_sent + self.resend_after;
        (now < ready).then(|| ready - now)
    }

    pub fn expires_at(&self, created_at: DateTime<Utc>) -> DateTime<Utc> {
        created_at + self.lifetime
    }
}

/// A limit on how often something may happen in a fixed window of time,
/// counted per key (a phone number, an address) in the database, so that
/// it holds across every node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Names the counter, e.g. `otp-send-phone`.
    pub name: &'static str,
    pub max: u32,
    pub window: Duration,
}

impl RateLimit {
    /// The start of the window `now` falls in; windows are aligned to the
    /// epoch so that every node agrees on them.
    pub fn window_start(&self, now: DateTime<Utc>) -> i64 {
        let seconds = self.window.num_seconds().max(1);
        now.timestamp().div_euclid(seconds) * seconds
    }

    /// When the current window ends: the earliest moment to try again.
    pub fn retry_after(&self, now: DateTime<Utc>) -> Duration {
        let seconds = self.window.num_seconds().max(1);
        Duration::seconds(self.window_start(now) + seconds - now.timestamp())
    }
}

/// The limits that protect sign-in. Codes cost money to send and guessing
/// them must stay hopeless: 5 tries of a 6-digit code, a few codes an hour.
pub mod limits {
    use super::*;

    pub const OTP_SEND_PER_PHONE: RateLimit = RateLimit {
        name: "otp-send-phone",
        max: 5,
        window: Duration::hours(1),
    };
    pub const OTP_SEND_PER_IP: RateLimit = RateLimit {
        name: "otp-send-ip",
        max: 20,
        window: Duration::hours(1),
    };
    pub const OTP_VERIFY_PER_IP: RateLimit = RateLimit {
        name: "otp-verify-ip",
        max: 30,
        window: Duration::minutes(15),
    };
    pub const PASSWORD_PER_PHONE: RateLimit = RateLimit {
        name: "password-phone",
        max: 5,
        window: Duration::minutes(15),
    };
    /// Passwords typed by someone signed in to confirm a change (of their
    /// second factor): a budget of its own, so that confirming does not use
    /// up signing in, and as small.
    pub const PASSWORD_CONFIRM_PER_USER: RateLimit = RateLimit {
        name: "password-confirm-user",
        max: 5,
        window: Duration::minutes(15),
    };
    pub const PASSWORD_PER_IP: RateLimit = RateLimit {
        name: "password-ip",
        max: 30,
        window: Duration::minutes(15),
    };
}

/// Staff passwords: long enough to resist guessing, short enough to type.
pub const PASSWORD_LENGTH: std::ops::RangeInclusive<usize> = 10..=128;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a password has 10 to 128 characters")]
pub struct PasswordError;

pub fn check_password(password: &str) -> Result<(), PasswordError> {
    if PASSWORD_LENGTH.contains(&password.chars().count()) {
        Ok(())
    } else {
        Err(PasswordError)
    }
}

/// How long a session lives: until it has been idle for `idle`, and never
/// beyond `absolute` after sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl SessionPolicy {
    /// Buyers and sellers, often on their own phones.
    pub const MEMBER: SessionPolicy = SessionPolicy {
        idle: Duration::days(14),
        absolute: Duration::days(60),
    };
    /// Staff act on other people's data, often on shared office computers.
    pub const STAFF: SessionPolicy = SessionPolicy {
        idle: Duration::hours(2),
        absolute: Duration::hours(12),
    };

    pub fn expires_at(&self, created_at: DateTime<Utc>) -> DateTime<Utc> {
        created_at + self.absolute
    }

    pub fn is_live(&self, created_at: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now < created_at + self.absolute && now < last_seen + self.idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn a_code_is_usable_for_five_minutes_and_five_wrong_tries() {
        let policy = OtpPolicy::default();
        let fresh = OtpChallenge {
            created_at: at(0),
            attempts: 0,
            consumed: false,
        };
        let cases = [
            (fresh, at(0), OtpState::Usable { attempts_left: 5 }),
            (fresh, at(299), OtpState::Usable { attempts_left: 5 }),
            (fresh, at(300), OtpState::Expired),
            (
                OtpChallenge { attempts: 4, ..fresh },
                at(10),
                OtpState::Usable { attempts_left: 1 },
            ),
            (OtpChallenge { attempts: 5, ..fresh }, at(10), OtpState::Locked),
            (OtpChallenge { attempts: 5, ..fresh }, at(900), OtpState::Locked),
            (
                OtpChallenge {
                    consumed: true,
                    ..fresh
                },
                at(10),
                OtpState::Used,
            ),
        ];
        for (challenge, now, expected) in cases {
            assert_eq!(policy.state(&challenge, now), expected, "{challenge:?} at {now}");
        }
    }

    #[test]
    fn another_code_waits_a_minute() {
        let policy = OtpPolicy::default();
        assert_eq!(policy.resend_wait(at(0), at(20)), Some(Duration::seconds(40)));
        assert_eq!(policy.resend_wait(at(0), at(60)), None);
    }

    #[test]
    fn rate_limit_windows_are_aligned_so_all_nodes_count_alike() {
        let limit = limits::OTP_VERIFY_PER_IP;
        let start = limit.window_start(at(0));
        assert_eq!(start % 900, 0);
        assert_eq!(limit.window_start(at(1)), limit.window_start(at(0)).max(start));
        let now = at(0);
        let retry = limit.retry_after(now);
        assert!(retry > Duration::zero() && retry <= Duration::minutes(15));
        assert_eq!(limit.window_start(now + retry), start + 900);
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let policy = SessionPolicy::STAFF;
        assert!(policy.is_live(at(0), at(0), at(60)));
        assert!(!policy.is_live(at(0), at(0), at(2 * 3600)), "idle for two hours");
        assert!(policy.is_live(at(0), at(11 * 3600), at(11 * 3600 + 60)));
        assert!(
            !policy.is_live(at(0), at(12 * 3600 - 1), at(12 * 3600)),
            "twelve hours after sign-in"
        );
        assert!(SessionPolicy::MEMBER.absolute > SessionPolicy::STAFF.absolute);
    }
}
