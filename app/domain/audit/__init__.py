"""The audit trail: administrators' actions and managers' reads of other people's data."""
