"""What people read: terminal reports, practice sheets (HTML, Markdown, LaTeX) and MathML."""
