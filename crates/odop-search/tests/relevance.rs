//! What must come first for what people type: the relevance of search,
//! specified as a table over a small, varied catalogue.

use odop_search::{IndexDoc, SearchIndex, SearchRequest, Sort};

struct Item {
    id: u64,
    en: Option<&'static str>,
    hi: Option<&'static str>,
    body: &'static str,
    district: &'static str,
    division: &'static str,
    craft: &'static str,
    rupees: u64,
    in_stock: bool,
    gi: bool,
}

const CATALOGUE: &[Item] = &[
    Item {
        id: 1,
        en: None,
        hi: Some("सफ़ेद चिकनकारी कुर्ता"),
        body: "हाथ की कढ़ाई वाला सूती कुर्ता। चिकनकारी Chikankari लखनऊ Lucknow",
        district: "lucknow",
        division: "lucknow",
        craft: "chikankari",
        rupees: 1499,
        in_stock: true,
        gi: true,
    },
    Item {
        id: 2,
        en: Some("Chikan kurta for men, white on white"),
        hi: None,
        body: "Hand embroidered cotton kurta. Chikankari चिकनकारी Lucknow लखनऊ",
        district: "lucknow",
        division: "lucknow",
        craft: "chikankari",
        rupees: 2299,
        in_stock: true,
        gi: true,
    },
    Item {
        id: 3,
        en: Some("Banarasi silk saree, red and gold"),
        hi: Some("बनारसी रेशमी साड़ी"),
        body: "Handwoven silk with zari. Banarasi silk sarees बनारसी रेशम साड़ी Varanasi वाराणसी",
        district: "varanasi",
        division: "varanasi",
        craft: "banarasi-silk-sarees",
        rupees: 8500,
        in_stock: true,
        gi: true,
    },
    Item {
        id: 4,
        en: Some("Moradabad brass diya lamp"),
        hi: Some("मुरादाबाद पीतल दीया"),
        body: "Engraved brass oil lamp. Metal (brass) craft धातु शिल्प Moradabad मुरादाबाद",
        district: "moradabad",
        division: "moradabad",
        craft: "metal-craft",
        rupees: 650,
        in_stock: true,
        gi: true,
    },
    Item {
        id: 5,
        en: Some("Kala namak rice, 1 kg"),
        hi: Some("कालानमक चावल, 1 किलो"),
        body: "Fragrant black-husk rice of the Terai. Kala namak rice कालानमक चावल Siddharthnagar सिद्धार्थनगर",
        district: "siddharthnagar",
        division: "basti",
        craft: "kala-namak-rice",
        rupees: 240,
        in_stock: true,
        gi: false,
    },
    Item {
        id: 6,
        en: Some("Wooden toy horse"),
        hi: Some("लकड़ी का घोड़ा खिलौना"),
        body: "Lacquered wooden toy. Wooden toys लकड़ी के खिलौने Chitrakoot चित्रकूट",
        district: "chitrakoot",
        division: "chitrakoot",
        craft: "wooden-toys",
        rupees: 350,
        in_stock: true,
        gi: true,
    },
    Item {
        id: 7,
        en: Some("Glass bangles, set of 12"),
        hi: Some("काँच की चूड़ियाँ"),
        body: "Firozabad glass bangles. Glassware काँच उत्पाद Firozabad फिरोजाबाद",
        district: "firozabad",
        division: "agra",
        craft: "glassware",
        rupees: 199,
        in_stock: true,
        gi: false,
    },
    Item {
        id: 8,
        en: Some("Brass bell, temple"),
        hi: None,
        body: "Cast brass bell. Ghungroo, bells & brass Etah एटा",
        district: "etah",
        division: "aligarh",
        craft: "ghungroo-bells-and-brass",
        rupees: 900,
        in_stock: false,
        gi: true,
    },
    Item {
        id: 9,
        en: Some("Bhadohi hand-knotted carpet"),
        hi: Some("भदोही कालीन"),
        body: "Wool carpet 4x6 ft. Carpets कालीन Bhadohi भदोही",
        district: "bhadohi",
        division: "vindhyachal",
        craft: "carpets",
        rupees: 18000,
        in_stock: true,
        gi: true,
    },
    Item {
        id: 10,
        en: Some("Zari zardozi clutch bag"),
        hi: Some("ज़री ज़रदोज़ी क्लच बैग"),
        body: "Gold thread embroidery. Zari-zardozi ज़री-ज़रदोज़ी Bareilly बरेली",
        district: "bareilly",
        division: "bareilly",
        craft: "zari-zardozi",
        rupees: 1200,
        in_stock: true,
        gi: false,
    },
    Item {
        id: 11,
        en: Some("Chikankari saree, georgette"),
        hi: None,
        body: "Chikankari चिकनकारी Lucknow लखनऊ",
        district: "lucknow",
        division: "lucknow",
        craft: "chikankari",
        rupees: 4200,
        in_stock: false,
        gi: true,
    },
];

