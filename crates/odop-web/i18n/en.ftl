# English messages. Every id here exists in hi.ftl too (a test checks).

site-name = ODOP Uttar Pradesh
site-tagline = One District One Product
skip-to-content = Skip to content
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
district-other-name = In Hindi: { $name }
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
error-back-home = Go to the home page
error-see-districts = See all districts
