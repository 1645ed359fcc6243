//! Typed identifiers of stored things, so that a user id can never be passed
//! where an application id is meant.

use std::fmt;
use std::str::FromStr;

macro_rules! id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id!(
    /// A person with an account.
    UserId
);
id!(
    /// An application to sell.
    ApplicationId
);
id!(
    /// A document uploaded with an application.
    DocumentId
);
id!(
    /// A vendor's invitation of an artisan as its sub-vendor.
    InvitationId
);
id!(
    /// A product a seller offers.
    ListingId
);
id!(
    /// A photo of a listing.
    PhotoId
);
id!(
    /// A buyer's order, which may span several sellers.
    OrderId
);
id!(
    /// One seller's part of an order.
    SubOrderId
);
id!(
    /// A poll, or an admin's quiz question.
    PollId
);
