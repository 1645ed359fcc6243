//! Identifiers people type: phone numbers, PAN, GSTIN, IFSC, PIN codes,
//! Udyam numbers and bank accounts. Each parses from what a person would
//! type (spaces, lowercase, a leading +91) into one canonical form, or says
//! precisely what is wrong.

use std::fmt;

/// The state code of Uttar Pradesh in GSTINs.
pub const UP_GST_STATE_CODE: &str = "09";

/// Why an identifier was refused. The `Display` text is English, for the
/// API; pages show the translation of [`IdError::message_id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("a mobile number has 10 digits and starts with 6, 7, 8 or 9 (a +91 or 0 in front is fine)")]
    Phone,
    #[error("a PAN is 5 letters, 4 digits and a letter, like ABCPE1234F, and its fourth letter is the holder type")]
    Pan,
    #[error("a GSTIN is 15 characters: a 2-digit state code, the PAN, an entity code, Z and a check character")]
    GstinFormat,
    #[error("this GSTIN's check character is wrong: look for a typing mistake")]
    GstinChecksum,
    #[error("this GSTIN is not registered in Uttar Pradesh (its state code is not 09)")]
    GstinNotUp,
    #[error("the PAN inside this GSTIN is not the PAN given")]
    GstinPanMismatch,
    #[error(
        "an enrolment number has 15 letters and digits: the state code, the PAN, then 3 more, like 09ABCPE1234F1E5"
    )]
    EnrolmentFormat,
    #[error("this enrolment number is not for Uttar Pradesh (its state code is not 09)")]
    EnrolmentNotUp,
    #[error("the PAN inside this enrolment number is not the PAN given")]
    EnrolmentPanMismatch,
    #[error("an IFSC is 11 characters: 4 letters for the bank, a zero, then 6 letters or digits, like SBIN0001234")]
    Ifsc,
    #[error("a PIN code has 6 digits")]
    Pin,
    #[error("this PIN code is not in Uttar Pradesh (UP codes start with 20 to 28)")]
    PinNotUp,
    #[error("an Udyam number looks like UDYAM-UP-00-0000000")]
    Udyam,
    #[error("this Udyam number is not registered in Uttar Pradesh (it should read UDYAM-UP-…)")]
    UdyamNotUp,
    #[error("a bank account number has 9 to 18 digits")]
    BankAccount,
}

impl IdError {
    /// The Fluent message that explains this error to a person.
    pub fn message_id(self) -> &'static str {
        match self {
            IdError::Phone => "invalid-phone",
            IdError::Pan => "invalid-pan",
            IdError::GstinFormat => "invalid-gstin-format",
            IdError::GstinChecksum => "invalid-gstin-checksum",
            IdError::GstinNotUp => "invalid-gstin-state",
            IdError::GstinPanMismatch => "invalid-gstin-pan",
            IdError::EnrolmentFormat => "invalid-enrolment-format",
            IdError::EnrolmentNotUp => "invalid-enrolment-state",
            IdError::EnrolmentPanMismatch => "invalid-enrolment-pan",
            IdError::Ifsc => "invalid-ifsc",
            IdError::Pin => "invalid-pin",
            IdError::PinNotUp => "invalid-pin-state",
            IdError::Udyam => "invalid-udyam",
            IdError::UdyamNotUp => "invalid-udyam-state",
            IdError::BankAccount => "invalid-bank-account",
        }
    }
}

/// Removes what people put between characters when they type an
/// identifier: spaces, hyphens, dots, parentheses.
fn compact(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '(' | ')'))
        .collect()
}

