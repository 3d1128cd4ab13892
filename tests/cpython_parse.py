"""Parse each file named on the command line with CPython's own parser.

Prints one JSON object per file: whether CPython accepts it and, if not, the
final line CPython would print for the error and its line number. The Rust
agreement test in tests/frontend.rs compares aio's parser against this.
"""

import ast
import json
import sys
import warnings


def check(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        ast.parse(text, path)
    except SyntaxError as e:
        return {
            "file": path,
            "ok": False,
            "final": f"{type(e).__name__}: {e.msg}",
            "line": e.lineno,
        }
    return {"file": path, "ok": True, "final": None, "line": None}


def main():
    # Invalid escapes like "\d" only warn; the warning is not part of the verdict.
    warnings.simplefilter("ignore")
    for path in sys.argv[1:]:
        print(json.dumps(check(path)))


if __name__ == "__main__":
    main()
