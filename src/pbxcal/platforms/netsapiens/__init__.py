"""NetSapiens v2 timeframes: the body writer, reader and evaluator (`target`), the API client (`client`), and the
platform's Holiday API rows (`holiday_api`)."""
