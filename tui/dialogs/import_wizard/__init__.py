"""The import-action wizard (I1): `ImportWizard(db, workspace, campaign)` dismisses an
ImportResult or None; `open_import_wizard` first asks for the target campaign when none is known."""

from tui.dialogs.import_wizard.launch import open_import_wizard
from tui.dialogs.import_wizard.wizard import ImportWizard

__all__ = ["ImportWizard", "open_import_wizard"]
