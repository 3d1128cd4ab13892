//! Is the text typed so far a whole input? The parser decides: errors that only more
//! text could fix (an unclosed bracket, an unterminated triple-quoted string, a block
//! header with no body yet) mean "keep reading"; a compound statement also waits for
//! the empty line that ends it, as in Python's REPL.

use crate::ast::StmtKind;
use crate::parser::parse_interactive;

/// What to do with the lines typed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Run it.
    Complete,
    /// Show the `...` prompt and read another line.
    Incomplete,
    /// Run it anyway: it is a syntax error that no further line can fix.
    Invalid,
}

/// Parser messages that mean the input stopped too early.
const EARLY_END: [&str; 4] = [
    "was never closed",
    "unterminated triple-quoted string literal",
    "unexpected EOF while parsing",
    "expected an indented block",
];

/// Classifies `text`, the lines typed so far joined with `\n` (no final newline).
pub fn check(text: &str) -> Completeness {
    let last = text.rsplit('\n').next().unwrap_or("");
    let ended_by_blank = text.contains('\n') && last.trim().is_empty();
    if text.trim().is_empty() {
        return Completeness::Complete;
    }
    if !ended_by_blank && last.ends_with('\\') {
        return Completeness::Incomplete;
    }
    match parse_interactive(&format!("{text}\n")) {
        Ok(module) => {
            let compound = module.body.iter().any(|s| is_compound(&s.kind));
            if compound && !ended_by_blank {
                Completeness::Incomplete
            } else {
                Completeness::Complete
            }
        }
        Err(err) => {
            let mut early = EARLY_END.iter().any(|m| err.msg.contains(m));
            if err.msg.contains("expected an indented block") && !last.trim_end().ends_with(':') {
                // The body's first line came, unindented: no later line can fix that.
                early = false;
            }
            // A decorator line alone is waiting for its def or class.
            let decorator = text.trim_start().starts_with('@') && !ended_by_blank;
            if (early || decorator) && !(ended_by_blank && !inside_brackets_or_string(&err.msg)) {
                Completeness::Incomplete
            } else {
                Completeness::Invalid
            }
        }
    }
}

/// An unclosed bracket or string keeps reading even past an empty line.
fn inside_brackets_or_string(msg: &str) -> bool {
    msg.contains("was never closed") || msg.contains("triple-quoted")
}

fn is_compound(kind: &StmtKind) -> bool {
    !matches!(
        kind,
        StmtKind::Expr(_)
            | StmtKind::Assign { .. }
            | StmtKind::AugAssign { .. }
            | StmtKind::AnnAssign { .. }
            | StmtKind::Pass
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Return(_)
            | StmtKind::Raise { .. }
            | StmtKind::Global(_)
            | StmtKind::Nonlocal(_)
            | StmtKind::Delete(_)
            | StmtKind::Assert { .. }
            | StmtKind::Import(_)
            | StmtKind::ImportFrom { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::Completeness::{self, *};

    fn check(lines: &[&str]) -> Completeness {
        super::check(&lines.join("\n"))
    }

    #[test]
    fn simple_statements_are_complete() {
        assert_eq!(check(&["1 + 2"]), Complete);
        assert_eq!(check(&["x = 1; y = 2"]), Complete);
        assert_eq!(check(&["await asyncio.sleep(1)"]), Complete);
        assert_eq!(check(&[""]), Complete);
        assert_eq!(check(&["import asyncio"]), Complete);
    }

    #[test]
    fn open_brackets_and_strings_need_more() {
        assert_eq!(check(&["print(1,"]), Incomplete);
        assert_eq!(check(&["x = [1,", "2"]), Incomplete);
        assert_eq!(check(&["x = [1,", "2]"]), Complete);
        assert_eq!(check(&["s = '''abc"]), Incomplete);
        assert_eq!(check(&["s = '''abc", "def'''"]), Complete);
        assert_eq!(check(&["x = 1 + \\"]), Incomplete);
        assert_eq!(check(&["d = {", ""]), Incomplete);
    }

    #[test]
    fn blocks_end_with_an_empty_line() {
        assert_eq!(check(&["async def f():"]), Incomplete);
        assert_eq!(check(&["async def f():", "    return 1"]), Incomplete);
        assert_eq!(check(&["async def f():", "    return 1", ""]), Complete);
        assert_eq!(check(&["if True: print(1)"]), Incomplete);
        assert_eq!(check(&["if True: print(1)", ""]), Complete);
        assert_eq!(
            check(&["for i in range(3):", "    if i:", "        print(i)", ""]),
            Complete
        );
        assert_eq!(check(&["@dec"]), Incomplete);
        assert_eq!(check(&["class A:", "    x = 1", "", ""]), Complete);
    }

    #[test]
    fn real_errors_are_invalid() {
        assert_eq!(check(&["1 +* 2"]), Invalid);
        assert_eq!(check(&["x = )"]), Invalid);
        assert_eq!(check(&["def f():", ""]), Invalid);
        assert_eq!(check(&["if x:", "pass"]), Invalid);
    }
}
