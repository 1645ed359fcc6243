//! The bilingual vocabulary generated listings are made of (`vocab.toml`).

use serde::Deserialize;

const VOCAB_TOML: &str = include_str!("vocab.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub key: String,
    pub variants: VariantKind,
    /// 0: not returnable.
    pub return_days: u32,
    pub care_en: String,
    pub care_hi: String,
    pub crafts: Vec<CraftWord>,
    pub items: Vec<Item>,
    pub adjectives: Vec<Words>,
    pub materials: Vec<Words>,
}

/// A craft whose goods fall in a category, and the word a title uses for it
/// (none where the item says enough: "Cotton Kurta", not "Readymade
/// garments Cotton Kurta").
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CraftWord {
    pub slug: String,
    pub en: Option<String>,
    pub hi: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub en: String,
    pub hi: String,
    pub hsn: String,
    /// Lowest and highest price in paise, a piece (a kilogram or litre for packs).
    pub price: [i64; 2],
    pub grams: u32,
    pub cm: [u32; 3],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub en: String,
    pub hi: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariantKind {
    /// Garment sizes S…XXL.
    Sizes,
    /// Shoe sizes UK 5…11.
    Shoes,
    /// Deity dress sizes No. 0…6.
    Deity,
    Colours,
    /// Carpet sizes in feet, priced by area.
    Rugs,
    /// Packs by weight, priced by the kilogram.
    Packs,
    /// Packs by volume, priced by the litre.
    Litres,
    Single,
}

impl Vocabulary {
    pub fn shipped() -> Self {
        toml::from_str(VOCAB_TOML).expect("vocab.toml is checked by the tests")
    }

    /// The categories a craft's goods fall in, with the word for the craft.
    pub fn categories_of(&self, craft: &str) -> Vec<(&Category, &CraftWord)> {
        self.categories
            .iter()
            .filter_map(|c| c.crafts.iter().find(|w| w.slug == craft).map(|w| (c, w)))
            .collect()
    }

    pub fn knows(&self, craft: &str) -> bool {
        !self.categories_of(craft).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use odop_domain::gst::Hsn;
    use odop_domain::money::Money;

    #[test]
    fn every_craft_is_in_the_registry_and_every_item_has_a_gst_rate() {
        let vocabulary = Vocabulary::shipped();
        let registry = odop_store::seed::registry().unwrap();
        let gst = odop_domain::gst::GstTable(
            odop_store::gst::shipped()
                .unwrap()
                .into_iter()
                .map(|r| r.rule)
                .collect(),
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        for category in &vocabulary.categories {
            assert!(
                !category.items.is_empty() && !category.adjectives.is_empty(),
                "{}",
                category.key
            );
            for craft in &category.crafts {
                assert!(
                    registry
                        .districts()
                        .iter()
                        .any(|d| d.products.iter().any(|p| p.slug.as_str() == craft.slug)),
                    "{} is not a registry product",
                    craft.slug
                );
                assert_eq!(
                    craft.en.is_some(),
                    craft.hi.is_some(),
                    "{} needs both words or neither",
                    craft.slug
                );
            }
            for item in &category.items {
                let hsn = Hsn::parse(&item.hsn).unwrap();
                for price in item.price {
                    assert!(
                        gst.rate(&hsn, Money(price), today).is_some(),
                        "{} ({}) has no GST rate",
                        item.en,
                        item.hsn
                    );
                }
                assert!(0 < item.price[0] && item.price[0] < item.price[1], "{}", item.en);
            }
        }
        // The state's best-known products can all be generated.
        for craft in [
            "chikankari",
            "banarasi-silk-sarees",
            "glassware",
            "wooden-toys",
            "kala-namak-rice",
        ] {
            assert!(vocabulary.knows(craft), "{craft}");
        }
    }
}
