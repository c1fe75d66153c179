"""Benefits pages: thin views that parse a form, check access, call one selector or service, and render."""
