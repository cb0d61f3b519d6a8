//! An object's members, found by name, and listed in name order for the
//! canonical form. Objects nested in members are parsed with their parent.

use std::borrow::Cow;

use super::{JsonValue, capture, decode_string, split};

/// Objects with up to this many members (the nested `relationship.offer` kind)
/// are kept sorted and scanned; larger ones get an order and a hash index.
const SMALL_OBJECT_MEMBERS: usize = 8;

const EMPTY_SLOT: usize = usize::MAX;

/// An object's members. Of duplicate names only the last counts, as in
/// serde_json's own map.
#[derive(Debug, Clone, Default)]
pub struct JsonObject<'a> {
    /// A small object's members in name order, duplicates left out; a larger
    /// object's in the order of the text.
    members: Vec<Member<'a>>,
    /// For a larger object, its members in name order, duplicates left out: each
    /// entry is a member's key (high 64 bits) and position (low 64 bits).
    order: Vec<u128>,
    /// For a larger object, open addressing from a name to its member's position.
    index: Vec<usize>,
}

/// The position of a member in an [`JsonObject::order`] entry.
fn position_of(entry: u128) -> usize {
    // The low 64 bits hold a `usize`.
    entry as u64 as usize
}

#[derive(Debug, Clone)]
pub(super) struct Member<'a> {
    /// Borrowed from the text when it had no escapes.
    pub(super) name: Cow<'a, str>,
    pub(super) raw: &'a str,
    key: u64,
    /// The value, when it is an object.
    pub(super) object: Option<Box<JsonObject<'a>>>,
}

impl<'a> Member<'a> {
    // Inlined into the loops that push members, so that a member is written
    // straight into its list: built elsewhere and copied in, it stalled the
    // processor (a wide load waiting on narrower stores) more than parsing cost.
    #[inline(always)]
    fn new(name: Cow<'a, str>, raw: &'a str) -> Member<'a> {
        Member {
            key: name_key(&name),
            name,
            raw,
            object: match raw.starts_with('{') {
                true => nested_object(raw),
                false => None,
            },
        }
    }

    fn is(&self, key: u64, name: &str) -> bool {
        self.key == key && self.name == name
    }

    fn cmp_name(&self, other: &Member<'_>) -> std::cmp::Ordering {
        self.key
            .cmp(&other.key)
            .then_with(|| self.name.cmp(&other.name))
    }
}

/// A member's value that is an object, parsed with its parent: the content hash
/// reads every nested object anyway, and extractors read some of the same.
/// Recursion goes no deeper than the document nests, which `limits` checked.
#[inline(never)]
fn nested_object<'a>(raw: &'a str) -> Option<Box<JsonObject<'a>>> {
    JsonObject::parse(raw).map(Box::new)
}

/// A name's first eight bytes as a big-endian integer, zero-padded: keys order
/// as the names' bytes do (when they differ), and most names differ there, so
/// sorting and searching mostly compare integers.
fn name_key(name: &str) -> u64 {
    let bytes = name.as_bytes();
    match bytes.first_chunk::<8>() {
        Some(prefix) => u64::from_be_bytes(*prefix),
        // Shifted in byte by byte: copying into a buffer and reading it back as
        // one word stalls the processor (the store cannot forward to the load).
        None => bytes
            .iter()
            .zip((0..8).rev())
            .fold(0, |key, (&byte, place)| {
                key | u64::from(byte) << (8 * place)
            }),
    }
}

/// The first slot to probe for a name. The length counts in: names often share
/// a prefix (`idfa`, `idfa_md5`, `idfa_sha1`).
fn first_slot(key: u64, name: &str, mask: usize) -> usize {
    // Fibonacci hashing: the multiply spreads every input bit into the high bits.
    let mixed = (key ^ (name.len() as u64).rotate_right(8)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 40) as usize & mask
}

