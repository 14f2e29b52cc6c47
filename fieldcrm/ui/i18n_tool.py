"""Keep the translations in step with the code: extract strings into .ts, compile .qm.

``python -m fieldcrm.ui.i18n_tool update``   refresh resources/translations/*.ts
``python -m fieldcrm.ui.i18n_tool compile``  write fieldcrm/ui/translations/*.qm
``python -m fieldcrm.ui.i18n_tool check``    fail when a German string is missing

Strings are found in ``self.tr("...")`` (context: the enclosing class),
``QCoreApplication.translate("Context", "...")`` and ``_t("...")`` (context: the module's
``TR_CONTEXT``). Existing translations are kept; English translations equal the source.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

UI = Path(__file__).resolve().parent
ROOT = UI.parents[1]
TS_DIR = ROOT / "resources" / "translations"
QM_DIR = UI / "translations"
LANGUAGES = ("en", "de")


def extract(files: list[Path]) -> dict[str, list[str]]:
    """Context -> source strings in order of first appearance."""
    found: dict[str, list[str]] = {}

    def add(context: str, text: str) -> None:
        items = found.setdefault(context, [])
        if text not in items:
            items.append(text)

    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_context = None
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "TR_CONTEXT" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ):
                module_context = str(node.value.value)
        _walk(tree, None, module_context, add)
    return found


def _walk(node: ast.AST, cls: str | None, module_context: str | None, add: object) -> None:
    assert callable(add)
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            _walk(child, child.name, module_context, add)
            continue
        if isinstance(child, ast.Call):
            func = child.func
            args = child.args
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "tr"
                and cls is not None
                and args
                and isinstance(args[0], ast.Constant)
                and isinstance(args[0].value, str)
            ):
                add(cls, args[0].value)
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == "translate"
                and len(args) >= 2
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2])
            ):
                add(str(args[0].value), str(args[1].value))  # type: ignore[attr-defined]
            elif (
                isinstance(func, ast.Name)
                and func.id == "_t"
                and module_context
                and args
                and isinstance(args[0], ast.Constant)
                and isinstance(args[0].value, str)
            ):
                add(module_context, args[0].value)
        _walk(child, cls, module_context, add)


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    done: dict[tuple[str, str], str] = {}
    root = ET.parse(path).getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if (
                translation is not None
                and translation.text
                and translation.get("type") != "unfinished"
            ):
                done[(name, source)] = translation.text
    return done


def write_ts(
    path: Path, language: str, strings: dict[str, list[str]], done: dict[tuple[str, str], str]
) -> int:
    """Write the .ts file; returns the number of strings without a translation."""
    root = ET.Element("TS", version="2.1", language="de_DE" if language == "de" else "en_US")
    missing = 0
    for context in sorted(strings):
        ctx = ET.SubElement(root, "context")
        ET.SubElement(ctx, "name").text = context
        for source in strings[context]:
            message = ET.SubElement(ctx, "message")
            ET.SubElement(message, "source").text = source
            translation = ET.SubElement(message, "translation")
            text = source if language == "en" else done.get((context, source))
            if text:
                translation.text = text
            else:
                translation.set("type", "unfinished")
                missing += 1
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', encoding="utf-8"
    )
    return missing


def ts_path(language: str) -> Path:
    return TS_DIR / f"fieldcrm_{language}.ts"


def update() -> int:
    strings = extract(sorted(UI.rglob("*.py")))
    missing = 0
    for language in LANGUAGES:
        missing += write_ts(ts_path(language), language, strings, read_ts(ts_path(language)))
    total = sum(len(v) for v in strings.values())
    print(f"{total} strings; {missing} without a translation")
    return 0


def compile_qm() -> int:
    lrelease = shutil.which("pyside6-lrelease") or str(
        Path(sys.executable).parent / "pyside6-lrelease"
    )
    QM_DIR.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        subprocess.run(
            [
                lrelease,
                "-silent",
                str(ts_path(language)),
                "-qm",
                str(QM_DIR / f"fieldcrm_{language}.qm"),
            ],
            check=True,
        )
    return 0


def check() -> int:
    strings = extract(sorted(UI.rglob("*.py")))
    done = read_ts(ts_path("de"))
    missing = [(c, s) for c, items in strings.items() for s in items if (c, s) not in done]
    for context, source in missing:
        print(f"missing German: [{context}] {source}")
    return 1 if missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    args = parser.parse_args(argv)
    return {"update": update, "compile": compile_qm, "check": check}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
