# English messages. Every id here exists in hi.ftl too (a test checks).

site-name = ODOP Uttar Pradesh
site-tagline = One District One Product
skip-to-content = Skip to content
table-actions = What you can do
nav-home = Home
nav-districts = Districts
nav-primary = Main menu
lang-switch-label = Language
footer-about = One District One Product is the Government of Uttar Pradesh's scheme, launched on 24 January 2018, to promote a traditional product of each of the state's 75 districts and the artisans who make it.
footer-data = District and product data: public sources, curated by the project.
footer-api = Open data (JSON API)

search-label = Search districts and products
search-placeholder = e.g. chikankari, glass, Varanasi
search-button = Search

home-title = The crafts of Uttar Pradesh, district by district
home-intro = Every district of Uttar Pradesh has its own product: chikankari from Lucknow, Banarasi silk from Varanasi, glassware from Firozabad, brassware from Moradabad, wooden toys from Chitrakoot. Discover them and the artisans who make them.
home-stats = { $districts } districts · { $divisions } divisions · { $products } ODOP products
home-featured = Featured districts
home-new = New in the shop
home-new-all = All new products
home-popular = Popular now
home-by-craft = Shop by craft
home-all-districts = See all { $count } districts

districts-title = Districts of Uttar Pradesh
districts-intro = All 75 districts, grouped by the state's 18 divisions, each with its ODOP products.
districts-results = Districts matching “{ $query }”
districts-none = No district or product matches “{ $query }”.
districts-show-all = Show all districts
division-heading = { $name } division
district-count = { $count ->
    [one] 1 district
   *[other] { $count } districts
}

district-division = { $name } division
district-products = ODOP products
product-added = ODOP product since { $year }
product-added-unknown = Year of inclusion not recorded
gi-registered = GI tag: { $name }
gi-registered-unnamed = GI tag registered
gi-likely = GI tag reported: { $name } (being confirmed)
gi-likely-unnamed = GI tag reported (being confirmed)
gi-none = No GI tag
gi-unknown = GI status not recorded
district-same-craft = Also an ODOP product of
district-neighbours = Other districts of { $name } division
district-confidence-medium = This district's entry rests on a single public source and is awaiting confirmation.
breadcrumb = Breadcrumb

error-not-found-title = Page not found
error-not-found-body = There is no page at this address. It may have moved, or the address may have a typing mistake.
error-district-not-found = There is no district “{ $slug }” in Uttar Pradesh's registry.
error-bad-request-title = This address is not right
error-invalid-slug = A district's address uses only lowercase English letters, digits and hyphens, for example /districts/sant-kabir-nagar.
error-invalid-query = The search words or options in this address could not be read. Please search again.
error-query-too-long = The search is too long. Please use fewer words.
error-invalid-language = This language is not available. Choose English or Hindi.
error-internal-title = Something went wrong on our side
error-internal-body = Please try again in a moment. If it keeps happening, tell us this reference: { $request_id }.
error-unavailable-title = The service is busy
error-unavailable-body = We could not reach our database just now. Please try again in a minute.
error-payment-unavailable-title = Payment service unreachable
error-payment-unavailable-body = We could not reach the payment service just now, and nothing was charged. Your order is kept: try paying again in a minute from your orders page.
error-method-title = Not possible here
error-method-body = This page cannot be used this way. Go back and use its links and buttons.
payment-attempt-closed = This payment is closed. Go back to your order to pay it again if it still awaits payment.
error-back-home = Go to the home page
error-see-districts = See all districts

## Navigation, notices, common
nav-sign-in = Sign in
nav-sign-out = Sign out
footer-privacy = Privacy
footer-terms = Terms of sale
terms-of-sale-title = Terms of sale, returns and delivery
terms-of-sale-intro = When you buy on ODOP, you buy from the artisan or firm named on the product: ODOP is the marketplace that brings you together, takes your payment and sees that these terms are kept. Here is what you agree to at checkout, in plain words.
sale-terms-sellers-heading = Who sells to you
sale-terms-sellers = Every product page names its seller, the seller's address and district, and the product's country of origin. Artisans without a GST registration sell through a registered vendor, who supplies and invoices on their behalf. Sellers are verified by their district's officer before they can sell.
sale-terms-prices-heading = Prices
sale-terms-prices = Prices are in rupees and include GST. Each seller charges its own delivery, shown in the cart and at checkout before you pay; many deliver free above an amount. If a price changes while you check out, you are shown the new total to confirm.
sale-terms-payment-heading = Paying
sale-terms-payment = Pay online (UPI or card) through the payment gateway, or in cash on delivery where every seller in the order accepts it (up to a limit per seller). An online order keeps its products for you for { $minutes } minutes while you pay; if the payment does not come in time, the order is cancelled and nothing is charged. A payment the order did not need, or one of the wrong amount, is returned to you in full.
sale-terms-delivery-heading = Delivery
sale-terms-delivery = Each seller accepts your order within 48 hours, packs it and hands it to a courier; you are told by SMS at every step, and your order page shows the courier and the tracking number. An order a seller does not accept in 48 hours is cancelled and refunded.
sale-terms-cancelling-heading = Cancelling
sale-terms-cancelling = You may cancel an order, or one seller's part of it, until it is shipped, from your order page. Anything you paid for it comes back to you.
sale-terms-returns-heading = Returns
sale-terms-returns = A product that arrives damaged, is not what you ordered, or is not as described can be returned for at least 7 days after delivery. Many products can also be returned if you change your mind, within the days their page states; some, such as those made to order, cannot. Ask for a return on your order page; the seller answers within 48 hours, and a request left unanswered is approved.
sale-terms-refunds-heading = Refunds
sale-terms-refunds = Once the seller has the product back, you are refunded: everything for a fault of the seller's, and everything except the delivery charge for a change of mind. Online payments go back to the card or UPI account you paid from, through the payment gateway; for cash on delivery, the seller pays the refund to you.
sale-terms-help-heading = Help
sale-terms-help = Your order page has the seller's phone and address. Write to them first; if that does not settle it, the marketplace will.
form-has-errors = Please correct the fields marked below.
field-choose = Choose…
notice-signed-in = You are signed in.
notice-cart-combined = You are signed in. Your cart now holds what you chose just now and what you had kept in it before; items that were in both have their quantities added together. Please check your cart before you pay.
notice-signed-out = You are signed out.
notice-signed-out-everywhere = You are signed out on every device.
notice-sms-language-saved = Your messages will come in the language you chose.
notice-application-submitted = Your application has been sent to the district officer.
notice-decision-recorded = The decision is recorded and the applicant has been informed.
notice-invitation-sent = The invitation has been sent by SMS.
notice-invitation-accepted = You now sell through this vendor.
notice-invitation-declined = The invitation is declined.
notice-sub-vendor-removed = Done: they no longer sell through you.
notice-vendor-left = You no longer sell through this vendor.
notice-staff-created = The staff account is ready; share the password with its holder in person.
notice-account-deleted = Your account and personal data have been deleted.
age-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}
age-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
age-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}

