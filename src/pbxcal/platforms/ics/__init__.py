"""iCalendar as a target: the writer and its evaluator (`target`); no API client."""
