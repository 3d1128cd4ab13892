fn main() {
    eprintln!("aio: not built yet");
    std::process::exit(2);
}