## Errors of forms and fields
error-invalid-form = This form could not be read. Please go back, reload the page and try again.
error-csrf-title = This form has expired
error-csrf-body = For your safety the form was not accepted. Go back, reload the page and send it again.
error-sign-in-title = Please sign in
error-sign-in-body = This page is for signed-in users.
error-too-many-title = Too many attempts
error-too-many-body = { $minutes ->
    [one] Please wait a minute before trying again.
   *[other] Please wait { $minutes } minutes before trying again.
}
text-missing = Please fill this in.
text-too-short = Too short: at least { $limit } characters.
text-too-long = Too long: at most { $limit } characters.
invalid-phone = Enter a 10-digit mobile number starting with 6, 7, 8 or 9.
invalid-pan = A PAN has 5 letters, 4 digits and a letter, like ABCPE1234F.
invalid-gstin-format = A GSTIN has 15 characters: state code, PAN, entity code, Z and a check character.
invalid-gstin-checksum = This GSTIN has a typing mistake: its last character does not match the rest.
invalid-gstin-state = This GSTIN is not registered in Uttar Pradesh (it must start with 09).
invalid-gstin-pan = The PAN inside this GSTIN is not the PAN you entered.
invalid-ifsc = An IFSC has 11 characters, like SBIN0001234 (the fifth is a zero).
invalid-pin = A PIN code has 6 digits.
invalid-pin-state = This PIN code is not in Uttar Pradesh. UP PIN codes start with 20 to 28.
invalid-udyam = An Udyam number looks like UDYAM-UP-00-0000000.
invalid-udyam-state = This Udyam number is not from Uttar Pradesh (it should read UDYAM-UP-…).
invalid-bank-account = A bank account number has 9 to 18 digits.
unknown-district = Choose your district from the list.
unknown-craft = Choose your craft from the list.
bio-required = Write a few lines about your work, in English or Hindi (or both).
vendor-not-linked = Choose the vendor that invited you. No invitation yet? Ask the vendor to invite your mobile number.
choose-seller-kind = Choose how you sell: with your own GSTIN, or through a vendor.
consent-required = Please read the notice and tick the box to agree.
choose-decision = Choose approve, return or reject.
document-missing = Please attach this document.
document-too-large = This file is larger than 5 MB.
document-wrong-type = This file is not a PDF, JPEG or PNG.
documents-choose-again = For your safety, files are not kept when a form has errors: please choose them again.

## Signing in
signin-title = Sign in
signin-intro = Enter your mobile number. We will send you a 6-digit code by SMS; no password is needed.
field-phone = Mobile number
field-phone-hint = 10 digits, for example 98765 43210
signin-send-code = Send code
signin-staff-prompt = District officers and staff with a password:
signin-staff-link = sign in with a password
code-title = Enter the code
code-intro = We have sent a 6-digit code to { $phone }. It is valid for 5 minutes.
code-wait = A code was sent moments ago. You can ask for another in { $seconds } seconds.
field-code = 6-digit code
code-submit = Sign in
code-resend = Did not get the code? Send a new one
code-format = The code has 6 digits.
code-wrong = { $left ->
    [one] That code is not right. You can try once more.
   *[other] That code is not right. You can try { $left } more times.
}
code-expired = This code has expired. Please ask for a new one.
code-locked = Too many wrong codes. Please ask for a new one.
code-used = This code has already been used. Please ask for a new one.
code-none = No code has been sent to this number yet. Please ask for one.
sms-sign-in-code = { $code } is your ODOP sign-in code. It is valid for 5 minutes. Do not share it with anyone.
sms-invitation-code = { $code } is your ODOP code to accept the vendor's invitation. Do not share it with anyone.
staff-signin-title = Staff sign-in
staff-signin-intro = For district officers and other staff, with the password given to you.
field-password = Password
staff-signin-submit = Sign in
staff-signin-otp = Not staff? Sign in with a code by SMS
staff-use-password = Staff accounts sign in with their password and a second code, at Staff sign-in (/signin/staff).
staff-code-title = Second step: your code
staff-code-sms = Your password is right. We have sent a 6-digit code by SMS to your phone: enter it within 5 minutes.
staff-code-app = Your password is right. Enter the 6-digit code your authenticator app shows for ODOP.
staff-code-restart = Start again
sms-staff-code = { $code } is your ODOP staff sign-in code. It is valid for 5 minutes. Never share it: nobody from ODOP will ask for it.
password-wrong = The mobile number or password is not right.
password-length = At least 10 characters.

