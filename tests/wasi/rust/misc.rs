//! Time, sleeping, randomness (HashMap seeds), stdin and the exit code.
use std::collections::HashMap;
use std::io::Read;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    assert!(now.as_secs() > 1_577_836_800, "clock is before 2020");
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(30));
    let slept = start.elapsed();
    assert!(slept >= Duration::from_millis(30), "slept only {slept:?}");
    println!("slept at least 30ms");

    let mut m = HashMap::new();
    m.insert("k", 1);
    println!("hash map works: {}", m["k"]);

    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let words = input.split_whitespace().count();
    println!("stdin had {words} words");
    std::process::exit(words as i32);
}
