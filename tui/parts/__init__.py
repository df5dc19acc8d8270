"""The small parts every layer of the app builds with: literal text, the key footer, the core-work bridge,
swatches and badges. They import nothing of the app above them."""
