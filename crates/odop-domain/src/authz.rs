//! Who may do what: every authorization decision of the platform, as plain
//! functions of an actor and an action. HTML pages and the API ask the same
//! question here; a handler never decides by itself.
//!
//! Objects out of an actor's reach are to be answered as "not found" by the
//! caller, so that their existence does not leak.

use crate::{Slug, UserId};

/// A signed-in person with everything that bears on what they may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    /// The districts this person serves as district officer (DIC).
    pub officer_of: Vec<Slug>,
    pub state_admin: bool,
    /// Keeps the marketplace's books: payouts and the tax reports, and may
    /// read every tax document; nothing else of a state admin's powers.
    pub finance: bool,
    pub outlet_operator: bool,
    /// Present once a district officer has verified them as a seller.
    pub seller: Option<VerifiedSeller>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSeller {
    pub district: Slug,
    pub role: SellerRole,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SellerRole {
    /// GST-registered; may take artisans on as sub-vendors.
    Vendor,
    /// Sells through this vendor.
    SubVendor { vendor: UserId },
    /// Without GST, enrolled to sell within UP on its own; takes no
    /// sub-vendors, since it cannot invoice for them.
    Enrolled,
}

/// An application as far as permissions care: whose it is and where.
#[derive(Clone, Copy, Debug)]
pub struct ApplicationRef<'a> {
    pub applicant: UserId,
    pub district: &'a Slug,
}

