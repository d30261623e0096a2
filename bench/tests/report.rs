//! The load generator's report arithmetic and its `--target` list.

use samtal_bench::report::{Report, percentile, ratio_line};
use samtal_bench::target::{Target, Targets};

fn report(target: Target, edits: u64, arrivals: u64, errors: u64) -> Report {
    Report {
        target,
        edits,
        arrivals,
        errors,
        latencies_ms: vec![1.0, 2.0, 3.0, 4.0],
        cpu_ms_per_edit: 1.0,
        rss_mib: 10,
        peak_mib: 12,
        anon_mib: 4,
        connected: 5,
        server_cores: 0.1,
        generator_cores: 0.1,
    }
}

#[test]
fn latency_is_compared_only_when_the_edits_arrived() {
    let clients = 5;
    // 100 edits, 4 receivers each.
    let r = report(Target::Js, 100, 0, 0);
    assert_eq!(r.expected_arrivals(clients), 400);
    assert!(report(Target::Js, 100, 400, 0).latency_comparable(clients));
    assert!(report(Target::Js, 100, 390, 0).latency_comparable(clients));
    // A saturated server that delivered a handful.
    assert!(!report(Target::Js, 100, 1, 0).latency_comparable(clients));
    // Clients that failed.
    assert!(!report(Target::Js, 100, 400, 3).latency_comparable(clients));
    // Idle connections: nothing expected, nothing to compare against.
    assert!((report(Target::Js, 0, 0, 0).delivered_share(clients) - 1.0).abs() < f64::EPSILON);
}

#[test]
fn ratios_say_how_far_samtal_is_ahead() {
    let samtal = report(Target::Samtal, 100, 400, 0);
    let mut samod = report(Target::Samod, 100, 400, 0);
    samod.latencies_ms = vec![2.0, 4.0, 6.0, 8.0];
    samod.cpu_ms_per_edit = 3.0;
    samod.rss_mib = 5;
    samod.anon_mib = 6;
    let line = ratio_line(5, &samtal, &samod);
    assert_eq!(
        line,
        "ratio (samod / samtal): p50 2.0×, p99 2.0×, CPU/edit 3.0×, RSS 0.5× (anonymous 1.5×)"
    );
    let starved = report(Target::Samod, 100, 10, 0);
    assert!(
        ratio_line(5, &samtal, &starved)
            .contains("latency not comparable (arrivals: samtal 100 %, samod 2 %"),
        "{}",
        ratio_line(5, &samtal, &starved)
    );
}

#[test]
fn percentiles_take_the_nearest_rank() {
    let v = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert!((percentile(&v, 50.0) - 3.0).abs() < f64::EPSILON);
    assert!((percentile(&v, 100.0) - 5.0).abs() < f64::EPSILON);
    assert!(percentile(&[], 50.0).is_nan());
}

#[test]
fn targets_read_as_lists_with_samtal_first() {
    let list = |s: &str| Target::parse_list(s).map(|Targets(t)| t);
    assert_eq!(list("both"), Ok(vec![Target::Samtal, Target::Js]));
    assert_eq!(
        list("all"),
        Ok(vec![Target::Samtal, Target::Js, Target::Samod])
    );
    assert_eq!(
        list("samod, samtal,samod"),
        Ok(vec![Target::Samtal, Target::Samod])
    );
    assert!(list("node").is_err());
}
