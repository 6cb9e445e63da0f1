"""A printable HTML rendering of an order's invoices (one page each).

Every value goes through ``_e`` (html.escape, quotes too): names, addresses and product
names come from shoppers and merchants, and the document must never run their markup.
"""

from __future__ import annotations

from html import escape

from transactional_api.fulfillment.models import Invoice

# No scripts, no remote resources: the response's CSP allows inline styles only.
CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
_STYLE = """
body { font-family: system-ui, sans-serif; color: #111; margin: 2rem; }
section.invoice { page-break-after: always; max-width: 52rem; margin: 0 auto 3rem; }
header { display: flex; justify-content: space-between; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
th, td { border-bottom: 1px solid #ccc; padding: .35rem .5rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { border: none; }
@media print { body { margin: 0; } }
"""


def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def money(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d} {currency}"


def render(invoices: list[Invoice]) -> str:
    title = ", ".join(i.number for i in invoices)
    body = "\n".join(_section(i) for i in invoices)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Invoice {_e(title)}</title><style>{_STYLE}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")


def _address(a: dict | None) -> str:
    if not a:
        return ""
    parts = [a.get("line1"), a.get("line2"),
             " ".join(p for p in (a.get("postal_code"), a.get("city")) if p),
             " ".join(p for p in (a.get("region"), a.get("country")) if p), a.get("phone")]
    return "<br>".join(_e(p) for p in parts if p)


def _section(inv: Invoice) -> str:
    cur = inv.currency
    seller, buyer = inv.seller, inv.buyer
    rows = "\n".join(
        f"<tr><td>{_e(ln['product_name'])}<br><small>{_e(ln['sku_name'])}</small></td>"
        f"<td class=\"n\">{_e(ln['quantity'])}</td>"
        f"<td class=\"n\">{_e(money(ln['list_price_cents'], cur))}</td>"
        f"<td class=\"n\">{_e(money(ln['unit_price_cents'], cur))}</td>"
        f"<td class=\"n\">{_e(money(ln['discount_cents'], cur))}</td>"
        f"<td class=\"n\">{_e(money(ln['net_cents'], cur))}</td>"
        f"<td class=\"n\">{_e(money(ln['tax_cents'], cur))}</td>"
        f"<td class=\"n\">{_e(money(ln['total_cents'], cur))}</td></tr>"
        for ln in inv.lines)
    totals = "\n".join(
        f"<tr><td colspan=\"7\" class=\"n\">{_e(label)}</td>"
        f"<td class=\"n\">{_e(money(cents, cur))}</td></tr>"
        for label, cents in (("Subtotal", inv.subtotal_cents),
                             ("Discount", -inv.discount_cents),
                             ("Shipping", inv.shipping_cents), ("Tax", inv.tax_cents),
                             ("Total", inv.total_cents)))
    seller_place = ", ".join(p for p in (seller.get("city"), seller.get("region")) if p)
    return f"""<section class="invoice">
<header><div><h1>Invoice {_e(inv.number)}</h1>
<p>Issued {_e(inv.issued_at.date().isoformat())} &middot; Order {_e(inv.order_id)}</p></div>
<div><h2>Seller</h2><p>{_e(seller.get("name"))}<br>{_e(seller_place)}</p></div></header>
<h2>Bill to</h2>
<p>{_e(buyer.get("name") or buyer.get("email"))}<br>{_e(buyer.get("email"))}<br>
{_address(buyer.get("address"))}</p>
<table><thead><tr><th>Item</th><th class="n">Qty</th><th class="n">List price</th>
<th class="n">Unit price</th><th class="n">Discount</th><th class="n">Net</th>
<th class="n">Tax</th><th class="n">Amount</th></tr></thead>
<tbody>
{rows}
</tbody>
<tfoot>
{totals}
</tfoot></table>
<p><small>Amounts in {_e(cur)}. Sub-orders: {_e(", ".join(inv.sub_order_ids))}.</small></p>
</section>"""