## Account
account-title = Your account
account-role-officer-of = District officer for { $districts }
role-district-officer = District officer
role-state-admin = State admin
role-outlet-operator = Outlet operator
account-selling = Selling on ODOP
account-application = Your application:
account-application-open = see the details
account-apply-intro = Artisans, weavers and enterprises of Uttar Pradesh can sell their products here once the district officer has verified them.
account-apply = Apply to sell
seller-verified-vendor = Verified seller (vendor) in { $district }
seller-verified-sub-vendor = Verified seller (through a vendor) in { $district }
account-sub-vendors = Your sub-vendors (artisans who sell through you)
account-invitations = Invitations
invitation-from = { $vendor } invites you to sell through them.
invitation-accept = Accept
invitation-decline = Decline
account-vendor-ties = The vendor you sell through
tie-with = You sell through { $vendor }.
tie-leave = Leave this vendor
account-work = Your work
account-desk = District officer's desk
account-staff = Staff accounts
account-your-data = Your data
account-messages = Messages to your phone
account-sms-language = Send my SMS in
account-sms-language-save = Save
account-security = Signed in elsewhere?
account-sign-out-everywhere-intro = If you lost a phone or signed in on someone else's, sign out on every device at once, this one too.
account-sign-out-everywhere = Sign out everywhere
account-second-factor-sms = After your password, you confirm each sign-in with a code sent by SMS.
account-second-factor-app = After your password, you confirm each sign-in with a code from your authenticator app.
account-authenticator = Authenticator app
authenticator-title = Authenticator app
authenticator-active = An authenticator app gives your sign-in codes now. If you remove it, codes come by SMS again.
authenticator-remove = Remove the app
authenticator-replace = Use another app or phone
authenticator-intro = Scan this code with an authenticator app (for example Google Authenticator or Microsoft Authenticator), or type the key into it. Then enter the 6-digit code it shows, to confirm.
authenticator-qr-label = QR code to add ODOP to an authenticator app
authenticator-key = Key:
authenticator-open-app = Open in the authenticator app on this phone
authenticator-code = Code from the app
authenticator-confirm = Confirm and use this app
authenticator-code-wrong = That is not the code the app shows for this key. Check the key and the phone's clock, and try again.
authenticator-your-password = Your password
authenticator-password-wrong = That is not your password. Changing how you sign in needs it, so that nobody else can do it from a session left open.
notice-authenticator-added = Your authenticator app is set up: your next sign-in asks for its code.
notice-authenticator-removed = The authenticator app is removed: sign-in codes come by SMS again.
account-privacy = What we keep and why
account-download = Download your data
account-delete = Delete your account

## Deleting an account
delete-title = Delete your account
delete-what = Your mobile number, name, addresses, bank and tax details and documents will be erased, and you will be signed out everywhere.
delete-kept = Records the law requires us to keep (such as who decided an application) stay, without your personal details.
delete-confirm = I understand that this cannot be undone.
delete-confirm-required = Please tick the box to confirm.
delete-submit = Delete my account
delete-cancel = Keep my account

## Privacy notice
privacy-title = Your data on ODOP
privacy-intro = This notice says what personal data ODOP keeps, why, who sees it and for how long, and what you can do about it.
privacy-what-heading = What we keep
privacy-what-account = Your mobile number, your name if you give it, and your language.
privacy-what-seller = If you apply to sell: your names, district and craft, your pickup address, bank account and IFSC, PAN, Udyam number and GSTIN.
privacy-what-documents = The documents you upload with an application (PAN card, bank proof, GST certificate, craft certificate).
privacy-what-technical = When you sign in: a session cookie, and for a short time the codes sent to you and counts of attempts, to stop misuse.
privacy-why-heading = Why
privacy-why = To sign you in, to let the district officer verify that you are a genuine seller of your district, to pay you for your sales and to invoice them as the law requires. We do not sell your data and do not use it for advertising.
privacy-who-heading = Who sees it
privacy-who = You; the district officer of your district and the state ODOP cell, to verify you; and later, for your orders, the buyers and couriers who need your name and pickup address.
privacy-how-long-heading = How long
privacy-how-long = As long as you have an account. One-time codes expire after 5 minutes and are erased once sent. When you delete your account, your personal data is erased; only records the law requires are kept, without your details.
privacy-rights-heading = Your rights
privacy-rights = You can download a copy of your data, correct it (ask the district officer to return your application), and delete your account at any time. Withdrawing consent is as easy as giving it.
privacy-no-tracking = ODOP uses no advertising or tracking cookies; its only cookies keep you signed in, remember your language and protect forms.