impl<'a> JsonObject<'a> {
    /// The object whose raw text is `raw`, or `None` when it is something else.
    /// The text must come from a document [`parse`](super::parse) validated: it
    /// is only split, not checked.
    pub fn parse(raw: &'a str) -> Option<JsonObject<'a>> {
        if !raw.starts_with('{') {
            return None;
        }
        // About one member per two dozen bytes in Everflow's bodies: reserving
        // that saves growing the list member by member.
        let mut members = Vec::with_capacity(raw.len() / 24 + 1);
        split::object_members(raw, |name, value| {
            // A name with escapes is decoded; validated text always decodes.
            let name = decode_string(name).unwrap_or_default();
            members.push(Member::new(name, value));
        })?;
        Some(JsonObject::from_members(members))
    }

    /// Parses a whole document that is an object, validating it.
    pub(super) fn from_document(text: &'a str) -> Result<JsonObject<'a>, serde_json::Error> {
        let mut members = Vec::with_capacity((text.len() / 24 + 1).min(1024));
        capture::members(text, |name, raw| members.push(Member::new(name, raw)))?;
        Ok(JsonObject::from_members(members))
    }

    /// A member's raw text.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.position(name)
            .map(|position| self.members[position].raw)
    }

    /// A member that is an object.
    pub fn object(&self, name: &str) -> Option<&JsonObject<'a>> {
        self.members[self.position(name)?].object.as_deref()
    }

    fn position(&self, name: &str) -> Option<usize> {
        let key = name_key(name);
        let position = if self.index.is_empty() {
            self.members
                .iter()
                .position(|member| member.is(key, name))?
        } else {
            // At most half the slots are taken, so an empty one ends the probe.
            let mask = self.index.len() - 1;
            let mut slot = first_slot(key, name, mask);
            loop {
                let position = self.index[slot];
                if position == EMPTY_SLOT {
                    return None;
                }
                if self.members[position].is(key, name) {
                    break position;
                }
                slot = (slot + 1) & mask;
            }
        };
        Some(position)
    }

    /// A member, decoded.
    pub fn value(&self, name: &str) -> Option<JsonValue<'a>> {
        self.get(name).map(JsonValue::decode)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Names and raw values in name order (byte order of the decoded names).
    pub fn members(&self) -> impl Iterator<Item = (&str, &'a str)> + '_ {
        self.sorted_members()
            .map(|member| (member.name.as_ref(), member.raw))
    }

    pub(super) fn sorted_members(&self) -> impl Iterator<Item = &Member<'a>> + '_ {
        let small = self.order.is_empty();
        let count = if small {
            self.members.len()
        } else {
            self.order.len()
        };
        (0..count).map(move |rank| match small {
            true => &self.members[rank],
            false => &self.members[position_of(self.order[rank])],
        })
    }

    fn from_members(mut members: Vec<Member<'a>>) -> JsonObject<'a> {
        if members.len() <= SMALL_OBJECT_MEMBERS {
            sort_small(&mut members);
            return JsonObject {
                members,
                order: Vec::new(),
                index: Vec::new(),
            };
        }
        let order = name_order(&members);
        // At most half the slots are taken, so a probe always meets an empty one.
        let mut index = vec![EMPTY_SLOT; (order.len() * 2).next_power_of_two()];
        let mask = index.len() - 1;
        for &entry in &order {
            let position = position_of(entry);
            let member = &members[position];
            let mut slot = first_slot(member.key, &member.name, mask);
            while index[slot] != EMPTY_SLOT {
                slot = (slot + 1) & mask;
            }
            index[slot] = position;
        }
        JsonObject {
            members,
            order,
            index,
        }
    }
}

/// Sorts a small object's members by name (stably: of duplicate names, the
/// last stays last) and keeps only the last of duplicate names.
fn sort_small(members: &mut Vec<Member<'_>>) {
    for sorted in 1..members.len() {
        let mut at = sorted;
        while at > 0 && members[at - 1].cmp_name(&members[at]).is_gt() {
            members.swap(at - 1, at);
            at -= 1;
        }
    }
    members.dedup_by(|later, earlier| {
        let duplicate = later.name == earlier.name;
        if duplicate {
            std::mem::swap(later, earlier);
        }
        duplicate
    });
}

/// The `order` of a larger object's members: by name, of duplicate names the last.
fn name_order(members: &[Member<'_>]) -> Vec<u128> {
    // Sorting integers (key, then position) is cheap and branch-free; names that
    // share a key (an eight-byte prefix) are put in order afterwards.
    let mut order: Vec<u128> = members
        .iter()
        .enumerate()
        .map(|(position, member)| u128::from(member.key) << 64 | position as u128)
        .collect();
    order.sort_unstable();
    let name = |entry: u128| &members[position_of(entry)].name;
    for run in order.chunk_by_mut(|a, b| a >> 64 == b >> 64) {
        if run.len() > 1 {
            run.sort_by(|&a, &b| name(a).cmp(name(b)).then(a.cmp(&b)));
        }
    }
    order.dedup_by(|later, earlier| {
        let duplicate = name(*later) == name(*earlier);
        if duplicate {
            *earlier = *later;
        }
        duplicate
    });
    order
}
