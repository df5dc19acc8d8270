"""Modal dialogs: ModalScreen[T] subclasses that dismiss a typed value (or None on Escape)."""
