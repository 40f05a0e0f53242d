"""Command line for templates and anonymised case studies (issue 19); ``cli.py`` wires these in.

    consortium-planner new --list                               the shipped templates
    consortium-planner new --template NAME OUT.cplan [--force]  a new workspace from a template
    consortium-planner anonymise FILE -o OUT.cplan [--scale F] [--keep-text] [--case-study OUT.pdf]
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

COMMANDS = ("new", "anonymise")


def _fail(message: str, code: int = 1) -> int:
    print(f"consortium-planner: {message}", file=sys.stderr)
    return code


def _scale(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (e.g. 1.5)") from None
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number above zero")
    return value


def add_parsers(sub) -> None:
    n = sub.add_parser("new", help="write a new workspace from a shipped template (see --list)")
    n.add_argument("out", nargs="?", type=Path, help="the workspace file to write")
    n.add_argument("--template", help="the template's name (default: demo)")
    n.add_argument("--list", action="store_true", help="list the templates and stop")
    n.add_argument("--force", action="store_true", help="replace OUT if it exists (it is backed up first)")
    a = sub.add_parser("anonymise", help="write an anonymised copy of a workspace (and a case-study PDF)",
                       description="Names of organisations, buyers, tenders, competitors, employers, risk owners "
                                   "and areas are replaced consistently; free text is dropped unless --keep-text; "
                                   "money is multiplied by --scale (volumes, headcounts and percentages are kept). "
                                   "The copy is checked for every original name before it is kept.")
    a.add_argument("file", help="the workspace to anonymise (it is only read)")
    a.add_argument("-o", "--out", type=Path, required=True, help="the new .cplan to write")
    a.add_argument("--scale", type=_scale, default=Decimal(1), help="multiply every amount of money by F (default 1)")
    a.add_argument("--keep-text", action="store_true",
                   help="keep notes, descriptions and other free text (names in it are still replaced)")
    a.add_argument("--case-study", type=Path, metavar="OUT.pdf", help="also write a short case-study PDF")
    a.add_argument("--force", action="store_true", help="replace OUT if it exists (never the workspace read)")


def cmd_new(args) -> int:
    from .services.templates import TEMPLATES, TemplateError, write_template

    if args.list:
        for t in TEMPLATES:
            print(f"{t.name:16} {t.title}\n{'':16} {t.description}")
        return 0
    if args.out is None:
        return _fail("name the workspace file to write, e.g. new --template youth_alliance youth.cplan")
    if args.out.exists() and not args.force:
        return _fail(f"{args.out}: already exists (use --force to replace it)")
    name = args.template or "demo"
    try:
        path = write_template(name, args.out, overwrite=True)
    except TemplateError as exc:
        return _fail(str(exc))
    print(f"Wrote a new workspace from the {name!r} template to {path}")
    return 0


def cmd_anonymise(args) -> int:
    from .domain.anonymise import AnonymiseError
    from .reports.files import check_output
    from .services.anonymise import read_workspace, write_anonymised

    if args.case_study is not None:
        check_output(args.case_study)  # never over a workspace, before any work
        if args.case_study.resolve() == args.out.resolve():
            return _fail("--case-study and -o name the same file")
    try:
        result = write_anonymised(args.file, args.out, scale=args.scale, keep_text=args.keep_text,
                                  overwrite=args.force)
    except AnonymiseError as exc:
        return _fail(str(exc))
    print(f"Wrote an anonymised copy to {result.path} ({len(result.aliases)} names replaced; checked for "
          f"{result.names_checked} names and words of names: none left)")
    if args.keep_text and args.scale != 1:
        print("warning: figures written inside the kept text (notes, descriptions) are not scaled; read them "
              "before sharing the copy", file=sys.stderr)
    if args.case_study is not None:
        from .reports.case_study import CaseStudyError, write_case_study

        try:
            pdf = write_case_study(read_workspace(result.path), args.case_study)
        except CaseStudyError as exc:
            return _fail(str(exc))
        print(f"Wrote the case study to {pdf}")
    return 0


COMMAND_FUNCTIONS = {"new": cmd_new, "anonymise": cmd_anonymise}