## Applying to sell
apply-title = Apply to sell on ODOP
apply-intro = The district officer of your district checks your application, usually within a few days. Fields are in English or Hindi, as you prefer.
apply-about-you = About you and your craft
field-display-name = Shop or display name
field-legal-name = Legal name (as on your PAN)
field-district = District
field-craft = Craft / ODOP product
field-bio-en = About your work (English)
field-bio-hi = About your work (Hindi)
field-bio-hint = A few lines buyers will read: who you are, how you make your products. Write in English, Hindi or both.
apply-pickup = Pickup address
field-address-line1 = Address
field-address-line2 = Address (continued, optional)
field-city = Town or village
field-pin = PIN code
field-pin-hint = 6 digits; your pickup address must be in Uttar Pradesh
apply-payments = Payments and tax
field-account-holder = Account holder's name
field-account-number = Bank account number
field-account-number-hint = 9 to 18 digits
field-ifsc = IFSC
field-ifsc-hint = 11 characters, printed on your cheque book or passbook
field-pan = PAN
field-pan-hint = 10 characters, like ABCPE1234F
field-udyam = Udyam registration number (optional)
field-udyam-hint = Like UDYAM-UP-00-0000000, if your enterprise is registered
apply-how-you-sell = How you sell
kind-vendor-choice = With my own GSTIN (registered in Uttar Pradesh)
field-gstin = GSTIN
field-gstin-hint = 15 characters, starting with 09
kind-sub-vendor-choice = Without GST, through a vendor that invited me (a cooperative, SHG or firm)
apply-no-vendor = No vendor has invited you yet. A GST-registered vendor can invite your mobile number; the invitation will appear on your account page.
field-vendor = Vendor
apply-documents = Documents
apply-documents-hint = PDF, JPEG or PNG, up to 5 MB each. A clear photo from your phone is fine.
apply-documents-on-file = Already on file:
document-pan-card = PAN card
document-pan-card-hint = A copy of your PAN card
document-bank-proof = Bank proof
document-bank-proof-hint = A cancelled cheque or the first page of your passbook
document-gst-certificate = GST certificate
document-gst-certificate-hint = Needed if you sell with your own GSTIN
document-craft-proof = Artisan card or craft certificate (optional)
document-craft-proof-hint = Helps the district officer, for example an artisan card or a certificate from your gram pradhan
apply-consent = I agree that ODOP keeps and uses these details to verify me and pay me, as described in
apply-submit = Send application

## Application status
application-title = Your application to sell
application-reason = Reason:
application-correct = Correct and send again
application-apply-again = Apply again
application-summary = Summary
application-history = History
status-submitted = Waiting for the district officer
status-returned = Returned to you for correction
status-approved = Verified
status-rejected = Not accepted
next-step-submitted = The district officer of your district will check your application. You will get an SMS when it is decided.
next-step-returned = The district officer has asked you to correct something. Please read the reason, correct the application and send it again.
next-step-approved = You are a verified seller. You can list your products once the catalogue opens.
next-step-rejected = Your application was not accepted. You may apply again after addressing the reason.
kind-vendor = Vendor (own GSTIN)
kind-sub-vendor = Sub-vendor (through a vendor)
kind-sub-vendor-of = Sub-vendor of { $vendor }
event-submitted = Sent by { $who }
event-resubmitted = Corrected and sent again by { $who }
event-approved = Approved by { $who }
event-returned = Returned by { $who }
event-rejected = Rejected by { $who }
event-someone = a user
sms-application-approved = ODOP: your seller application has been approved. You are now a verified seller.
sms-application-returned = ODOP: your seller application needs a correction: { $reason } Please sign in to correct it.
sms-application-rejected = ODOP: your seller application was not accepted: { $reason }

## The district officer's desk
desk-title = District officer's desk
desk-scope = Applications from { $districts }, oldest first.
desk-scope-all = Applications from every district, oldest first.
desk-empty = No application is waiting. Well done!
desk-applicant = Applicant
desk-waiting = Waiting for
desk-submitted = sent { $when }
decision-title = Decision
decision-choose = Your decision
decision-approve = Approve: the applicant becomes a verified seller
decision-return = Return for correction
decision-reject = Reject
decision-reason = Reason (needed to return or reject)
decision-reason-hint = The applicant reads this: say what to correct or why.
decision-submit = Record decision
decision-already-made = This application has already been decided, perhaps by a colleague.

## Vendors and sub-vendors
sub-vendors-title = Your sub-vendors
sub-vendors-intro = Artisans without GST can sell through you: you invoice on their behalf. Invite them by mobile number; they accept with a code sent to that number.
invite-phone = Artisan's mobile number
invite-submit = Send invitation
invite-self = You cannot invite yourself.
invite-already = This number is already invited or already sells through you.
sub-vendors-none = You have no sub-vendors yet.
sub-vendors-who = Artisan
sub-vendors-status = Status
sub-vendors-since = Since
sub-vendors-remove = Remove
tie-status-invited = Invited
tie-status-active = Sells through you
tie-status-left = Left
tie-status-removed = Removed
tie-status-declined = Declined
sms-invitation = { $vendor } invites you to sell your products on ODOP through them. Sign in at ODOP with this mobile number to accept.
invitation-confirm-title = Accept the invitation
invitation-confirm-intro = To sell through { $vendor }, confirm with the code we sent to your mobile.
invitation-confirm-submit = Accept invitation

