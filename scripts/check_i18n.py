"""Check the module's translations against the template exported from a fresh install.

Usage: python3 scripts/check_i18n.py EXPORTED_POT [--fix]

- i18n/account_dunning.pot must hold exactly the exported terms;
- i18n/fr.po must translate every term, keep its placeholders and have no fuzzy entry.
With --fix the .pot is rewritten and fr.po gains the missing terms (untranslated),
which is the way to start translating new strings.
"""

import os
import re
import sys

import polib

I18N = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def key(entry):
    return (entry.msgctxt, entry.msgid)


def main(exported_path, fix=False):
    exported = polib.pofile(exported_path)
    pot_path = os.path.join(I18N, "account_dunning.pot")
    po_path = os.path.join(I18N, "fr.po")
    problems = []
    if fix:
        exported.save(pot_path)
        french = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
        french.merge(exported)
        french.metadata.update({"Language": "fr", "Content-Type": "text/plain; charset=UTF-8"})
        french.save(po_path)
        return 0
    shipped = polib.pofile(pot_path)
    missing = {key(e) for e in exported} - {key(e) for e in shipped}
    stale = {key(e) for e in shipped} - {key(e) for e in exported}
    for _ctx, msgid in sorted(missing, key=str):
        problems.append(f"not in the .pot (run check_i18n.py --fix): {msgid!r}")
    for _ctx, msgid in sorted(stale, key=str):
        problems.append(f"stale in the .pot: {msgid!r}")
    french = {key(e): e for e in polib.pofile(po_path)}
    for entry in exported:
        fr = french.get(key(entry))
        if fr is None or not fr.msgstr.strip():
            problems.append(f"fr.po lacks a translation of {entry.msgid!r}")
        elif "fuzzy" in fr.flags:
            problems.append(f"fr.po has a fuzzy translation of {entry.msgid!r}")
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(fr.msgstr)):
            problems.append(f"fr.po changes the placeholders of {entry.msgid!r}")
    for problem in problems:
        print("I18N:", problem)
    print(f"i18n: {len(exported)} terms, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], fix="--fix" in sys.argv[2:]))
