"""Settings of translated texts (issue 16, transactional_api/translations). Settings
inherits them; each is FLYWHEEL_<NAME>."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator


class TranslationSettings(BaseModel):
    translations_default_language: str = Field(
        "en", description="The shop's default language (BCP 47): the language of the "
        "catalog's original texts, and the last step of every fallback chain before them")
    translations_supported_languages: list[str] = Field(
        default_factory=lambda: ["en", "pt-BR", "pt", "es", "fr", "de"],
        description="Languages shoppers may ask for (lang, Accept-Language); texts are "
        "accepted in these and in their regional variants")

    @field_validator("translations_default_language")
    @classmethod
    def _one_tag(cls, value: str) -> str:
        from transactional_api.translations.language import normalise
        return normalise(value)

    @field_validator("translations_supported_languages")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        from transactional_api.translations.language import normalise
        return list(dict.fromkeys(normalise(v) for v in value))
