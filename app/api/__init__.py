"""HTTP adapters: REST and GraphQL over the domain services."""