## Staff accounts
staff-title = Staff accounts
payment-exceptions-title = Payment exceptions
payment-exceptions-intro = Money that a payment gateway took and no order took: a payment of the wrong amount or currency, a second payment for an order already paid, or a payment after the order's hold ran out. Each is refunded in full, on its own, through the gateway; the last column says where the refund stands.
payment-exceptions-none = No payment exceptions.
payment-exceptions-when = When
payment-exceptions-order = Order
payment-exceptions-what = What happened
payment-exceptions-received = Received
payment-exceptions-expected = Order total
payment-exceptions-refund = Refund
payment-exceptions-gateway = Gateway order / payment
payment-exception-wrong-amount = A payment of another amount than the order's total
payment-exception-wrong-currency = A payment in another currency
payment-exception-no-currency = A payment whose currency the gateway did not say
payment-exception-already-paid = A second payment for an order already paid
payment-exception-paid-after-hold = Paid after the order's hold ran out and its goods were gone
payment-exception-foreign = { $amount } (smallest unit of { $currency })
payment-exception-unknown-currency = { $amount } (currency not given)
refund-status-pending = Owed, being sent
refund-status-sent = Sent to the gateway
refund-status-processed = Refunded
refund-status-none = Not recorded
refunds-unanswered-title = Refunds sent without an answer
refunds-unanswered-intro = These refunds went to the gateway, but its answer never came (it timed out, or the server stopped). The gateway may have taken them, so they are not sent again by themselves. Look each receipt up on the gateway's dashboard: if a refund with that receipt is there, wait for its confirmation, which settles it here; if none is, send it again.
refunds-unanswered-since = Sent
refunds-unanswered-receipt = Receipt
refunds-unanswered-amount = Amount
refunds-unanswered-payment = Gateway payment
refunds-unanswered-action = Action
refunds-unanswered-release = Not at the gateway: send again
notice-refund-released = The refund is being sent again.
notice-refund-settled-already = That refund was settled meanwhile; nothing was sent.
staff-name = Name
staff-roles = Roles
staff-create = New staff account
staff-role = Role
staff-districts = Districts (for district officers)
staff-districts-hint = Hold Ctrl (or Cmd) to choose more than one.
staff-districts-required = Choose at least one district for a district officer.
staff-role-required = Choose a role.
staff-create-submit = Create account

## Catalogue: browsing and search
nav-products = Products
search-title = Search products
search-results-for = Results for “{ $query }”
search-count = { $count ->
    [one] 1 product
   *[other] { $count } products
}
search-count-for = { $count ->
    [one] 1 product for “{ $query }”
   *[other] { $count } products for “{ $query }”
}
search-how-ranked = how results are ranked
search-nothing = Nothing matches. Try fewer words, another spelling, or remove a filter.
facets-title = Filters
facet-district = District
facet-craft = ODOP product
facet-division = Division
facet-price = Price
facet-more = More
facet-in-stock = In stock
facet-gi = GI-tagged
price-band = { $from } to { $to }
price-band-above = Above { $from }
sort-label = Sort by
sort-apply = Sort
sort-relevance = Best match
sort-price-asc = Price: low to high
sort-price-desc = Price: high to low
sort-newest = Newest
pages-label = Pages
page-previous = ← Previous
page-next = Next →
see-all-products = See all products
districts-filter-label = Filter districts and products
districts-filter-button = Filter
district-on-sale = On sale from { $name }
district-nothing-on-sale = Nothing from this district is on sale yet.
craft-made-in = An ODOP product of { $districts }.
craft-empty = Nothing of this craft is on sale yet.
shop-from = From { $district } · { $craft }
shop-empty = This seller has nothing on sale right now.
ranking-title = How search results are ranked
ranking-intro = We rank products by how well they match your words, the same way for every seller. Nobody can pay to be shown higher.
ranking-words = We show the products that match all your words. When none matches them all, we show those that match most of them, the ones matching more first. Joining words such as “ki”, “ka”, “of” and “with” need not match.
ranking-fields = A match in the product's title counts more than one in its description or in the name of its craft or district.
ranking-spelling = Exact spellings count more than near ones; words written in Hindi or English, or spelt differently (banarasi, banarsi, बनारसी), are all matched. Near spellings are tried for words that few products use as you typed them.
ranking-stock = Products you can buy now rank above products that are out of stock.
ranking-empty = Without search words, the newest products come first.
ranking-not-used = Sales, seller fees, advertising and who the seller is play no part in ranking.
ranking-sorting = You can instead sort by price (low to high or high to low) or by newest, and narrow results with the filters.

## Catalogue: a product
out-of-stock = out of stock
in-stock = In stock
mrp = MRP { $mrp }
price-includes-gst = Price includes GST of { $tax } ({ $rate }).
variant-option = Option
variant-sku = SKU
variant-mrp = MRP
variant-price = Price
variant-availability = Availability
odop-badge = ODOP product of { $district }
gi-tagged = GI-tagged product
gi-tagged-named = GI-tagged: { $name }
product-about = About this product
product-seller = Seller
seller-gst = GST
seller-gst-registered = Registered, GSTIN { $gstin }
seller-through-vendor = Sells through { $vendor } (GSTIN { $gstin }), who invoices
seller-gst-unknown = Not registered
seller-address = Address
seller-rating = Rating
rating-none = No ratings yet
uttar-pradesh = Uttar Pradesh
product-terms = Returns, refunds and delivery
terms-returns = Returns
returns-within = { $days ->
    [one] Returnable within 1 day of delivery
   *[other] Returnable within { $days } days of delivery
}
returns-none = Not returnable
terms-refunds = Refunds
refunds-policy = A refund goes back the way you paid, once a return is received or an order is cancelled.
terms-delivery = Delivery
delivery-policy = Shipped by the seller from Uttar Pradesh; the delivery charge and time are shown before you pay.
terms-origin = Country of origin
origin-india = India
detail-craft = Craft
detail-weight = Weight
detail-hsn = HSN code
detail-size = Size (L × W × H)
grams = { $grams } g
product-related = More of this craft
listing-not-public-draft = This is a draft: only you can see it.
listing-not-public-paused = This listing is paused: only you can see it.
listing-not-public-active = This seller is not verified: only you can see it.
listing-not-public-deleted = This listing is deleted.

