use super::*;

#[test]
fn bucket_allows_a_burst_then_the_rate() {
    let start = Instant::now();
    let mut b = Bucket::new(10);
    assert!((0..50).all(|_| b.take(start)), "a burst of 5 s worth");
    assert!(!b.take(start), "then nothing without time passing");
    let later = start + Duration::from_millis(500);
    assert_eq!((0..10).filter(|_| b.take(later)).count(), 5, "10 a second");
}
