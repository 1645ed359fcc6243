//! Codes from an authenticator app: time-based one-time passwords (TOTP,
//! RFC 6238) as every common app makes them: HMAC-SHA1 of the number of
//! 30-second steps since 1970, six digits, the secret shared as base32.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per code.
pub const STEP_SECONDS: i64 = 30;
/// Codes of the step before and after are accepted too, for phones whose
/// clocks are a little off and people who type slowly.
const DRIFT_STEPS: i64 = 1;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648) without padding, as authenticator apps take secrets.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads base32, ignoring case, spaces and padding; `None` if malformed.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = BASE32.iter().position(|b| char::from(*b) == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// A new secret of 160 bits (the size RFC 4226 recommends), in base32.
pub fn new_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    base32_encode(&bytes)
}

/// The six-digit code of time step `step`.
pub fn code_at(secret: &[u8], step: i64) -> String {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // Dynamic truncation (RFC 4226, section 5.3).
    let offset = usize::from(digest[19] & 0x0f);
    let number = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]) & 0x7fff_ffff;
    format!("{:06}", number % 1_000_000)
}

/// The time step of a moment, in seconds since 1970.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The step whose code `typed` is, near `unix_seconds`, if any; the caller
/// records it so that the same code is not accepted twice.
pub fn check(secret_base32: &str, typed: &str, unix_seconds: i64) -> Option<i64> {
    let secret = base32_decode(secret_base32).filter(|s| !s.is_empty())?;
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix_seconds);
    (now - DRIFT_STEPS..=now + DRIFT_STEPS).find(|step| {
        let code = code_at(&secret, *step);
        super::crypto::same_secret(&code, &typed)
    })
}

/// The `otpauth://` link an app reads (from a QR code) to add the account.
pub fn otpauth_uri(secret_base32: &str, issuer: &str, account: &str) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
                other => format!("%{other:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
        encode(issuer),
        encode(account),
        encode(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc_4648() {
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "MY"),
            (b"fo", "MZXQ"),
            (b"foo", "MZXW6"),
            (b"foob", "MZXW6YQ"),
            (b"fooba", "MZXW6YTB"),
            (b"foobar", "MZXW6YTBOI"),
        ];
        for (bytes, text) in cases {
            assert_eq!(base32_encode(bytes), text);
            assert_eq!(base32_decode(text).as_deref(), Some(bytes));
        }
        assert_eq!(base32_decode("mzxw 6ytb oi======").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base32_decode("MZ1W"), None, "1 is not a base32 digit");
    }

    #[test]
    fn codes_match_the_test_vectors_of_rfc_6238() {
        // The SHA-1 vectors of RFC 6238, appendix B, as six digits.
        let secret = b"12345678901234567890";
        let vectors = [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ];
        for (time, code) in vectors {
            assert_eq!(code_at(secret, step_of(time)), code, "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_a_step_early_or_late_and_no_further() {
        let secret = new_secret();
        let raw = base32_decode(&secret).unwrap();
        assert_eq!(raw.len(), 20);
        let now = 1_765_000_000;
        let step = step_of(now);
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at(&raw, step + offset);
            assert_eq!(check(&secret, &code, now).is_some(), accepted, "{offset} steps off");
        }
        assert_eq!(check(&secret, &code_at(&raw, step), now), Some(step));
        let spaced = code_at(&raw, step);
        assert!(check(&secret, &format!("{} {}", &spaced[..3], &spaced[3..]), now).is_some());
        for bad in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(check(&secret, bad, now), None, "{bad}");
        }
    }

    #[test]
    fn the_link_names_issuer_and_account_escaped() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "odop UP", "98765 43210");
        assert_eq!(
            uri,
            "otpauth://totp/odop%20UP:98765%2043210?secret=JBSWY3DPEHPK3PXP&issuer=odop%20UP&algorithm=SHA1&digits=6&period=30"
        );
    }
}
