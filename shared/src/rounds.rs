//! A new round in mixed groups ("tvärgrupper"): the proposal Samtal makes from one round's
//! groups. Pure: the facilitator's page shows it, she adjusts names, sizes and what each group
//! discusses, and the result becomes one `WorkshopEdit::AddRound`.
//!
//! The deal: the people of the source groups, sorted by area (so one area's groups come one
//! after another), go one at a time to the next new group that has room. Consecutive people
//! of a group go to different new groups, so each new group draws from as many areas as
//! there are, and sizes differ by at most one unless she sets them.

use crate::doc::{Group, RoundGroup, Workshop};

/// The most people one group may be said to have (bounds the deal).
pub const MAX_PEOPLE: u32 = 500;
/// The most groups one round may have.
pub const MAX_ROUND_GROUPS: usize = 60;

/// One proposed group of the new round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposed {
    pub id: String,
    pub name: String,
    pub size: u32,
    /// The source groups it draws from (group id, people), in the facilitator's group order.
    pub from: Vec<(String, u32)>,
    /// The distinct areas its people come from, in the workshop's area order.
    pub areas: Vec<String>,
}

/// A proposal: the new groups and how many people found no room (sizes set too small).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub round: u32,
    pub groups: Vec<Proposed>,
    pub unplaced: u32,
}

/// Sizes for `count` groups sharing `total` people evenly (the first ones get the extra).
pub fn balanced(total: u32, count: usize) -> Vec<u32> {
    let Ok(n) = u32::try_from(count) else {
        return Vec::new();
    };
    if n == 0 {
        return Vec::new();
    }
    (0..n)
        .map(|i| total / n + u32::from(i < total % n))
        .collect()
}

/// Propose the next round from round `from_round`'s groups: `people[i]` is how many people
/// the round's i-th group has, `sizes[j]` how many the j-th new group takes (its length is
/// the number of new groups), `name(j)` its name.
pub fn propose(
    w: &Workshop,
    from_round: u32,
    people: &[u32],
    sizes: &[u32],
    name: impl Fn(usize) -> String,
) -> Proposal {
    let round = w.latest_round() + 1;
    let sources: Vec<&Group> = w.groups_in(from_round).collect();
    let count = sizes.len().min(MAX_ROUND_GROUPS);
    let mut room: Vec<u32> = sizes[..count]
        .iter()
        .map(|s| (*s).min(MAX_PEOPLE))
        .collect();
    // counts[target][source]
    let mut counts = vec![vec![0u32; sources.len()]; count];
    let mut order: Vec<usize> = (0..sources.len()).collect();
    let area_rank = |g: &Group| w.areas.iter().position(|a| *a == g.area);
    order.sort_by_key(|&i| area_rank(sources[i]).unwrap_or(usize::MAX));
    let mut next = 0usize;
    let mut unplaced = 0u32;
    for &s in &order {
        let n = people.get(s).copied().unwrap_or(0).min(MAX_PEOPLE);
        for _ in 0..n {
            let target = (0..count)
                .map(|k| (next + k) % count)
                .find(|&t| room[t] > 0);
            match target {
                Some(t) => {
                    room[t] -= 1;
                    counts[t][s] += 1;
                    next = (t + 1) % count;
                }
                None => unplaced += 1,
            }
        }
    }
    let mut used: Vec<String> = w.groups.iter().map(|g| g.id.clone()).collect();
    let groups = counts
        .iter()
        .enumerate()
        .map(|(j, per_source)| {
            let from: Vec<(String, u32)> = sources
                .iter()
                .zip(per_source)
                .filter(|(_, n)| **n > 0)
                .map(|(g, n)| (g.id.clone(), *n))
                .collect();
            let mut areas: Vec<String> = Vec::new();
            for a in &w.areas {
                if from
                    .iter()
                    .any(|(id, _)| w.group(id).is_some_and(|g| comes_from(g, a)))
                {
                    areas.push(a.clone());
                }
            }
            let id = fresh_id(&mut used, round, j);
            Proposed {
                id,
                name: name(j),
                size: per_source.iter().sum(),
                from,
                areas,
            }
        })
        .collect();
    Proposal {
        round,
        groups,
        unplaced,
    }
}

/// Whether a group's people work in `area`: a mixed group's come from its mix, another's
/// from the area it discusses.
fn comes_from(g: &Group, area: &str) -> bool {
    if g.is_mixed() {
        g.mix.iter().any(|m| m == area)
    } else {
        g.area == area
    }
}

/// The round a new round is best drawn from: the latest whose groups are by area (mixing
/// mixed groups again mixes little), or round 1.
pub fn default_source(w: &Workshop) -> u32 {
    w.rounds()
        .into_iter()
        .rev()
        .find(|&r| w.groups_in(r).next().is_some() && w.groups_in(r).all(|g| !g.is_mixed()))
        .unwrap_or(1)
}

/// An id no group has: `r2-1`, `r2-2`, … (with a suffix in the unlikely case one is taken).
fn fresh_id(used: &mut Vec<String>, round: u32, j: usize) -> String {
    let base = format!("r{round}-{}", j + 1);
    let mut id = base.clone();
    let mut k = 1;
    while used.contains(&id) {
        k += 1;
        id = format!("{base}-{k}");
    }
    used.push(id.clone());
    id
}

impl Proposal {
    /// The edit's groups: names as she set them, `areas[j]` what group j discusses ("" for the
    /// questions every group gets).
    pub fn into_round(self, topics: &[String]) -> Vec<RoundGroup> {
        self.groups
            .into_iter()
            .enumerate()
            .map(|(j, g)| RoundGroup {
                id: g.id,
                name: g.name,
                area: topics.get(j).cloned().unwrap_or_default(),
                mix: g.areas,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