/// Everything that needs permission.
#[derive(Clone, Copy, Debug)]
pub enum Action<'a> {
    /// Start an application to sell.
    ApplyToSell,
    /// Read an application and its documents.
    ViewApplication(ApplicationRef<'a>),
    /// Approve, return or reject an application.
    DecideApplication(ApplicationRef<'a>),
    /// Open the district officer's desk.
    UseOfficerDesk,
    /// Invite artisans to sell as this vendor's sub-vendors.
    InviteSubVendors,
    /// See and remove the sub-vendors of this vendor.
    ManageSubVendorsOf(UserId),
    /// End this artisan's tie to their vendor.
    LeaveVendor { artisan: UserId },
    /// Create staff accounts and give roles.
    ManageStaff,
    /// Write, schedule and close polls and quiz questions, see and export
    /// their results.
    RunEngagement,
    /// See the payments that no order took (payment exceptions) and the
    /// refunds owed for them.
    ReviewPayments,
    /// Add a line to the GST rate table or correct one, from a date.
    ManageGstRates,
    /// Set the operator's commission per ODOP product from a day on.
    SetCommission,
    /// Make payout batches, send them to the bank, record its answers.
    ManagePayouts,
    /// Read the operator's tax reports (TCS by supplier GSTIN).
    ReadTaxReports,
    /// Browse the audit log: who changed what, when.
    ReadAuditLog,
    /// Put listings on the marketplace.
    PublishListings,
    /// Create, edit, pause and delete the listings of `seller`, whose vendor
    /// (for a sub-vendor) is `sellers_vendor`.
    ManageListingsOf {
        seller: UserId,
        sellers_vendor: Option<UserId>,
    },
    /// See an order placed by `buyer`, cancel its parts, pay for it.
    ViewOrder { buyer: UserId },
    /// Accept, reject, pack, ship and deliver a sub-order sold by `seller`
    /// through `vendor` (for a sub-vendor).
    FulfilOrder { seller: UserId, vendor: Option<UserId> },
    /// Read (and download) a tax invoice, bill of supply or credit note of
    /// an order placed by `buyer`, for a part sold by `seller` through
    /// `vendor`.
    ReadTaxDocument {
        buyer: UserId,
        seller: UserId,
        vendor: Option<UserId>,
    },
}

impl Actor {
    /// A person with an account and no role beyond buying.
    pub fn member(user: UserId) -> Self {
        Self {
            user,
            officer_of: Vec::new(),
            state_admin: false,
            finance: false,
            outlet_operator: false,
            seller: None,
        }
    }

    pub fn is_staff(&self) -> bool {
        self.state_admin || self.finance || self.outlet_operator || !self.officer_of.is_empty()
    }

    /// A state admin, or the finance role given alone.
    fn keeps_books(&self) -> bool {
        self.state_admin || self.finance
    }

    fn serves(&self, district: &Slug) -> bool {
        self.state_admin || self.officer_of.contains(district)
    }

    pub fn is_vendor(&self) -> bool {
        matches!(
            &self.seller,
            Some(VerifiedSeller {
                role: SellerRole::Vendor,
                ..
            })
        )
    }
}

/// Whether `actor` may do `action`.
pub fn may(actor: &Actor, action: Action<'_>) -> bool {
    match action {
        // Staff act on sellers; they do not become sellers with the same
        // account, so that no one can approve their own application.
        Action::ApplyToSell => actor.seller.is_none() && !actor.is_staff(),
        Action::ViewApplication(application) => {
            application.applicant == actor.user || actor.serves(application.district)
        }
        Action::DecideApplication(application) => {
            application.applicant != actor.user && actor.serves(application.district)
        }
        Action::UseOfficerDesk => actor.state_admin || !actor.officer_of.is_empty(),
        Action::InviteSubVendors => actor.is_vendor(),
        Action::ManageSubVendorsOf(vendor) => actor.is_vendor() && actor.user == vendor,
        Action::LeaveVendor { artisan } => actor.user == artisan,
        Action::ManageStaff
        | Action::RunEngagement
        | Action::ReviewPayments
        | Action::ManageGstRates
        | Action::SetCommission
        | Action::ReadAuditLog => actor.state_admin,
        Action::ManagePayouts | Action::ReadTaxReports => actor.keeps_books(),
        Action::PublishListings => actor.seller.is_some(),
        // A vendor invoices for its sub-vendors, so it may keep their listings.
        Action::ManageListingsOf { seller, sellers_vendor } => {
            actor.user == seller || (actor.is_vendor() && sellers_vendor == Some(actor.user))
        }
        Action::ViewOrder { buyer } => actor.user == buyer,
        // A seller keeps the orders it took even after losing its standing:
        // what was sold must still be delivered. The vendor that invoices
        // for a sub-vendor keeps them too.
        Action::FulfilOrder { seller, vendor } => actor.user == seller || vendor == Some(actor.user),
        // The parties to the supply, and the state's admins who answer for
        // the marketplace's filings; no district officer, no other seller.
        Action::ReadTaxDocument { buyer, seller, vendor } => {
            actor.user == buyer || actor.user == seller || vendor == Some(actor.user) || actor.keeps_books()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    const APPLICANT: UserId = UserId(1);
    const VENDOR: UserId = UserId(2);
    const ARTISAN: UserId = UserId(3);
    const LUCKNOW_OFFICER: UserId = UserId(4);
    const VARANASI_OFFICER: UserId = UserId(5);
    const ADMIN: UserId = UserId(6);
    const OTHER_VENDOR: UserId = UserId(7);
    const OUTLET: UserId = UserId(8);
    const BUYER: UserId = UserId(9);
    const FINANCE: UserId = UserId(10);

    fn actors() -> Vec<(&'static str, Actor)> {
        let seller = |role| {
            Some(VerifiedSeller {
                district: slug("lucknow"),
                role,
            })
        };
        vec![
            ("buyer", Actor::member(BUYER)),
            ("applicant", Actor::member(APPLICANT)),
            (
                "vendor",
                Actor {
                    seller: seller(SellerRole::Vendor),
                    ..Actor::member(VENDOR)
                },
            ),
            (
                "other vendor",
                Actor {
                    seller: seller(SellerRole::Vendor),
                    ..Actor::member(OTHER_VENDOR)
                },
            ),
            (
                "artisan",
                Actor {
                    seller: seller(SellerRole::SubVendor { vendor: VENDOR }),
                    ..Actor::member(ARTISAN)
                },
            ),
            (
                "lucknow officer",
                Actor {
                    officer_of: vec![slug("lucknow"), slug("hardoi")],
                    ..Actor::member(LUCKNOW_OFFICER)
                },
            ),
            (
                "varanasi officer",
                Actor {
                    officer_of: vec![slug("varanasi")],
                    ..Actor::member(VARANASI_OFFICER)
                },
            ),
            (
                "state admin",
                Actor {
                    state_admin: true,
                    ..Actor::member(ADMIN)
                },
            ),
            (
                "outlet operator",
                Actor {
                    outlet_operator: true,
                    ..Actor::member(OUTLET)
                },
            ),
            (
                "finance",
                Actor {
                    finance: true,
                    ..Actor::member(FINANCE)
                },
            ),
        ]
    }

    /// Every action, each with the actors allowed to do it; every other
    /// actor must be refused.
    #[test]
    fn every_role_against_every_action() {
        let lucknow = slug("lucknow");
        let own_application = ApplicationRef {
            applicant: APPLICANT,
            district: &lucknow,
        };
        let admins_own = ApplicationRef {
            applicant: ADMIN,
            district: &lucknow,
        };
        let table: Vec<(&str, Action, &[&str])> = vec![
            ("apply", Action::ApplyToSell, &["buyer", "applicant"]),
            (
                "view a Lucknow application",
                Action::ViewApplication(own_application),
                &["applicant", "lucknow officer", "state admin"],
            ),
            (
                "decide a Lucknow application",
                Action::DecideApplication(own_application),
                &["lucknow officer", "state admin"],
            ),
            // The state admin serves every district, but never decides their own case.
            (
                "decide the state admin's own application",
                Action::DecideApplication(admins_own),
                &["lucknow officer"],
            ),
            (
                "use the desk",
                Action::UseOfficerDesk,
                &["lucknow officer", "varanasi officer", "state admin"],
            ),
            (
                "invite sub-vendors",
                Action::InviteSubVendors,
                &["vendor", "other vendor"],
            ),
            (
                "manage the vendor's sub-vendors",
                Action::ManageSubVendorsOf(VENDOR),
                &["vendor"],
            ),
            (
                "leave the vendor",
                Action::LeaveVendor { artisan: ARTISAN },
                &["artisan"],
            ),
            ("manage staff", Action::ManageStaff, &["state admin"]),
            ("run polls and quizzes", Action::RunEngagement, &["state admin"]),
            ("review payment exceptions", Action::ReviewPayments, &["state admin"]),
            ("manage GST rates", Action::ManageGstRates, &["state admin"]),
            ("set the commission", Action::SetCommission, &["state admin"]),
            ("browse the audit log", Action::ReadAuditLog, &["state admin"]),
            (
                "make and settle payouts",
                Action::ManagePayouts,
                &["state admin", "finance"],
            ),
            (
                "read the TCS report",
                Action::ReadTaxReports,
                &["state admin", "finance"],
            ),
            (
                "publish listings",
                Action::PublishListings,
                &["vendor", "other vendor", "artisan"],
            ),
            (
                "read the invoice of the buyer's order from the vendor's artisan",
                Action::ReadTaxDocument {
                    buyer: BUYER,
                    seller: ARTISAN,
                    vendor: Some(VENDOR),
                },
                &["buyer", "artisan", "vendor", "state admin", "finance"],
            ),
            (
                "read the invoice of the buyer's order from a vendor",
                Action::ReadTaxDocument {
                    buyer: BUYER,
                    seller: OTHER_VENDOR,
                    vendor: None,
                },
                &["buyer", "other vendor", "state admin", "finance"],
            ),
        ];
        for (what, action, allowed) in table {
            for (who, actor) in actors() {
                let expected = allowed.contains(&who);
                assert_eq!(
                    may(&actor, action),
                    expected,
                    "{who} {} be able to {what}",
                    if expected { "should" } else { "should not" }
                );
            }
        }
    }

    #[test]
    fn an_officer_reaches_only_the_districts_they_serve() {
        let (_, officer) = actors().into_iter().find(|(who, _)| *who == "lucknow officer").unwrap();
        for (district, expected) in [
            ("lucknow", true),
            ("hardoi", true),
            ("varanasi", false),
            ("agra", false),
        ] {
            let district = slug(district);
            let application = ApplicationRef {
                applicant: APPLICANT,
                district: &district,
            };
            assert_eq!(
                may(&officer, Action::ViewApplication(application)),
                expected,
                "{district}"
            );
            assert_eq!(
                may(&officer, Action::DecideApplication(application)),
                expected,
                "{district}"
            );
        }
    }
}
