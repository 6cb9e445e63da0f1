"""`flywheel import olist-catalog|catalog-csv|cdnow` and `flywheel export catalog-csv`.

They write the database directly, through the catalog's own service code, after bringing
the schema to head as the API does; each import is one transaction (all or nothing).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from transactional_api.config import Settings


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    from transactional_api.core.db import make_engine
    from transactional_api.migrations import upgrade

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


@contextmanager
def _progress_bar(enabled: bool):
    """A tqdm bar fed by the catalog writer's (stage, rows) callback."""
    from tqdm import tqdm

    bar = tqdm(total=0, unit="rows", disable=not enabled, file=sys.stderr,
               dynamic_ncols=True)

    def tick(stage: str, n: int) -> None:
        if stage == "start":
            bar.reset(total=n)
        else:
            bar.set_description(stage)
            bar.update(n)

    try:
        yield tick
    finally:
        bar.close()


def _refuse(exc, shown: int = 20) -> int:
    print(f"error: {exc.message}", file=sys.stderr)
    details = exc.details if isinstance(exc.details, dict) else {}
    errors = details.get("errors", [])
    for e in errors[:shown]:
        where = f"line {e['line']}" + (f", {e['column']}" if e.get("column") else "")
        print(f"  {where}: {e['message']}", file=sys.stderr)
    if details.get("error_count", 0) > shown:
        print(f"  ... and {details['error_count'] - shown} more", file=sys.stderr)
    return 1


def cmd_import_olist(args: argparse.Namespace) -> int:
    from transactional_api.catalog import olist
    from transactional_api.core.db import transaction
    from transactional_api.core.errors import DomainError

    settings = Settings()
    started = time.perf_counter()
    try:
        with _engine(settings) as engine, _progress_bar(not args.no_progress) as tick, \
                transaction(sessionmaker(engine)) as session:
            done = olist.import_olist(session=session, folder=Path(args.path), seed=args.seed,
                                      limit=args.limit, currency=settings.default_currency,
                                      progress=tick)
    except DomainError as exc:
        return _refuse(exc)
    elapsed = time.perf_counter() - started
    print(f"Olist catalog (CC BY-NC-SA 4.0, Olist via Kaggle) loaded in {elapsed:.1f} s: "
          f"{done.products:,} products, {done.skus:,} SKUs, {done.merchants:,} merchants, "
          f"{done.categories:,} categories created; {done.skipped_products:,} products "
          f"already present were skipped; {done.uncategorised:,} products have no Olist "
          "category (in 'uncategorised').")
    return 0


def cmd_import_csv(args: argparse.Namespace) -> int:
    from transactional_api.catalog import csv_io
    from transactional_api.core.db import transaction
    from transactional_api.core.errors import DomainError

    settings = Settings()
    started = time.perf_counter()
    data = Path(args.file).read_bytes()
    try:
        with _engine(settings) as engine, _progress_bar(not args.no_progress) as tick, \
                transaction(sessionmaker(engine)) as session:
            done = csv_io.import_csv(session=session, data=data,
                                     currency=settings.default_currency, actor_id=None,
                                     progress=tick)
    except DomainError as exc:
        return _refuse(exc)
    print(f"imported {done.products:,} products and {done.skus:,} SKUs "
          f"({done.brands_created:,} new brands) in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_import_cdnow(args: argparse.Namespace) -> int:
    from transactional_api.core.db import transaction
    from transactional_api.core.errors import DomainError
    from transactional_api.orders.cdnow_format import read_cdnow
    from transactional_api.orders.cdnow_import import import_cdnow

    settings = Settings()
    started = time.perf_counter()
    try:
        lines = read_cdnow(Path(args.path))
        with _engine(settings) as engine, _progress_bar(not args.no_progress) as tick, \
                transaction(sessionmaker(engine)) as session:
            done = import_cdnow(session=session, lines=lines, progress=tick)
    except DomainError as exc:
        return _refuse(exc)
    print(f"CDNOW purchases {done.first_date} to {done.last_date} loaded in "
          f"{time.perf_counter() - started:.1f} s: {done.lines:,} lines of {done.customers:,} "
          f"customers; {done.orders_created:,} paid orders created "
          f"({done.cents_created / 100:,.2f} USD), {done.orders_already_present:,} already "
          f"present; {done.accounts_created:,} accounts created.")
    return 0


def cmd_export_csv(args: argparse.Namespace) -> int:
    from transactional_api.catalog.csv_export import export_csv
    from transactional_api.core.db import read_only

    settings = Settings()
    with _engine(settings) as engine, sessionmaker(read_only(engine))() as session, \
            session.begin():
        if args.file == "-":
            for chunk in export_csv(session=session):
                sys.stdout.write(chunk)
            return 0
        target = Path(args.file)
        partial = target.with_name(target.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="") as fh:
            for chunk in export_csv(session=session):
                fh.write(chunk)
        partial.replace(target)  # a reader never sees half a file
    print(f"exported the catalog to {target}", file=sys.stderr)
    return 0


def add_imports(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import",
                         help="bulk-load the catalog (Olist data, CSV) or past orders (CDNOW)")
    kinds = imp.add_subparsers(dest="what", required=True, metavar="WHAT")
    p = kinds.add_parser("olist-catalog", help="load the Olist product catalog and sellers")
    p.add_argument("path", help="the Olist folder, e.g. ../shared/data/olist")
    p.add_argument("--seed", type=int, default=0, help="same seed, same names/prices/stock")
    p.add_argument("--limit", type=_positive, default=None, help="only the first N products")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_import_olist)
    p = kinds.add_parser("catalog-csv", help="import products and SKUs from a catalog CSV")
    p.add_argument("file")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_import_csv)
    p = kinds.add_parser("cdnow", help="load CDNOW's purchases as paid orders of 1997-98")
    p.add_argument("path", help="a CDNOW file, e.g. ../shared/data/cdnow/CDNOW_master.txt")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_import_cdnow)

    exp = sub.add_parser("export", help="export the catalog")
    kinds = exp.add_subparsers(dest="what", required=True, metavar="WHAT")
    p = kinds.add_parser("catalog-csv", help="write the catalog as CSV (import's format)")
    p.add_argument("file", help="target file, or - for standard output")
    p.set_defaults(func=cmd_export_csv)
