//! The README's example: print a greeting and the arguments; exit with a code when asked.
fn main() {
    println!("Hello from WASI!");
    std::env::args().for_each(|arg| println!("Arg: {}", arg));
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    for (k, v) in vars {
        println!("Env: {k}={v}");
    }
    eprintln!("a line on stderr");
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 2 && args[1] == "exit" {
        std::process::exit(args[2].parse().unwrap_or(1));
    }
    if args.len() > 1 && args[1] == "panic" {
        panic!("asked to panic");
    }
}
