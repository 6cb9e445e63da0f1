"""`flywheel catalog import-olist-translations --data DIR`: the Olist categories'
Portuguese names as pt-BR translations (translations/olist.py says why that way round)."""

from __future__ import annotations

import argparse
from pathlib import Path


def cmd_import_olist_translations(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import sessionmaker

    from transactional_api.cli.imports import _engine, _refuse
    from transactional_api.config import Settings
    from transactional_api.core.db import transaction
    from transactional_api.core.errors import DomainError
    from transactional_api.translations.olist import import_translations

    settings = Settings()
    try:
        with _engine(settings) as engine, transaction(sessionmaker(engine)) as session:
            done = import_translations(session=session, folder=Path(args.data),
                                       supported=settings.translations_supported_languages)
    except DomainError as exc:
        return _refuse(exc)
    print(f"Olist Portuguese category names: {done.names} read, {done.matched} match a "
          f"category of the shop; {done.created} created, {done.updated} updated, "
          f"{done.unchanged} unchanged (pt-BR).")
    return 0


def add_catalog(sub) -> None:
    cat = sub.add_parser("catalog", help="catalog texts")
    kinds = cat.add_subparsers(dest="catalog_command", required=True, metavar="WHAT")
    p = kinds.add_parser("import-olist-translations",
                         help="load the Olist categories' Portuguese names as pt-BR texts")
    p.add_argument("--data", type=Path, required=True,
                   help="the Olist folder, e.g. ../shared/data/olist")
    p.set_defaults(func=cmd_import_olist_translations)
