"""GraphQL adapter (strawberry): thin resolvers over the domain services."""
