"""What people read: terminal reports, practice sheets (HTML, Markdown, LaTeX), MathML, and the
jinja2 templates every generated file comes from."""