fn doc(item: &Item) -> IndexDoc {
    IndexDoc {
        id: item.id,
        slug: format!("item-{}", item.id),
        title_en: item.en.map(str::to_owned),
        title_hi: item.hi.map(str::to_owned),
        places: format!("{} {}", item.craft.replace('-', " "), item.district),
        body: item.body.to_owned(),
        district: item.district.to_owned(),
        division: item.division.to_owned(),
        craft: item.craft.to_owned(),
        seller_id: 100 + item.id % 3,
        seller_name: "Seller".into(),
        price_paise: item.rupees * 100,
        in_stock: item.in_stock,
        gi: item.gi,
        published_ms: item.id * 1000,
        photo: None,
    }
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    for item in CATALOGUE {
        index.upsert(&doc(item)).unwrap();
    }
    index.commit(0).unwrap();
    index
}

fn ids(index: &SearchIndex, request: SearchRequest) -> Vec<u64> {
    index.search(&request).unwrap().hits.iter().map(|h| h.id).collect()
}

fn query(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.into(),
        page: 1,
        per_page: 20,
        ..SearchRequest::default()
    }
}

#[test]
fn what_people_type_finds_what_they_meant_first() {
    let index = index();
    // (query, the listings that must come first, in any order among themselves)
    let table: &[(&str, &[u64])] = &[
        // English
        ("chikan kurta", &[2, 1]),
        ("banarasi saree", &[3]),
        ("brass lamp", &[4]),
        ("kala namak rice", &[5]),
        ("wooden toy", &[6]),
        ("carpet", &[9]),
        // Hindi
        ("चिकन कुर्ता", &[1, 2]),
        ("बनारसी साड़ी", &[3]),
        ("पीतल", &[4]),
        ("कालीन", &[9]),
        // transliterated, across scripts
        ("chikankari kurta", &[1, 2]),
        ("banarasi sari", &[3]),
        ("बनारसी सिल्क", &[3]),
        ("pital diya", &[4]),
        ("kalanamak chawal", &[5]),
        ("zari zardozi", &[10]),
        ("ज़री", &[10]),
        ("जरी", &[10]),
        // misspelt
        ("chikenkari", &[1, 2]),
        ("banarsi saree", &[3]),
        ("moradabd brass", &[4]),
        ("kalin", &[9]),
        ("bangels", &[7]),
        // unfinished last word
        ("chik", &[1, 2]),
        // joining words are not required
        ("chikan ka kurta", &[1, 2]),
        ("चिकन का कुर्ता", &[1, 2]),
        ("the saree of banaras", &[3]),
    ];
    for (text, expected) in table {
        let found = ids(&index, query(text));
        let head: Vec<u64> = found.iter().take(expected.len()).copied().collect();
        let mut sorted_head = head.clone();
        sorted_head.sort();
        let mut sorted_expected = expected.to_vec();
        sorted_expected.sort();
        assert_eq!(sorted_head, sorted_expected, "{text:?} found {found:?}");
    }
}

