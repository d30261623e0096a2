use super::*;

#[test]
fn access_table() {
    let g1 = Role::Group {
        group_id: "g1".into(),
    };
    let own = DocKind::Group {
        group_id: "g1".into(),
    };
    let other = DocKind::Group {
        group_id: "g2".into(),
    };
    assert_eq!(g1.access(&own), Access::Write);
    assert_eq!(g1.access(&other), Access::None);
    assert_eq!(g1.access(&DocKind::Workshop), Access::Read);
    assert_eq!(g1.access(&DocKind::Plenary), Access::Read);
    assert_eq!(Role::CatchUp.access(&own), Access::Read);
    assert_eq!(Role::CatchUp.access(&DocKind::Plenary), Access::Read);
    assert_eq!(Role::Facilitator.access(&other), Access::Write);
    assert_eq!(Role::Facilitator.access(&DocKind::Workshop), Access::Write);
}
