"""The Python examples of README.md and of every page under docs/ run, each page top to bottom
in one namespace as a new user would paste them, and print what their comments say they print.

What counts as a documented output:
- a trailing comment on a `print(...)` call: `print(x)  # 0.8553...`. `...` stands for any
  text on that line, and `, ` may also separate the lines a loop prints
  (`# x1 -1.5, w1 1.0` matches "x1 -1.5" then "w1 1.0");
- comment lines straight after a statement that prints (the print's own comment, if any, ends
  with `:`): an excerpt of the output, each line found on a later output line than the one
  before;
- a ```text block straight after a ```python block: that block's whole output.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"

FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    """A fenced code block: its language, its text, the README line of its first line, and
    the ```text block that shows its whole output (if one follows it directly)."""

    language: str
    code: str
    first_line: int
    output: str | None = None


def readme_blocks(text: str) -> list[Block]:
    """The ```python blocks of a README, in order, each with its ```text output block."""
    blocks: list[Block] = []
    previous_end = None
    for match in FENCE.finditer(text):
        language, code = match.group(1), match.group(2)
        first_line = text.count("\n", 0, match.start(2)) + 1
        follows_python = (
            previous_end is not None
            and blocks
            and text[previous_end : match.start()].strip() == ""
            and blocks[-1].output is None
        )
        if language == "python":
            blocks.append(Block(language, code, first_line))
        elif language == "text" and follows_python:
            blocks[-1].output = code
        previous_end = match.end()
    return blocks


def claim_pattern(claim: str, lines_by_comma: bool = True) -> str:
    """A regular expression for a documented output: `...` is any text within a line, and
    (for a comment) `, ` also matches a line break. It matches whole numbers and words only."""
    separator = r"(?:, |\n)" if lines_by_comma else re.escape(", ")
    pieces = [separator.join(map(re.escape, piece.split(", "))) for piece in claim.split("...")]
    body = "[^\n]*?".join(pieces)
    return rf"(?<![\w.]){body}(?!\d)"  # a number is whole: 1.25 is not found in 1.250000


@dataclass
class Claim:
    """A documented output of the statement spanning `lines` (README line numbers): one
    pattern found anywhere in the output, or several found on output lines in this order."""

    lines: tuple[int, int]
    text: str
    patterns: tuple[str, ...]

    def matches(self, output: str) -> bool:
        if len(self.patterns) == 1:
            return re.search(self.patterns[0], output) is not None
        lines = iter(output.splitlines())
        return all(any(re.search(p, line) for line in lines) for p in self.patterns)


def block_claims(block: Block, tree: ast.Module) -> list[Claim]:
    """The documented outputs of a block's statements (see the module docstring)."""
    code_lines = block.code.splitlines()
    comments: dict[int, tuple[str, bool]] = {}  # block line -> (comment, trailing?)
    for token in tokenize.generate_tokens(io.StringIO(block.code).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            trailing = code_lines[row - 1][:column].strip() != ""
            comments[row] = (token.string[1:].strip(), trailing)
    claims = []
    offset = block.first_line - 1
    for index, statement in enumerate(tree.body):
        prints = [
            node
            for node in ast.walk(statement)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        ]
        if not prints:
            continue
        span = (statement.lineno - offset, statement.end_lineno - offset)
        introduces_lines = not any(
            comments.get(row, ("", False))[1] for row in range(span[0], span[1] + 1)
        )
        for call in prints:
            for row in range(call.lineno - offset, call.end_lineno - offset + 1):
                comment, trailing = comments.get(row, ("", False))
                if not trailing:
                    continue
                if comment.endswith(":"):
                    introduces_lines = True
                else:
                    claims.append(Claim(span, comment, (claim_pattern(comment),)))
        if introduces_lines:
            following = []
            next_row = (
                tree.body[index + 1].lineno - offset
                if index + 1 < len(tree.body)
                else len(code_lines) + 1
            )
            row = span[1] + 1
            while row < next_row and row in comments and not comments[row][1]:
                following.append(comments[row][0])
                row += 1
            if following:
                patterns = tuple(claim_pattern(line, lines_by_comma=False) for line in following)
                claims.append(Claim(span, "\n".join(following), patterns))
    return [Claim((c.lines[0] + offset, c.lines[1] + offset), c.text, c.patterns) for c in claims]


def run_readme(text: str, name: str = "README.md") -> tuple[int, list[str]]:
    """Run every ```python block of `text` (the page `name`) in one namespace, statement by
    statement, in the current directory. Returns (number of documented outputs checked,
    mismatches)."""
    namespace: dict[str, object] = {"__name__": "__readme__"}
    checked, mismatches = 0, []
    for block in readme_blocks(text):
        tree = ast.parse(block.code)
        ast.increment_lineno(tree, block.first_line - 1)
        claims = block_claims(block, tree)
        block_output = []
        for statement in tree.body:
            code = compile(ast.Module([statement], type_ignores=[]), name, "exec")
            captured = io.StringIO()
            with contextlib.redirect_stdout(captured):
                exec(code, namespace)
            output = captured.getvalue()
            block_output.append(output)
            for claim in claims:
                if claim.lines == (statement.lineno, statement.end_lineno):
                    checked += 1
                    if not claim.matches(output):
                        mismatches.append(
                            f"{name} line {claim.lines[0]}: the comment says\n{claim.text}\n"
                            f"but it printed\n{output}"
                        )
        if block.output is not None:
            checked += 1
            printed = "".join(block_output).strip()
            expected = block.output.strip()
            if not re.fullmatch(claim_pattern(expected, lines_by_comma=False), printed):
                mismatches.append(
                    f"{name} block at line {block.first_line}: the text block below it says\n"
                    f"{expected}\nbut it printed\n{printed}"
                )
    return checked, mismatches


def test_readme_examples_run_and_print_what_they_say(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write neuron.svg and steps.html
    checked, mismatches = run_readme(README.read_text(encoding="utf-8"))
    assert mismatches == [], "\n\n".join(mismatches)
    assert checked >= 6  # the documented outputs were found, not skipped
    assert (tmp_path / "neuron.svg").read_text().lstrip().startswith(("<svg", "<?xml"))
    assert "<html" in (tmp_path / "steps.html").read_text().lower()


def doc_pages() -> list[object]:
    """The pages under docs/; one whose examples load PyTorch (seconds) is slow."""
    pages = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        code = "".join(block.code for block in readme_blocks(page.read_text(encoding="utf-8")))
        loads_torch = "to_torch(" in code or "import torch" in code
        pages.append(pytest.param(page, marks=[pytest.mark.slow] if loads_torch else []))
    return pages


@pytest.fixture
def operations_table_kept():
    """An example may register an operation (the engine guide registers atan): it leaves the
    table, and Value its method, when the test ends."""
    from autograd_lite import Value, engine

    before = dict(engine.OPS)
    yield
    for name in set(engine.OPS) - set(before):
        del engine.OPS[name]
        if name in vars(Value):
            delattr(Value, name)


@pytest.mark.usefixtures("operations_table_kept")
@pytest.mark.parametrize("page", doc_pages(), ids=lambda page: page.relative_to(ROOT).as_posix())
def test_doc_page_examples_run_and_print_what_they_say(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples may write files
    name = str(page.relative_to(ROOT))
    text = page.read_text(encoding="utf-8")
    _, mismatches = run_readme(text, name)
    assert mismatches == [], "\n\n".join(mismatches)


WRONG = """\
```python
x = 2 + 2
print(x)  # 4
print(x + 1)  # 6
for i in range(3):
    print(i, i * i)  # 0 0, 1 1, 2 5
print(x, x)  # the output:
# 4 4
# 5
```

