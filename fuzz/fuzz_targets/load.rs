//! See `samtal_shared::fuzzing::load` for the input format and the invariants checked.
#![no_main]

libfuzzer_sys::fuzz_target!(
    // libFuzzer's hook aborts on every panic, even one `samtal_shared::guard` catches (as the
    // server does with automerge's); print instead. A panic that escapes the harness still
    // aborts and is saved as a crasher.
    init: std::panic::set_hook(Box::new(|info| eprintln!("{info}"))),
    |data: &[u8]| samtal_shared::fuzzing::load(data)
);
