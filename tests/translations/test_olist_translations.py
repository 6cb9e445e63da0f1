"""The Olist catalog as a real two-language case: English categories from the catalog
import, their Portuguese names from the translation file."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pytest

from transactional_api.catalog import olist as catalog_olist
from transactional_api.cli.translations import add_catalog
from transactional_api.translations.olist import import_translations

OLIST = Path("/work/shared/data/olist")
pytestmark = pytest.mark.skipif(not (OLIST / catalog_olist.TRANSLATION_FILE).is_file(),
                                reason="the Olist data is not on this machine")


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_catalog(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_olist_categories_answer_in_portuguese_and_are_found_in_it(api, monkeypatch, capsys):
    with api.sessions() as s, s.begin():
        catalog_olist.import_olist(session=s, folder=OLIST, seed=7, limit=300, currency="USD")
    # the CLI, against the API's own database
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(api.settings.var_dir))
    assert _cli(["catalog", "import-olist-translations", "--data", str(OLIST)]) == 0
    with OLIST.joinpath(catalog_olist.TRANSLATION_FILE).open(encoding="utf-8-sig") as fh:
        file_rows = sum(1 for _ in csv.DictReader(fh))
    out = capsys.readouterr().out
    # every name in the file plus the two it lacks matches one of the 74 categories
    assert f"{file_rows + 2} read, {file_rows + 2} match" in out
    with api.client() as c:
        cats = {x["slug"]: x["name"] for x in c.get(
            "/v1/categories", params={"lang": "pt-BR"}).json()["items"]}
        english = {x["slug"]: x["name"] for x in c.get("/v1/categories").json()["items"]}
        assert (english["bed-bath-table"], cats["bed-bath-table"]) == (
            "Bed bath table", "Cama mesa banho")
        assert cats["pc-gamer"] == "Pc gamer" and cats["uncategorised"] == "Uncategorised"
        # a Portuguese word finds the products of the category, answered in English
        # names unless asked otherwise
        bed = next(x["id"] for x in c.get("/v1/categories").json()["items"]
                   if x["slug"] == "bed-bath-table")
        hits = c.get("/v1/search", params={"q": "cama mesa", "limit": 100}).json()
        assert hits["total"] > 0
        assert {i["category_id"] for i in hits["items"]} == {bed}
        assert hits["total"] == c.get("/v1/search", params={"category_id": bed}).json()["total"]
    # a second run changes nothing
    with api.sessions() as s, s.begin():
        again = import_translations(session=s, folder=OLIST,
                                    supported=api.settings.translations_supported_languages)
    assert (again.created, again.updated, again.unchanged) == (0, 0, file_rows + 2)


def test_a_folder_without_the_file_is_refused(api, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(api.settings.var_dir))
    assert _cli(["catalog", "import-olist-translations", "--data", str(tmp_path)]) == 1
    assert "not found" in capsys.readouterr().err
