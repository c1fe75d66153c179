"""Pages of the oversight app, one module per part of the work. Thin: parse, check access, call one service
or selector, render."""