#[test]
fn in_stock_listings_rank_above_those_that_cannot_be_bought_now() {
    let index = index();
    let found = ids(&index, query("chikankari"));
    let sold_out = found.iter().position(|id| *id == 11).unwrap();
    for id in [1, 2] {
        assert!(found.iter().position(|x| *x == id).unwrap() < sold_out, "{found:?}");
    }
}

#[test]
fn unrelated_words_find_nothing() {
    let index = index();
    for text in ["laptop", "iphone charger", "zzzz"] {
        assert_eq!(ids(&index, query(text)), Vec::<u64>::new(), "{text}");
    }
}

#[test]
fn filters_narrow_and_facets_count() {
    let index = index();
    let lucknow = SearchRequest {
        district: Some("lucknow".into()),
        ..query("")
    };
    let results = index.search(&lucknow).unwrap();
    assert_eq!(results.total, 3);
    // The district being filtered still shows its neighbours' counts.
    assert!(results.facets.district.contains(&("varanasi".to_owned(), 1)));
    assert!(results.facets.district.contains(&("lucknow".to_owned(), 3)));
    assert_eq!(results.facets.craft, [("chikankari".to_owned(), 3)]);
    assert_eq!(results.facets.in_stock, 2);
    assert_eq!(results.facets.gi, 3);
    assert_eq!(results.facets.division, [("lucknow".to_owned(), 3)]);
    let price_total: u64 = results.facets.price.iter().map(|(_, n)| n).sum();
    assert_eq!(price_total, 3);

    let in_stock = SearchRequest {
        in_stock_only: true,
        ..lucknow.clone()
    };
    assert_eq!(index.search(&in_stock).unwrap().total, 2);
    let cheap = SearchRequest {
        price: Some("0-500".into()),
        ..query("")
    };
    let mut found = ids(&index, cheap);
    found.sort();
    assert_eq!(found, [5, 6, 7]);
    let division = SearchRequest {
        division: Some("agra".into()),
        ..query("")
    };
    assert_eq!(ids(&index, division), [7]);
    let gi_brass = SearchRequest {
        gi_only: true,
        ..query("brass")
    };
    let mut found = ids(&index, gi_brass);
    found.sort();
    assert_eq!(found, [4, 8]);
}

#[test]
fn facets_count_every_match_across_index_segments() {
    let index = SearchIndex::in_memory().unwrap();
    // Three commits leave three segments, each with its own dictionary of values.
    for (batch, items) in CATALOGUE.chunks(4).enumerate() {
        for item in items {
            index.upsert(&doc(item)).unwrap();
        }
        index.commit(batch as i64).unwrap();
    }
    let everything = index.search(&query("")).unwrap();
    assert_eq!(everything.total, CATALOGUE.len());
    for counts in [
        &everything.facets.district,
        &everything.facets.division,
        &everything.facets.craft,
        &everything.facets.price,
    ] {
        assert_eq!(counts.iter().map(|(_, n)| *n as usize).sum::<usize>(), CATALOGUE.len());
        // Most frequent first.
        assert!(counts.windows(2).all(|w| w[0].1 >= w[1].1), "{counts:?}");
    }
    let lucknow = CATALOGUE.iter().filter(|i| i.district == "lucknow").count() as u64;
    assert_eq!(everything.facets.district[0], ("lucknow".to_owned(), lucknow));
    let gi = CATALOGUE.iter().filter(|i| i.gi).count() as u64;
    let in_stock = CATALOGUE.iter().filter(|i| i.in_stock).count() as u64;
    assert_eq!((everything.facets.gi, everything.facets.in_stock), (gi, in_stock));
}

