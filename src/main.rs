//! The `aio` command. The flags and their handling live in `cli.rs`; the
//! pipeline itself lives in the library (`aio::run_source`).

mod cli;

fn main() {
    std::process::exit(cli::main());
}
