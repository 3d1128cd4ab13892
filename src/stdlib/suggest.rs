//! "Did you mean" suggestions for NameError and AttributeError, as CPython 3.11 makes them.

use crate::value::{types, Symbol, Value};
use crate::vm::Vm;

/// CPython's Levenshtein-based distance with substitution cost 2 and case-only changes cost 1.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).map(|i| i * 2).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![(i + 1) * 2; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = if ca == cb {
                0
            } else if ca.to_lowercase().eq(cb.to_lowercase()) {
                1
            } else {
                2
            };
            cur[j + 1] = (prev[j] + sub).min(prev[j + 1] + 2).min(cur[j] + 2);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn best_match(name: &str, candidates: impl Iterator<Item = String>) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let max = (name.len() + c.len() + 3) * 2 / 6;
        let d = distance(name, &c);
        if d > max {
            continue;
        }
        if best.as_ref().is_none_or(|(bd, _)| d < *bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The suggestion to append to an uncaught exception's last line, if any.
pub fn suggestion_for(vm: &mut Vm, exc: &Value) -> Option<String> {
    let Value::Instance(inst) = exc else {
        return None;
    };
    let name = inst.dict.get(&Symbol::new("name"))?;
    let name = name.as_str()?.to_string();
    if types::exc_is(exc, |t| &t.attribute_error) {
        let obj = inst.dict.get(&Symbol::new("obj"))?;
        let mut names: Vec<String> = Vec::new();
        if let Value::Instance(o) = &obj {
            names.extend(o.dict.names().iter().map(|k| k.text().to_string()));
        }
        let class = obj.class();
        names.extend(class.dict.borrow().keys().map(|k| k.text().to_string()));
        for c in &class.mro {
            names.extend(c.dict.borrow().keys().map(|k| k.text().to_string()));
        }
        if let Value::Module(m) = &obj {
            names.extend(m.globals.names().iter().map(|k| k.text().to_string()));
        }
        return best_match(&name, names.into_iter());
    }
    if types::exc_is(exc, |t| &t.name_error) {
        let mut names: Vec<String> = Vec::new();
        // Locals of the innermost frame are gone by now; globals and builtins remain.
        if let Some(m) = &vm.main_module {
            names.extend(m.globals.names().iter().map(|k| k.text().to_string()));
        }
        names.extend(
            vm.builtins
                .globals
                .names()
                .iter()
                .map(|k| k.text().to_string()),
        );
        return best_match(&name, names.into_iter());
    }
    None
}
