use std::io::Read;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dump, path) = if args.get(1).map(|s| s.as_str()) == Some("--dump") {
        (args.get(2).cloned(), args.get(3).cloned())
    } else {
        (None, args.get(1).cloned())
    };
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
    let opts = aio::RunOptions { argv: args[1..].to_vec(), ..Default::default() };
    std::process::exit(aio::run_source(&src, &opts));
}
