//! Generates the parser from grammar/aio.lalrpop into OUT_DIR/aio.rs.

fn main() {
    println!("cargo:rerun-if-changed=grammar/aio.lalrpop");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    if let Err(e) = lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .set_out_dir(out_dir)
        .emit_rerun_directives(true)
        .process()
    {
        eprintln!("lalrpop: {e}");
        std::process::exit(1);
    }
}
