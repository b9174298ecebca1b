"""Groups of employees that an identity provider assigns to the service (SCIM), with their
members; programs may restrict enrolment to their members."""
