//! HMAC-SHA256 signatures written as lowercase hex, the scheme Razorpay uses
//! for both checkout callbacks and webhooks (and so the sandbox, too).

use hmac::{KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = hmac::Hmac<Sha256>;

fn keyed(secret: &[u8]) -> HmacSha256 {
    // HMAC hashes long keys and pads short ones, so every key length is
    // valid and this cannot fail; the `Result` exists only because the
    // trait is shared with ciphers that do have fixed key sizes.
    HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length")
}

/// The HMAC-SHA256 of `message` under `secret`, as lowercase hex.
pub fn hmac_sha256_hex(secret: &[u8], message: &[u8]) -> String {
    let mut mac = keyed(secret);
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature_hex` is the HMAC-SHA256 of `message` under `secret`.
///
/// The comparison takes the same time however many leading bytes match, so
/// that an attacker cannot discover a valid signature byte by byte from
/// response times. A signature that is not hex, or has the wrong length, is
/// simply not valid. Upper-case hex is accepted because it names the same
/// bytes.
pub fn verify_hmac_sha256_hex(secret: &[u8], message: &[u8], signature_hex: &str) -> bool {
    let Ok(signature) = hex::decode(signature_hex.trim()) else {
        return false;
    };
    let mut mac = keyed(secret);
    mac.update(message);
    mac.verify_slice(&signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231, test case 2: a short key and a short message.
    const KEY: &[u8] = b"Jefe";
    const DATA: &[u8] = b"what do ya want for nothing?";
    const EXPECTED: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    #[test]
    fn the_signature_matches_rfc_4231_test_case_2() {
        assert_eq!(hmac_sha256_hex(KEY, DATA), EXPECTED);
    }

    #[test]
    fn the_correct_signature_verifies_in_either_letter_case() {
        assert!(verify_hmac_sha256_hex(KEY, DATA, EXPECTED));
        assert!(verify_hmac_sha256_hex(KEY, DATA, &EXPECTED.to_uppercase()));
    }

    #[test]
    fn a_signature_with_one_digit_changed_is_rejected() {
        let mut wrong = EXPECTED.to_owned();
        wrong.replace_range(10..11, "0");
        assert_ne!(wrong, EXPECTED);
        assert!(!verify_hmac_sha256_hex(KEY, DATA, &wrong));
    }

    #[test]
    fn a_truncated_or_extended_signature_is_rejected() {
        assert!(!verify_hmac_sha256_hex(KEY, DATA, &EXPECTED[..32]));
        assert!(!verify_hmac_sha256_hex(KEY, DATA, &EXPECTED[..EXPECTED.len() - 2]));
        assert!(!verify_hmac_sha256_hex(KEY, DATA, &format!("{EXPECTED}00")));
        assert!(!verify_hmac_sha256_hex(KEY, DATA, ""));
    }

    #[test]
    fn a_signature_that_is_not_hex_is_rejected_rather_than_an_error() {
        assert!(!verify_hmac_sha256_hex(KEY, DATA, "not a signature"));
        let odd_length = &EXPECTED[..EXPECTED.len() - 1];
        assert!(!verify_hmac_sha256_hex(KEY, DATA, odd_length));
        let with_letter_g = format!("g{}", &EXPECTED[1..]);
        assert!(!verify_hmac_sha256_hex(KEY, DATA, &with_letter_g));
    }

    #[test]
    fn the_right_signature_under_another_key_or_message_is_rejected() {
        assert!(!verify_hmac_sha256_hex(b"jefe", DATA, EXPECTED));
        assert!(!verify_hmac_sha256_hex(KEY, b"what do ya want for nothing!", EXPECTED));
    }
}