#[test]
fn sorting_and_pages() {
    let index = index();
    let by_price = |sort| ids(&index, SearchRequest { sort, ..query("") });
    let ascending = by_price(Sort::PriceLowToHigh);
    assert_eq!(ascending.first(), Some(&7));
    assert_eq!(ascending.last(), Some(&9));
    let descending = by_price(Sort::PriceHighToLow);
    assert_eq!(descending.first(), Some(&9));
    assert_eq!(by_price(Sort::Newest).first(), Some(&11));
    assert_eq!(ascending.len(), CATALOGUE.len());

    let page = |n| {
        ids(
            &index,
            SearchRequest {
                sort: Sort::PriceLowToHigh,
                page: n,
                per_page: 4,
                ..query("")
            },
        )
    };
    let (first, second, third, fourth) = (page(1), page(2), page(3), page(4));
    assert_eq!([first.len(), second.len(), third.len(), fourth.len()], [4, 4, 3, 0]);
    assert_eq!([first, second, third].concat(), ascending);
}

#[test]
fn a_removed_listing_is_gone_after_the_next_commit() {
    let index = index();
    index.remove(3).unwrap();
    assert!(ids(&index, query("banarasi")).contains(&3), "not before the commit");
    index.commit(1).unwrap();
    assert!(!ids(&index, query("banarasi")).contains(&3));
}

#[test]
fn every_word_must_match_unless_no_listing_has_them_all() {
    let index = index();
    // Only the saree has all three words, so the other silk listings stay out.
    assert_eq!(ids(&index, query("banarasi silk saree")), [3]);
    // No listing is a red chikan kurta: most of the words are then enough.
    let relaxed = ids(&index, query("red chikan kurta"));
    assert!(relaxed.contains(&1) && relaxed.contains(&2), "{relaxed:?}");
}

#[test]
fn a_word_in_many_listings_is_searched_as_typed_and_a_rare_one_with_tolerance() {
    let index = SearchIndex::in_memory().unwrap();
    let lamp = |id: u64, title: &str| IndexDoc {
        id,
        slug: format!("lamp-{id}"),
        title_en: Some(title.to_owned()),
        title_hi: None,
        places: "Metal craft Moradabad".into(),
        body: "Brass".into(),
        district: "moradabad".into(),
        division: "moradabad".into(),
        craft: "brassware".into(),
        seller_id: 1,
        seller_name: "Seller".into(),
        price_paise: 50_000,
        in_stock: true,
        gi: false,
        published_ms: id,
        photo: None,
    };
    for id in 1..=60 {
        index.upsert(&lamp(id, "Hanging lantern")).unwrap();
    }
    index.upsert(&lamp(61, "Hanging lanterm")).unwrap();
    index.commit(0).unwrap();
    // "lantern" is in sixty listings: its neighbour "lanterm", one letter
    // away, is not read.
    assert_eq!(index.search(&query("lantern")).unwrap().total, 60);
    // "lanterm" is in one: within one letter, "lantern" counts too, ranked after it.
    let found = ids(
        &index,
        SearchRequest {
            per_page: 100,
            ..query("lanterm")
        },
    );
    assert_eq!(found.len(), 61);
    assert_eq!(found[0], 61);
}

#[test]
fn a_districts_newest_listings_are_kept_only_until_the_next_commit() {
    let index = index();
    let newest = SearchRequest {
        district: Some("lucknow".into()),
        per_page: 2,
        ..query("")
    };
    let before: Vec<u64> = index.top(&newest).unwrap().iter().map(|h| h.id).collect();
    assert_eq!(
        index.top(&newest).unwrap().iter().map(|h| h.id).collect::<Vec<_>>(),
        before
    );
    let fresh = IndexDoc {
        id: 99,
        published_ms: 1_000_000,
        ..doc(&CATALOGUE[0])
    };
    index.upsert(&fresh).unwrap();
    // Not committed: not visible, and not cached as if it were.
    assert_eq!(
        index.top(&newest).unwrap().iter().map(|h| h.id).collect::<Vec<_>>(),
        before
    );
    index.commit(1).unwrap();
    let after: Vec<u64> = index.top(&newest).unwrap().iter().map(|h| h.id).collect();
    assert_eq!(after, [99, before[0]]);
    index.remove(99).unwrap();
    index.commit(2).unwrap();
    assert_eq!(
        index.top(&newest).unwrap().iter().map(|h| h.id).collect::<Vec<_>>(),
        before
    );
}

