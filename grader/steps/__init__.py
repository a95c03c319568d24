"""The lesson's steps: the step table, the quantities they name, what ``net`` holds, hints,
exercise stubs and the JSON view of a problem."""
