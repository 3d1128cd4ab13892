"""Parse each file named on the command line with CPython's own parser.

Prints one tab-separated line per file, in order:
    ACCEPT <path> <nodes>
    REJECT <path> <line> <final line of the error, e.g. "SyntaxError: invalid syntax">
<nodes> lists every positioned node of the tree as `Kind@line:col-line:col`
(columns in characters), separated by spaces, in a canonical order.
tests/frontend.rs compares aio's parser against these verdicts. One process
for the whole corpus keeps the check fast.
"""

import ast
import sys
import warnings

# CPython node classes that aio's tree folds into one kind with a flag.
KINDS = {
    "AsyncFunctionDef": "FunctionDef",
    "AsyncFor": "For",
    "AsyncWith": "With",
    "TryStar": "Try",
    "alias": "Alias",
    "arg": "Arg",
    "keyword": "Keyword",
}


def nodes(tree, lines):
    """The positioned nodes, as aio's `--dump ast` prints their spans."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            # Positions inside f-strings are approximate in CPython 3.11.
            skipped.update(id(n) for n in ast.walk(node) if n is not node)
        elif isinstance(node, ast.NamedExpr):
            # aio keeps a walrus target as a bare name, without a span.
            skipped.add(id(node.target))

    def column(line, byte_col):
        return len(lines[line - 1].encode()[:byte_col].decode())

    out = []
    for node in ast.walk(tree):
        if id(node) in skipped or getattr(node, "end_lineno", None) is None:
            continue
        kind = KINDS.get(type(node).__name__, type(node).__name__)
        start = f"{node.lineno}:{column(node.lineno, node.col_offset)}"
        end = f"{node.end_lineno}:{column(node.end_lineno, node.end_col_offset)}"
        out.append(f"{kind}@{start}-{end}")
    return " ".join(sorted(out))


def verdict(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        tree = ast.parse(text, path)
    except SyntaxError as e:
        return f"REJECT\t{path}\t{e.lineno}\t{type(e).__name__}: {e.msg}"
    # Split on \n only: str.splitlines() would also break at \f and other characters.
    lines = text.split("\n")
    return f"ACCEPT\t{path}\t{nodes(tree, lines)}"


def main():
    # Invalid escapes like "\d" only warn; the warning is not part of the verdict.
    warnings.simplefilter("ignore")
    for path in sys.argv[1:]:
        print(verdict(path))


if __name__ == "__main__":
    main()