#[test]
fn a_price_in_the_words_filters_the_prices_and_is_not_searched_for() {
    let index = index();
    let results = index.search(&query("brass diya under 1000")).unwrap();
    assert_eq!(results.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [4]);
    let range = results.price_from_words.unwrap();
    assert_eq!((range.from_paise, range.to_paise), (None, Some(100_000)));
    assert_eq!(ids(&index, query("brass diya 500 se kam")), Vec::<u64>::new());
    assert_eq!(ids(&index, query("saree 5000 se upar")), [3]);
    assert_eq!(ids(&index, query("साड़ी 5000 तक")), [11]);
}

#[test]
fn a_word_no_listing_has_relaxes_the_search_instead_of_emptying_it() {
    let index = index();
    // "handmade" and "premium" are in no listing: the others still find.
    let results = index.search(&query("handmade banarasi saree premium")).unwrap();
    assert!(results.relaxed);
    assert_eq!(results.hits.first().map(|h| h.id), Some(3));
    // Two words, one unknown: the known one is enough.
    let results = index.search(&query("kurta xyzzyq")).unwrap();
    assert!(results.relaxed && !results.hits.is_empty());
    assert!(!index.search(&query("banarasi saree")).unwrap().relaxed);
}

fn index_knowing_places() -> SearchIndex {
    let index = index();
    index.learn_places(&odop_store::seed::registry().unwrap()).unwrap();
    index
}

#[test]
fn suggestions_are_crafts_and_districts_first_then_titles_never_description_words() {
    use odop_search::Suggested;
    let index = index_knowing_places();
    let first = |typed: &str| index.suggest(typed, 8).unwrap().into_iter().next().map(|s| s.target);
    assert_eq!(first("chik"), Some(Suggested::Craft("chikankari".into())));
    assert_eq!(first("moradabd"), Some(Suggested::District("moradabad".into())));
    assert_eq!(first("बनार"), Some(Suggested::Craft("banarasi-silk-sarees".into())));
    let glass = index.suggest("glass ban", 8).unwrap();
    assert!(
        glass
            .iter()
            .any(|s| s.target == Suggested::Product(7, "item-7".into()) && s.text == "Glass bangles, set of 12"),
        "{glass:?}"
    );
    // "हाथ" and "engraved" are only in descriptions: nothing is suggested
    // from them.
    for typed in ["हाथ की", "engraved"] {
        let found = index.suggest(typed, 8).unwrap();
        assert!(
            found.iter().all(|s| !matches!(s.target, Suggested::Product(..))),
            "{typed}: {found:?}"
        );
    }
    // A suggestion in Devanagari for Devanagari typing.
    let hindi = index.suggest("लख", 8).unwrap();
    assert!(hindi.iter().any(|s| s.text == "लखनऊ"), "{hindi:?}");
}

#[test]
fn a_district_named_in_the_query_ranks_its_listings_above_ones_that_mention_it() {
    let index = index_knowing_places();
    let mention = IndexDoc {
        id: 50,
        title_en: Some("Brass diya, Moradabad style".into()),
        published_ms: 1_000_000,
        places: "Ghungroo, bells & brass Etah".into(),
        district: "etah".into(),
        craft: "ghungroo-bells-and-brass".into(),
        ..doc(&CATALOGUE[3])
    };
    index.upsert(&mention).unwrap();
    index.commit(1).unwrap();
    let found = ids(&index, query("moradabad brass diya"));
    assert_eq!(found.first(), Some(&4), "{found:?}");
    assert!(found.contains(&50));
}
