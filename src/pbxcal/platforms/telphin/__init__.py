"""Telphin (Ringme) intervals: the body writer, reader and evaluator (`target`) and the API client (`client`)."""
