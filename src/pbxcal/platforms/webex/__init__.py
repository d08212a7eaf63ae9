"""Webex Calling: location schedules of type holidays (target) and the Calling configuration API (client)."""
