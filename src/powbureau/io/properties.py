"""The import format's vocabulary: canonical properties, header matching and the `--map` option.

Properties are those of DESIGN.md §5 plus `service_branch` (Army, RAAF, …), `notes` and the age triple
`age`/`age_recorded_on`/`age_system`; ISO 3166-1 alpha-2 codes check `serving_power` and `nationality`."""

from __future__ import annotations

from ..domain.messages import Msg
from functools import lru_cache

from powbureau.domain.errors import ValidationFailed

CANONICAL_PROPERTIES: tuple[str, ...] = (
    "external_id",
    "name_full",
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "birth_place",
    "service_number",
    "service_branch",
    "rank",
    "unit",
    "serving_power",
    "nationality",
    "father_given_name",
    "mother_maiden_name",
    "language",
    "capture_date",
    "capture_place",
    "notes",
    "age",
    "age_recorded_on",
    "age_system",
)
NAME_PROPERTIES = frozenset(
    {"name_full", "surname", "given_name", "patronymic", "father_given_name", "mother_maiden_name"}
)
ALIAS_PROPERTIES = frozenset({"name_full", "surname", "given_name", "patronymic"})
DATE_PROPERTIES = frozenset({"birth_date", "capture_date", "last_seen_date"})
IDENTIFIER_PROPERTIES = frozenset({"external_id", "service_number"})
COUNTRY_PROPERTIES = frozenset({"serving_power", "nationality"})
AGE_PROPERTIES = frozenset({"age", "age_recorded_on", "age_system"})
MULTILINE_PROPERTIES = frozenset({"notes"})
IGNORE = "ignore"
#: Columns of an enquiry file (a hotline's export) beside the sought person's properties above; known only when
#: the import kind is ``enquiries`` (GC III Art. 122(7)).
ENQUIRY_PROPERTIES: tuple[str, ...] = (
    "reference", "channel", "enquirer_name", "enquirer_relationship", "enquirer_contact", "enquirer_language",
    "consent", "last_seen_place", "last_seen_date", "side",
)
# Headers that mean a canonical property without a --map (DVA nominal roll: `service` = Army/RAAF/RAN/…).
HEADER_SYNONYMS: dict[str, str] = {"service": "service_branch"}

# ISO 3166-1 alpha-2, the 249 officially assigned codes (user-assigned codes such as XK are not accepted).
ISO_3166_ALPHA2 = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
    BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
    FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS
    IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM
    MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS
    PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
    TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()
)
_COUNTRY_HINTS = {"UK": "GB", "EN": "GB", "SU": "RU", "USSR": "RU", "DPRK": "KP", "ROK": "KR", "USA": "US"}


def known_properties_text() -> str:
    """The canonical property names, comma-separated, for error messages."""
    return ", ".join(CANONICAL_PROPERTIES)


def normalise_header(header: str) -> str:
    """Header text as compared with property names: BOM and outer spaces removed, lower case, inner spaces
    and hyphens as underscores (``Date of Birth`` → ``date_of_birth``)."""
    h = header.replace("\ufeff", "").strip().lower()
    return "_".join(h.replace("-", " ").split())


def canonical_property(header: str, kind: str | None = None) -> str | None:
    """The canonical property a header denotes by itself (exact name, normalised name or documented synonym),
    or None when it needs a ``--map``. ENQUIRY_PROPERTIES count only for ``kind='enquiries'``."""
    h = normalise_header(header)
    if h in CANONICAL_PROPERTIES or (kind == "enquiries" and h in ENQUIRY_PROPERTIES):
        return h
    return HEADER_SYNONYMS.get(h)


def parse_mapping(text: str | None) -> dict[str, str]:
    """Parse ``--map 'THEIR_HEADER=property,…'`` into ``{their_header: property}``.

    The target may be any canonical property or ``ignore`` (drop that column on purpose). Raises
    ``ValidationFailed`` for a pair without ``=``, an empty side, an unknown property, a header given twice or
    two headers sent to the same property."""
    if text is None or not text.strip():
        return {}
    mapping: dict[str, str] = {}
    for number, pair in enumerate(text.split(","), start=1):
        if not pair.strip():
            continue
        if "=" not in pair:
            raise ValidationFailed(
                Msg("--map: '{value}' (pair {number}) has no '=' — write THEIR_HEADER=property, e.g. --map 'dva_id=external_id,name=name_full'", value=pair.strip(), number=number)
            )
        source, _, target = pair.partition("=")
        source, target = source.strip(), target.strip().lower()
        if not source or not target:
            raise ValidationFailed(
                Msg("--map: '{value}' (pair {number}) has an empty side — write THEIR_HEADER=property", value=pair.strip(), number=number)
            )
        if target != IGNORE and target not in CANONICAL_PROPERTIES and target not in ENQUIRY_PROPERTIES:
            raise ValidationFailed(
                Msg("--map: '{target}' is not a property — use one of: {value} (or 'ignore')", target=target, value=known_properties_text())
            )
        if source in mapping:
            raise ValidationFailed(Msg("--map: the header '{source}' is mapped twice — keep one pair for it", source=source))
        mapping[source] = target
    return check_mapping(mapping)


def check_mapping(mapping: dict[str, str]) -> dict[str, str]:
    """Check a ``{their_header: property}`` mapping (from ``--map`` or the web import's mapping form) and return
    it: every target a canonical property or ``ignore``, no two headers sent to the same property. Raises
    ``ValidationFailed``."""
    for target in mapping.values():
        if target != IGNORE and target not in CANONICAL_PROPERTIES and target not in ENQUIRY_PROPERTIES:
            raise ValidationFailed(
                Msg("--map: '{target}' is not a property — use one of: {value} (or 'ignore')", target=target, value=known_properties_text())
            )
    targets = [t for t in mapping.values() if t != IGNORE]
    for target in set(targets):
        if targets.count(target) > 1:
            sources = [s for s, t in mapping.items() if t == target]
            raise ValidationFailed(
                Msg("--map: headers {items} are all mapped to '{target}' — map only one of them", items=', '.join(sources), target=target)
            )
    return mapping


@lru_cache(maxsize=4096)
def check_country(value: str) -> str:
    """Upper-cased ISO 3166-1 alpha-2 code; raises ``ValidationFailed`` (with a hint, ``UK`` → ``GB``)."""
    code = value.strip().upper()
    if code in ISO_3166_ALPHA2:
        return code
    hint = _COUNTRY_HINTS.get(code)
    advice = f"use {hint}" if hint else "use a two-letter ISO 3166 code such as UA, RU, KR, KP, AU, GB"
    raise ValidationFailed(Msg("'{value}' is not an ISO 3166 alpha-2 country code — {advice}", value=value.strip(), advice=advice))