macro_rules! identifier {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

identifier!(
    /// An Indian mobile number in E.164 form: `+919876543210`.
    Phone
);
identifier!(
    /// A Permanent Account Number: `ABCPE1234F`.
    Pan
);
identifier!(
    /// A GST identification number, checksum verified: `09ABCPE1234F1Z5`.
    Gstin
);
identifier!(
    /// The enrolment number of a supplier without GST who sells through
    /// e-commerce operators in one state (CGST Notification 34/2023).
    EnrolmentNumber
);
identifier!(
    /// A bank branch code: `SBIN0001234`.
    Ifsc
);
identifier!(
    /// A six-digit postal index number.
    Pin
);
identifier!(
    /// A Udyam (MSME) registration number: `UDYAM-UP-01-0000001`.
    Udyam
);
identifier!(
    /// A bank account number: 9 to 18 digits.
    BankAccount
);

impl Phone {
    /// Accepts `98765 43210`, `+91 98765-43210`, `09876543210`, `919876543210`.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let digits = compact(input);
        let national = if let Some(rest) = digits.strip_prefix("+91") {
            rest
        } else if digits.len() == 12 && digits.starts_with("91") {
            &digits[2..]
        } else if digits.len() == 11 && digits.starts_with('0') {
            &digits[1..]
        } else {
            &digits
        };
        let valid = national.len() == 10
            && national.bytes().all(|b| b.is_ascii_digit())
            && matches!(national.as_bytes()[0], b'6'..=b'9');
        if valid {
            Ok(Self(format!("+91{national}")))
        } else {
            Err(IdError::Phone)
        }
    }

    /// The number as people read it: `+91 98765 43210`.
    pub fn display(&self) -> String {
        let national = &self.0[3..];
        format!("+91 {} {}", &national[..5], &national[5..])
    }

    /// The last four digits, to refer to a number without showing it.
    pub fn masked(&self) -> String {
        format!("+91 ••••• •{}", &self.0[self.0.len() - 4..])
    }
}

/// The fourth character of a PAN says who holds it: a person, a company…
const PAN_HOLDER_TYPES: &[u8] = b"ABCFGHJKLPT";

fn is_pan(text: &[u8]) -> bool {
    text.len() == 10
        && text[..5].iter().all(u8::is_ascii_uppercase)
        && PAN_HOLDER_TYPES.contains(&text[3])
        && text[5..9].iter().all(u8::is_ascii_digit)
        && text[9].is_ascii_uppercase()
}

impl Pan {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let text = compact(input).to_ascii_uppercase();
        if is_pan(text.as_bytes()) {
            Ok(Self(text))
        } else {
            Err(IdError::Pan)
        }
    }
}

const BASE36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The GSTIN check character of the first 14 characters: a Luhn mod 36,
/// weighting characters alternately by 1 and 2 from the left and adding the
/// quotient and remainder of each product by 36.
pub fn gstin_check_character(first14: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (index, c) in first14.iter().enumerate() {
        let value = BASE36.iter().position(|b| b == c)? as u32;
        let product = value * if index % 2 == 0 { 1 } else { 2 };
        sum += product / 36 + product % 36;
    }
    Some(BASE36[((36 - sum % 36) % 36) as usize])
}

impl Gstin {
    /// Checks the shape and the check character; the state is not checked
    /// here (see [`Gstin::parse_for_up_seller`]).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let text = compact(input).to_ascii_uppercase();
        let b = text.as_bytes();
        let shaped = b.len() == 15
            && b[..2].iter().all(u8::is_ascii_digit)
            && is_pan(&b[2..12])
            && (b[12].is_ascii_uppercase() || (b'1'..=b'9').contains(&b[12]))
            && b[13] == b'Z'
            && b[14].is_ascii_alphanumeric();
        if !shaped {
            return Err(IdError::GstinFormat);
        }
        if gstin_check_character(&b[..14]) != Some(b[14]) {
            return Err(IdError::GstinChecksum);
        }
        Ok(Self(text))
    }

    /// A GSTIN a seller in Uttar Pradesh may register with: valid, issued in
    /// UP, and carrying the seller's own PAN.
    pub fn parse_for_up_seller(input: &str, pan: &Pan) -> Result<Self, IdError> {
        let gstin = Self::parse(input)?;
        if gstin.state_code() != UP_GST_STATE_CODE {
            return Err(IdError::GstinNotUp);
        }
        if gstin.pan() != pan.as_str() {
            return Err(IdError::GstinPanMismatch);
        }
        Ok(gstin)
    }

    pub fn state_code(&self) -> &str {
        &self.0[..2]
    }

    pub fn pan(&self) -> &str {
        &self.0[2..12]
    }
}

