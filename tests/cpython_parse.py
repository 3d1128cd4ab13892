"""Parse each file named on the command line with CPython's own parser.

Prints one tab-separated line per file, in order:
    ACCEPT <path>
    REJECT <path> <line> <final line of the error, e.g. "SyntaxError: invalid syntax">
tests/frontend.rs compares aio's parser against these verdicts. One process
for the whole corpus keeps the check fast.
"""

import ast
import sys
import warnings


def verdict(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        ast.parse(text, path)
    except SyntaxError as e:
        return f"REJECT\t{path}\t{e.lineno}\t{type(e).__name__}: {e.msg}"
    return f"ACCEPT\t{path}"


def main():
    # Invalid escapes like "\d" only warn; the warning is not part of the verdict.
    warnings.simplefilter("ignore")
    for path in sys.argv[1:]:
        print(verdict(path))


if __name__ == "__main__":
    main()
