use std::io::Read;

/// The clock chosen by `--clock real|virtual` (or `--clock=...`), else `AIO_CLOCK`, else real.
fn clock_mode(flag: Option<&str>) -> aio::ClockMode {
    let env = std::env::var("AIO_CLOCK").ok();
    match flag.or(env.as_deref()) {
        Some("virtual") => aio::ClockMode::Virtual,
        Some("real") | None => aio::ClockMode::Real,
        Some(other) => {
            eprintln!("aio: --clock must be 'real' or 'virtual', not '{other}'");
            std::process::exit(2)
        }
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    // Options come before the script path; everything after it is the script's argv.
    let mut dump = None;
    let mut clock = None;
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--dump" => {
                dump = args.get(i + 1).cloned();
                args.drain(i..(i + 2).min(args.len()));
            }
            "--clock" => {
                clock = args.get(i + 1).cloned();
                args.drain(i..(i + 2).min(args.len()));
            }
            s if s.starts_with("--clock=") => {
                clock = Some(s["--clock=".len()..].to_string());
                args.remove(i);
            }
            _ => i = args.len(),
        }
    }
    let path = args.get(1).cloned();
    let text = match &path {
        Some(p) => std::fs::read_to_string(p).unwrap_or_else(|e| {
            eprintln!("aio: can't open file '{p}': {e}");
            std::process::exit(2)
        }),
        None => {
            let mut s = String::new();
            let _ = std::io::stdin().read_to_string(&mut s);
            s
        }
    };
    let src = aio::source::SourceFile::new(path.clone().unwrap_or("<stdin>".into()), text);
    if dump.as_deref() == Some("code") {
        match aio::dump_code(&src) {
            Ok(s) => print!("{s}"),
            Err(e) => {
                eprint!("{}", e.render(&src));
                std::process::exit(1)
            }
        }
        return;
    }
    let opts = aio::RunOptions {
        argv: args[1..].to_vec(),
        clock: clock_mode(clock.as_deref()),
    };
    std::process::exit(aio::run_source(&src, &opts));
}
