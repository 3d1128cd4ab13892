//! Tab completion: names in scope, keywords, and `obj.attr` for dotted names.
//!
//! Only names are looked up (no calls, no subscripts): completing must never run code
//! that has side effects, beyond `dir()` of an object already bound to a name.

use super::Session;
use crate::value::{Symbol, Value};
use crate::vm::ops;

/// The keywords offered at the start of a name.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The word being completed in `line` before `pos`: where it starts and its text.
pub fn word_at(line: &str, pos: usize) -> (usize, &str) {
    let head = line.get(..pos).unwrap_or(line);
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '_' || c == '.')
        .last()
        .map_or(head.len(), |(i, _)| i);
    (start, &head[start..])
}

impl Session {
    /// Completions of the word before `pos`: the offset they replace from and the
    /// candidates (each a whole replacement for the word), sorted.
    pub fn complete(&mut self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let (start, word) = word_at(line, pos);
        let mut out: Vec<String> = match word.rfind('.') {
            Some(dot) => {
                let (base, prefix) = (&word[..dot], &word[dot + 1..]);
                self.attributes(base)
                    .into_iter()
                    .filter(|n| {
                        n.starts_with(prefix) && (prefix.starts_with('_') || !n.starts_with('_'))
                    })
                    .map(|n| format!("{base}.{n}"))
                    .collect()
            }
            None => {
                let mut names: Vec<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
                names.extend(
                    self.main
                        .globals
                        .names()
                        .iter()
                        .map(|k| k.text().to_string()),
                );
                names.extend(
                    self.vm
                        .builtins
                        .globals
                        .names()
                        .iter()
                        .map(|k| k.text().to_string()),
                );
                names
                    .into_iter()
                    .filter(|n| {
                        n.starts_with(word) && (word.starts_with('_') || !n.starts_with('_'))
                    })
                    .collect()
            }
        };
        out.sort();
        out.dedup();
        (start, out)
    }

    /// `dir()` of a dotted name (`a.b.c`), or nothing if it does not resolve.
    fn attributes(&mut self, dotted: &str) -> Vec<String> {
        let mut parts = dotted.split('.');
        let Some(first) = parts.next() else {
            return Vec::new();
        };
        let sym = Symbol::new(first);
        let found = self.main.globals.get(&sym);
        let found = found.or_else(|| self.vm.builtins.globals.get(&sym));
        let Some(mut obj) = found else {
            return Vec::new();
        };
        for part in parts {
            if part.is_empty() {
                return Vec::new();
            }
            match ops::getattr(&mut self.vm, &obj, Symbol::new(part)) {
                Ok(v) => obj = v,
                Err(_) => return Vec::new(),
            }
        }
        let dir = self.vm.builtins.globals.get(&Symbol::new("dir"));
        let Some(dir) = dir else { return Vec::new() };
        let Ok(listing) = self.vm.call(&dir, &[obj]) else {
            return Vec::new();
        };
        let Ok(items) = ops::collect_iterable(&mut self.vm, &listing) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|v| match v {
                Value::Str(s) => Some(s.text.clone()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stdlib::io::Output;
    use crate::ClockMode;

    #[test]
    fn finds_the_word_before_the_cursor() {
        assert_eq!(word_at("print(asy", 9), (6, "asy"));
        assert_eq!(word_at("x = asyncio.sl", 14), (4, "asyncio.sl"));
        assert_eq!(word_at("", 0), (0, ""));
    }

    #[test]
    fn completes_names_keywords_and_attributes() {
        crate::on_big_stack(|| {
            let mut s = Session::new(ClockMode::Virtual, Output::capture(), Output::capture());
            s.push_line("counter = 1");
            let (start, c) = s.complete("print(coun", 10);
            assert_eq!(start, 6);
            assert_eq!(c, ["counter"]);
            assert!(s.complete("awa", 3).1.contains(&"await".to_string()));
            let (_, c) = s.complete("asyncio.sle", 11);
            assert_eq!(c, ["asyncio.sleep"]);
            assert!(s
                .complete("counter.bit", 11)
                .1
                .contains(&"counter.bit_length".to_string()));
            assert!(s.complete("nothing.x", 9).1.is_empty());
        });
    }
}
