fn main() {
    println!("cargo:rerun-if-changed=grammar/aio.lalrpop");
}
