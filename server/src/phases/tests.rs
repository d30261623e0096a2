use super::*;

#[test]
fn a_phase_set_here_is_fresh_and_an_erased_workshop_is_forgotten() {
    let phases = Phases::default();
    assert_eq!(phases.seen("w1"), None);
    phases.set("w1", Phase::Closed);
    assert_eq!(phases.seen("w1"), Some((Phase::Closed, true)));
    phases.set("w1", Phase::Groups);
    assert_eq!(phases.seen("w1"), Some((Phase::Groups, true)));
    phases.forget("w1");
    assert_eq!(phases.seen("w1"), None);
}

#[test]
fn the_map_stays_bounded() {
    let phases = Phases::default();
    for i in 0..MAX_ENTRIES + 5 {
        phases.set(&format!("w{i}"), Phase::Groups);
    }
    // Nothing is a minute old yet, so nothing could go: but it never grows without a check.
    assert!(phases.lock().len() <= MAX_ENTRIES + 5);
    let old = Instant::now().checked_sub(Duration::from_secs(120));
    if let Some(old) = old {
        for v in phases.lock().values_mut() {
            v.1 = old;
        }
        phases.set("new", Phase::Closed);
        assert_eq!(phases.lock().len(), 1);
    }
}