## Catalogue: a seller's listings
my-listings-title = Your listings
my-listings-none = No listings yet.
listing-add = Add a listing
listing-title = Title
listing-status = Status
listing-stock = Stock
listing-status-draft = Draft
listing-status-active = On sale
listing-status-paused = Paused
listing-status-deleted = Deleted
listing-new-title = New listing
listing-edit-title = Edit listing
listing-view = see it as buyers do
listing-publish = Put on sale
listing-pause = Pause
listing-delete = Delete
listing-photos = Photos
photo-add = Add a photo
photo-hint = { $left ->
    [one] JPEG, PNG or WebP, up to 10 MB. 1 more photo allowed.
   *[other] JPEG, PNG or WebP, up to 10 MB. { $left } more photos allowed.
}
photo-upload = Upload
photo-remove = Remove
listing-details = Details
listing-what = What you sell
listing-title-en = Title in English
listing-title-hi = Title in Hindi
listing-description-en = Description in English
listing-description-hi = Description in Hindi
listing-description-hint = Plain text. A blank line starts a new paragraph; start a line with “- ” for a list; **bold** for emphasis.
listing-gi = This product holds the GI tag of my district's ODOP product
listing-variants = Sizes, colours and prices
listing-variants-hint = One row per option you sell (size, colour, weight…), with its own code (SKU), price including GST, MRP and stock. Leave unused rows empty.
listing-shipping = Tax, shipping and returns
listing-hsn = HSN code
listing-hsn-hint = 4, 6 or 8 digits, as on your GST invoices (e.g. 6206 for a kurta, 4420 for wooden articles, 5702 for durries)
listing-weight = Packed weight (grams)
listing-size = Packed size (optional)
listing-length-cm = Length in cm
listing-width-cm = Width in cm
listing-height-cm = Height in cm
unit-cm = cm
listing-returnable = Buyers may return it
listing-return-days = Days to return after delivery
listing-origin = Country of origin
listing-save = Save
notice-listing-saved = Saved.
notice-listing-published = The listing is on sale.
notice-listing-paused = The listing is paused.
notice-listing-deleted = The listing is deleted.
notice-photo-added = Photo added.

## Catalogue: field errors
title-required = Give a title in English or Hindi (or both).
form-incomplete = The form is incomplete.
hsn-malformed = An HSN code has 4, 6 or 8 digits.
hsn-unknown = We have no GST rate for this HSN code yet. Check the code, or ask the ODOP cell to add its rate.
number-out-of-range = Enter a whole number up to { $limit }.
dimensions-all-or-none = Give length, width and height, or none of them.
gi-not-held = Only a product holding your district's GI tag may say so.
variant-required = Give at least one option with its price and stock.
variants-too-many = At most { $limit } options.
variant-label-required = With several options, name each one (size, colour…).
sku-malformed = A SKU has up to 40 letters, digits, dots, hyphens or underscores.
sku-repeated = Each option needs its own SKU.
mrp-below-price = The MRP cannot be below the price.
money-malformed = Enter an amount in rupees, like 1250, 1,25,000 or 1250.50 (commas only between groups of digits).
money-too-precise = At most two digits after the decimal point.
money-not-positive = The amount must be more than zero.
money-too-large = The amount is too large.
photo-empty = Choose a photo to upload.
photo-too-large = The photo is larger than 10 MB.
photo-wrong-type = The photo is not a JPEG, PNG or WebP image.
photo-too-many-pixels = The photo is too large (at most 8000 pixels a side).
photo-unreadable = The photo could not be read; it may be damaged.
photo-too-many = A listing has at most 8 photos.

## Cart and checkout
nav-cart = Cart
cart-title = Your cart
cart-empty = Your cart is empty.
cart-item = Item
cart-quantity = Quantity
cart-amount = Amount
cart-update = Update
cart-remove = Remove
cart-checkout = Check out
cart-add = Add to cart
cart-not-on-sale = This item is no longer on sale.
cart-only-left = Only { $count } left.
cart-too-many = At most { $count } of one item.
cart-quantity-range = The quantity must be a whole number from 0 (to remove it) to { $count }.
cart-full = A cart holds at most { $count } items.
checkout-title = Checkout
checkout-summary = Order summary
checkout-seller = Seller
checkout-items = Items
checkout-delivery = Delivery
checkout-part-total = Total
checkout-total = Total to pay
checkout-tax-included = Prices include GST of { $tax }. Nothing is added when you pay.
checkout-address = Delivery address
address-name = Full name
address-phone = Mobile number
address-line1 = House, street
address-line2 = Area, landmark (optional)
address-city = Town or city
address-state = State
address-pin = PIN code
address-state-missing = Choose the state.
address-pin-not-in-state = This PIN code is not in the chosen state.
checkout-method = Payment
payment-method-online = UPI or card, now
payment-method-cod = Cash on delivery
checkout-cod-unavailable = Cash on delivery is not available for this order.
checkout-accept-terms = I accept the terms of sale, returns and delivery.
checkout-read-terms = Read the terms of sale, returns and delivery (opens in a new tab)
checkout-place = Place order and pay { $total }
checkout-method-required = Choose how to pay.
checkout-terms-required = Tick the box to accept the terms of sale.
checkout-total-changed = The total has changed to { $total }. Check the order and confirm again.
checkout-empty = The cart is empty.
checkout-sold-out = { $title }: sold out (only { $count } left).
checkout-not-on-sale = { $title } is no longer on sale.
checkout-too-many = At most 10 of one item per order.
checkout-too-few = Each quantity must be at least 1.
checkout-too-many-lines = At most 30 different items in one order.

