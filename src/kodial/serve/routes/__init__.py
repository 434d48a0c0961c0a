"""One router per resource: health, chat (completions and models), sessions, classify, web."""
