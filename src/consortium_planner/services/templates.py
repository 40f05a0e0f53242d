"""Workspace templates: File → New from template and ``consortium-planner new --template NAME OUT``.

Each template is a readable TOML source in the demo's format (``services.demo`` reads, checks and
writes it): the demo itself (``resources/demo/demo.toml``) and those in ``resources/templates/``.

    for t in TEMPLATES: print(t.name, t.title)
    write_template("youth_alliance", Path("youth.cplan"))

To add one: write ``resources/templates/<name>.toml`` (copy a shipped one; mark each assumed figure
``[A]`` in a comment) and add a ``Template`` line below; ``tests/services/test_templates.py`` checks
that every template listed loads, validates, summarises and prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .demo import DEMO_PACKAGE, DEMO_RESOURCE, DemoSourceError, parse_demo_source, write_demo

__all__ = ["TEMPLATES", "Template", "TemplateError", "template", "template_source", "template_source_text",
           "write_template"]


class TemplateError(ValueError):
    """No template of that name, or its source is inconsistent."""


@dataclass(frozen=True)
class Template:
    name: str  # what ``new --template`` takes
    title: str
    description: str
    resource: tuple[str, ...]  # the TOML source, inside the package


TEMPLATES: tuple[Template, ...] = (
    Template("demo", "County wellbeing service (the demo)",
             "Seven providers (mutuals, a co-operative, a charity, a CIC and a firm) compare going alone, a lead "
             "provider and an SPV for a £4m-a-year county tender for care at home and community wellbeing.",
             DEMO_RESOURCE),
    Template("youth_alliance", "Youth-services alliance",
             "A youth mutual, a youth charity and a mentoring CIC compare a lead provider with an alliance "
             "contract for a borough's £0.9m-a-year youth work, reserved for mutuals.",
             ("resources", "templates", "youth_alliance.toml")),
    Template("leisure_spv", "Leisure mutual's SPV",
             "A leisure mutual with a refurbishment loan compares going alone with an SPV formed with a community "
             "health CIC and a falls charity for a £1.1m-a-year active lives service bought by an ICB.",
             ("resources", "templates", "leisure_spv.toml")),
)


def template(name: str) -> Template:
    """The template called ``name`` (case and ``-``/``_`` ignored); ``TemplateError`` listing the names."""
    wanted = name.strip().casefold().replace("-", "_")
    for t in TEMPLATES:
        if t.name == wanted:
            return t
    raise TemplateError(f"no template named {name!r} (templates: {', '.join(t.name for t in TEMPLATES)})")


def template_source_text(name: str) -> str:
    return resources.files(DEMO_PACKAGE).joinpath(*template(name).resource).read_text(encoding="utf-8")


def template_source(name: str) -> dict[str, Any]:
    try:
        return parse_demo_source(template_source_text(name))
    except DemoSourceError as exc:
        raise TemplateError(f"template {name!r}: {exc}") from None


def write_template(name: str, path: str | Path, *, overwrite: bool = False) -> Path | str:
    """A new workspace at ``path`` holding template ``name`` (checked in memory first; see ``write_demo``)."""
    source = template_source(name)
    try:
        return write_demo(path, overwrite=overwrite, source=source)
    except DemoSourceError as exc:
        raise TemplateError(f"template {name!r}: {exc}") from None