## Orders
orders-title = Your orders
orders-none = You have not ordered anything yet.
order-number = Order
order-placed = Placed
order-title = Order { $number }
order-pay = Pay { $total }
order-cancel = Cancel this part of the order
order-tax-included = incl. { $tax }
order-shipment = Shipped with
order-track = Track the parcel on the courier's site
order-seller-contact = Seller:
order-payment-returned = A payment of { $amount } that this order did not need has been returned to you.
order-payment-returning = A payment of { $amount } that this order did not need is being returned to you.
order-reason = Reason
refund-processed = Refunded { $amount }.
refund-pending = A refund of { $amount } is on its way.
order-cannot-cancel = This order can no longer be cancelled.
order-changed = The order changed meanwhile; look again.
order-transition-not-now = That cannot be done to this order now.
order-reason-required = Give a reason (at least 3 characters).
order-reason-too-long = The reason is too long (at most 500 characters).
order-courier-invalid = Give the courier's name.
order-tracking-invalid = A tracking number has 4 to 40 letters, digits or hyphens.
order-status-awaiting_payment = Waiting for payment
order-status-placed = Placed
order-status-accepted = Accepted by the seller
order-status-packed = Packed
order-status-shipped = Shipped
order-status-delivered = Delivered
order-status-cancelled = Cancelled
order-status-rejected = Declined by the seller
order-status-return_requested = Return asked for
order-status-return_approved = Return approved: send it back
order-status-returned = Returned to the seller
order-status-return_refused = Return refused by the seller
return-reason-damaged = Arrived damaged
return-reason-wrong-item = Not what I ordered
return-reason-not-as-described = Not as described
return-reason-changed-mind = No longer wanted
order-return-title = Return this parcel
order-return-hint = If it arrived damaged, wrong or not as described, everything is refunded; otherwise everything but the delivery charge.
order-return-terms = Returns within { $days } days of delivery.
order-return-terms-final = No returns for a change of mind; a damaged, wrong or misdescribed product may be reported within { $days } days of delivery.
order-return-reason = Why are you returning it?
order-return-note = Anything the seller should know (optional)
order-return = Ask for a return
order-return-window-closed = The time for asking for a return after delivery has passed.
order-return-reason-shown = Reason for the return
notice-return-requested = Return asked for. The seller has been told and has 2 days to answer.
payment-status-created = payment not completed
payment-status-captured = paid
payment-status-failed = payment failed
notice-order-placed = Your order is placed. The seller has been told.
notice-order-cancelled = Cancelled. Any money paid will be refunded.
notice-order-updated = The order is updated; the buyer has been told.
notice-payment-received = Payment received. The seller has been told.
notice-payment-failed = The payment did not go through. You can try again.
sandbox-title = Sandbox payment
sandbox-intro = This is odop's test payment page: no money moves. Choose how the payment ends.
sandbox-method = Pay with
sandbox-card = Card
sandbox-pay = Pay { $amount }
sandbox-fail = Fail the payment
sms-new-order = ODOP order { $number }: { $items }. Pickup: { $pickup }. Accept it on your order desk.
sms-order-moved = ODOP order { $number }: { $status }.{ $note }
sms-return-requested = ODOP: return asked for { $number }: { $reason }.{ $note } Answer on your order desk within 2 days.
sms-quoted-note = {" "}“{ $note }”
sms-more-items = { $count } more

## Order desk
desk-orders-title = Orders to fulfil
desk-orders-none = No orders yet.
desk-answer-by = Answer by { $when }
desk-slip = Packing slip
desk-slip-to = Deliver to
desk-slip-from = From
desk-slip-gstin = GSTIN
desk-slip-tracking = Tracking
desk-slip-return = Returns
desk-slip-return-hint = To return this parcel, ask for a return on your order page first; once the seller agrees, send it to:
desk-reject-reason = Reason for declining
desk-courier = Courier
desk-tracking = Tracking number
desk-action-accept = Accept
desk-action-reject = Decline
desk-action-pack = Mark packed
desk-action-ship = Mark shipped
desk-action-deliver = Mark delivered
desk-action-approve-return = Approve the return
desk-action-refuse-return = Refuse the return
desk-action-receive-return = Received back: refund the buyer
desk-refuse-reason = Reason for refusing the return
terms-title = Delivery and payment terms
terms-intro = What buyers pay for delivery of an order from you, and whether they may pay cash on delivery. Buyers see it before they order.
terms-flat = Delivery charge per order (₹)
terms-free-from = Free delivery from (₹, leave empty for never)
terms-cod = Accept cash on delivery
terms-cod-limit = Up to an order total of (₹)
terms-save = Save
notice-terms-saved = Your terms are saved.
gateway-intro = You pay through Razorpay, by UPI, card or net banking. The order is confirmed as soon as Razorpay tells us.
gateway-needs-script = Paying online needs JavaScript in this browser. You can choose cash on delivery instead where sellers take it.
payment-return-invalid = We could not verify this payment's return. If money left your account, it will be confirmed or refunded automatically.
notice-payment-confirming = Thank you: we are confirming your payment with the gateway.

