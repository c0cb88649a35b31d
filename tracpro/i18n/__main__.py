"""`python -m tracpro.i18n update`: extract the strings, merge them into every catalog and say how
many each still lacks. `python -m tracpro.i18n check`: list the missing ones (exit 1 if any)."""

from __future__ import annotations

import argparse
import sys

from tracpro.i18n.catalogs import CATALOGS, extract, read_catalog, untranslated, update


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracpro.i18n", description=__doc__)
    parser.add_argument("command", choices=["update", "check"])
    arguments = parser.parse_args(argv)
    if arguments.command == "update":
        for code, count in update().items():
            print(f"{code}: {count} missing")
        return 0
    template_ids = {message.id if isinstance(message.id, str) else message.id[0] for message in extract() if message.id}
    failed = False
    for code in CATALOGS:
        catalog = read_catalog(code)
        known = {message.id if isinstance(message.id, str) else message.id[0] for message in catalog if message.id}
        missing = sorted(set(untranslated(catalog)) | (template_ids - known))
        for message in missing:
            print(f"{code}: {message!r}")
        failed = failed or bool(missing)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
