"""An import-linter contract of ARCHITECTURE.md that import-linter has no type for: no app
imports another app's private modules or names (``from cases.views import _case_context``).

An app's public surface is its modules' names without a leading underscore. Used by
``lint-imports`` (``[tool.importlinter]`` in ``pyproject.toml``); not imported by the application.
"""

import ast

from importlinter import Contract, ContractCheck, fields, output


def _imported_names(line: str) -> list[str]:
    """The names a ``from x import a, b as c`` line binds from its module ('' if unparsable)."""
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:  # an import split over several lines: grimp keeps the first line only
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.extend(alias.name for alias in node.names)
    return names


class CrossAppPrivacyContract(Contract):
    """Configuration: ``apps``, the top-level packages whose privacy is checked."""

    type_name = "cross_app_privacy"
    apps = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        apps = set(self.apps)  # type: ignore[arg-type]
        violations = []
        for importer in sorted(graph.modules):
            importer_app = importer.split(".")[0]
            if importer_app not in apps:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = imported.split(".")[0]
                if imported_app == importer_app or imported_app not in apps:
                    continue
                private_module = any(part.startswith("_") for part in imported.split(".")[1:])
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    line = detail["line_contents"]
                    private_names = [name for name in _imported_names(line) if name.startswith("_")]
                    if private_module or private_names:
                        violations.append(
                            {
                                "importer": importer,
                                "imported": imported,
                                "line_number": detail["line_number"],
                                "line": line,
                            }
                        )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(
                f"{violation['importer']} -> {violation['imported']} "
                f"(l. {violation['line_number']}): {violation['line']}",
                bold=False,
            )
        output.new_line()
