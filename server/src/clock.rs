//! The server's clock: seconds since the epoch and today's date (UTC; workshop dates are plain
//! days).

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Today, `YYYY-MM-DD`.
pub fn today() -> String {
    let days = now_secs() / 86_400;
    samtal_shared::doc::format_date(i64::try_from(days).unwrap_or(0))
}
