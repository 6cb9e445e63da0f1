"""International address formats: per country, which fields are required, what a postal
code looks like, and the order the lines are written in (JP and CN big to small, the US
city/state/ZIP on one line, the UK postcode on a line of its own).

``region`` is also the shop's shipping zone (shipping rates are keyed by it), so a country
that does not use one may still give one. A country without a format of its own keeps the
address book's rules from before formats existed: region and postal code required, any
postal code the schema accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.duties.countries import is_country

FIELDS = ("name", "phone", "line1", "line2", "city", "region", "postal_code", "country")
POSTAL_NONE = "none"          # the country has no postal codes: none may be given
POSTAL_OPTIONAL = "optional"  # used by some addresses only (Ireland's Eircode)
POSTAL_REQUIRED = "required"


@dataclass(frozen=True)
class Format:
    country: str
    name: str
    lines: tuple[str, ...]    # templates over the fields, written in this order
    region_required: bool = True
    postal: str = POSTAL_REQUIRED
    postal_pattern: str | None = None
    upper_postal: bool = False  # letters in the postal code are written in capitals
    example: dict = field(default_factory=dict)

    def required(self) -> list[str]:
        out = ["name", "line1", "city", "country"]
        if self.region_required:
            out.append("region")
        if self.postal == POSTAL_REQUIRED:
            out.append("postal_code")
        return out


_US_LINE = "{city}, {region} {postal_code}"
_EU_LINE = "{postal_code} {city}"
_STREET = ("{name}", "{line1}", "{line2}")
FORMATS = {f.country: f for f in (
    Format("US", "United States", (*_STREET, _US_LINE), postal_pattern=r"\d{5}(-\d{4})?",
           example={"city": "Springfield", "region": "IL", "postal_code": "62704"}),
    Format("CA", "Canada", (*_STREET, _US_LINE), upper_postal=True,
           postal_pattern=r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d",
           example={"city": "Toronto", "region": "ON", "postal_code": "M5V 2T6"}),
    Format("MX", "Mexico", (*_STREET, "{postal_code} {city}, {region}"),
           postal_pattern=r"\d{5}",
           example={"city": "Ciudad de México", "region": "CDMX", "postal_code": "06600"}),
    Format("BR", "Brazil", (*_STREET, "{city} - {region}", "{postal_code}"),
           postal_pattern=r"\d{5}-?\d{3}",
           example={"city": "São Paulo", "region": "SP", "postal_code": "01310-100"}),
    Format("AU", "Australia", (*_STREET, "{city} {region} {postal_code}"),
           postal_pattern=r"\d{4}",
           example={"city": "Sydney", "region": "NSW", "postal_code": "2000"}),
    Format("IN", "India", (*_STREET, "{city} {postal_code}", "{region}"),
           postal_pattern=r"[1-9]\d{5}",
           example={"city": "Mumbai", "region": "MH", "postal_code": "400001"}),
    Format("GB", "United Kingdom", (*_STREET, "{city}", "{postal_code}"),
           region_required=False, upper_postal=True,
           postal_pattern=r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
           example={"city": "London", "postal_code": "SW1A 1AA"}),
    Format("FR", "France", (*_STREET, _EU_LINE), region_required=False,
           postal_pattern=r"\d{5}", example={"city": "Paris", "postal_code": "75008"}),
    Format("DE", "Germany", (*_STREET, _EU_LINE), region_required=False,
           postal_pattern=r"\d{5}", example={"city": "Berlin", "postal_code": "10115"}),
    Format("ES", "Spain", (*_STREET, "{postal_code} {city} {region}"), region_required=False,
           postal_pattern=r"\d{5}", example={"city": "Madrid", "postal_code": "28013"}),
    Format("IT", "Italy", (*_STREET, "{postal_code} {city} {region}"),
           postal_pattern=r"\d{5}",
           example={"city": "Roma", "region": "RM", "postal_code": "00184"}),
    Format("NL", "Netherlands", (*_STREET, "{postal_code} {city}"), region_required=False,
           upper_postal=True, postal_pattern=r"\d{4} ?[A-Z]{2}",
           example={"city": "Amsterdam", "postal_code": "1012 JS"}),
    Format("IE", "Ireland", (*_STREET, "{city}", "{region}", "{postal_code}"),
           region_required=False, postal=POSTAL_OPTIONAL, upper_postal=True,
           postal_pattern=r"[AC-FHKNPRTV-Y]\d[\dW] ?[0-9AC-FHKNPRTV-Y]{4}",
           example={"city": "Dublin", "postal_code": "D02 X285"}),
    Format("JP", "Japan", ("〒{postal_code}", "{region}{city}", "{line1}", "{line2}",
                           "{name}"),
           postal_pattern=r"\d{3}-?\d{4}",
           example={"city": "千代田区", "region": "東京都", "postal_code": "100-0001"}),
    Format("CN", "China", ("{postal_code}", "{region}{city}", "{line1}", "{line2}", "{name}"),
           postal_pattern=r"\d{6}",
           example={"city": "北京市", "region": "北京", "postal_code": "100000"}),
    Format("HK", "Hong Kong", (*_STREET, "{city}"), region_required=False,
           postal=POSTAL_NONE, example={"city": "Central"}),
    Format("AE", "United Arab Emirates", (*_STREET, "{city}", "{region}"),
           region_required=False, postal=POSTAL_NONE,
           example={"city": "Dubai", "region": "DU"}),
)}
# big to small: the country comes first; everywhere else it closes the address
BIG_TO_SMALL = frozenset({"JP", "CN"})


def format_for(country: str) -> Format:
    """The country's format (a generic one for a real country without its own); 404
    unknown_country for a code ISO 3166-1 does not assign."""
    if not is_country(country):
        raise NotFound(f"{country!r} is not an ISO 3166-1 alpha-2 country code",
                       code="unknown_country", details={"country": country})
    return FORMATS.get(country) or Format(country, country, (
        *_STREET, "{city} {region} {postal_code}"))


def _bad(field_name: str, message: str, country: str, code: str = "address_invalid"):
    return Unprocessable(f"{field_name}: {message}", code=code,
                         details={"field": field_name, "country": country})


def check(fields: dict) -> dict:
    """The address (every field in FIELDS) checked against its country's format: 422
    address_invalid naming the field when it is missing or malformed, unknown_country for
    a code no country has. Returns it with the postal code in the country's capitals."""
    country = fields.get("country")
    if not is_country(country):
        raise _bad("country", f"{country!r} is not an ISO 3166-1 alpha-2 country code",
                   str(country), code="unknown_country")
    fmt = format_for(country)
    for name in fmt.required():
        if not fields.get(name):
            raise _bad(name, f"required for addresses in {fmt.name}", country)
    out = dict(fields)
    postal = fields.get("postal_code")
    if postal:
        if fmt.postal == POSTAL_NONE:
            raise _bad("postal_code", f"{fmt.name} has no postal codes", country)
        if fmt.upper_postal:
            postal = out["postal_code"] = postal.upper()
        if fmt.postal_pattern and not re.fullmatch(fmt.postal_pattern, postal):
            example = fmt.example.get("postal_code")
            raise _bad("postal_code", f"not a postal code of {fmt.name} (like {example})",
                       country)
    return out


def format_lines(address: dict) -> list[str]:
    """The address as written on a parcel to its country, one string per line (empty
    lines left out), the country's name on the first (JP, CN) or the last line."""
    fmt = format_for(address["country"])
    values = {k: (address.get(k) or "") for k in FIELDS}
    lines = []
    for template in fmt.lines:
        if all(not values[k] for k in re.findall(r"\{(\w+)\}", template)):
            continue
        text = re.sub(r"\s+", " ", template.format(**values)).strip(" ,-")
        if text:
            lines.append(text)
    name = fmt.name.upper()
    return [name, *lines] if fmt.country in BIG_TO_SMALL else [*lines, name]
