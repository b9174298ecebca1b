"""The employee directory that HRIS systems keep in sync."""
