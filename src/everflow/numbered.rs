//! Everflow's numbered fields, `sub1`…`sub10` and `adv1`…`adv10`: their names
//! as flags, columns and SQL all come from this one list.

/// Ten names `PREFIX STEM 1` … `PREFIX STEM 10` as string literals, so that
/// `numbered!("--", "sub")` is a constant array of flags.
#[macro_export]
macro_rules! numbered {
    ($prefix:literal, $stem:literal) => {
        [
            concat!($prefix, $stem, "1"),
            concat!($prefix, $stem, "2"),
            concat!($prefix, $stem, "3"),
            concat!($prefix, $stem, "4"),
            concat!($prefix, $stem, "5"),
            concat!($prefix, $stem, "6"),
            concat!($prefix, $stem, "7"),
            concat!($prefix, $stem, "8"),
            concat!($prefix, $stem, "9"),
            concat!($prefix, $stem, "10"),
        ]
    };
}

/// The partner's sub ids, as the body and the columns name them.
pub const SUB_NAMES: [&str; 10] = numbered!("", "sub");
/// The advertiser's values, as the body and the columns name them.
pub const ADV_NAMES: [&str; 10] = numbered!("", "adv");

/// The name of sub id `slot` (1–10; outside, the nearest) with `names`'
/// prefix.
pub fn numbered_name(names: &[&'static str; 10], slot: u8) -> &'static str {
    names[usize::from(slot.clamp(1, 10)) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_run_from_one_to_ten() {
        assert_eq!(SUB_NAMES[0], "sub1");
        assert_eq!(SUB_NAMES[9], "sub10");
        assert_eq!(numbered!("--", "sub")[4], "--sub5");
        assert_eq!(numbered_name(&ADV_NAMES, 11), "adv10");
        assert_eq!(numbered_name(&ADV_NAMES, 0), "adv1");
    }
}
