"""A tiny Olist-shaped folder with the real files' quirks: a BOM and CRLF in the
translation, ids quoted or not, a blank category, an untranslated one, missing sizes."""

from __future__ import annotations

from pathlib import Path

from transactional_api.catalog import olist

PRODUCTS = """\
"product_id","product_category_name","product_name_lenght","product_description_lenght",\
"product_photos_qty","product_weight_g","product_length_cm","product_height_cm","product_width_cm"
"1e9e8ef04dbcff4541ed26657ea517e5",perfumaria,40,287,1,225,16,10,14
"3aa071139cb16b67ca9e5dea641aaa2f",artes,44,276,1,1000,30,18,20
96bd76ec8810374ed1b65e291975717f,esporte_lazer,46,250,1,154,18,9,15
"cef67bcfe19066a932b7673e239eb23d",bebes,27,261,1,371,26,4,26
"9dc1a7de274444849c219cff195d0b71",,,,,625,20,17,13
"41d3672d4792049fa1779bb35283ed13",pc_gamer,60,745,1,200,38,5,11
"732bd381ad09e530fe0a5f457d81becb",esporte_lazer,56,1272,4,18350,70,24,44
"2548af3e6e77a690cf3eb6368e9ab61e",perfumaria,56,184,2,,,,
"""
SELLERS = """\
"seller_id","seller_zip_code_prefix","seller_city","seller_state"
"3442f8959a84dea7ee197c632cb2df15","13023",campinas,SP
d1b65fc7debc3361ea86b5f14c68d2e2,"13844",mogi guacu,SP
"ce3ad9de960102d0677a81f5d0bb7b2d","20031",rio de janeiro,RJ
"""
TRANSLATION = ("\ufeffproduct_category_name,product_category_name_english\r\n"
               "perfumaria,perfumery\r\nartes,art\r\nesporte_lazer,sports_leisure\r\n"
               "bebes,baby\r\nbeleza_saude,health_beauty\r\n")


def write_sample(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / olist.PRODUCTS_FILE).write_text(PRODUCTS, encoding="utf-8")
    (folder / olist.SELLERS_FILE).write_text(SELLERS, encoding="utf-8")
    (folder / olist.TRANSLATION_FILE).write_bytes(TRANSLATION.encode("utf-8"))
    return folder


def load(sessions, folder: Path, *, seed: int = 7, limit: int | None = None):
    from transactional_api.core.db import transaction

    with transaction(sessions) as s:
        return olist.import_olist(session=s, folder=folder, seed=seed, limit=limit,
                                  currency="USD")