```python
print("a", 0.8553)
```

```text
a 0.85...
b
```
"""


def test_the_checker_finds_wrong_claims(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    checked, mismatches = run_readme(WRONG)
    assert checked == 5
    assert len(mismatches) == 4
    assert [m.split(":")[0] for m in mismatches] == [
        "README.md line 4",
        "README.md line 5",
        "README.md line 7",
        "README.md block at line 13",
    ]


def test_the_checker_accepts_right_claims(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    right = WRONG.replace("# 6", "# 5").replace("2 5", "2 4")
    right = right.replace("# 5\n```", "```").replace("b\n```", "```")
    assert run_readme(right) == (5, [])


ENGINE_GUIDE = ROOT / "docs" / "guide" / "engine.md"


def names_in(text: str) -> list[str]:
    """The `backticked` names of a piece of Markdown, in order."""
    return re.findall(r"`(\w+)`", text)


def test_the_engine_guide_lists_exactly_the_operations_of_OPS():
    """Docs that cannot drift: the README once listed methods and operations by hand, and
    nothing checked them against `engine.OPS`. The engine guide's table of operations names
    every Op once, its Methods line every Op that is a `Value` method, and its Functions line
    every Op that `autograd_lite` exports as a function."""
    import autograd_lite
    from autograd_lite import Value, engine

    text = ENGINE_GUIDE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (`\w+`(?:, `\w+`)*) \|", text, re.MULTILINE)
    assert len(rows) == len(re.findall(r"^\| `", text, re.MULTILINE)), "a row was not read"
    table = [name for row in rows for name in names_in(row)]
    assert sorted(table) == sorted(engine.OPS)
    methods = re.search(r"^- Methods: (.*)\.$", text, re.MULTILINE)
    functions = re.search(r"^- Functions: (.*)\.$", text, re.MULTILINE)
    assert methods and functions, "the engine guide lost its Methods or Functions line"
    assert sorted(names_in(methods.group(1))) == sorted(
        name for name in engine.OPS if callable(getattr(Value, name, None))
    )
    assert sorted(names_in(functions.group(1))) == sorted(
        name for name in engine.OPS if callable(getattr(autograd_lite, name, None))
    )


def test_the_site_navigation_lists_every_page_and_notebook():
    """mkdocs.yml's nav names its pages one by one: a notebook or guide added without a nav
    entry would be built but unreachable from the site's menu."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    listed = set(re.findall(r"^\s+- (?:[^:\n]+: )?(\S+\.(?:md|ipynb))$", nav, re.MULTILINE))
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    notebooks = {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert listed == pages | notebooks
