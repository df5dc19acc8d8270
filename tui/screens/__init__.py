"""Screens and dialogs of the app. Dialogs are `ModalScreen[T]` that `dismiss()` a value."""
