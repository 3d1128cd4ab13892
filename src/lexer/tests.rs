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

/// Differential harness: `AIO_LEX_CASES=FILE cargo test --lib harness -- --ignored`
/// lexes each line of FILE (hex-encoded source) and prints one result line.
#[test]
#[ignore]
fn harness() {
    let Ok(path) = std::env::var("AIO_LEX_CASES") else {
        return;
    };
    let cases = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for line in cases.lines() {
        let bytes: Vec<u8> = (0..line.len() / 2)
            .map(|i| u8::from_str_radix(&line[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let text = String::from_utf8(bytes).unwrap();
        let src = SourceFile::new("t", text.clone());
        match tokenize(&text, Mode::File) {
            Err(e) => {
                let (l1, c1) = src.line_col(e.span.start);
                let (l2, c2) = src.line_col(e.span.end);
                out.push_str(&format!(
                    "ERR\t{}\t{}\t{l1}\t{c1}\t{l2}\t{c2}\n",
                    e.kind.class_name(),
                    e.msg
                ));
            }
            Ok(toks) => {
                out.push_str("OK");
                for (s, t, e) in toks {
                    let kind = match &t {
                        Tok::StartFile => continue,
                        Tok::Name(_) => "NAME",
                        Tok::Int(_) | Tok::Float(_) => "NUMBER",
                        Tok::Str(_) | Tok::Bytes(_) | Tok::FStr { .. } => "STRING",
                        Tok::Newline => "NEWLINE",
                        Tok::Indent => "INDENT",
                        Tok::Dedent => "DEDENT",
                        t if token_is_keyword(t) => "NAME",
                        _ => "OP",
                    };
                    let (l1, c1) = src.line_col(s as u32);
                    let (l2, c2) = src.line_col(e as u32);
                    let val = match &t {
                        Tok::Str(s) => format!("{s:?}"),
                        Tok::Bytes(b) => format!("{b:?}"),
                        Tok::Int(i) => i.to_string(),
                        Tok::Float(f) => format!("{f:?}"),
                        _ => String::new(),
                    };
                    let hex: String = text[s..e].bytes().map(|b| format!("{b:02x}")).collect();
                    out.push_str(&format!("\t{kind} {hex} {l1}:{c1}-{l2}:{c2} {val}"));
                }
                out.push('\n');
            }
        }
    }
    std::fs::write(std::env::var("AIO_LEX_OUT").unwrap(), out).unwrap();
}

fn token_is_keyword(t: &Tok) -> bool {
    let s = format!("{t:?}");
    s.chars().next().is_some_and(|c| c.is_uppercase()) && raw::keyword(&keyword_text(&s)).is_some()
}

fn keyword_text(debug: &str) -> String {
    match debug {
        "False" | "None" | "True" => debug.to_string(),
        _ => debug.to_lowercase(),
    }
}