impl EnrolmentNumber {
    /// The number the GST portal gives a supplier without GST after
    /// validating its PAN, for one state. It is written as a GSTIN is: the
    /// state code, the PAN, then three characters the portal assigns, whose
    /// making it does not publish. What can be checked without the portal
    /// is checked: the shape, that it is for Uttar Pradesh (these sellers
    /// may sell only within their state, which for odop's sellers is UP),
    /// and that it carries the seller's own PAN.
    pub fn parse_for_up_seller(input: &str, pan: &Pan) -> Result<Self, IdError> {
        let text = compact(input).to_ascii_uppercase();
        let b = text.as_bytes();
        let shaped = b.len() == 15
            && b[..2].iter().all(u8::is_ascii_digit)
            && is_pan(&b[2..12])
            && b[12..].iter().all(u8::is_ascii_alphanumeric);
        if !shaped {
            return Err(IdError::EnrolmentFormat);
        }
        if &text[..2] != UP_GST_STATE_CODE {
            return Err(IdError::EnrolmentNotUp);
        }
        if &text[2..12] != pan.as_str() {
            return Err(IdError::EnrolmentPanMismatch);
        }
        Ok(Self(text))
    }

    /// An enrolment number as stored: checked when it was given.
    pub fn from_stored(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl Ifsc {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let text = compact(input).to_ascii_uppercase();
        let b = text.as_bytes();
        let valid = b.len() == 11
            && b[..4].iter().all(u8::is_ascii_uppercase)
            && b[4] == b'0'
            && b[5..].iter().all(u8::is_ascii_alphanumeric);
        if valid { Ok(Self(text)) } else { Err(IdError::Ifsc) }
    }

    /// The bank's four-letter code.
    pub fn bank_code(&self) -> &str {
        &self.0[..4]
    }
}

impl Pin {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let text = compact(input);
        let b = text.as_bytes();
        if b.len() == 6 && b.iter().all(u8::is_ascii_digit) && b[0] != b'0' {
            Ok(Self(text))
        } else {
            Err(IdError::Pin)
        }
    }

    /// A PIN of the Uttar Pradesh postal circle (first two digits 20 to 28).
    /// Some of those prefixes are shared with Uttarakhand, which is why the
    /// address form asks for the state as well.
    pub fn parse_in_up(input: &str) -> Result<Self, IdError> {
        let pin = Self::parse(input)?;
        let circle: u8 = pin.0[..2].parse().expect("six digits");
        if (20..=28).contains(&circle) {
            Ok(pin)
        } else {
            Err(IdError::PinNotUp)
        }
    }
}

impl Udyam {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let text: String = input.split_whitespace().collect::<String>().to_ascii_uppercase();
        let parts: Vec<&str> = text.split('-').collect();
        let valid = matches!(parts.as_slice(), ["UDYAM", state, district, serial]
            if state.len() == 2 && state.bytes().all(|b| b.is_ascii_uppercase())
                && district.len() == 2 && district.bytes().all(|b| b.is_ascii_digit())
                && serial.len() == 7 && serial.bytes().all(|b| b.is_ascii_digit()));
        if !valid {
            return Err(IdError::Udyam);
        }
        if parts[1] != "UP" {
            return Err(IdError::UdyamNotUp);
        }
        Ok(Self(text))
    }
}

