use super::*;

/// Group g1's link, its own document and group g2's.
fn group_one() -> (Role, DocKind, DocKind) {
    let own = |id: &str| DocKind::Group {
        group_id: id.into(),
    };
    let link = Role::Group {
        group_id: "g1".into(),
    };
    (link, own("g1"), own("g2"))
}

#[test]
fn access_table() {
    let (g1, own, other) = group_one();
    assert_eq!(g1.access(&own), Access::Write);
    assert_eq!(g1.access(&other), Access::None);
    assert_eq!(g1.access(&DocKind::Workshop), Access::Read);
    assert_eq!(g1.access(&DocKind::Plenary), Access::Read);
    assert_eq!(Role::CatchUp.access(&own), Access::Read);
    assert_eq!(Role::CatchUp.access(&DocKind::Plenary), Access::Read);
    assert_eq!(Role::Facilitator.access(&other), Access::Write);
    assert_eq!(Role::Facilitator.access(&DocKind::Workshop), Access::Write);
    // The question box: everyone adds, only the facilitator sorts.
    assert_eq!(g1.access(&DocKind::Questions), Access::Append);
    assert_eq!(Role::CatchUp.access(&DocKind::Questions), Access::Append);
    assert_eq!(Role::Facilitator.access(&DocKind::Questions), Access::Write);
    assert_eq!(Role::CatchUp.access(&DocKind::Workshop), Access::Read);
}

#[test]
fn a_closed_workshop_makes_a_group_link_a_reader_of_its_own_notes() {
    let (g1, own, other) = group_one();
    for phase in [Phase::Prep, Phase::Groups, Phase::Plenary, Phase::Followup] {
        assert_eq!(g1.access_in(&own, phase), Access::Write, "{phase:?}");
    }
    assert_eq!(g1.access_in(&own, Phase::Closed), Access::Read);
    // Nothing else moves: no more for the others, and the facilitator can still reopen.
    assert_eq!(g1.access_in(&other, Phase::Closed), Access::None);
    assert_eq!(
        g1.access_in(&DocKind::Workshop, Phase::Closed),
        Access::Read
    );
    assert_eq!(
        Role::Facilitator.access_in(&own, Phase::Closed),
        Access::Write
    );
    assert_eq!(
        Role::Facilitator.access_in(&DocKind::Workshop, Phase::Closed),
        Access::Write
    );
    assert_eq!(Role::CatchUp.access_in(&own, Phase::Closed), Access::Read);
    // Questions for the follow-up meeting come after the day too.
    assert_eq!(
        g1.access_in(&DocKind::Questions, Phase::Closed),
        Access::Append
    );
    assert_eq!(
        Role::CatchUp.access_in(&DocKind::Questions, Phase::Closed),
        Access::Append
    );
}
