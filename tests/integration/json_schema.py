#!/usr/bin/env python3
"""json_schema.py — checks rbdwho's --json outputs against doc/json-schema.md.

The schema is the doc itself: its three ```json examples (find, scan, procs),
with the // comments stripped and `{ … }` / `[ { … } ]` placeholders read as
"any", are the shapes. For every output object:
  - every key of the example is present (doc: "Fields are always present"),
  - no key is missing from the example (the doc lists every field),
  - a value is null or of the example's JSON type; objects and arrays recurse
    (an array's elements against the example's first element),
  - where the example's comment is a value list "a | b | c", the value is one
    of them (or null).
Usage: json_schema.py DOC FILE…  — each FILE holds one output; FILE.args (if
present) holds the command line, to tell find/scan/procs apart. Prints one line
per problem; exits 1 when any, 0 otherwise. Python 3 standard library only.
"""
import json
import re
import sys

ANY = object()


def strip_comment(line):
    """The line without its // comment (a // inside a string, as in a URI, has no
    blank before it) and the comment itself."""
    m = re.search(r'\s//\s?(.*)$', line)
    if not m:
        return line, None
    return line[:m.start()], m.group(1)


def value_list(comment):
    """["a", "b"] for a comment that is a value list "a | b (why) | c", else None."""
    if not comment or '|' not in comment:
        return None
    words = [re.sub(r'\(.*?\)', '', w).strip() for w in comment.split('|')]
    if all(re.fullmatch(r'[A-Za-z_-]+', w) for w in words):
        return words
    return None


def parse_examples(doc_text):
    """{"find": example, "scan": …, "procs": …} and the value lists by key path."""
    blocks = re.findall(r'^## ([\w-]+)[^\n]*\n.*?```json\n(.*?)```', doc_text, re.S | re.M)
    examples, enums = {}, {}
    for title, body in blocks:
        lines, stack = [], []
        for raw in body.splitlines():
            code, comment = strip_comment(raw)
            key = re.search(r'"(\w+)":\s*"[^"]*",?\s*$', code)
            vl = value_list(comment)
            if key and vl:
                enums.setdefault((title, key.group(1)), set()).update(vl)
            lines.append(code)
        text = '\n'.join(lines)
        text = re.sub(r'\[\s*\{\s*…[^}]*\}\s*\]', '"__ANY__"', text)  # [ { …one find object… } ]
        text = re.sub(r'\{\s*…\s*\}', '"__ANY__"', text)                # { … }
        examples[title] = json.loads(text)
    return examples, enums


def kind_of(v):
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'bool'
    if isinstance(v, (int, float)):
        return 'number'
    return type(v).__name__


def check(out, ex, path, title, enums, problems):
    if ex == '__ANY__' or out is None:
        return
    if isinstance(ex, dict):
        if not isinstance(out, dict):
            problems.append(f'{path}: an object expected, got {kind_of(out)}')
            return
        for k in ex:
            if k not in out:
                problems.append(f'{path}.{k}: missing (doc says fields are always present)')
        for k in out:
            if k not in ex:
                problems.append(f'{path}.{k}: not in doc/json-schema.md')
        for k in ex:
            if k in out:
                allowed = enums.get((title, k))
                if allowed and isinstance(out[k], str) and out[k] not in allowed:
                    problems.append(f'{path}.{k}: "{out[k]}" is none of {sorted(allowed)}')
                check(out[k], ex[k], f'{path}.{k}', title, enums, problems)
        return
    if isinstance(ex, list):
        if not isinstance(out, list):
            problems.append(f'{path}: an array expected, got {kind_of(out)}')
        elif ex:
            for i, item in enumerate(out):
                check(item, ex[0], f'{path}[{i}]', title, enums, problems)
        return
    if ex is not None and kind_of(out) != kind_of(ex):
        problems.append(f'{path}: {kind_of(ex)} expected, got {kind_of(out)}')


def command_of(path, doc):
    try:
        args = open(path + '.args', encoding='utf-8', errors='replace').read().split()
    except OSError:
        args = []
    if 'blocklist' in args:  # one command, three shapes
        return 'fences' if '--list' in args else 'unblocklist' if '--rm' in args else 'blocklist'
    for a in args:
        if a in ('find', 'scan', 'procs', 'destroy'):
            return a
        if a == 'delete-volume':
            return a
    if isinstance(doc, dict) and 'images_scanned' in doc:
        return 'scan'
    return 'procs' if isinstance(doc, list) and doc and 'pid' in doc[0] else 'find'


def main():
    doc_path, files = sys.argv[1], sys.argv[2:]
    examples, enums = parse_examples(open(doc_path, encoding='utf-8').read())
    for need in ('find', 'scan', 'procs'):
        if need not in examples:
            print(f'json_schema: no ```json example under "## {need}" in {doc_path}')
            return 1
    # scan's images[] are find objects
    examples['scan']['images'] = [examples['find']]
    for (title, key), vals in list(enums.items()):
        if title == 'find':
            enums.setdefault(('scan', key), set()).update(vals)
    problems, checked = [], 0
    for f in files:
        try:
            text = open(f, encoding='utf-8').read()
        except (OSError, ValueError) as e:  # ValueError: not UTF-8, which --json never prints
            problems.append(f'{f}: {e}')
            continue
        if not text.strip():
            continue  # the command failed before printing (its exit status is the test's business)
        try:
            doc = json.loads(text)
        except ValueError as e:
            problems.append(f'{f}: not JSON: {e}')
            continue
        cmd = command_of(f, doc)
        if cmd not in examples:
            continue  # destroy --json has no schema section yet
        checked += 1
        mine = []
        if cmd == 'find' and isinstance(doc, list):  # several matches: an array of find objects
            for i, d in enumerate(doc):
                check(d, examples['find'], f'[{i}]', 'find', enums, mine)
        elif cmd == 'procs':
            check(doc, examples['procs'], '', 'procs', enums, mine)
        else:
            check(doc, examples[cmd], '', cmd, enums, mine)
        problems += [f'{f} ({cmd}): {p}' for p in mine]
    for p in problems:
        print(p)
    print(f'json_schema: {checked} outputs checked, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