impl BankAccount {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let text = compact(input);
        if (9..=18).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text))
        } else {
            Err(IdError::BankAccount)
        }
    }

    /// The last four digits, for showing an account without exposing it.
    pub fn masked(&self) -> String {
        format!("••••{}", &self.0[self.0.len() - 4..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_to_e164() {
        for typed in [
            "9876543210",
            "98765 43210",
            "+91 98765-43210",
            "+919876543210",
            "919876543210",
            "09876543210",
            "(+91) 98765.43210",
        ] {
            assert_eq!(Phone::parse(typed).unwrap().as_str(), "+919876543210", "{typed}");
        }
        let phone = Phone::parse("6000000001").unwrap();
        assert_eq!(phone.display(), "+91 60000 00001");
        assert_eq!(phone.masked(), "+91 ••••• •0001");
    }

    #[test]
    fn phones_that_are_not_indian_mobiles_are_refused() {
        for bad in [
            "",
            "12345",
            "5876543210",
            "98765432100",
            "+1 9876543210",
            "+9198765432",
            "98765abcde",
            "०९८७६५४३२१०",
        ] {
            assert_eq!(Phone::parse(bad), Err(IdError::Phone), "{bad:?}");
        }
    }

    /// Builds a GSTIN with a correct check character from its first 14.
    fn gstin(first14: &str) -> String {
        let check = gstin_check_character(first14.as_bytes()).unwrap() as char;
        format!("{first14}{check}")
    }

    #[test]
    fn the_gstin_check_character_matches_a_published_example() {
        // The example GSTIN of the GST portal's own documentation.
        assert!(Gstin::parse("27AAPFU0939F1ZV").is_ok());
        assert_eq!(Gstin::parse("27AAPFU0939F1ZW"), Err(IdError::GstinChecksum));
    }

    #[test]
    fn gstins_are_checked_for_shape_checksum_state_and_pan() {
        let pan = Pan::parse("ABCPE1234F").unwrap();
        let good = gstin("09ABCPE1234F1Z");
        assert_eq!(Gstin::parse_for_up_seller(&good, &pan).unwrap().as_str(), good);
        assert_eq!(
            Gstin::parse_for_up_seller(&good.to_lowercase(), &pan).unwrap().as_str(),
            good
        );

        let mut wrong_check = good.clone().into_bytes();
        wrong_check[14] = if wrong_check[14] == b'A' { b'B' } else { b'A' };
        let wrong_check = String::from_utf8(wrong_check).unwrap();
        let cases = [
            (wrong_check.as_str(), IdError::GstinChecksum),
            ("09ABCPE1234F1Z", IdError::GstinFormat),
            ("09ABCPE1234F1X5", IdError::GstinFormat),
            ("0AABCPE1234F1Z5", IdError::GstinFormat),
            ("09ABCXE1234F1Z5", IdError::GstinFormat),
        ];
        for (input, error) in cases {
            assert_eq!(Gstin::parse_for_up_seller(input, &pan), Err(error), "{input}");
        }
        let delhi = gstin("07ABCPE1234F1Z");
        assert_eq!(Gstin::parse_for_up_seller(&delhi, &pan), Err(IdError::GstinNotUp));
        let other_pan = gstin("09ABCPE9999F1Z");
        assert_eq!(
            Gstin::parse_for_up_seller(&other_pan, &pan),
            Err(IdError::GstinPanMismatch)
        );
    }

    #[test]
    fn pan_ifsc_pin_udyam_and_accounts_have_their_shapes() {
        assert_eq!(Pan::parse("abcpe 1234 f").unwrap().as_str(), "ABCPE1234F");
        for bad in ["ABCPE1234", "ABCXE1234F", "1BCPE1234F", "ABCPE12345"] {
            assert_eq!(Pan::parse(bad), Err(IdError::Pan), "{bad}");
        }
        let ifsc = Ifsc::parse("sbin0001234").unwrap();
        assert_eq!((ifsc.as_str(), ifsc.bank_code()), ("SBIN0001234", "SBIN"));
        for bad in ["SBIN1001234", "SBI00001234", "SBIN000123", "SBIN0001234X"] {
            assert_eq!(Ifsc::parse(bad), Err(IdError::Ifsc), "{bad}");
        }
        assert_eq!(Pin::parse_in_up("226 001").unwrap().as_str(), "226001");
        assert_eq!(Pin::parse_in_up("201301").unwrap().as_str(), "201301");
        assert_eq!(Pin::parse_in_up("285001").unwrap().as_str(), "285001");
        assert_eq!(Pin::parse_in_up("110001"), Err(IdError::PinNotUp));
        assert_eq!(Pin::parse_in_up("302001"), Err(IdError::PinNotUp));
        assert_eq!(Pin::parse_in_up("22600"), Err(IdError::Pin));
        assert_eq!(Pin::parse_in_up("026001"), Err(IdError::Pin));
        assert_eq!(
            Udyam::parse("udyam-up-43-0012345").unwrap().as_str(),
            "UDYAM-UP-43-0012345"
        );
        assert_eq!(Udyam::parse("UDYAM-DL-01-0012345"), Err(IdError::UdyamNotUp));
        assert_eq!(Udyam::parse("UDYAM-UP-1-0012345"), Err(IdError::Udyam));
        assert_eq!(BankAccount::parse("1234 5678 9012").unwrap().masked(), "••••9012");
        assert_eq!(BankAccount::parse("12345678"), Err(IdError::BankAccount));
        assert_eq!(BankAccount::parse("12345678901234567890"), Err(IdError::BankAccount));
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn parsers_answer_any_text_and_their_output_parses_again(input in "\\PC{0,24}") {
            if let Ok(phone) = Phone::parse(&input) {
                prop_assert_eq!(Phone::parse(phone.as_str()).unwrap(), phone.clone());
                prop_assert_eq!(phone.as_str().len(), 13);
            }
            if let Ok(gstin) = Gstin::parse(&input) {
                prop_assert_eq!(Gstin::parse(gstin.as_str()).unwrap(), gstin);
            }
            for parsed in [
                Pan::parse(&input).map(|p| p.to_string()),
                Ifsc::parse(&input).map(|p| p.to_string()),
                Pin::parse(&input).map(|p| p.to_string()),
                Udyam::parse(&input).map(|p| p.to_string()),
                BankAccount::parse(&input).map(|p| p.to_string()),
            ]
            .into_iter()
            .flatten()
            {
                prop_assert!(parsed.is_ascii());
            }
        }

        /// Changing any one character of a valid GSTIN's first 14 changes its
        /// check character (the reason a checksum exists).
        #[test]
        fn a_single_changed_character_is_caught(position in 0usize..14, replacement in "[0-9A-Z]") {
            let first14 = *b"09ABCPE1234F1Z";
            let good = gstin_check_character(&first14).unwrap();
            let mut typo = first14;
            let replacement = replacement.as_bytes()[0];
            prop_assume!(typo[position] != replacement);
            typo[position] = replacement;
            prop_assert_ne!(gstin_check_character(&typo).unwrap(), good);
        }
    }

    #[test]
    fn an_enrolment_number_is_for_up_and_carries_the_sellers_pan() {
        let pan = Pan::parse("ABCPE1234F").unwrap();
        let number = EnrolmentNumber::parse_for_up_seller("09 ABCPE1234F 1E5", &pan).unwrap();
        assert_eq!(number.as_str(), "09ABCPE1234F1E5");
        for (input, error) in [
            ("09ABCPE1234F1E", IdError::EnrolmentFormat),
            ("09ABCPE1234F1E5X", IdError::EnrolmentFormat),
            ("0AABCPE1234F1E5", IdError::EnrolmentFormat),
            ("09ABCPE1234F1E-", IdError::EnrolmentFormat),
            ("07ABCPE1234F1E5", IdError::EnrolmentNotUp),
            ("09ABCPE9999F1E5", IdError::EnrolmentPanMismatch),
        ] {
            assert_eq!(EnrolmentNumber::parse_for_up_seller(input, &pan), Err(error), "{input}");
        }
    }
}