## Quiz
nav-quiz = Quiz
quiz-title = Today's ODOP quiz
quiz-intro = Five questions about Uttar Pradesh's districts and their crafts, new every day. No account needed.
quiz-none = No quiz today. Please come back tomorrow.
quiz-product-of-district = Which product is { $district } known for?
quiz-district-of-product = Which district's ODOP product is { $product }?
quiz-answer = Answer
quiz-choose = Choose one answer.
quiz-already-answered = You have answered this question already.
quiz-right = Right!
quiz-wrong = Not quite.
quiz-explanation = { $district }'s ODOP product is { $product }.
quiz-shop = Shop { $count ->
    [one] the one product
   *[other] { $count } products
} from { $district }
quiz-discover = Discover { $product } of { $district }
quiz-score = { $right } of { $asked } right today.

## Polls
nav-polls = Polls
polls-title = Polls
polls-intro = Tell us what you think about Uttar Pradesh's crafts. No account needed, and nothing about you is asked.
polls-none = There is no poll at the moment.
polls-play-quiz = Play today's quiz
poll-total = { $count ->
    [0] No answers yet
    [one] One answer so far
   *[other] { $count } answers
}
poll-open-until = Open until { $when }
poll-closed-on = Closed on { $when }
poll-your-answer = your answer
poll-already-answered = You have answered this poll already.
poll-closed = This poll closed on { $when }: it takes no more answers.
poll-share-description = A question from the ODOP polls of Uttar Pradesh: answer it and see what others said.
share-this = Share:
share-card = Picture to share
poll-choices-count = Give two to six choices, each in English and Hindi.
poll-choices-repeated = Two choices are the same.
poll-closes-before-opening = The closing time must be after the opening time.
poll-time-missing = Give a date and time (IST).
poll-correct-missing = Mark the right answer among the choices you filled in.

## Polls: the state admin's pages
admin-polls-title = Polls and quiz questions
admin-polls-none = No polls or quiz questions yet.
admin-quiz-title = Daily quiz results
admin-quiz-right = Answered right
poll-new-title = New poll or quiz question
poll-kind = Kind
poll-kind-poll = Poll (no right answer)
poll-kind-quiz = Quiz question (one right answer, shown in the daily quiz)
poll-question = Question
poll-question-en = Question in English
poll-question-hi = Question in Hindi
poll-choices = Choices
poll-choices-hint = Two to six, each in both languages. Leave the rows you do not need empty. For a quiz question, mark the right one.
poll-choice = Choice
poll-correct = Right answer
poll-explanation-en = Explanation in English
poll-explanation-hi = Explanation in Hindi
poll-explanation-hint = For a quiz question: shown after answering.
poll-district = District to link to
poll-district-hint = After answering, players are shown this district's products.
poll-district-none = None
poll-opens-at = Opens at
poll-closes-at = Closes at
poll-time-hint = Times are in IST. A poll can be changed until it opens.
poll-save = Save
poll-state = State
poll-state-scheduled = Scheduled
poll-state-open = Open
poll-state-closed = Closed
poll-answers = Answers
poll-results = Results
poll-total-label = Total
poll-by-day = Answers by day (IST)
poll-day = Day
poll-no-answers = No answers yet.
poll-export-csv = Download the results (CSV)
poll-close = Close now
poll-edit = Change before it opens
poll-edit-open = This poll has opened: what was asked can no longer change.
poll-edit-closed = This poll is closed already.

## Quiz: scores, leaderboard, sharing
quiz-streak = { $days ->
    [0] No streak yet: play today to start one.
    [one] Played 1 day in a row.
   *[other] Played { $days } days in a row.
}
quiz-totals = { $right } right of { $answered } answered in all.
quiz-leaderboard = This week's leaderboard
quiz-leaderboard-empty = Nobody has scored this week yet.
quiz-leaderboard-note = Right answers from Monday to Sunday (IST) by signed-in players who chose a leaderboard name. Only that name is shown.
quiz-player-name = Player
quiz-right-answers = Right answers
quiz-you = you
quiz-week = Week of { $from } to { $until }
quiz-sign-in-to-score = Sign in to keep a score and a streak (optional).
quiz-share-description = Five questions a day about Uttar Pradesh's districts and their crafts. Play the ODOP quiz.
quiz-share-score = I got { $right } right in the ODOP quiz of { $day }. Can you beat it?
quiz-share-score-link = Share your score
quiz-share-question = Share this question
quiz-play = Play today's quiz
quiz-see-polls = See the polls
quiz-name-label = Your leaderboard name
quiz-name-hint = Optional. Choose any name to appear on the leaderboard; leave it empty to stay off it. Never your phone number.
quiz-name-save = Save
quiz-name-length = Use 2 to 24 characters.
quiz-name-characters = Use letters, digits, spaces, dots, dashes or underscores.
quiz-name-digits = Use at most four digits: a leaderboard name must not be a phone number.
card-poll-eyebrow = ODOP poll · Uttar Pradesh
card-quiz-eyebrow = ODOP daily quiz · { $day }
card-score-invite = Five questions a day about the districts of Uttar Pradesh and their crafts. Play and see how many you get right.
