"""Understanding: contexts in Rhino's YAML compiled to grammars, the built-in intents, the robust
parser for reminders, timers and alarms, and spoken numbers, dates, times and durations."""
